"""Carry out one approved side effect through the right MCP server and classify the outcome.

The executor never decides *whether* to act (the agent checked the approval's origin, expiry
and pushed the intent first); it only performs the action and says what happened:

- ``executed``: the effect happened (mail accepted or found already sent; invoice posted;
  payment registered; post published);
- ``retry``: a transient failure; the agent pushes a new intent and tries again later (for mail
  the email server first looks for the stable Message-ID in Sent, so a retry never duplicates);
- ``failed``: permanent; the approval is filed as failed with an alert. Payments are never
  retried automatically: any failure is ``failed`` and needs a fresh approval.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from employee.errors import ToolError
from employee.mcp.client import ToolClient
from employee.vault import Approval

__all__ = ["ACTION_DOMAIN", "Executor", "Result", "action_type_of"]

ACTION_DOMAIN = {
    "send_email": "email",
    "post_invoice": "finance",
    "send_invoice": "finance",
    "register_payment": "finance",
    "publish_post": "social",
}

_ACTION_TYPES = {
    "send_email": "email_sent",
    "send_invoice": "invoice_emailed",
    "post_invoice": "invoice_posted",
    "register_payment": "payment_registered",
    "publish_post": "post_published",
}


def action_type_of(action: str) -> str:
    return _ACTION_TYPES.get(action, action)


@dataclass(frozen=True)
class Result:
    kind: Literal["executed", "retry", "failed"]
    result: str
    detail: Mapping[str, Any] = field(default_factory=dict)


def _strings(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v]


class Executor:
    """Maps an approval's ``action`` to MCP tool calls (servers started on first use)."""

    def __init__(
        self,
        *,
        email: Callable[[], ToolClient],
        odoo: Callable[[], ToolClient],
        social: Callable[[], ToolClient],
    ) -> None:
        self._email = email
        self._odoo = odoo
        self._social = social

    def execute(self, approval: Approval, *, now: datetime) -> Result:
        action = approval.action
        try:
            if action == "send_email":
                return self._send_mail(approval, approval.body)
            if action == "send_invoice":
                return self._send_invoice(approval)
            if action == "post_invoice":
                return self._post_invoice(approval)
            if action == "register_payment":
                return self._register_payment(approval)
            if action == "publish_post":
                return self._publish(approval)
        except ToolError as exc:
            if action == "register_payment":
                return Result("failed", "payment_failed", {"error": exc.message})
            return Result("retry", "tool_unavailable", {"error": exc.message})
        return Result("failed", "unknown_action", {"action": action})

    # -- mail -----------------------------------------------------------------------------------
    def _send_mail(self, approval: Approval, body: str) -> Result:
        p = approval.params
        reply = self._email().call(
            "send_email",
            {
                "to": _strings(p.get("to")),
                "cc": _strings(p.get("cc")),
                "subject": str(p.get("subject", "")),
                "body": body,
                "in_reply_to": str(p.get("in_reply_to") or "") or None,
                "references": _strings(p.get("references")),
                "approval_id": approval.approval_id,
            },
        )
        status = str(reply.get("status", ""))
        detail = {
            "to": _strings(p.get("to")),
            "subject": str(p.get("subject", "")),
            "message_id": reply.get("message_id", ""),
            "smtp_code": reply.get("smtp_code"),
            "status": status,
        }
        if status in ("sent", "already_sent"):
            return Result("executed", status, detail)
        if status == "permanent_failure":
            return Result(
                "failed", f"smtp {reply.get('smtp_code')}: {reply.get('detail', '')}", detail
            )
        return Result("retry", status or "unknown", detail)

    def _send_invoice(self, approval: Approval) -> Result:
        invoice = self._odoo().call(
            "get_invoice", {"invoice_id": int(approval.params["invoice_id"])}
        )
        if invoice.get("state") != "posted":
            return Result("retry", "invoice_not_posted", {"state": invoice.get("state")})
        summary = (
            f"\n\nInvoice {invoice.get('name')}: {float(invoice.get('amount_total', 0)):.2f} "
            f"(amount due {float(invoice.get('amount_residual', 0)):.2f}).\n"
        )
        return self._send_mail(approval, approval.body.rstrip("\n") + summary)

    # -- odoo -----------------------------------------------------------------------------------
    def _post_invoice(self, approval: Approval) -> Result:
        invoice_id = int(approval.params["invoice_id"])
        odoo = self._odoo()
        before = odoo.call("get_invoice", {"invoice_id": invoice_id})
        if before.get("state") == "posted":
            return Result("executed", "already_posted", {"invoice": before.get("name")})
        try:
            after = odoo.call("post_invoice", {"invoice_id": invoice_id})
        except ToolError as exc:
            if "UserError" in exc.message or "AccessError" in exc.message:
                return Result("failed", "odoo_refused", {"error": exc.message})
            raise
        return Result(
            "executed", "posted", {"invoice": after.get("name"), "state": after.get("state")}
        )

    def _register_payment(self, approval: Approval) -> Result:
        p = approval.params
        args: dict[str, Any] = {
            "invoice_id": int(p["invoice_id"]),
            "idempotency_key": f"pay_{approval.approval_id}".replace("-", "_"),
        }
        if p.get("amount"):
            args["amount"] = float(p["amount"])
        paid = self._odoo().call("register_payment", args)
        invoice = paid.get("invoice") or {}
        return Result(
            "executed",
            "payment_registered",
            {"payment_id": paid.get("payment_id"), "payment_state": invoice.get("payment_state")},
        )

    # -- social -----------------------------------------------------------------------------------
    def _publish(self, approval: Approval) -> Result:
        reply = self._social().call(
            "publish_post",
            {
                "text": approval.body.strip(),
                "idempotency_key": approval.approval_id,
                "approval_id": approval.approval_id,
            },
        )
        return Result("executed", "published", dict(reply))
