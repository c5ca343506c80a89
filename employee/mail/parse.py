"""Parse untrusted inbound mail into an ``InboundMail``, or refuse it as ``Quarantined``.

``parse_inbound`` never raises on any bytes. It first runs the linear pre-checks of
``employee.mail.precheck`` (size, header block, per-header length, encoded-word count,
header count, recipients, MIME depth and part count), then parses with
``policy.default``. Any parser failure, ``RecursionError`` included, becomes a quarantine
verdict. Long but otherwise sane content is kept: the body text is truncated to
``MailLimits.max_body_chars`` and the truncation is recorded in ``InboundMail.notes``.
"""

from __future__ import annotations

import email
import hashlib
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from typing import Any

from employee.mail.model import AttachmentInfo, InboundMail, MailLimits, Quarantined
from employee.mail.precheck import check_raw, peek_message_id
from employee.mail.text import (
    clean_header_text,
    html_to_text,
    normalise_message_id,
    safe_attachment_name,
    split_message_ids,
)

__all__ = ["parse_inbound", "raw_digest", "synthetic_message_id"]

_SYNTHETIC_DOMAIN = "synthetic.platinum.invalid"
_MAX_DEFECTS = 50
_DEFAULT_LIMITS = MailLimits()


def raw_digest(raw: bytes) -> str:
    """SHA-256 hex digest of the raw bytes."""
    return hashlib.sha256(raw).hexdigest()


def synthetic_message_id(raw: bytes) -> str:
    """A stable Message-ID for a message that has none: a hash of its exact bytes."""
    return f"<{raw_digest(raw)[:40]}@{_SYNTHETIC_DOMAIN}>"


def parse_inbound(raw: bytes, *, limits: MailLimits = _DEFAULT_LIMITS) -> InboundMail | Quarantined:
    """Parse ``raw`` under ``limits``; never raises."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError(f"parse_inbound wants bytes, got {type(raw).__name__}")
    raw = bytes(raw)
    try:
        reason = check_raw(raw, limits)
        if reason is None:
            return _parse(raw, limits)
    except RecursionError:
        reason = "parser recursion limit reached"
    except Exception as exc:  # any parser failure is a verdict on the message, not a crash
        reason = f"parser failed: {type(exc).__name__}"
    return Quarantined(reason, raw_digest(raw), len(raw), _safe_peek(raw))


def _safe_peek(raw: bytes) -> str | None:
    try:
        return peek_message_id(raw)
    except Exception:
        return None


def _header_str(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:
        return ""
    return "" if value is None else str(value)


def _addresses(msg: Message, name: str, limit: int) -> list[tuple[str, str]]:
    """(display name, addr-spec) pairs of an address header; malformed entries are skipped."""
    try:
        header: Any = msg.get(name)
    except Exception:
        return []
    if header is None:
        return []
    found: list[tuple[str, str]] = []
    for address in getattr(header, "addresses", ())[:limit]:
        spec = clean_header_text(str(address.addr_spec), 320)
        if "@" in spec and " " not in spec:
            found.append((clean_header_text(str(address.display_name), 200), spec))
    return found


def _date(msg: Message) -> datetime | None:
    try:
        header: Any = msg.get("Date")
        value = getattr(header, "datetime", None)
    except Exception:
        return None
    return value if isinstance(value, datetime) else None


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


def _body(msg: EmailMessage, limits: MailLimits, notes: list[str]) -> tuple[str, Message | None]:
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return "", None
    text = _text_of(part)
    if part.get_content_subtype() == "html":
        if len(text) > limits.max_html_bytes:
            notes.append(f"html body truncated from {len(text)} characters before conversion")
            text = text[: limits.max_html_bytes]
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", " ")
    if len(text) > limits.max_body_chars:
        notes.append(f"body truncated from {len(text)} to {limits.max_body_chars} characters")
        text = text[: limits.max_body_chars]
    return text, part


def _attachments(msg: Message, body: Message | None, limits: MailLimits) -> list[AttachmentInfo]:
    found: list[AttachmentInfo] = []
    for part in msg.walk():
        if part is body or part.is_multipart():
            continue
        try:
            name = part.get_filename()
        except Exception:
            name = None
        disposition = (part.get_content_disposition() or "").lower()
        if disposition != "attachment" and not name:
            continue
        payload = part.get_payload(decode=True)
        size = len(payload) if isinstance(payload, bytes) else 0
        content_type = clean_header_text(part.get_content_type(), 100)
        found.append(AttachmentInfo(safe_attachment_name(name), size, content_type))
        if len(found) >= limits.max_parts:
            break
    return found


def _defects(msg: Message) -> tuple[str, ...]:
    names: list[str] = []
    for part in msg.walk():
        names.extend(type(defect).__name__ for defect in part.defects)
        if len(names) >= _MAX_DEFECTS:
            break
    return tuple(names[:_MAX_DEFECTS])


def _parse(raw: bytes, limits: MailLimits) -> InboundMail:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    notes: list[str] = []
    message_id = normalise_message_id(_header_str(msg, "Message-ID"))
    synthetic = message_id is None
    if message_id is None:
        message_id = synthetic_message_id(raw)
    senders = _addresses(msg, "From", 1)
    from_name, from_addr = senders[0] if senders else ("", "")
    subject_raw = _header_str(msg, "Subject")
    subject = clean_header_text(subject_raw, limits.max_subject_chars)
    if len(clean_header_text(subject_raw, len(subject_raw) + 1)) > limits.max_subject_chars:
        notes.append(f"subject truncated to {limits.max_subject_chars} characters")
    body_text, body_part = _body(msg, limits, notes)
    in_reply_to = split_message_ids(_header_str(msg, "In-Reply-To"), 1)
    return InboundMail(
        message_id=message_id,
        from_addr=from_addr,
        from_name=from_name,
        to=tuple(spec for _, spec in _addresses(msg, "To", limits.max_recipients)),
        cc=tuple(spec for _, spec in _addresses(msg, "Cc", limits.max_recipients)),
        subject=subject,
        date=_date(msg),
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=split_message_ids(_header_str(msg, "References"), limits.max_references),
        body_text=body_text,
        attachments=tuple(_attachments(msg, body_part, limits)),
        raw_size=len(raw),
        defects=_defects(msg),
        notes=tuple(notes),
        synthetic_message_id=synthetic,
    )
