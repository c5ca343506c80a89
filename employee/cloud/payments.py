"""From a payment notice to a ``register_payment`` approval request (Cloud never pays).

Cloud looks the invoice up read-only through its draft-mode Odoo MCP server and asks the owner
to approve registering the payment; Local executes it. An unknown, unposted or already paid
invoice gets no approval: the task is done with an ``Updates/`` note for the owner. A failed
payment is never retried by anyone: a fresh approval comes from a fresh request (the customer's
next mail about it becomes a new task, hence a new approval id).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from employee.brain import PaymentNotice, Triage
from employee.cloud.documents import plan_document
from employee.errors import ToolError
from employee.mcp.client import ToolClient
from employee.vault import Document, approval_id_for, layout, new_approval, new_update

__all__ = ["find_invoice", "payment_amount", "payment_bundle"]

_SETTLED = ("paid", "in_payment", "reversed")


def find_invoice(client: ToolClient, ref: str) -> dict[str, Any] | None:
    """The customer invoice named ``ref`` (newest 200 looked at), read only."""
    listed = client.call("list_invoices", {"limit": 200}).get("result")
    if not isinstance(listed, list):
        raise ToolError("list_invoices returned no list", tool="list_invoices")
    for invoice in listed:
        if isinstance(invoice, Mapping) and invoice.get("name") == ref:
            return dict(invoice)
    return None


def payment_amount(notice: PaymentNotice, residual: float) -> tuple[float, str]:
    """What to register: the stated amount when it fits the amount due, else the amount due."""
    due = Decimal(str(residual)).quantize(Decimal("0.01"))
    stated = notice.amount
    if stated is None:
        return float(due), "the mail states no amount: the amount due is proposed"
    if stated > due:
        return float(due), f"the mail states {stated:.2f}, more than the {due:.2f} due"
    if stated < due:
        return float(stated), f"partial payment: {stated:.2f} of {due:.2f} due"
    return float(stated), "the stated amount matches the amount due"


def payment_bundle(
    *,
    task_id: str,
    task_meta: dict[str, Any],
    triage: Triage,
    plan_text: str,
    now: datetime,
    ttl: timedelta,
    odoo: Callable[[], ToolClient],
) -> dict[str, Document | str]:
    """Plan + ``register_payment`` approval + signal; or a note when nothing can be paid."""
    notice = triage.payment
    assert notice is not None
    invoice = find_invoice(odoo(), notice.invoice_ref)
    plan = plan_document(task_id=task_id, domain="finance", text=plan_text, now=now, triage=triage)
    writes: dict[str, Document | str] = {str(layout.plan("finance", task_id)): plan}
    problem = _unpayable(notice, invoice)
    if problem or invoice is None:
        task_meta["status"] = "done"
        note = new_update(
            update_id=f"{task_id}--triaged",
            kind="alert",
            source="cloud",
            created=now,
            title=f"Payment notice not actionable: {problem}",
            body=f"[[{task_id}]]",
            task_id=task_id,
        )
        writes[str(layout.update(f"{task_id}--triaged"))] = note
        return writes
    amount, why = payment_amount(notice, float(invoice.get("amount_residual") or 0.0))
    invoice_id = int(invoice["id"])
    partner = str(invoice.get("partner") or task_meta.get("from_name") or "")
    approval_id = approval_id_for(task_id, "register_payment")
    approval = new_approval(
        approval_id=approval_id,
        task_id=task_id,
        action="register_payment",
        params={
            "invoice_id": invoice_id,
            "invoice": notice.invoice_ref,
            "amount": amount,
            "partner": partner,
            "currency": notice.currency or "",
        },
        body=(
            f"Register a payment of {amount:.2f} {notice.currency or ''} on invoice "
            f"{notice.invoice_ref} ({partner}), as {task_meta.get('from', 'the customer')} "
            f"reports.\n\nAmount due in Odoo: {float(invoice.get('amount_residual') or 0):.2f} "
            f"(total {float(invoice.get('amount_total') or 0):.2f}); {why}.\n\nCheck the bank "
            "statement before approving: a failed payment is never retried automatically.\n"
        ),
        created=now,
        expires=now + ttl,
        requested_by="cloud",
    )
    task_meta["invoice_id"] = invoice_id
    update = new_update(
        update_id=f"{task_id}--drafted",
        kind="approval_pending",
        source="cloud",
        created=now,
        title=f"Payment of {amount:.2f} on {notice.invoice_ref} reported; approval needed",
        body=f"[[APPROVAL_{approval_id}]]",
        task_id=task_id,
    )
    writes[str(layout.pending_approval("finance", approval_id))] = approval
    writes[str(layout.update(f"{task_id}--drafted"))] = update
    return writes


def _unpayable(notice: PaymentNotice, invoice: Mapping[str, Any] | None) -> str:
    ref = notice.invoice_ref
    if invoice is None:
        return f"no customer invoice {ref} in Odoo"
    if invoice.get("state") != "posted":
        return f"invoice {ref} is {invoice.get('state')}, not posted"
    if invoice.get("payment_state") in _SETTLED:
        return f"invoice {ref} is already {invoice.get('payment_state')}"
    if float(invoice.get("amount_residual") or 0.0) <= 0:
        return f"invoice {ref} has nothing left to pay"
    if notice.currency and invoice.get("currency") and notice.currency != invoice.get("currency"):
        return f"the mail pays in {notice.currency}, invoice {ref} is in {invoice['currency']}"
    return ""
