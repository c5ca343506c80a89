"""Reading invoice requests out of mail text: "please invoice 3 x Consulting day at 800 EUR"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from employee.brain.facts import InvoiceLine, InvoiceRequest

__all__ = ["is_incoming_bill", "mentions_invoice_request", "parse_amount", "parse_invoice_request"]

_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CODES = "EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|CZK|INR|PKR|AED|SGD|NZD"
_CUR = rf"(?:[€$£¥₹]|\b(?:{_CODES})\b|\beuros?\b|\bdollars?\b|\bpounds?\b)"
_AMOUNT = r"\d{1,3}(?:[,. ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MONEY = rf"(?:(?P<cur1>{_CUR})\s?(?P<amt1>{_AMOUNT})|(?P<amt2>{_AMOUNT})\s?(?P<cur2>{_CUR})?)"
_QTY = r"(?P<qty>\d{1,6}(?:[.,]\d{1,2})?)"
_PER = r"(?:\s*(?:each|apiece|per\s+[a-z]+|/\s?[a-z]+|a\s+(?:day|hour|month|unit)))?"

# "3 x Consulting day at 800 EUR", "2 \u00d7 workshop @ €1,200 each"
_TIMES_LINE = re.compile(
    rf"{_QTY}\s*(?:x|\u00d7|\*)\s*(?P<desc>[^\n@]{{2,80}}?)\s+(?:at|@|for|of)\s+{_MONEY}{_PER}",
    re.IGNORECASE,
)
# "10 hours of design work at 95 EUR per hour", "5 days consulting at €800/day"
_UNIT_LINE = re.compile(
    rf"{_QTY}\s+(?P<unit>hours?|hrs?|days?|weeks?|months?|units?|licen[cs]es?|seats?|pieces?)"
    rf"\s+(?:of\s+)?(?P<desc>[^\n@]{{2,80}}?)\s+(?:at|@|for)\s+{_MONEY}{_PER}",
    re.IGNORECASE,
)
_ANY_MONEY = re.compile(
    rf"(?P<cur1>{_CUR})\s?(?P<amt1>{_AMOUNT})|(?P<amt2>{_AMOUNT})\s?(?P<cur2>{_CUR})", re.IGNORECASE
)
_FOR_WHAT = re.compile(
    r"\b(?:invoice|bill)\b[^\n.]{0,40}?\bfor\s+(?:the\s+)?([^\n,.:;]{3,80})", re.I
)

_REQUEST = re.compile(
    r"\b(?:please\s+(?:send\s+(?:me|us)\s+an?\s+)?invoice|invoice\s+(?:me|us)|bill\s+(?:me|us)"
    r"|send\s+(?:me|us|over)\s+(?:an?\s+|the\s+)?(?:invoice|bill|quote)|need\s+an?\s+invoice"
    r"|can\s+you\s+(?:invoice|bill)|(?:a|your)\s+quot(?:e|ation)|request(?:ing)?\s+an?\s+invoice"
    r"|invoice\s+request)\b",
    re.IGNORECASE,
)
_KEYWORD = re.compile(r"\b(?:invoice|bill me|bill us|quote|quotation)\b", re.IGNORECASE)
_INCOMING = re.compile(
    r"\b(?:attached\s+(?:is\s+)?(?:our|the|your|my)?\s*invoice|invoice\s+(?:is\s+)?attached"
    r"|our\s+invoice|invoice\s+(?:no\.?|number|#)\s*\w+|payment\s+(?:is\s+)?due|amount\s+due)\b",
    re.IGNORECASE,
)


def _currency(token: str | None) -> str | None:
    if not token:
        return None
    token = token.strip()
    if token in _SYMBOLS:
        return _SYMBOLS[token]
    lowered = token.lower()
    if lowered.startswith("euro"):
        return "EUR"
    if lowered.startswith("dollar"):
        return "USD"
    if lowered.startswith("pound"):
        return "GBP"
    return token.upper()


def parse_amount(text: str) -> Decimal | None:
    """Parse "1,200.50", "1.200,50", "800", "12,5" (a 3-digit group after one separator is
    thousands); None when it is not a number."""
    text = text.replace(" ", "")
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        text = text.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in text or "." in text:
        sep = "," if "," in text else "."
        head, _, tail = text.rpartition(sep)
        if len(tail) == 3 or text.count(sep) > 1:
            text = text.replace(sep, "")
        else:
            text = head.replace(sep, "") + "." + tail
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def mentions_invoice_request(text: str) -> bool:
    """True when the text asks for an invoice, a bill or a quote."""
    return bool(_REQUEST.search(text) or _KEYWORD.search(text))


def is_incoming_bill(text: str) -> bool:
    """True when the text looks like someone billing *us* (an invoice attached, payment due)."""
    return bool(_INCOMING.search(text)) and not _REQUEST.search(text)


def _clean_description(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" -:,.;\"'")
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:] if text else text


def _money(match: re.Match[str]) -> tuple[Decimal | None, str | None]:
    amount = match.group("amt1") or match.group("amt2")
    currency = _currency(match.group("cur1") or match.group("cur2"))
    return (parse_amount(amount) if amount else None), currency


def parse_invoice_request(
    body: str, subject: str, partner_name: str, partner_email: str, default_currency: str
) -> tuple[InvoiceRequest, tuple[str, ...]]:
    """Extract invoice lines from a request; returns the request and the reasons to report."""
    text = f"{subject}\n{body}"[:20_000]
    lines: list[InvoiceLine] = []
    currencies: set[str] = set()
    reasons: list[str] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_TIMES_LINE, _UNIT_LINE):
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            quantity = parse_amount(match.group("qty"))
            price, currency = _money(match)
            description = _clean_description(match.group("desc"))
            unit = match.groupdict().get("unit")
            if unit:
                description = f"{description} ({unit.lower()})"
            if quantity is None or quantity <= 0 or not description:
                continue
            taken.append((match.start(), match.end()))
            lines.append(InvoiceLine(description, quantity, price))
            if currency:
                currencies.add(currency)
    if lines:
        reasons.append(f"invoice lines parsed from the body: {len(lines)}")
    else:
        amounts = list(_ANY_MONEY.finditer(text))
        if len(amounts) == 1:
            price, currency = _money(amounts[0])
            what = _FOR_WHAT.search(text)
            description = (
                _clean_description(what.group(1))
                if what
                else _clean_description(
                    re.sub(r"^(?:re|fwd?):\s*", "", subject, flags=re.IGNORECASE)
                )
            )
            lines.append(InvoiceLine(description or "Services", Decimal(1), price))
            if currency:
                currencies.add(currency)
            reasons.append("one amount found: invoiced as a single line")
    needs_input = False
    if not lines:
        needs_input = True
        reasons.append("no amounts found: needs human input")
    elif any(line.unit_price is None or line.unit_price <= 0 for line in lines):
        needs_input = True
        reasons.append("a line has no usable price: needs human input")
    if len(currencies) > 1:
        needs_input = True
        reasons.append(f"mixed currencies {sorted(currencies)}: needs human input")
    currency = next(iter(currencies)) if len(currencies) == 1 else None
    if currency is None and lines and not needs_input:
        currency = default_currency
        reasons.append(f"no currency given: handbook default {default_currency}")
    request = InvoiceRequest(partner_name, partner_email, tuple(lines), currency, needs_input)
    return request, tuple(reasons)
