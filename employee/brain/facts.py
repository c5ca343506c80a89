"""The values the drafting policy reads and writes: mail facts, triage, drafts, posts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from employee.brain.payment import PaymentNotice

__all__ = [
    "RULE_HEADERS",
    "Category",
    "Draft",
    "InvoiceLine",
    "InvoiceRequest",
    "MailFacts",
    "PostDraft",
    "PostRequest",
    "Priority",
    "Triage",
    "header_map",
    "rule_headers",
]

Category = Literal["reply_needed", "invoice_request", "payment_notice", "newsletter", "spam"]
Priority = Literal["high", "normal", "low"]


def _strings(value: Any) -> tuple[str, ...]:
    """Normalise None, a comma/space separated string, or an iterable into a tuple of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.replace(",", " ").split() if "<" in value else value.split(",")
        return tuple(p.strip() for p in parts if p.strip())
    return tuple(str(v).strip() for v in value if str(v).strip())


def _attachment_names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    names: list[str] = []
    for item in value:
        if isinstance(item, str):
            names.append(item)
        else:
            name = (
                getattr(item, "safe_name", None)
                or getattr(item, "filename", None)
                or getattr(item, "name", None)
            )
            if name:
                names.append(str(name))
    return tuple(names)


def _header_pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    items: Iterable[Any] = value.items() if hasattr(value, "items") else value
    pairs: list[tuple[str, str]] = []
    for item in items:
        name, raw = item
        values = raw if isinstance(raw, list | tuple) else [raw]
        pairs.extend((str(name).lower(), str(v)) for v in values)
    return tuple(pairs)


@dataclass(frozen=True)
class MailFacts:
    """What the policy knows about one inbound mail (field names match the parser's InboundMail).

    ``headers`` holds (lower-case name, value) pairs for the headers the rules read
    (``list-unsubscribe``, ``precedence``, ``reply-to``, ...); it may be empty.
    """

    message_id: str
    from_addr: str
    from_name: str
    to: tuple[str, ...]
    subject: str
    body_text: str
    received: datetime | None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    reply_to: str | None = None

    @classmethod
    def from_inbound(
        cls, obj: Any, *, received: datetime | None = None, raw: bytes | None = None
    ) -> MailFacts:
        """Build facts from any object with the InboundMail attribute names.

        ``received`` defaults to ``obj.received`` or ``obj.date``. When ``obj`` carries no
        ``headers``, pass the ``raw`` message to read the headers the rules use from it.
        """
        headers = _header_pairs(getattr(obj, "headers", None))
        if not headers and raw is not None:
            headers = rule_headers(raw)
        reply_to = getattr(obj, "reply_to", None)
        if isinstance(reply_to, list | tuple):
            reply_to = reply_to[0] if reply_to else None
        if reply_to is None:
            reply_to = next((v for k, v in headers if k == "reply-to"), None)
        if reply_to is not None:
            reply_to = str(reply_to)
            angle = re.search(r"<([^<>@\s]+@[^<>\s]+)>", reply_to)
            reply_to = angle.group(1) if angle else reply_to.strip()
        when = received or getattr(obj, "received", None) or getattr(obj, "date", None)
        return cls(
            message_id=str(obj.message_id or ""),
            from_addr=str(obj.from_addr or ""),
            from_name=str(getattr(obj, "from_name", "") or ""),
            to=_strings(getattr(obj, "to", None)),
            subject=str(getattr(obj, "subject", "") or ""),
            body_text=str(getattr(obj, "body_text", "") or ""),
            received=when if isinstance(when, datetime) else None,
            in_reply_to=getattr(obj, "in_reply_to", None) or None,
            references=_strings(getattr(obj, "references", None)),
            attachments=_attachment_names(getattr(obj, "attachments", None)),
            headers=headers,
            reply_to=reply_to or None,
        )

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k == wanted), None)


class InvoiceLine(NamedTuple):
    """One invoice line; ``unit_price`` is None when the mail did not say."""

    description: str
    quantity: Decimal
    unit_price: Decimal | None


@dataclass(frozen=True)
class InvoiceRequest:
    """An invoice the sender asked for, as far as the body says."""

    partner_name: str
    partner_email: str
    lines: tuple[InvoiceLine, ...]
    currency: str | None
    needs_human_input: bool = False

    @property
    def total(self) -> Decimal | None:
        """Sum of quantity x unit price, or None if any price is unknown."""
        if not self.lines or any(line.unit_price is None for line in self.lines):
            return None
        return sum((line.quantity * (line.unit_price or 0) for line in self.lines), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """Plain data (floats for amounts) for YAML frontmatter or an Odoo call."""
        return {
            "partner_name": self.partner_name,
            "partner_email": self.partner_email,
            "currency": self.currency,
            "needs_human_input": self.needs_human_input,
            "lines": [
                {
                    "description": line.description,
                    "quantity": float(line.quantity),
                    "unit_price": None if line.unit_price is None else float(line.unit_price),
                }
                for line in self.lines
            ],
        }


@dataclass(frozen=True)
class Triage:
    """The policy's verdict on one mail; ``reasons`` names every rule that fired.

    ``escalation`` names why the owner must handle the mail personally (legal, complaint,
    data request, possible fraud); escalated mail gets no draft, like newsletters and spam.
    ``payment`` is set for a ``payment_notice`` (a customer saying they paid an invoice).
    """

    category: Category
    priority: Priority
    reasons: tuple[str, ...]
    invoice: InvoiceRequest | None = None
    escalation: str | None = None
    payment: PaymentNotice | None = None

    @property
    def wants_reply(self) -> bool:
        """Only reply_needed and invoice_request mail that is not escalated gets a draft."""
        return self.category in ("reply_needed", "invoice_request") and self.escalation is None


@dataclass(frozen=True)
class Draft:
    """A reply ready for an approval file: RFC 5322 threading fields plus the body."""

    to: tuple[str, ...]
    subject: str
    body: str
    in_reply_to: str | None
    references: tuple[str, ...]


@dataclass(frozen=True)
class PostRequest:
    """What a social post should say; the policy turns it into text within ``max_chars``."""

    topic: str
    key_points: tuple[str, ...] = ()
    link: str | None = None
    hashtags: tuple[str, ...] = ()
    scheduled_for: datetime | None = None
    max_chars: int = 280


@dataclass(frozen=True)
class PostDraft:
    """A drafted social post; ``idempotency_key`` is stable for the same text and schedule."""

    text: str
    idempotency_key: str
    scheduled_for: datetime | None = None
    notes: tuple[str, ...] = field(default=())


RULE_HEADERS = ("list-unsubscribe", "list-id", "precedence", "reply-to", "auto-submitted")
_MAX_HEADER_BLOCK = 256 * 1024


def rule_headers(raw: bytes) -> tuple[tuple[str, str], ...]:
    """The headers the triage rules read (RULE_HEADERS), from a raw message's header block."""
    block = raw[:_MAX_HEADER_BLOCK].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    message = BytesHeaderParser(policy=compat32).parsebytes(block + b"\n\n")
    pairs: list[tuple[str, str]] = []
    for name in RULE_HEADERS:
        for value in message.get_all(name, [])[:5]:
            text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(value)).strip()[:1000]
            pairs.append((name, text))
    return tuple(pairs)


def header_map(headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Build MailFacts.headers from a plain mapping (handy in tests and adapters)."""
    return _header_pairs(headers)
