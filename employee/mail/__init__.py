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
from employee.mail.cursor import CursorState, CursorStore
from employee.mail.imap import ImapClient, ImapConfig, ImapError
from employee.mail.model import AttachmentInfo, InboundMail, MailLimits, Quarantined
from employee.mail.parse import parse_inbound
from employee.mail.sending import (
    DeliveryResult,
    ImapSentFolder,
    SentWitness,
    send_effectively_once,
)
from employee.mail.smtp import SendOutcome, SmtpConfig
from employee.mail.watcher import ImapWatcher

__all__ = [
    "AttachmentInfo",
    "CursorState",
    "CursorStore",
    "DeliveryResult",
    "ImapClient",
    "ImapConfig",
    "ImapError",
    "ImapSentFolder",
    "ImapWatcher",
    "InboundMail",
    "InvalidMessage",
    "MailLimits",
    "Quarantined",
    "ReplyContext",
    "SendOutcome",
    "SentWitness",
    "SmtpConfig",
    "build_message",
    "build_reply",
    "parse_inbound",
    "reply_subject",
    "send_effectively_once",
    "stable_message_id",
]
