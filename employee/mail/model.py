"""Value objects of the mail side: limits, parsed inbound mail, quarantine verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["AttachmentInfo", "InboundMail", "MailLimits", "Quarantined"]


@dataclass(frozen=True)
class MailLimits:
    """Caps checked on the raw bytes before the stdlib parser ever sees them.

    Over any ``max_*`` cap on bytes, headers, recipients, MIME depth, parts, encoded-words
    or comments the message is quarantined. Structured headers (addresses, Content-*,
    Message-ID, Date) get tighter caps because the stdlib's structured-header parser is
    quadratic on long values (cpython#136063): 32 KB of ``(a)`` in ``To`` costs seconds.
    Text that is merely long (body, subject) is truncated and noted in ``InboundMail.notes``.
    """

    max_total_bytes: int = 25 * 1024 * 1024
    max_header_block_bytes: int = 256 * 1024
    max_header_bytes: int = 16 * 1024
    max_structured_header_bytes: int = 2048
    max_address_header_bytes: int = 64 * 1024
    max_comments_per_header: int = 20
    max_headers: int = 500
    max_recipients: int = 1000
    max_mime_depth: int = 20
    max_parts: int = 200
    max_encoded_words: int = 200
    max_subject_chars: int = 500
    max_body_chars: int = 100_000
    max_html_bytes: int = 2 * 1024 * 1024
    max_references: int = 100


@dataclass(frozen=True)
class AttachmentInfo:
    """An attachment's metadata; ``safe_name`` is a sanitised basename, never a path."""

    safe_name: str
    size: int
    content_type: str


@dataclass(frozen=True)
class InboundMail:
    """A parsed inbound message; every text field is decoded, control-character free and capped."""

    message_id: str
    from_addr: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    date: datetime | None
    in_reply_to: str | None
    references: tuple[str, ...]
    body_text: str
    attachments: tuple[AttachmentInfo, ...]
    raw_size: int
    defects: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    synthetic_message_id: bool = False


@dataclass(frozen=True)
class Quarantined:
    """A refused message: why, a digest of its bytes, and any Message-ID that was cheap to find."""

    reason: str
    raw_digest: str
    size: int
    message_id_if_known: str | None = None
