"""MailApiClient: the FakeMailServer test verbs over its HTTP API (stdlib urllib only)."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from email.message import Message
from typing import Any, TypeVar
from urllib.parse import quote

from fakes.errors import FakeError, FakeStoreError, FakeTimeout
from fakes.mail.faults import ImapFault, SmtpFault
from fakes.mail.store import OutboundMessage, StoredMessage

__all__ = ["MailApiClient"]

T = TypeVar("T")


class MailApiClient:
    """Talk to a fake mail server's HTTP API at ``base_url`` (``http://127.0.0.1:port``)."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _request(
        self, method: str, path: str, body: Any = None, timeout: float | None = None
    ) -> bytes:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - the URL is the caller's fake server
            self.base_url + path, data=data, method=method
        )
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:  # noqa: S310
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            if exc.code == 404:
                raise FakeStoreError(f"{method} {path}: {detail}") from exc
            raise FakeError(f"{method} {path} -> HTTP {exc.code}: {detail}") from exc

    def _json(self, method: str, path: str, body: Any = None, timeout: float | None = None) -> Any:
        return json.loads(self._request(method, path, body, timeout))

    @staticmethod
    def _box(user: str, mailbox: str) -> str:
        return f"/users/{quote(user, safe='')}/mailboxes/{quote(mailbox, safe='')}"

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._json("GET", "/health")
        return result

    def messages(self, user: str, mailbox: str = "INBOX") -> list[StoredMessage]:
        return [
            StoredMessage(
                uid=item["uid"],
                flags=frozenset(item["flags"]),
                internal_date=datetime.fromisoformat(item["internal_date"]),
                raw=base64.b64decode(item["raw_b64"]),
            )
            for item in self._json("GET", self._box(user, mailbox) + "/messages")
        ]

    def raw(self, user: str, mailbox: str, uid: int) -> bytes:
        return self._request("GET", f"{self._box(user, mailbox)}/messages/{uid}/raw")

    def delete(self, user: str, mailbox: str, uid: int) -> None:
        self._json("DELETE", f"{self._box(user, mailbox)}/messages/{uid}")

    def deliver(self, raw: bytes | Message, to: str | None = None, mailbox: str = "INBOX") -> int:
        data = raw if isinstance(raw, bytes) else raw.as_bytes()
        body = {"raw_b64": base64.b64encode(data).decode("ascii"), "to": to, "mailbox": mailbox}
        return int(self._json("POST", "/deliver", body)["uid"])

    def outbound(self) -> list[OutboundMessage]:
        return [
            OutboundMessage(
                mail_from=item["mail_from"],
                rcpt_tos=tuple(item["rcpt_tos"]),
                raw=base64.b64decode(item["raw_b64"]),
                received_at=datetime.fromisoformat(item["received_at"]),
                login=item["login"],
            )
            for item in self._json("GET", "/outbound")
        ]

    def inject_fault(self, fault: SmtpFault | ImapFault) -> None:
        kind = "smtp" if isinstance(fault, SmtpFault) else "imap"
        self._json("POST", "/faults", {"kind": kind, **asdict(fault)})

    def clear_faults(self) -> None:
        self._json("DELETE", "/faults")

    def drop_imap_connections(self) -> None:
        self._json("POST", "/imap/drop")

    def reset(self) -> None:
        self._json("POST", "/reset")

    def wait_for(
        self, predicate: Callable[[MailApiClient], T], timeout: float = 5.0, describe: str = ""
    ) -> T:
        """The first truthy ``predicate(self)``; re-checked whenever the server's store changes.

        Uses the server's ``/wait`` long poll, so there is no sleeping between checks.
        """
        deadline = time.monotonic() + timeout
        while True:
            version = int(self.health()["version"])
            last = predicate(self)
            if last:
                return last
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                what = describe or getattr(predicate, "__name__", "condition")
                raise FakeTimeout(f"waited {timeout}s for {what}; last value: {last!r}")
            wait = min(remaining, 10.0)
            self._json("GET", f"/wait?version={version}&timeout={wait:.3f}", timeout=wait + 5)
