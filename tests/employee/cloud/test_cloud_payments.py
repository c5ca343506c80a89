"""Cloud turns a payment notice into a register_payment approval, looking Odoo up read only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest

from employee.brain import PaymentNotice, RulesPolicy
from employee.cloud.agent import _facts, _handbook
from employee.cloud.drafting import bundle_for
from employee.cloud.ingest import ingest_op
from employee.cloud.payments import payment_amount
from employee.mail import InboundMail, parse_inbound
from employee.mcp.client import ToolClient
from employee.odoo import InvoiceLine, OdooClient, OdooConfig
from employee.vault import Vault, apply_claim, layout
from fakes.odoo import FakeOdoo

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def odoo() -> Iterator[FakeOdoo]:
    with FakeOdoo(version="19") as fake:
        yield fake


@pytest.fixture
def draft_tools(odoo: FakeOdoo) -> Iterator[ToolClient]:
    user = odoo.drafter
    env = {
        "ODOO_URL": odoo.url,
        "ODOO_DB": odoo.db,
        "ODOO_LOGIN": user.login,
        "ODOO_SECRET": user.api_key,
        "ODOO_ROLE": "drafter",
    }
    client = ToolClient("employee.mcp.odoo", ["--mode", "draft"], env=env)
    try:
        yield client
    finally:
        client.close()


def posted_invoice(odoo: FakeOdoo, key: str = "seed_1") -> tuple[int, str]:
    user = odoo.executive
    config = OdooConfig(url=odoo.url, db=odoo.db, login=user.login, secret=user.api_key)
    with OdooClient(config) as client:
        assert isinstance(client, OdooClient)
        partner = client.find_or_create_partner("Anna Keller", "anna@customer.test")
        invoice_id = client.create_draft_invoice(
            partner, [InvoiceLine("Consulting day", 3, 800.0)], key, key
        )
        invoice = client.post_invoice(invoice_id)
    assert invoice.name
    return invoice_id, invoice.name


def drafted(vault: Vault, body: str, tools: ToolClient, n: int = 1) -> str:
    msg = EmailMessage()
    msg["From"] = "Anna Keller <anna@customer.test>"
    msg["To"] = "owner@platinum.test"
    msg["Subject"] = "Payment"
    msg["Message-ID"] = f"<pay{n}@customer.test>"
    msg.set_content(body)
    raw = msg.as_bytes()
    mail = parse_inbound(raw)
    assert isinstance(mail, InboundMail)
    op = ingest_op(mail, raw, now=NOW)
    op.apply(vault, NOW)
    apply_claim(vault, "email", op.task_id, "cloud", NOW, timedelta(minutes=5))
    task = vault.read(layout.in_progress("cloud", op.task_id))
    bundle_for(
        task_id=op.task_id,
        task=task,
        facts=_facts(task.meta, task.body, NOW),
        policy=RulesPolicy(),
        handbook=_handbook(vault),
        now=NOW,
        ttl=timedelta(hours=72),
        odoo=lambda: tools,
    ).apply(vault)
    return op.task_id


def test_a_payment_notice_asks_to_register_the_payment(
    tmp_path: Path, odoo: FakeOdoo, draft_tools: ToolClient
) -> None:
    invoice_id, name = posted_invoice(odoo)
    vault = Vault.init(tmp_path / "vault")
    task_id = drafted(vault, f"We have paid invoice {name} (2,400.00 EUR) today.", draft_tools)
    (approval_rel,) = vault.list("Pending_Approval/finance")
    assert approval_rel.name == f"APPROVAL_{task_id}--register_payment.md"
    approval = vault.read(approval_rel)
    assert approval.meta["action"] == "register_payment"
    assert approval.meta["invoice_id"] == invoice_id
    assert approval.meta["amount"] == pytest.approx(2400.0)
    assert approval.meta["partner"] == "Anna Keller"
    assert vault.exists(layout.plan("finance", task_id))
    task = vault.read(layout.in_progress("cloud", task_id))
    assert task.meta["status"] == "awaiting_approval"
    assert task.meta["category"] == "payment_notice"
    # Cloud only read: no payment exists in Odoo.
    assert odoo.records("account.payment") == []


def test_an_unknown_invoice_gets_an_alert_and_no_approval(
    tmp_path: Path, odoo: FakeOdoo, draft_tools: ToolClient
) -> None:
    vault = Vault.init(tmp_path / "vault")
    task_id = drafted(vault, "We have paid invoice INV/2026/09999 (10 EUR).", draft_tools)
    assert vault.list("Pending_Approval") == []
    assert vault.read(layout.in_progress("cloud", task_id)).meta["status"] == "done"
    (update,) = vault.list("Updates")
    note = vault.read(update)
    assert note.meta["kind"] == "alert"
    assert "no customer invoice INV/2026/09999" in str(note.meta["title"])


def test_an_already_paid_invoice_gets_no_approval(
    tmp_path: Path, odoo: FakeOdoo, draft_tools: ToolClient
) -> None:
    invoice_id, name = posted_invoice(odoo)
    user = odoo.executive
    config = OdooConfig(url=odoo.url, db=odoo.db, login=user.login, secret=user.api_key)
    with OdooClient(config) as client:
        assert isinstance(client, OdooClient)
        client.register_payment(invoice_id, None, idempotency_key="paid_before")
    vault = Vault.init(tmp_path / "vault")
    drafted(vault, f"We have paid invoice {name}.", draft_tools)
    assert vault.list("Pending_Approval") == []
    (update,) = vault.list("Updates")
    assert "already paid" in str(vault.read(update).meta["title"])


@pytest.mark.parametrize(
    ("stated", "amount", "why"),
    [
        (None, 2400.0, "no amount"),
        ("2400", 2400.0, "matches"),
        ("1000", 1000.0, "partial"),
        ("9000", 2400.0, "more than"),
    ],
)
def test_the_amount_proposed(stated: str | None, amount: float, why: str) -> None:
    notice = PaymentNotice("INV/2026/00001", None if stated is None else Decimal(stated), "EUR")
    got, reason = payment_amount(notice, 2400.0)
    assert got == pytest.approx(amount)
    assert why in reason
