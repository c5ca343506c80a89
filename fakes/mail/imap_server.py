"""The IMAP listener: accepts connections (plain+STARTTLS or implicit TLS) and runs sessions."""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
from collections import deque

from fakes.mail.faults import FaultPlan
from fakes.mail.imap_session import ImapSession
from fakes.mail.store import MailStore

__all__ = ["ImapServer"]

MAX_LINE = 64 * 1024
_LOGIN = re.compile(r"^(\S+ LOGIN \S+) .*$", re.IGNORECASE)


class ImapServer:
    """An asyncio IMAP4rev1 server over a :class:`MailStore`; start/stop in the loop thread."""

    def __init__(
        self,
        store: MailStore,
        faults: FaultPlan,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        max_literal: int = 10 * 1024 * 1024,
        max_connections: int = 100,
        idle_timeout: float = 30 * 60,
    ) -> None:
        self.store = store
        self.faults = faults
        self.host = host
        self.port = port
        self.tls = tls
        self.implicit_tls = implicit_tls
        self.max_literal = max_literal
        self.max_connections = max_connections
        self.idle_timeout = idle_timeout
        self.commands: deque[str] = deque(maxlen=2000)
        self.sessions: set[ImapSession] = set()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._unsubscribe = store.subscribe(self._on_change)
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(
            self._accept,
            self.host,
            self.port,
            ssl=self.tls if self.implicit_tls else None,
            limit=MAX_LINE,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._unsubscribe()
        if self._server is not None:
            self._server.close()
        self.drop_connections()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        for task in list(self._tasks):
            task.cancel()
        if self._server is not None:
            await self._server.wait_closed()

    def drop_connections(self) -> None:
        """Abort every open connection (a server restart, as clients see it)."""
        for session in list(self.sessions):
            session.close()

    def log_command(self, data: bytes) -> None:
        first = data.split(b"\r\n", 1)[0][:200].decode("utf-8", "replace")
        self.commands.append(_LOGIN.sub(r"\1 ***", first))

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        if len(self.sessions) >= self.max_connections:
            writer.write(b"* BYE Too many connections\r\n")
            writer.close()
            self._tasks.discard(task)
            return
        session = ImapSession(self, reader, writer, tls_active=self.implicit_tls)
        self.sessions.add(session)
        try:
            await session.run()
        except asyncio.CancelledError:
            pass  # shutdown; asyncio's connection callback must not see the cancellation
        finally:
            self.sessions.discard(session)
            self._tasks.discard(task)

    def _on_change(self, user: str, mailbox: str) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._wake, user)

    def _wake(self, user: str) -> None:
        for session in list(self.sessions):
            session.wake(user)
