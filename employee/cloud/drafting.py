"""From a claimed task to the files of its drafting transaction.

`bundle_for` asks the policy for a triage, a plan and a draft, creates the draft invoice in
Odoo for invoice requests (through the draft-mode Odoo MCP server: idempotent per task id, so a
retry after a crash finds the same invoice), looks up the invoice a payment notice names
(`employee.cloud.payments`), and returns one `Mutation`: the plan, the approval
request(s), the ``Updates/`` signal, and the task itself marked ``awaiting_approval`` with
``executor: local`` (so no Cloud worker ever reclaims work whose side effect Local owns).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from employee.brain import Handbook, MailFacts, Policy, Triage
from employee.cloud.documents import plan_document, reply_bundle, threading_of
from employee.cloud.payments import payment_bundle
from employee.errors import EmployeeError, ToolError
from employee.mail import reply_subject
from employee.mcp.client import ToolClient
from employee.sync import Mutation
from employee.vault import (
    Document,
    approval_id_for,
    layout,
    new_approval,
    new_update,
)

__all__ = ["MAX_REFUSALS", "DraftingError", "bundle_for", "given_up_bundle", "is_refusal"]

#: Drafting gives up on a task after Odoo *refused* it this many times (outages never count).
MAX_REFUSALS = 3
# The Odoo MCP server's wording for an answer that refused; the SDK prefixes the tool name.
_REFUSED = re.compile(r"(?:Error executing tool \w+: )?Odoo refused \(")


class DraftingError(EmployeeError):
    """Drafting cannot finish now (Odoo unreachable, no Odoo configured); retry later."""


def bundle_for(
    *,
    task_id: str,
    task: Document,
    facts: MailFacts,
    policy: Policy,
    handbook: Handbook,
    now: datetime,
    ttl: timedelta,
    odoo: Callable[[], ToolClient],
) -> Mutation:
    """The drafting transaction's files for one claimed task."""
    triage = policy.triage(facts, handbook)
    plan_text = policy.plan(facts, triage)
    draft = policy.draft_reply(facts, triage, handbook)
    task_meta = dict(task.meta)
    task_meta.update(
        status="awaiting_approval",
        executor="local",
        category=triage.category,
        priority=triage.priority,
    )
    writes: dict[str, Document | str] = {}
    in_progress = str(layout.in_progress("cloud", task_id))
    if _invoice_ready(triage) and draft is not None:
        writes.update(
            _invoice_bundle(task_id, task_meta, triage, draft.body, plan_text, now, ttl, odoo)
        )
    elif triage.category == "payment_notice" and triage.payment and not triage.escalation:
        writes.update(
            payment_bundle(
                task_id=task_id,
                task_meta=task_meta,
                triage=triage,
                plan_text=plan_text,
                now=now,
                ttl=ttl,
                odoo=odoo,
            )
        )
    elif draft is not None:
        bundle = reply_bundle(
            task_id=task_id,
            task_meta=task_meta,
            triage=triage,
            draft=draft,
            plan_text=plan_text,
            now=now,
            ttl=ttl,
        )
        writes[str(layout.plan("email", task_id))] = bundle.plan
        for approval_id, doc in bundle.approvals.items():
            writes[str(layout.pending_approval("email", approval_id))] = doc
        writes[str(layout.update(str(bundle.update.meta["id"])))] = bundle.update
    else:
        # Newsletter, spam or escalation: nothing to send; Local files it on its next merge.
        task_meta["status"] = "done"
        reason = triage.escalation or ", ".join(triage.reasons) or triage.category
        note = new_update(
            update_id=f"{task_id}--triaged",
            kind="alert" if triage.escalation else "info",
            source="cloud",
            created=now,
            title=f"No reply drafted ({triage.category}): {reason}",
            body=f"[[{task_id}]]",
            task_id=task_id,
        )
        writes[str(layout.plan("email", task_id))] = plan_document(
            task_id=task_id, domain="email", text=plan_text, now=now, triage=triage
        )
        writes[str(layout.update(f"{task_id}--triaged"))] = note
    writes[in_progress] = Document(task_meta, task.body)
    return Mutation.of(writes)


def _invoice_ready(triage: Triage) -> bool:
    """An invoice request with every price known; otherwise the reply asks the sender first."""
    request = triage.invoice
    return (
        triage.category == "invoice_request"
        and request is not None
        and not request.needs_human_input
        and request.total is not None
    )


def _invoice_bundle(
    task_id: str,
    task_meta: dict[str, Any],
    triage: Triage,
    reply_body: str,
    plan_text: str,
    now: datetime,
    ttl: timedelta,
    odoo: Callable[[], ToolClient],
) -> dict[str, Document | str]:
    request = triage.invoice
    assert request is not None
    if request.needs_human_input or request.total is None:
        raise DraftingError(
            "invoice request lacks prices; a human must complete it", task_id=task_id
        )
    client = odoo()
    partner = client.call(
        "find_or_create_partner",
        {"name": request.partner_name or request.partner_email, "email": request.partner_email},
    )
    lines = [
        {
            "name": line.description,
            "quantity": float(line.quantity),
            "price_unit": float(line.unit_price or Decimal(0)),
        }
        for line in request.lines
    ]
    invoice = client.call(
        "create_draft_invoice",
        {
            "partner_id": int(partner["partner_id"]),
            "lines": lines,
            "idempotency_key": f"platinum_{task_id}".replace("-", "_"),
            "ref": task_id,
        },
    )
    invoice_id = int(invoice["id"])
    amount = float(invoice.get("amount_total") or request.total)
    partner_name = str(invoice.get("partner") or request.partner_name)
    expires = now + ttl
    post_id = approval_id_for(task_id, "post_invoice")
    send_id = approval_id_for(task_id, "send_invoice")
    in_reply_to, references = threading_of(task_meta)
    post = new_approval(
        approval_id=post_id,
        task_id=task_id,
        action="post_invoice",
        params={
            "invoice_id": invoice_id,
            "amount": amount,
            "partner": partner_name,
            "currency": request.currency or "",
        },
        body=(
            f"Post draft invoice {invoice_id} for {partner_name}: {amount:.2f} "
            f"{request.currency or ''}.\n\nLines:\n"
            + "\n".join(
                f"- {line.quantity} x {line.description} @ {line.unit_price}"
                for line in request.lines
            )
            + "\n"
        ),
        created=now,
        expires=expires,
        requested_by="cloud",
    )
    send = new_approval(
        approval_id=send_id,
        task_id=task_id,
        action="send_invoice",
        params={
            "invoice_id": invoice_id,
            "to": [str(task_meta.get("from", ""))],
            "cc": [],
            "subject": reply_subject(str(task_meta.get("subject", ""))),
            "in_reply_to": in_reply_to,
            "references": references,
            "after": post_id,
        },
        body=reply_body,
        created=now,
        expires=expires,
        requested_by="cloud",
    )
    task_meta["invoice_id"] = invoice_id
    plan = plan_document(task_id=task_id, domain="finance", text=plan_text, now=now, triage=triage)
    update = new_update(
        update_id=f"{task_id}--drafted",
        kind="approval_pending",
        source="cloud",
        created=now,
        title=f"Draft invoice {invoice_id} for {partner_name} ({amount:.2f}); approvals needed",
        body=f"[[APPROVAL_{post_id}]] then [[APPROVAL_{send_id}]]",
        task_id=task_id,
    )
    return {
        str(layout.plan("finance", task_id)): plan,
        str(layout.pending_approval("finance", post_id)): post,
        str(layout.pending_approval("finance", send_id)): send,
        str(layout.update(f"{task_id}--drafted")): update,
    }


def is_refusal(exc: EmployeeError) -> bool:
    """True when Odoo answered and refused (access, validation), not when it was unreachable."""
    return isinstance(exc, ToolError) and bool(_REFUSED.match(exc.message))


def given_up_bundle(*, task_id: str, task: Document, reason: str, now: datetime) -> Mutation:
    """Stop drafting a task Odoo keeps refusing: the task is done, the owner gets an alert."""
    note = new_update(
        update_id=f"{task_id}--not_drafted",
        kind="alert",
        source="cloud",
        created=now,
        title=f"Cloud could not draft this task, Odoo refused it {MAX_REFUSALS} times: "
        + reason[:200],
        body=f"[[{task_id}]] needs the owner: nothing was sent or posted.",
        task_id=task_id,
    )
    meta = {**task.meta, "status": "done", "result": "not_drafted"}
    return Mutation.of(
        {
            str(layout.in_progress("cloud", task_id)): Document(meta, task.body),
            str(layout.update(f"{task_id}--not_drafted")): note,
        }
    )
