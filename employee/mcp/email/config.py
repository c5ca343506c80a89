"""Configuration of the email MCP server, read from the environment when asked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from employee.errors import ConfigError
from employee.mail.imap import ImapConfig
from employee.mail.smtp import SmtpConfig

__all__ = ["SMTP_VARIABLES", "EmailMcpConfig", "Mode"]

Mode = Literal["draft", "send"]
#: Their presence makes a draft-mode server refuse to start.
SMTP_VARIABLES = ("EMAIL_SMTP_HOST", "EMAIL_SMTP_PORT", "EMAIL_SMTP_SECURITY")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


@dataclass(frozen=True)
class EmailMcpConfig:
    """IMAP always; SMTP only for a ``send`` server. ``sent_copy``: who files the Sent copy."""

    imap: ImapConfig
    smtp: SmtpConfig | None
    from_addr: str
    message_id_domain: str
    sent_mailbox: str = "Sent"
    drafts_mailbox: str = "Drafts"
    sent_copy: Literal["append", "server"] = "append"
    reconcile_wait: float = 0.0

    def __post_init__(self) -> None:
        if not _DOMAIN.fullmatch(self.message_id_domain):
            raise ConfigError("invalid Message-ID domain", domain=self.message_id_domain)
        if self.sent_copy not in ("append", "server"):
            raise ConfigError("sent_copy must be 'append' or 'server'", value=self.sent_copy)

    @classmethod
    def from_env(cls, environ: Mapping[str, str], mode: Mode) -> EmailMcpConfig:
        """Read the ``EMAIL_*`` variables; a draft server refuses any SMTP setting."""
        present = [name for name in SMTP_VARIABLES if environ.get(name, "").strip()]
        if mode == "draft" and present:
            raise ConfigError(
                "a draft-only email server must not be given SMTP settings",
                variables=",".join(present),
            )
        smtp = SmtpConfig.from_env(environ) if mode == "send" else None
        imap = ImapConfig.from_env(environ)
        from_addr = environ.get("EMAIL_FROM", "").strip() or imap.username
        domain = environ.get("EMAIL_MESSAGE_ID_DOMAIN", "").strip() or from_addr.rpartition("@")[2]
        sent_copy = environ.get("EMAIL_SENT_COPY", "append").strip().lower()
        if sent_copy not in ("append", "server"):
            raise ConfigError("EMAIL_SENT_COPY must be 'append' or 'server'", value=sent_copy)
        try:
            reconcile_wait = float(environ.get("EMAIL_RECONCILE_WAIT", "0"))
        except ValueError:
            raise ConfigError("EMAIL_RECONCILE_WAIT is not a number") from None
        return cls(
            imap=imap,
            smtp=smtp,
            from_addr=from_addr,
            message_id_domain=domain,
            sent_mailbox=environ.get("EMAIL_SENT_MAILBOX", "Sent").strip() or "Sent",
            drafts_mailbox=environ.get("EMAIL_DRAFTS_MAILBOX", "Drafts").strip() or "Drafts",
            sent_copy="server" if sent_copy == "server" else "append",
            reconcile_wait=reconcile_wait,
        )
