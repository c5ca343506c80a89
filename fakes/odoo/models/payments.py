"""Payments: account.payment and the account.payment.register wizard."""

from __future__ import annotations

from typing import Any

from fakes.odoo import security
from fakes.odoo.exceptions import UserError
from fakes.odoo.fields import Field
from fakes.odoo.models.accounting import AccountMove
from fakes.odoo.models.journal import journal_of_type, money, today
from fakes.odoo.orm import BaseModel, public, register

__all__ = ["AccountPayment", "PaymentRegister"]

_DISPLAY = Field("char", "Display Name", compute="_compute_display_name")


@register
class AccountPayment(BaseModel):
    _name = "account.payment"
    _description = "Payments"
    _order = "date desc, name desc, id desc"
    _fields = {
        "name": Field("char", "Number"),
        "display_name": _DISPLAY,
        "payment_type": Field(
            "selection",
            "Payment Type",
            required=True,
            default="inbound",
            selection=(("outbound", "Send"), ("inbound", "Receive")),
        ),
        "partner_type": Field(
            "selection",
            "Partner Type",
            default="customer",
            selection=(("customer", "Customer"), ("supplier", "Vendor")),
        ),
        "partner_id": Field("many2one", "Customer/Vendor", relation="res.partner"),
        "amount": Field("monetary", "Amount", default=0.0),
        "journal_id": Field("many2one", "Journal", relation="account.journal"),
        "currency_id": Field(
            "many2one", "Currency", relation="res.currency", default=lambda env: 1
        ),
        "date": Field("date", "Date", default=lambda env: today()),
        "memo": Field("char", "Memo"),
        "ref": Field("char", "Reference"),
        "state": Field(
            "selection",
            "Status",
            default="draft",
            readonly=True,
            selection=(
                ("draft", "Draft"),
                ("in_process", "In Process"),
                ("posted", "Posted"),
                ("paid", "Paid"),
                ("canceled", "Canceled"),
                ("cancel", "Cancelled"),
                ("rejected", "Rejected"),
            ),
        ),
        "reconciled_invoice_ids": Field(
            "many2many", "Reconciled Invoices", relation="account.move", readonly=True
        ),
        "company_id": Field("many2one", "Company", relation="res.company", default=lambda env: 1),
    }

    def _display_name(self, row: dict[str, Any]) -> str:
        return str(row.get("name") or "Draft Payment")

    def _prepare_create(self, values: dict[str, Any]) -> None:
        security.check_posting(self.env.role, "register a payment")
        values.setdefault("journal_id", journal_of_type(self, "bank"))

    def _check_write(self, vals: dict[str, Any]) -> None:
        security.check_posting(self.env.role, "register a payment")

    @public
    def action_post(self) -> bool:
        """Confirm draft payments: number them and mark them posted (17) or in process/paid."""
        security.check_posting(self.env.role, "register a payment")
        rows = self._raw()
        if any(row.get("state") != "draft" for row in rows):
            raise UserError("Only a draft payment can be posted.")
        for row in rows:
            self._confirm(row, settled=False)
        return False

    def _confirm(self, row: dict[str, Any], *, settled: bool) -> None:
        journal = self.store.get("account.journal", int(row.get("journal_id") or 0)) or {}
        date = str(row.get("date") or today())
        code = str(journal.get("code") or "BNK1")
        prefix = code if self.env.settings.major < 18 else f"P{code}"
        sequence = self.store.next_sequence(f"payment:{prefix}:{date[:4]}")
        if self.env.settings.major < 18:
            state = "posted"
        else:
            state = (
                "paid"
                if settled and self.env.settings.payment_state_on_payment == "paid"
                else "in_process"
            )
        self.store.update(
            self._name, row["id"], {"state": state, "name": f"{prefix}/{date[:4]}/{sequence:05d}"}
        )


@register
class PaymentRegister(BaseModel):
    _name = "account.payment.register"
    _description = "Pay"
    _transient = True
    _fields = {
        "payment_date": Field("date", "Payment Date", required=True, default=lambda env: today()),
        "amount": Field("monetary", "Amount"),
        "journal_id": Field("many2one", "Journal", relation="account.journal"),
        "communication": Field("char", "Memo"),
        "partner_id": Field(
            "many2one", "Customer/Vendor", relation="res.partner", compute="_compute_partner"
        ),
        "currency_id": Field(
            "many2one", "Currency", relation="res.currency", default=lambda env: 1
        ),
        "company_id": Field("many2one", "Company", relation="res.company", default=lambda env: 1),
        "payment_type": Field(
            "selection",
            "Payment Type",
            default="inbound",
            selection=(("outbound", "Send"), ("inbound", "Receive")),
        ),
        "display_name": _DISPLAY,
    }

    def _display_name(self, row: dict[str, Any]) -> str:
        return "Register Payment"

    def _compute_partner(self, row: dict[str, Any]) -> Any:
        moves = [self.store.get("account.move", i) for i in row.get("_invoice_ids") or []]
        return next((m.get("partner_id") for m in moves if m and m.get("partner_id")), False)

    def _active_invoices(self) -> list[dict[str, Any]]:
        context = self.env.context
        model, ids = context.get("active_model"), context.get("active_ids") or []
        if model not in ("account.move", "account.move.line"):
            raise UserError(
                "The register payment wizard should only be called on account.move or "
                "account.move.line records."
            )
        if model == "account.move.line":
            lines = [self.store.get("account.move.line", int(i)) for i in ids]
            ids = sorted({int(line["move_id"]) for line in lines if line})
        moves = self.env.sudo()["account.move"].browse([int(i) for i in ids])._raw()
        if not moves:
            raise UserError(
                "You can't open the register payment wizard without at least one record."
            )
        if any(m.get("state") != "posted" for m in moves):
            raise UserError("You can only register payment for posted journal entries.")
        accounting: AccountMove = self.env.sudo()["account.move"]  # type: ignore[assignment]
        if all(accounting._compute_residual(m) <= 0 for m in moves):
            raise UserError(
                "You can't register a payment because there is nothing left to pay on the "
                "selected journal items."
            )
        return moves

    def _prepare_create(self, values: dict[str, Any]) -> None:
        security.check_posting(self.env.role, "register a payment")
        moves = self._active_invoices()
        accounting: AccountMove = self.env.sudo()["account.move"]  # type: ignore[assignment]
        values["_invoice_ids"] = [m["id"] for m in moves]
        if not values.get("amount"):
            values["amount"] = money(sum(accounting._compute_residual(m) for m in moves))
        values.setdefault("journal_id", journal_of_type(self, "bank"))
        values.setdefault("communication", ", ".join(str(m.get("name")) for m in moves))

    def _split(self, vals: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        hidden = vals.pop("_invoice_ids", None)
        stored, relations = super()._split(vals)
        if hidden is not None:
            stored["_invoice_ids"] = hidden
        return stored, relations

    @public
    def action_create_payments(self) -> Any:
        """Create and confirm one payment per wizard and reconcile it with the invoices."""
        security.check_posting(self.env.role, "register a payment")
        accounting: AccountMove = self.env.sudo()["account.move"]  # type: ignore[assignment]
        payments = self.env.sudo()["account.payment"]
        created: list[int] = []
        for wizard in self._raw():
            moves = accounting.browse(wizard.get("_invoice_ids") or [])._raw()
            if any(m.get("state") != "posted" for m in moves):
                raise UserError("You can only register payment for posted journal entries.")
            left, settled = float(wizard.get("amount") or 0.0), True
            if left <= 0:
                raise UserError("The payment amount must be strictly positive.")
            for move in moves:
                left -= accounting._pay(move, left)
                fresh = accounting.store.get("account.move", move["id"]) or move
                settled = settled and accounting._compute_residual(fresh) <= 0
            partner = next((m.get("partner_id") for m in moves if m.get("partner_id")), False)
            [payment_id] = payments.create(
                [
                    {
                        "amount": wizard.get("amount"),
                        "date": wizard.get("payment_date"),
                        "journal_id": wizard.get("journal_id"),
                        "partner_id": partner,
                        "memo": wizard.get("communication"),
                        "ref": wizard.get("communication"),
                        "payment_type": wizard.get("payment_type") or "inbound",
                        "reconciled_invoice_ids": [[6, 0, [m["id"] for m in moves]]],
                    }
                ]
            )
            row = payments.store.get("account.payment", payment_id) or {"id": payment_id}
            payments._confirm(row, settled=settled)  # type: ignore[attr-defined]
            created.append(payment_id)
        if self.env.context.get("dont_redirect_to_payments"):
            return True
        action: dict[str, Any] = {
            "name": "Payments",
            "type": "ir.actions.act_window",
            "res_model": "account.payment",
            "context": {"create": False},
        }
        if len(created) == 1:
            action.update({"view_mode": "form", "res_id": created[0]})
        else:
            action.update({"view_mode": "list,form", "domain": [["id", "in", created]]})
        return action
