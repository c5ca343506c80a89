"""The Odoo side of a world, as an operator and an auditor see it.

- seeding: a customer and a posted invoice created through Odoo's external API with the
  executive user's key (what an accountant would have done before the scenario starts);
- inspection: invoices by the task that asked for them, by name, and the payments on them,
  read through the fake's test API (the arbiter, like the remote is for the vault);
- the backup drill: ``POST /web/database/backup`` and ``/web/database/restore`` with the
  master password (the routes a real deployment's backup job uses), and a wipe in between;
- the finance side of the vault: a customer's payment notice, the human approving a finance
  action, and what the remote holds for a task (tasks, approvals, Local's attempts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from employee.odoo import InvoiceLine, OdooClient, OdooConfig
from employee.vault import Claim, claim_of, parse_document
from harness.errors import HarnessError
from harness.scenario import SeedMail

if TYPE_CHECKING:
    from harness.remote import RemoteView
    from harness.world import World

__all__ = [
    "INVOICE_FIELDS",
    "BackupDrill",
    "ErpError",
    "OdooLike",
    "approve_action",
    "attempts_of",
    "backup",
    "claim_on_remote",
    "copies_on_remote",
    "database_exists",
    "executive_client",
    "invoice_for_task",
    "invoice_named",
    "invoice_named_id",
    "invoices",
    "payment_notice_mail",
    "payments_on",
    "restore",
    "run_backup_drill",
    "seed_posted_invoice",
    "snapshot",
]

#: The invoice fields a backup must keep intact.
INVOICE_FIELDS = (
    "id",
    "name",
    "state",
    "partner_id",
    "amount_total",
    "amount_residual",
    "payment_state",
    "ref",
    "invoice_line_ids",
)


class ErpError(HarnessError):
    """An Odoo operation of the harness failed (the route answered with an error page)."""


class OdooLike(Protocol):
    """What these helpers need of `harness.actors.OdooActor`."""

    ready: dict[str, Any]
    url: str
    db: str

    def user(self, role: str) -> dict[str, Any]: ...

    def records(self, model: str, domain: list[Any] | None = None) -> list[dict[str, Any]]: ...


# -- seeding --------------------------------------------------------------------------------------
def executive_client(odoo: OdooLike) -> OdooClient:
    """An external-API client logged in as the executive user (close it after use)."""
    user = odoo.user("executive")
    return OdooClient(
        OdooConfig(url=odoo.url, db=odoo.db, login=str(user["login"]), secret=str(user["api_key"]))
    )


def seed_posted_invoice(
    odoo: OdooLike,
    *,
    partner: str,
    email: str,
    lines: Sequence[tuple[str, float, float]],
    key: str,
) -> dict[str, Any]:
    """Create and post a customer invoice (idempotent per ``key``); returns its record."""
    client = executive_client(odoo)
    try:
        partner_id = client.find_or_create_partner(partner, email)
        typed = [InvoiceLine(name, qty, price) for name, qty, price in lines]
        invoice_id = client.create_draft_invoice(partner_id, typed, key, key)
        client.post_invoice(invoice_id)
    finally:
        client.close()
    record = invoice_named_id(odoo, invoice_id)
    if record is None or record.get("state") != "posted":
        raise ErpError(f"the seeded invoice {invoice_id} was not posted")
    return record


# -- inspection ------------------------------------------------------------------------------------
def invoices(odoo: OdooLike) -> list[dict[str, Any]]:
    """Every customer invoice, oldest first."""
    return odoo.records("account.move", [["move_type", "=", "out_invoice"]])


def invoice_for_task(odoo: OdooLike, task_id: str) -> list[dict[str, Any]]:
    """The customer invoices whose reference is ``task_id`` (Cloud sets ``ref`` to it)."""
    return [i for i in invoices(odoo) if i.get("ref") == task_id]


def invoice_named(odoo: OdooLike, name: str) -> dict[str, Any] | None:
    found = [i for i in invoices(odoo) if i.get("name") == name]
    return found[0] if found else None


def invoice_named_id(odoo: OdooLike, invoice_id: int) -> dict[str, Any] | None:
    found = odoo.records("account.move", [["id", "=", invoice_id]])
    return found[0] if found else None


def payments_on(odoo: OdooLike, invoice_name: str) -> list[dict[str, Any]]:
    """Payments whose memo names the invoice (the employee writes ``"<name> platinum:<key>"``)."""
    return [
        p
        for p in odoo.records("account.payment")
        if str(p.get("memo") or p.get("ref") or "").split(" ")[0] == invoice_name
    ]


def snapshot(odoo: OdooLike) -> list[dict[str, Any]]:
    """The customer invoices reduced to `INVOICE_FIELDS`, for before/after comparison."""
    return [{f: inv.get(f) for f in INVOICE_FIELDS} for inv in invoices(odoo)]


# -- backup, wipe, restore ----------------------------------------------------------------------
def _form_error(response: httpx.Response) -> str:
    if "alert-danger" in response.text[:4000]:
        return response.text.split("alert-danger'>", 1)[-1].split("</div>", 1)[0]
    return ""


def database_exists(odoo: OdooLike) -> bool:
    """Whether ``/web/database/list`` names the world's database."""
    body = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}
    response = httpx.post(f"{odoo.url}/web/database/list", json=body, timeout=10)
    response.raise_for_status()
    return odoo.db in (response.json().get("result") or [])


def backup(odoo: OdooLike) -> bytes:
    """``POST /web/database/backup`` (zip format, master password); returns the zip."""
    form = {"master_pwd": odoo.ready["master_password"], "name": odoo.db, "backup_format": "zip"}
    response = httpx.post(f"{odoo.url}/web/database/backup", data=form, timeout=60)
    error = _form_error(response)
    if response.status_code != 200 or error or not response.content.startswith(b"PK"):
        raise ErpError(f"backup refused (HTTP {response.status_code}): {error}")
    return response.content


def restore(odoo: OdooLike, zip_bytes: bytes) -> None:
    """``POST /web/database/restore`` (multipart, master password) under the world's db name."""
    form = {"master_pwd": odoo.ready["master_password"], "name": odoo.db}
    files = {"backup_file": ("backup.zip", zip_bytes, "application/zip")}
    response = httpx.post(f"{odoo.url}/web/database/restore", data=form, files=files, timeout=60)
    error = _form_error(response)
    if response.status_code not in (200, 303) or error:
        raise ErpError(f"restore refused (HTTP {response.status_code}): {error}")


@dataclass(frozen=True)
class BackupDrill:
    """What a backup → wipe → restore drill saw."""

    before: list[dict[str, Any]]
    existed_after_wipe: bool
    after: list[dict[str, Any]]
    backup_bytes: int

    @property
    def intact(self) -> bool:
        return bool(self.before) and self.before == self.after and not self.existed_after_wipe


def run_backup_drill(odoo: OdooLike, wipe: Any) -> BackupDrill:
    """Back up over HTTP, ``wipe()`` the database, restore the zip, compare the invoices."""
    before = snapshot(odoo)
    data = backup(odoo)
    wipe()
    gone = not database_exists(odoo)
    restore(odoo, data)
    return BackupDrill(before, not gone, snapshot(odoo), len(data))


# -- the finance side of the vault ---------------------------------------------------------------
def payment_notice_mail(
    ref: str, invoice_name: str, amount: float, *, currency: str = "EUR"
) -> SeedMail:
    """Anna's mail saying she paid ``invoice_name`` (a new Message-ID each delivery)."""
    return SeedMail(
        ref=ref,
        from_addr="anna.keller@customer.test",
        from_name="Anna Keller",
        subject=f"Payment of invoice {invoice_name}",
        body=(
            f"Hello,\n\nwe have paid invoice {invoice_name} ({amount:,.2f} {currency}) today "
            "by bank transfer.\n\nBest regards,\nAnna Keller\n"
        ),
    )


def approve_action(world: World, task_id: str, action: str, timeout: float = 30.0) -> Path:
    """Wait for the ``action`` approval of ``task_id`` in Local's tree; the human approves it."""
    world.wait_for(
        lambda: [p for p in world.human.pending_approvals(task_id) if f"--{action}" in p.name],
        timeout=timeout,
        describe=f"the {action} approval of {task_id} in Local's working tree",
    )
    return world.human.approve(task_id, action=action)


def copies_on_remote(remote: RemoteView, task_id: str) -> tuple[list[str], list[str]]:
    """The task files and approval files of ``task_id`` anywhere on the remote's tip."""
    paths = remote.paths()
    tasks = [p for p in paths if p.rsplit("/", 1)[-1] == f"{task_id}.md"]
    approvals = [p for p in paths if p.rsplit("/", 1)[-1].startswith(f"APPROVAL_{task_id}--")]
    return tasks, approvals


def attempts_of(remote: RemoteView, approval_id: str) -> int:
    """How many times Local announced it was executing ``approval_id`` (its pushed intents)."""
    return sum(
        1
        for e in remote.audit_entries("local")
        if e.get("action_type") == "approval_intent" and e.get("target") == approval_id
    )


def claim_on_remote(remote: RemoteView, task_id: str, agent: str = "cloud") -> Claim | None:
    """The claim recorded on ``In_Progress/<agent>/<task_id>.md`` at the remote's tip."""
    rel = f"In_Progress/{agent}/{task_id}.md"
    if not remote.has(rel):
        return None
    return claim_of(parse_document(remote.read_text(rel)).meta)
