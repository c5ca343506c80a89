"""Invoices (account.move): totals, numbering and the life cycle, with Odoo's rules.

Numbering, totals and the draft → posted → paid life cycle follow Odoo 17-19 Community;
wordings that changed between versions follow ``env.settings.major``.
"""

from __future__ import annotations

from typing import Any

from fakes.odoo import security
from fakes.odoo.exceptions import UserError
from fakes.odoo.fields import Field
from fakes.odoo.models.journal import AccountMoveLine, journal_of_type, money, today
from fakes.odoo.orm import BaseModel, public, register

__all__ = ["INVOICE_TYPES", "AccountMove"]

_DISPLAY = Field("char", "Display Name", compute="_compute_display_name")
_COMPANY = Field("many2one", "Company", relation="res.company", default=lambda env: 1)
_CURRENCY = Field("many2one", "Currency", relation="res.currency", default=lambda env: 1)
INVOICE_TYPES = (
    "out_invoice",
    "out_refund",
    "in_invoice",
    "in_refund",
    "out_receipt",
    "in_receipt",
)
POSTED_EDITABLE = frozenset(
    {"ref", "narration", "payment_reference", "invoice_origin", "invoice_date_due"}
)


@register
class AccountMove(BaseModel):
    _name = "account.move"
    _description = "Journal Entry"
    _order = "date desc, name desc, id desc"
    _fields = {
        "name": Field("char", "Number"),
        "display_name": _DISPLAY,
        "move_type": Field(
            "selection",
            "Type",
            required=True,
            default="entry",
            selection=(
                ("entry", "Journal Entry"),
                ("out_invoice", "Customer Invoice"),
                ("out_refund", "Customer Credit Note"),
                ("in_invoice", "Vendor Bill"),
                ("in_refund", "Vendor Credit Note"),
                ("out_receipt", "Sales Receipt"),
                ("in_receipt", "Purchase Receipt"),
            ),
        ),
        "state": Field(
            "selection",
            "Status",
            required=True,
            readonly=True,
            default="draft",
            selection=(("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")),
        ),
        "partner_id": Field("many2one", "Partner", relation="res.partner"),
        "date": Field("date", "Date", default=lambda env: today()),
        "invoice_date": Field("date", "Invoice/Bill Date"),
        "invoice_date_due": Field("date", "Due Date"),
        "journal_id": Field("many2one", "Journal", relation="account.journal"),
        "currency_id": _CURRENCY,
        "company_id": _COMPANY,
        "invoice_line_ids": Field(
            "one2many", "Invoice lines", relation="account.move.line", inverse="move_id"
        ),
        "line_ids": Field(
            "one2many", "Journal Items", relation="account.move.line", inverse="move_id"
        ),
        "amount_untaxed": Field("monetary", "Untaxed Amount", compute="_compute_untaxed"),
        "amount_tax": Field("monetary", "Tax", compute="_compute_tax"),
        "amount_total": Field("monetary", "Total", compute="_compute_total"),
        "amount_residual": Field("monetary", "Amount Due", compute="_compute_residual"),
        "payment_state": Field(
            "selection",
            "Payment Status",
            compute="_compute_payment_state",
            selection=(
                ("not_paid", "Not Paid"),
                ("in_payment", "In Payment"),
                ("paid", "Paid"),
                ("partial", "Partially Paid"),
                ("reversed", "Reversed"),
                ("invoicing_legacy", "Invoicing App Legacy"),
            ),
        ),
        "ref": Field("char", "Reference"),
        "invoice_origin": Field("char", "Origin"),
        "payment_reference": Field("char", "Payment Reference"),
        "narration": Field("html", "Terms and Conditions"),
        "posted_before": Field("boolean", "Posted Before", readonly=True, default=False),
        "auto_post": Field(
            "selection",
            "Auto-post",
            default="no",
            selection=(
                ("no", "No"),
                ("at_date", "At Date"),
                ("monthly", "Monthly"),
                ("quarterly", "Quarterly"),
                ("yearly", "Yearly"),
            ),
        ),
    }

    # -- computed values -----------------------------------------------------------------
    def _lines(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        return self.store.find("account.move.line", "move_id", row["id"])

    def _line_model(self) -> AccountMoveLine:
        return AccountMoveLine(self.env.sudo(), ())

    def _compute_untaxed(self, row: dict[str, Any]) -> float:
        lines = self._line_model()
        return money(sum(lines._compute_subtotal(r) for r in self._lines(row)))

    def _compute_tax(self, row: dict[str, Any]) -> float:
        lines = self._line_model()
        return money(sum(lines._compute_tax(r) for r in self._lines(row)))

    def _compute_total(self, row: dict[str, Any]) -> float:
        return money(self._compute_untaxed(row) + self._compute_tax(row))

    def _compute_residual(self, row: dict[str, Any]) -> float:
        if row.get("state") != "posted":
            return self._compute_total(row) if row.get("state") == "draft" else 0.0
        return money(max(self._compute_total(row) - float(row.get("_paid") or 0.0), 0.0))

    def _compute_payment_state(self, row: dict[str, Any]) -> str:
        if row.get("state") != "posted" or row.get("move_type") not in INVOICE_TYPES:
            return "not_paid"
        total, paid = self._compute_total(row), float(row.get("_paid") or 0.0)
        if paid <= 0:
            return "not_paid"
        if paid + 0.005 >= total:
            return self.env.settings.payment_state_on_payment
        return "partial"

    def _display_name(self, row: dict[str, Any]) -> str:
        name = row.get("name")
        if row.get("state") == "posted" or (name and name != "/"):
            return str(name)
        label = {
            "out_invoice": "Draft Invoice",
            "out_refund": "Draft Credit Note",
            "in_invoice": "Draft Bill",
        }.get(str(row.get("move_type")), "Draft Entry")
        return f"{label} (* {row['id']})"

    # -- create / write / unlink rules -------------------------------------------------------
    def _draft_name(self) -> Any:
        return "/" if self.env.settings.major < 18 else False

    def _prepare_create(self, values: dict[str, Any]) -> None:
        move_type = values.get("move_type") or self.env.context.get("default_move_type") or "entry"
        values["move_type"] = move_type
        if self.env.role == "drafter" and values.get("state", "draft") != "draft":
            security.check_posting(self.env.role)
        values.setdefault("name", self._draft_name())
        if not values.get("journal_id"):
            kind = (
                "sale"
                if move_type.startswith("out_")
                else "purchase"
                if move_type.startswith("in_")
                else "general"
            )
            values["journal_id"] = journal_of_type(self, kind)

    def _check_write(self, vals: dict[str, Any]) -> None:
        if {"state", "posted_before", "name"} & set(vals):
            security.check_posting(self.env.role)
        for row in self._raw():
            locked = sorted(set(vals) - POSTED_EDITABLE)
            if row.get("state") == "posted" and locked:
                raise UserError(
                    "You cannot modify a posted entry of this journal.\n"
                    f"(Entry: {row.get('name')}, fields: {', '.join(locked)})"
                )

    def _check_unlink(self) -> None:
        for row in self._raw():
            if row.get("state") == "posted" or row.get("posted_before"):
                raise UserError("You cannot delete an entry which has been posted once.")

    # -- life cycle ----------------------------------------------------------------------
    @public
    def action_post(self) -> bool:
        """Validate draft moves: number them (``INV/YYYY/NNNNN``) and set them posted."""
        security.check_posting(self.env.role)
        messages = []
        for row in self._raw():
            messages.extend(self._post_errors(row))
        if messages:
            raise UserError("\n".join(messages))
        for row in self._raw():
            self._post_one(row)
        return False

    def _post_errors(self, row: dict[str, Any]) -> list[str]:
        errors = []
        label = self._display_name(row)
        if row.get("state") != "draft":
            errors.append(f"The entry {label} (id {row['id']}) must be in draft.")
            return errors
        invoice = row.get("move_type") in INVOICE_TYPES
        product_lines = [
            r for r in self._lines(row) if r.get("display_type") in (None, False, "product")
        ]
        if not product_lines:
            errors.append(
                "Even magicians can't post nothing!"
                if self.env.settings.major >= 19
                else "You need to add a line before posting."
            )
        if invoice and not row.get("partner_id"):
            errors.append(
                "The 'Customer' field is required to validate the invoice.\nYou probably don't "
                "want to explain to your auditor that you invoiced an invisible man :)"
                if self.env.settings.major >= 19
                else "The field 'Customer' is required, please complete it to validate the "
                "Customer Invoice."
            )
        if invoice and self._compute_total(row) < 0:
            errors.append(
                "You cannot validate an invoice with a negative total amount. You should create a "
                "credit note instead. Use the action menu to transform it into a credit note or "
                "refund."
            )
        if row.get("move_type") in ("in_invoice", "in_refund") and not row.get("invoice_date"):
            errors.append("The Bill/Refund date is required to validate this document.")
        return errors

    def _post_one(self, row: dict[str, Any]) -> None:
        invoice_date = row.get("invoice_date") or (
            today() if row.get("move_type") in INVOICE_TYPES else False
        )
        date = invoice_date or row.get("date") or today()
        values: dict[str, Any] = {"state": "posted", "posted_before": True, "date": date}
        if invoice_date:
            values["invoice_date"] = invoice_date
            if not row.get("invoice_date_due"):
                values["invoice_date_due"] = invoice_date
        name = row.get("name")
        if not (row.get("posted_before") and name and name != "/"):
            values["name"] = self._next_number(row, str(date))
        self.store.update(self._name, row["id"], values)
        partner = self.store.get("res.partner", int(row.get("partner_id") or 0))
        if partner and str(row.get("move_type", "")).startswith("out_"):
            rank = int(partner.get("customer_rank") or 0) + 1
            self.store.update("res.partner", partner["id"], {"customer_rank": rank})

    def _next_number(self, row: dict[str, Any], date: str) -> str:
        journal = self.store.get("account.journal", int(row.get("journal_id") or 0)) or {}
        code, year = str(journal.get("code") or "MISC"), date[:4]
        if row.get("move_type") == "out_refund":
            code = f"R{code}"
        sequence = self.store.next_sequence(f"move:{code}:{year}")
        return f"{code}/{year}/{sequence:05d}"

    @public
    def button_draft(self) -> bool:
        """Reset posted or cancelled moves to draft (unreconciling their payments)."""
        security.check_posting(self.env.role, "reset an invoice to draft")
        rows = self._raw()
        if any(row.get("state") not in ("cancel", "posted") for row in rows):
            raise UserError("Only posted/cancelled journal entries can be reset to draft.")
        for row in rows:
            self.store.update(self._name, row["id"], {"state": "draft", "_paid": 0.0})
            for payment in self.store.all("account.payment"):
                linked = payment.get("reconciled_invoice_ids") or []
                if row["id"] in linked:
                    rest = [i for i in linked if i != row["id"]]
                    self.store.update(
                        "account.payment", payment["id"], {"reconciled_invoice_ids": rest}
                    )
        return True

    @public
    def button_cancel(self) -> bool:
        """Cancel draft moves (posted ones are reset to draft first)."""
        if any(row.get("state") == "posted" for row in self._raw()):
            self.browse([r["id"] for r in self._raw() if r.get("state") == "posted"]).button_draft()  # type: ignore[attr-defined]
        rows = self._raw()
        if any(row.get("state") != "draft" for row in rows):
            raise UserError("Only draft journal entries can be cancelled.")
        self.check_access("write")
        for row in rows:
            self.store.update(self._name, row["id"], {"state": "cancel", "auto_post": "no"})
        return True

    def _pay(self, row: dict[str, Any], amount: float) -> float:
        """Apply up to ``amount`` to this invoice; returns what was used."""
        due = self._compute_residual(row)
        used = min(due, amount)
        self.store.update(
            self._name, row["id"], {"_paid": money(float(row.get("_paid") or 0) + used)}
        )
        return used
