"""Build outbound messages whose headers cannot be injected.

Every header value goes through ``clean_header_text`` (CR, LF, NUL, U+2028 and every other
control character become a space) before it is assigned, so a decoded encoded-word such as
``=?UTF-8?Q?Hi=0ABcc:_evil@example.com?=`` (the CVE-2024-6923 class, live on Python 3.11.7)
can never become a header line. Addresses are checked against a strict ASCII pattern.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

from employee.errors import MailError
from employee.mail.text import clean_header_text, normalise_message_id

__all__ = [
    "InvalidMessage",
    "ReplyContext",
    "build_message",
    "build_reply",
    "reply_subject",
    "stable_message_id",
]

_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251})")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*")
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv)\s*(?:\[\d+\])?\s*:\s*", re.I)
_MAX_RECIPIENTS = 100
_MAX_REFERENCES = 50


class InvalidMessage(MailError):
    """A message could not be built: bad address, empty recipient list, bad Message-ID."""


class ReplyContext(Protocol):
    """What a reply needs to know about its parent (``InboundMail`` satisfies this)."""

    @property
    def message_id(self) -> str: ...
    @property
    def from_addr(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def in_reply_to(self) -> str | None: ...
    @property
    def references(self) -> Sequence[str]: ...


def stable_message_id(approval_id: str, domain: str) -> str:
    """A deterministic Message-ID for one approval: ``<sha.safe-approval-id@domain>``."""
    if not approval_id or not approval_id.strip():
        raise InvalidMessage("approval id is empty")
    if not _DOMAIN.fullmatch(domain) or len(domain) > 253:
        raise InvalidMessage("invalid Message-ID domain", domain=domain)
    digest = hashlib.sha256(approval_id.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", approval_id).strip("-")[:64] or "approval"
    return f"<{digest}.{safe}@{domain}>"


def reply_subject(subject: str) -> str:
    """``Re: `` exactly once in front of the cleaned parent subject."""
    text = clean_header_text(subject, 900)
    while True:
        stripped = _REPLY_PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return f"Re: {text}" if text else "Re:"


def _address(value: str) -> str:
    text = clean_header_text(value, 320)
    if not _ADDRESS.fullmatch(text) or ".." in text:
        raise InvalidMessage("invalid email address", address=text[:80])
    return text


def _addresses(values: Sequence[str], what: str, *, required: bool) -> list[str]:
    if isinstance(values, str):
        values = [values]
    found = [_address(v) for v in values]
    if required and not found:
        raise InvalidMessage(f"{what} is empty")
    if len(found) > _MAX_RECIPIENTS:
        raise InvalidMessage(f"too many {what} recipients", count=len(found))
    return found


def _message_id(value: str, what: str) -> str:
    found = normalise_message_id(value)
    if found is None or found != clean_header_text(value, 1000):
        raise InvalidMessage(f"invalid {what}", value=value[:80])
    return found


def build_message(
    *,
    from_addr: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    subject: str,
    body: str,
    message_id: str,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    date: datetime | None = None,
) -> EmailMessage:
    """A text/plain message with sanitised headers; raises ``InvalidMessage`` on bad input."""
    msg = EmailMessage(policy=policy.default)
    msg["From"] = _address(from_addr)
    msg["To"] = ", ".join(_addresses(to, "To", required=True))
    cc_list = _addresses(cc, "Cc", required=False)
    if cc_list:
        msg["Cc"] = ", ".join(cc_list)
    msg["Subject"] = clean_header_text(subject, 900)
    msg["Date"] = format_datetime(date or datetime.now(UTC))
    msg["Message-ID"] = _message_id(message_id, "Message-ID")
    if in_reply_to:
        msg["In-Reply-To"] = _message_id(in_reply_to, "In-Reply-To")
    refs = [_message_id(r, "References entry") for r in references][-_MAX_REFERENCES:]
    if refs:
        msg["References"] = " ".join(refs)
    text = body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", " ")
    if not text.endswith("\n"):
        text += "\n"
    msg.set_content(text, cte="quoted-printable" if not text.isascii() else None)
    return msg


def build_reply(
    inbound_like: ReplyContext,
    body: str,
    *,
    from_addr: str,
    message_id: str,
    to: Sequence[str] | None = None,
    cc: Sequence[str] = (),
    date: datetime | None = None,
) -> EmailMessage:
    """A threaded reply: ``Re:`` once, In-Reply-To = parent id, References = chain + parent."""
    parent = normalise_message_id(inbound_like.message_id)
    chain = [r for r in (normalise_message_id(x) for x in inbound_like.references) if r]
    if not chain and inbound_like.in_reply_to:
        earlier = normalise_message_id(inbound_like.in_reply_to)
        chain = [earlier] if earlier else []
    if parent:
        chain = [r for r in chain if r != parent] + [parent]
    return build_message(
        from_addr=from_addr,
        to=to if to is not None else [inbound_like.from_addr],
        cc=cc,
        subject=reply_subject(inbound_like.subject),
        body=body,
        message_id=message_id,
        in_reply_to=parent,
        references=chain,
        date=date,
    )
