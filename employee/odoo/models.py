"""Typed views of the Odoo accounting records we use, and their pure conversions."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from employee.errors import OdooError

__all__ = [
    "INVOICE_FIELDS",
    "Invoice",
    "InvoiceLine",
    "OdooHealth",
    "invoice_from_record",
]

#: Fields read for an ``Invoice``; all exist on account.move in Odoo 17, 18 and 19.
INVOICE_FIELDS = [
    "name",
    "state",
    "move_type",
    "partner_id",
    "amount_total",
    "amount_residual",
    "payment_state",
    "ref",
]


@dataclass(frozen=True)
class InvoiceLine:
    """One invoice line: what, how many, at what unit price (taxes optional)."""

    name: str
    quantity: float
    price_unit: float
    product_id: int | None = None
    tax_ids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise OdooError("an invoice line needs a description")
        if not (math.isfinite(self.quantity) and self.quantity > 0):
            raise OdooError("invoice line quantity must be a positive number", line=self.name)
        if not math.isfinite(self.price_unit):
            raise OdooError("invoice line price must be a finite number", line=self.name)

    def as_command(self) -> list[Any]:
        """The x2many create command ``[0, 0, {vals}]`` for ``invoice_line_ids``."""
        vals: dict[str, Any] = {
            "name": self.name,
            "quantity": self.quantity,
            "price_unit": self.price_unit,
        }
        if self.product_id is not None:
            vals["product_id"] = self.product_id
        if self.tax_ids is not None:
            vals["tax_ids"] = [[6, 0, list(self.tax_ids)]]
        return [0, 0, vals]


@dataclass(frozen=True)
class Invoice:
    """A customer invoice (account.move). ``name`` is None while the invoice is a draft."""

    id: int
    name: str | None
    state: str
    partner_id: int | None
    partner: str
    amount_total: float
    amount_residual: float
    payment_state: str
    ref: str | None
    move_type: str = "out_invoice"


@dataclass(frozen=True)
class OdooHealth:
    """The answer of ``OdooClient.health()``: never raises, says what it saw."""

    ok: bool
    status: str
    protocol: str | None = None
    version: str | None = None
    detail: str = ""


def _text(value: Any) -> str | None:
    # Odoo sends ``false`` for an empty char field; 17 names drafts "/".
    if value is False or value is None or value == "/":
        return None
    return str(value)


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OdooError(f"account.move field {field!r} is not a number", value=value)
    return float(value)


def invoice_from_record(record: Mapping[str, Any]) -> Invoice:
    """Build an ``Invoice`` from a ``read`` row (default load: many2one is ``[id, name]``)."""
    try:
        record_id = record["id"]
        partner = record.get("partner_id")
        if isinstance(partner, list | tuple) and len(partner) == 2:
            partner_id, partner_name = int(partner[0]), str(partner[1])
        elif isinstance(partner, int) and not isinstance(partner, bool):
            partner_id, partner_name = partner, ""
        else:
            partner_id, partner_name = None, ""
        return Invoice(
            id=int(record_id),
            name=_text(record.get("name")),
            state=str(record["state"]),
            partner_id=partner_id,
            partner=partner_name,
            amount_total=_number(record.get("amount_total", 0.0), "amount_total"),
            amount_residual=_number(record.get("amount_residual", 0.0), "amount_residual"),
            payment_state=str(record.get("payment_state") or "not_paid"),
            ref=_text(record.get("ref")),
            move_type=str(record.get("move_type") or "out_invoice"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise OdooError(f"unexpected account.move record shape: {exc}") from exc
