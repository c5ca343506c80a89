"""Journals and journal items (account.move.line), with line amounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fakes.odoo.exceptions import UserError
from fakes.odoo.fields import Field
from fakes.odoo.orm import BaseModel, register

__all__ = ["AccountJournal", "AccountMoveLine", "journal_of_type", "money", "today"]

_DISPLAY = Field("char", "Display Name", compute="_compute_display_name")
_COMPANY = Field("many2one", "Company", relation="res.company", default=lambda env: 1)
_CURRENCY = Field("many2one", "Currency", relation="res.currency", default=lambda env: 1)


def today() -> str:
    """Today's date as Odoo writes it."""
    return dt.date.today().isoformat()


def money(value: float) -> float:
    return round(value + 0.0, 2)


def journal_of_type(model: BaseModel, kind: str) -> int | bool:
    for row in model.store.all("account.journal"):
        if row.get("type") == kind and row.get("active", True):
            return int(row["id"])
    return False


@register
class AccountJournal(BaseModel):
    _name = "account.journal"
    _description = "Journal"
    _order = "sequence, type, code"
    _fields = {
        "name": Field("char", "Journal Name", required=True),
        "code": Field("char", "Short Code", required=True),
        "type": Field(
            "selection",
            "Type",
            required=True,
            selection=(
                ("sale", "Sales"),
                ("purchase", "Purchase"),
                ("cash", "Cash"),
                ("bank", "Bank"),
                ("general", "Miscellaneous"),
            ),
        ),
        "sequence": Field("integer", "Sequence", default=10),
        "company_id": _COMPANY,
        "currency_id": Field("many2one", "Currency", relation="res.currency"),
        "active": Field("boolean", "Active", default=True),
        "display_name": _DISPLAY,
    }

    def _display_name(self, row: dict[str, Any]) -> str:
        return f"{row.get('name')} ({(row.get('currency_id') and 'EUR') or 'EUR'})"


@register
class AccountMoveLine(BaseModel):
    _name = "account.move.line"
    _description = "Journal Item"
    _order = "sequence, id"
    _fields = {
        "move_id": Field("many2one", "Journal Entry", relation="account.move", required=True),
        "name": Field("char", "Label"),
        "product_id": Field("many2one", "Product", relation="product.product"),
        "quantity": Field("float", "Quantity", default=1.0),
        "price_unit": Field("float", "Unit Price", default=0.0),
        "discount": Field("float", "Discount (%)", default=0.0),
        "tax_ids": Field("many2many", "Taxes", relation="account.tax"),
        "sequence": Field("integer", "Sequence", default=10),
        "display_type": Field(
            "selection",
            "Display Type",
            default="product",
            selection=(("product", "Product"), ("line_section", "Section"), ("line_note", "Note")),
        ),
        "price_subtotal": Field("monetary", "Subtotal", compute="_compute_subtotal"),
        "price_total": Field("monetary", "Total", compute="_compute_total"),
        "partner_id": Field(
            "many2one", "Partner", relation="res.partner", compute="_compute_partner"
        ),
        "parent_state": Field("char", "Status", compute="_compute_parent_state"),
        "currency_id": _CURRENCY,
        "company_id": _COMPANY,
        "display_name": _DISPLAY,
    }

    def _compute_subtotal(self, row: dict[str, Any]) -> float:
        if row.get("display_type") not in (None, False, "product"):
            return 0.0
        quantity, price = float(row.get("quantity") or 0), float(row.get("price_unit") or 0)
        return money(quantity * price * (1 - float(row.get("discount") or 0) / 100))

    def _compute_tax(self, row: dict[str, Any]) -> float:
        rate = sum(
            float((self.store.get("account.tax", t) or {}).get("amount") or 0)
            for t in row.get("tax_ids") or []
        )
        return money(self._compute_subtotal(row) * rate / 100)

    def _compute_total(self, row: dict[str, Any]) -> float:
        return money(self._compute_subtotal(row) + self._compute_tax(row))

    def _move(self, row: dict[str, Any]) -> dict[str, Any]:
        return self.store.get("account.move", int(row.get("move_id") or 0)) or {}

    def _compute_partner(self, row: dict[str, Any]) -> Any:
        return self._move(row).get("partner_id") or False

    def _compute_parent_state(self, row: dict[str, Any]) -> Any:
        return self._move(row).get("state") or False

    def _display_name(self, row: dict[str, Any]) -> str:
        return str(row.get("name") or "")

    def _prepare_create(self, values: dict[str, Any]) -> None:
        self._check_move_draft([values.get("move_id")])
        product = self.store.get("product.product", int(values.get("product_id") or 0))
        if product:
            if not values.get("name"):
                values["name"] = self.env["product.product"]._display_name(product)
            values.setdefault("price_unit", float(product.get("list_price") or 0.0))
            values.setdefault("tax_ids", [[6, 0, list(product.get("taxes_id") or [])]])

    def _check_move_draft(self, move_ids: list[Any]) -> None:
        for move_id in move_ids:
            move = self.store.get("account.move", int(move_id or 0))
            if move and move.get("state") == "posted":
                raise UserError(
                    "You cannot modify a posted entry of this journal.\n"
                    f"(Entry: {move.get('name')})"
                )

    def _check_write(self, vals: dict[str, Any]) -> None:
        self._check_move_draft([row.get("move_id") for row in self._raw()])

    def _check_unlink(self) -> None:
        self._check_move_draft([row.get("move_id") for row in self._raw()])
