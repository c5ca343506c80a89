"""Effectively-once sending: stable Message-ID, reconcile against a Sent witness, then send.

Policy (reliability.md section 2): before any submission look for the Message-ID in the
witness (normally the IMAP Sent folder); found means ``already_sent``. After an
``accepted`` reply, store a copy in Sent (unless the provider does that itself, as Gmail
does). After an ``ambiguous`` outcome (connection lost after the end-of-data dot), look
again: found means ``sent``; not found stays ``ambiguous`` and the caller must not retry
blindly (a human decides, or a later retry reconciles first). A witness that cannot be
read means nothing is sent.

The witness is pluggable (``SentWitness``). With providers that copy SMTP-submitted mail
into Sent, the IMAP Sent folder witnesses the ambiguous window too; with providers that do
not, only the client's own copy exists, which is written after ``accepted`` only, so an
ambiguous send cannot be confirmed and is reported as ``ambiguous``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from typing import Literal, Protocol

from employee.errors import MailError
from employee.mail.imap import ImapClient, ImapConfig
from employee.mail.smtp import SendOutcome, SmtpConfig, send

__all__ = [
    "DeliveryResult",
    "DeliveryStatus",
    "ImapSentFolder",
    "SentWitness",
    "send_effectively_once",
]

log = logging.getLogger(__name__)
DeliveryStatus = Literal[
    "sent", "already_sent", "transient_failure", "ambiguous", "permanent_failure"
]


class SentWitness(Protocol):
    """Somewhere the sender can look up what it has already sent, by Message-ID."""

    def contains(self, message_id: str) -> bool:
        """Whether a message with this Message-ID is known to have been sent."""
        ...

    def store_copy(self, raw: bytes, message_id: str) -> None:
        """Record a copy of an accepted message (e.g. APPEND to Sent)."""
        ...


class ImapSentFolder:
    """The IMAP Sent folder as a witness; one short connection per call."""

    def __init__(self, config: ImapConfig, mailbox: str = "Sent") -> None:
        self.config = config
        self.mailbox = mailbox
        self._lock = threading.Lock()

    def find(self, message_id: str) -> int | None:
        with ImapClient(self.config) as client:
            return client.find_by_message_id(self.mailbox, message_id)

    def contains(self, message_id: str) -> bool:
        return self.find(message_id) is not None

    def store_copy(self, raw: bytes, message_id: str) -> None:
        with self._lock, ImapClient(self.config) as client:
            if client.find_by_message_id(self.mailbox, message_id) is None:
                client.append(self.mailbox, raw, ("\\Seen",))


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to one send request."""

    status: DeliveryStatus
    message_id: str
    smtp_code: int | None
    detail: str


def _witness_says(witness: SentWitness, message_id: str, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while True:
        if witness.contains(message_id):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))


def send_effectively_once(
    message: EmailMessage,
    *,
    smtp: SmtpConfig,
    witness: SentWitness,
    copy_to_sent: bool = True,
    reconcile_wait: float = 0.0,
    submit: Callable[[SmtpConfig, EmailMessage], SendOutcome] = send,
) -> DeliveryResult:
    """Send ``message`` unless the witness already has its Message-ID; classify the result.

    ``reconcile_wait`` is how long to keep looking in the witness after an ambiguous send
    (providers copy into Sent asynchronously); 0 looks once.
    """
    message_id = str(message.get("Message-ID", "")).strip()
    if not message_id:
        raise MailError("message has no Message-ID; effectively-once sending needs one")
    try:
        if witness.contains(message_id):
            return DeliveryResult("already_sent", message_id, None, "found in Sent; not resent")
    except MailError as exc:
        return DeliveryResult(
            "transient_failure", message_id, None, f"cannot check Sent, nothing sent: {exc}"
        )
    outcome = submit(smtp, message)
    if outcome.status == "accepted":
        detail = outcome.detail
        if outcome.refused:
            detail += f"; refused: {', '.join(sorted(outcome.refused))}"
        if copy_to_sent:
            try:
                witness.store_copy(message.as_bytes(policy=SMTP_POLICY), message_id)
            except MailError as exc:
                log.error("sent %s but could not store the Sent copy: %s", message_id, exc)
                detail += f"; WARNING Sent copy failed ({exc}): record the send before any retry"
        return DeliveryResult("sent", message_id, outcome.code, detail)
    if outcome.status == "ambiguous":
        try:
            found = _witness_says(witness, message_id, reconcile_wait)
        except MailError as exc:
            found = False
            log.warning("reconcile of %s failed: %s", message_id, exc)
        if found:
            return DeliveryResult(
                "sent", message_id, None, f"{outcome.detail}; reconciled: found in Sent"
            )
        return DeliveryResult("ambiguous", message_id, None, outcome.detail)
    status: DeliveryStatus = (
        "transient_failure" if outcome.status == "transient" else "permanent_failure"
    )
    return DeliveryResult(status, message_id, outcome.code, outcome.detail)
