"""Send one message over SMTP and classify what happened, without raising on protocol outcomes.

Outcomes: ``accepted`` (final 2xx after DATA); ``transient`` (4xx anywhere, or the
connection failed *before* the end-of-data dot was sent: nothing can have been accepted);
``ambiguous`` (the dot was sent and the reply never came: the RFC 1047 window, where the
server may have accepted the message); ``permanent`` (5xx, authentication refused, TLS
verification failure). Only programming errors raise.
"""

from __future__ import annotations

import copy
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import getaddresses
from typing import Literal

from employee.errors import ConfigError
from employee.mail.security import (
    Security,
    parse_port,
    parse_security,
    read_secret_file,
    tls_context,
)

__all__ = ["SendOutcome", "SendStatus", "SmtpConfig", "classify_code", "send"]

SendStatus = Literal["accepted", "transient", "ambiguous", "permanent"]
_DOT_LINE = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to submit mail. ``password`` never shows in ``repr``."""

    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    security: Security = "starttls"
    ca_file: str | None = None
    timeout: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SmtpConfig:
        """Read ``EMAIL_SMTP_*``, ``EMAIL_USERNAME``, ``EMAIL_PASSWORD_FILE``, ``EMAIL_CA_FILE``."""
        host = environ.get("EMAIL_SMTP_HOST", "").strip()
        if not host:
            raise ConfigError("EMAIL_SMTP_HOST is not set")
        security = parse_security(
            environ.get("EMAIL_SMTP_SECURITY", "starttls"), variable="EMAIL_SMTP_SECURITY"
        )
        default_port = {"ssl": "465", "starttls": "587", "plain": "25"}[security]
        port = parse_port(environ.get("EMAIL_SMTP_PORT", default_port), variable="EMAIL_SMTP_PORT")
        username = environ.get("EMAIL_USERNAME", "").strip() or None
        password = read_secret_file(environ, "EMAIL_PASSWORD_FILE") if username else None
        timeout = float(environ.get("EMAIL_TIMEOUT", "10"))
        ca_file = environ.get("EMAIL_CA_FILE", "").strip() or None
        return cls(host, port, username, password, security, ca_file, timeout)


@dataclass(frozen=True)
class SendOutcome:
    """The classified result of one submission attempt."""

    status: SendStatus
    code: int | None
    detail: str
    refused: Mapping[str, tuple[int, str]] = field(default_factory=dict)


def classify_code(code: int) -> SendStatus:
    """2xx accepted, 4xx transient, everything else permanent."""
    if 200 <= code < 300:
        return "accepted"
    if 400 <= code < 500:
        return "transient"
    return "permanent"


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())[:300]


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "ssl":
        return smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=tls_context(config.ca_file)
        )
    conn = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        conn.ehlo()
        if config.security == "starttls":
            code, reply = conn.starttls(context=tls_context(config.ca_file))
            if code != 220:  # smtplib returns rather than raises here: never go on in clear
                raise smtplib.SMTPResponseException(code, reply)
            conn.ehlo()
    except BaseException:
        conn.close()
        raise
    return conn


class _Phase:
    """Where the conversation is, so a dropped connection can be classified."""

    def __init__(self) -> None:
        self.dot_sent = False


def _transaction(
    conn: smtplib.SMTP, config: SmtpConfig, message: EmailMessage, phase: _Phase
) -> SendOutcome:
    if config.username is not None:
        try:
            conn.login(config.username, config.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            return SendOutcome(classify_code(exc.smtp_code), exc.smtp_code, _text(exc.smtp_error))
    senders = getaddresses([str(v) for v in message.get_all("From", [])])
    sender = senders[0][1] if senders else ""
    fields = [str(v) for name in ("To", "Cc", "Bcc") for v in message.get_all(name, [])]
    recipients = list(dict.fromkeys(addr for _, addr in getaddresses(fields) if addr))
    envelope_copy = copy.copy(message)
    del envelope_copy["Bcc"]  # Bcc recipients get the mail, never the header
    data = envelope_copy.as_bytes(policy=SMTP_POLICY)
    code, reply = conn.mail(sender)
    if code != 250:
        return SendOutcome(classify_code(code), code, f"MAIL FROM: {_text(reply)}")
    refused: dict[str, tuple[int, str]] = {}
    for rcpt in recipients:
        code, reply = conn.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, _text(reply))
    if len(refused) == len(recipients):
        worst = min(c for c, _ in refused.values()) if refused else 554
        status: SendStatus = (
            "transient" if any(400 <= c < 500 for c, _ in refused.values()) else "permanent"
        )
        conn.rset()
        return SendOutcome(status, worst, "all recipients refused", refused)
    conn.putcmd("data")
    code, reply = conn.getreply()
    if code != 354:
        return SendOutcome(classify_code(code), code, f"DATA: {_text(reply)}", refused)
    body = _DOT_LINE.sub(b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    conn.send(body + b".\r\n")
    phase.dot_sent = True
    code, reply = conn.getreply()
    return SendOutcome(classify_code(code), code, _text(reply), refused)


def send(config: SmtpConfig, message: EmailMessage) -> SendOutcome:
    """Submit ``message`` once and classify the outcome; never retries, never raises on SMTP."""
    phase = _Phase()
    try:
        conn = _connect(config)
    except smtplib.SMTPResponseException as exc:
        return SendOutcome(classify_code(exc.smtp_code), exc.smtp_code, _text(exc.smtp_error))
    except smtplib.SMTPNotSupportedError as exc:
        return SendOutcome("permanent", None, f"server does not support: {exc}")
    except ssl.SSLError as exc:
        return SendOutcome("permanent", None, f"TLS failure: {type(exc).__name__}: {exc}")
    except (OSError, smtplib.SMTPException) as exc:
        return SendOutcome("transient", None, f"connect failed: {type(exc).__name__}: {exc}")
    try:
        outcome = _transaction(conn, config, message, phase)
    except smtplib.SMTPResponseException as exc:
        outcome = SendOutcome(classify_code(exc.smtp_code), exc.smtp_code, _text(exc.smtp_error))
    except smtplib.SMTPNotSupportedError as exc:
        outcome = SendOutcome("permanent", None, f"server does not support: {exc}")
    except (OSError, smtplib.SMTPException) as exc:
        lost: SendStatus = "ambiguous" if phase.dot_sent else "transient"
        where = "after end of DATA" if phase.dot_sent else "before end of DATA"
        outcome = SendOutcome(lost, None, f"connection lost {where}: {type(exc).__name__}")
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()
    return outcome
