"""Shared constants and message builders for the fake mail server tests."""

from __future__ import annotations

from email.message import EmailMessage

__all__ = ["CLIENT", "OWNER", "make_message"]

OWNER = "owner@platinum.test"
CLIENT = "client@example.org"


def make_message(
    subject: str = "Hello",
    body: str = "Hi there.\n",
    sender: str = CLIENT,
    to: str = OWNER,
    message_id: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or f"<{abs(hash((subject, body)))}@example.org>"
    msg.set_content(body)
    return msg
