"""FakeMailServer: the store, SMTP and IMAP listeners, and the HTTP API behind one facade.

All listeners share one asyncio loop running in a background thread; the test API methods
are plain blocking calls that are safe from any thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import email.policy
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Iterable
from email.message import Message
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from fakes.errors import FakeStartupError, FakeStoreError, FakeTimeout
from fakes.mail.faults import FaultPlan, ImapFault, SmtpFault
from fakes.mail.imap_server import ImapServer
from fakes.mail.smtp import SmtpListener
from fakes.mail.store import MailStore, MailUser, OutboundMessage, StoredMessage
from fakes.mail.tls import TlsMaterial

__all__ = ["FakeMailServer"]

T = TypeVar("T")


class FakeMailServer:
    """SMTP (+SMTPS), IMAP (+IMAPS) and an optional HTTP API over one :class:`MailStore`.

    Port ``0`` picks a free port; ``None`` disables that listener. The API is off unless
    ``api_port`` is given; the implicit-TLS ports (SMTPS, IMAPS) exist only with ``tls=True``.
    """

    def __init__(
        self,
        users: Iterable[MailUser] = (),
        *,
        host: str = "127.0.0.1",
        smtp_port: int | None = 0,
        imap_port: int | None = 0,
        api_port: int | None = None,
        smtps_port: int | None = 0,
        imaps_port: int | None = 0,
        tls: bool = True,
        max_message_size: int = 10 * 1024 * 1024,
        smtp_auth_required: bool = True,
        auth_require_tls: bool = False,
        max_connections: int = 100,
        fault_seed: int | None = None,
        cert_dir: Path | None = None,
        auto_sent: bool = False,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise FakeStartupError("the fake mail server binds loopback only")
        self.store = MailStore(users, auto_sent=auto_sent)
        self.faults = FaultPlan(fault_seed)
        self.host = host
        self.max_message_size = max_message_size
        self._want = {"smtp": smtp_port, "imap": imap_port, "api": api_port}
        self._want_tls = {"smtps": smtps_port, "imaps": imaps_port}
        self._tls_enabled = tls
        self._smtp_auth_required = smtp_auth_required
        self._auth_require_tls = auth_require_tls
        self._max_connections = max_connections
        self._cert_dir = cert_dir
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._smtp: list[SmtpListener] = []
        self._imap: list[ImapServer] = []
        self._api: Any = None
        self.tls: TlsMaterial | None = None
        self.smtp_port: int | None = None
        self.imap_port: int | None = None
        self.smtps_port: int | None = None
        self.imaps_port: int | None = None
        self.api_port: int | None = None

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeMailServer:
        if self._thread is not None:
            raise FakeStartupError("already started")
        if self._tls_enabled:
            directory = self._cert_dir
            if directory is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="fake-mail-tls-")
                directory = Path(self._tmp.name)
            self.tls = TlsMaterial.generate(directory)
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="fake-mail", daemon=True)
        self._thread.start()
        try:
            self._call(self._start_listeners())
            if self._want["api"] is not None:
                from fakes.mail.api import MailApiServer

                self._api = MailApiServer(self, self.host, self._want["api"])
                self._api.start()
                self.api_port = self._api.port
        except BaseException as exc:
            self.stop()
            raise FakeStartupError(f"fake mail server failed to start: {exc!r}") from exc
        return self

    async def _start_listeners(self) -> None:
        ctx = self.tls.server_context if self.tls else None
        size = self.max_message_size
        smtp_kw: dict[str, Any] = {
            "host": self.host,
            "tls": ctx,
            "max_message_size": size,
            "auth_required": self._smtp_auth_required,
            "auth_require_tls": self._auth_require_tls,
            "max_connections": self._max_connections,
        }
        imap_kw: dict[str, Any] = {
            "host": self.host,
            "tls": ctx,
            "max_literal": size,
            "max_connections": self._max_connections,
        }
        if self._want["smtp"] is not None:
            smtp = SmtpListener(self.store, self.faults, port=self._want["smtp"], **smtp_kw)
            await smtp.start()
            self._smtp.append(smtp)
            self.smtp_port = smtp.port
        if self._want["imap"] is not None:
            imap = ImapServer(self.store, self.faults, port=self._want["imap"], **imap_kw)
            await imap.start()
            self._imap.append(imap)
            self.imap_port = imap.port
        if ctx is not None and self._want_tls["smtps"] is not None:
            smtps = SmtpListener(
                self.store, self.faults, port=self._want_tls["smtps"], implicit_tls=True, **smtp_kw
            )
            await smtps.start()
            self._smtp.append(smtps)
            self.smtps_port = smtps.port
        if ctx is not None and self._want_tls["imaps"] is not None:
            imaps = ImapServer(
                self.store, self.faults, port=self._want_tls["imaps"], implicit_tls=True, **imap_kw
            )
            await imaps.start()
            self._imap.append(imaps)
            self.imaps_port = imaps.port

    async def _stop_listeners(self) -> None:
        for imap in self._imap:
            await imap.stop()
        for smtp in self._smtp:
            await smtp.stop()
        current = asyncio.current_task()
        others = [t for t in asyncio.all_tasks() if t is not current]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def stop(self) -> None:
        if self._api is not None:
            self._api.stop()
            self._api = None
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and loop.is_running():
            try:
                self._call(self._stop_listeners(), timeout=10)
            finally:
                loop.call_soon_threadsafe(loop.stop)
                thread.join(10)
        if loop is not None and not loop.is_running():
            loop.close()
        self._loop = self._thread = None
        self._smtp, self._imap = [], []
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> FakeMailServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        if self._loop is None:
            coro.close()
            raise FakeStartupError("the fake mail server is not running")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise FakeTimeout(f"fake mail server loop did not answer within {timeout}s") from exc

    # -- test API ------------------------------------------------------------------------
    @property
    def ca_cert(self) -> str | None:
        """Path of the CA PEM clients should trust (None without TLS)."""
        return str(self.tls.ca_cert) if self.tls else None

    def deliver(
        self, message: bytes | Message, to: str | None = None, mailbox: str = "INBOX"
    ) -> int:
        """File a message in ``to``'s mailbox (default: its To header); returns the UID."""
        raw = message if isinstance(message, bytes) else _to_bytes(message)
        if to is None:
            to = _first_known_recipient(self.store, raw)
        return self.store.append(to, mailbox, raw)

    def messages(self, user: str, mailbox: str = "INBOX") -> list[StoredMessage]:
        return self.store.messages(user, mailbox)

    @property
    def outbound(self) -> list[OutboundMessage]:
        return self.store.outbound

    @property
    def imap_commands(self) -> list[str]:
        """First lines of the IMAP commands received (bounded), oldest first."""
        return [c for imap in self._imap for c in imap.commands]

    def wait_for(
        self, predicate: Callable[[FakeMailServer], T], timeout: float = 5.0, describe: str = ""
    ) -> T:
        """The first truthy ``predicate(self)``, re-checked on every store change."""
        deadline = time.monotonic() + timeout
        last: T | None = None
        while True:
            version = self.store.version
            last = predicate(self)
            if last:
                return last
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                what = describe or getattr(predicate, "__name__", "condition")
                raise FakeTimeout(f"waited {timeout}s for {what}; last value: {last!r}")
            self.store.wait_changed(version, remaining)

    def reset(self) -> None:
        """Empty mailboxes and the outbound record, clear faults."""
        self.faults.clear()
        self.store.reset()

    def inject_fault(self, fault: SmtpFault | ImapFault) -> None:
        self.faults.add(fault)

    def clear_faults(self) -> None:
        self.faults.clear()

    def drop_imap_connections(self) -> None:
        """Abort every IMAP connection, as a server restart would."""
        if self._loop is None:
            return

        async def drop() -> None:
            for imap in self._imap:
                imap.drop_connections()

        self._call(drop())


def _to_bytes(message: Message) -> bytes:
    policy = message.policy if message.policy is not None else email.policy.default
    return message.as_bytes(policy=policy.clone(linesep="\r\n"))


def _first_known_recipient(store: MailStore, raw: bytes) -> str:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    addresses: list[str] = []
    for header in ("To", "Cc", "Delivered-To"):
        for value in parsed.get_all(header) or []:
            addresses.extend(str(a.addr_spec) for a in getattr(value, "addresses", ()))
    for address in addresses:
        if store.has_user(address):
            return address
    raise FakeStoreError(f"no known recipient among {addresses}; pass to=")
