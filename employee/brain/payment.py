"""Reading payment notices out of mail text: "We have paid invoice INV/2026/00001 (2,400 EUR)"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from employee.brain.invoice import parse_amount

__all__ = ["PaymentNotice", "parse_payment_notice"]

# Odoo's sequence names: INV/2026/00001, RINV/2026/0003, INV/2026/11/0001.
_INVOICE_REF = re.compile(r"\b(?P<ref>[A-Z]{2,6}/\d{4}/(?:\d{2}/)?\d{3,6})\b")
_PAID = re.compile(
    r"\b(?:(?:we|i)(?:\s+have|'ve)?(?:\s+(?:just|now|already))?\s+"
    r"(?:paid|settled|transferred|wired|remitted)"
    r"|(?:has|have)\s+(?:now\s+)?been\s+(?:paid|settled|transferred|wired)"
    r"|payment\s+(?:has\s+been\s+|was\s+)?(?:made|sent|transferred|wired|initiated)"
    r"|(?:is|are)\s+(?:now\s+)?paid)\b",
    re.IGNORECASE,
)
_CODES = "EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|CZK|INR|AED|SGD|NZD"
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR"}
_AMOUNT = r"\d{1,3}(?:[,. ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MONEY = re.compile(
    rf"(?P<cur1>[€$£¥₹]|\b(?:{_CODES})\b)\s?(?P<amt1>{_AMOUNT})"
    rf"|(?P<amt2>{_AMOUNT})\s?(?P<cur2>[€$£¥₹]|\b(?:{_CODES})\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PaymentNotice:
    """A customer saying they paid one of our invoices; the amount only if the mail says."""

    invoice_ref: str
    amount: Decimal | None
    currency: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "invoice_ref": self.invoice_ref,
            "amount": None if self.amount is None else float(self.amount),
            "currency": self.currency,
        }


def parse_payment_notice(subject: str, body: str) -> PaymentNotice | None:
    """A notice when the text says it paid and names exactly one invoice; None otherwise."""
    text = f"{subject}\n{body}"[:20_000]
    if not _PAID.search(text):
        return None
    refs = {m.group("ref") for m in _INVOICE_REF.finditer(text)}
    if len(refs) != 1:
        return None
    amounts = []
    for match in _MONEY.finditer(text):
        value = parse_amount(match.group("amt1") or match.group("amt2"))
        token = (match.group("cur1") or match.group("cur2") or "").strip()
        currency = _SYMBOLS.get(token, token.upper())
        if value is not None and value > 0:
            amounts.append((value, currency))
    amount, currency = amounts[0] if len(set(amounts)) == 1 else (None, None)
    return PaymentNotice(refs.pop(), amount, currency)
