"""The employee's mail side: parse inbound mail, compose replies, send over SMTP, watch IMAP.

Pure parts (``parse``, ``compose``, ``precheck``, ``text``) do no I/O; ``smtp``, ``imap``
and ``watcher`` are thin adapters over ``smtplib`` and ``imaplib``.
"""

from __future__ import annotations

from employee.mail.compose import (
    InvalidMessage,
    ReplyContext,
    build_message,
    build_reply,
    reply_subject,
    stable_message_id,
)
from employee.mail.model import AttachmentInfo, InboundMail, MailLimits, Quarantined
from employee.mail.parse import parse_inbound

__all__ = [
    "AttachmentInfo",
    "InboundMail",
    "InvalidMessage",
    "MailLimits",
    "Quarantined",
    "ReplyContext",
    "build_message",
    "build_reply",
    "parse_inbound",
    "reply_subject",
    "stable_message_id",
]
