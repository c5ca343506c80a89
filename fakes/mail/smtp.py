"""The SMTP side: an aiosmtpd handler and authenticator over the store, and its listeners.

Servers are created with ``loop.create_server`` in the fake's own loop (aiosmtpd's
``Controller`` cannot take ``port=0`` and wants its own thread). Accepted mail is recorded in
the store's outbound list and filed in each known recipient's INBOX.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import warnings
from typing import Any

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session

from fakes.mail.faults import FaultPlan, SmtpFault
from fakes.mail.store import MailStore

__all__ = ["SmtpAuthenticator", "SmtpHandler", "SmtpListener"]

HOSTNAME = "mail.platinum.test"


class SmtpHandler:
    """aiosmtpd hooks: faults at AUTH/MAIL/RCPT/DATA, storage at DATA."""

    def __init__(self, store: MailStore, faults: FaultPlan) -> None:
        self.store = store
        self.faults = faults

    async def _fault(self, stage: str, server: SMTP) -> tuple[SmtpFault | None, str | None]:
        fault = self.faults.take_smtp(stage)
        if fault is None:
            return None, None
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.drop_connection and stage != "DATA":
            _drop(server)
        return fault, fault.reply

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        fault, reply = await self._fault("MAIL", server)
        if reply is not None or (fault is not None and fault.drop_connection):
            return reply or "421 4.3.0 Connection dropped"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        fault, reply = await self._fault("RCPT", server)
        if reply is not None or (fault is not None and fault.drop_connection):
            return reply or "421 4.3.0 Connection dropped"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_AUTH(
        self, server: SMTP, session: Session, envelope: Envelope, args: list[str]
    ) -> Any:
        """AUTH faults answer before any credential is checked; MISSING lets AUTH proceed."""
        fault, reply = await self._fault("AUTH", server)
        if fault is not None and fault.drop_connection:
            return "421 4.3.0 Connection dropped"
        return reply if reply is not None else MISSING

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        fault, reply = await self._fault("DATA", server)
        if reply is not None and not (fault is not None and fault.drop_connection):
            return reply
        content = envelope.content
        raw = content.encode("utf-8") if isinstance(content, str) else bytes(content or b"")
        login = _login(session)
        record = self.store.accept(envelope.mail_from or "", envelope.rcpt_tos, raw, login)
        if fault is not None and fault.drop_connection:
            _drop(server)  # the ambiguous window: stored, but the client hears nothing
            return "421 4.3.0 Connection dropped"
        return f"250 OK queued ({record.message_id or 'no Message-ID'})"


def _login(session: Session) -> str | None:
    data = session.auth_data
    if isinstance(data, LoginPassword):
        return data.login.decode("utf-8", "replace")
    return None


def _drop(server: SMTP) -> None:
    transport = server.transport
    if isinstance(transport, asyncio.Transport):
        transport.abort()
    elif transport is not None:
        transport.close()


class SmtpAuthenticator:
    """Checks app passwords with the ``smtp`` scope (535 otherwise)."""

    def __init__(self, store: MailStore) -> None:
        self.store = store

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", "replace")
        password = auth_data.password.decode("utf-8", "replace")
        if self.store.authenticate(login, password, "smtp") is None:
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=auth_data)


class SmtpListener:
    """One SMTP port: plain with optional STARTTLS, or implicit TLS."""

    def __init__(
        self,
        store: MailStore,
        faults: FaultPlan,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
        max_message_size: int = 10 * 1024 * 1024,
        auth_required: bool = True,
        auth_require_tls: bool = False,
        max_connections: int = 100,
    ) -> None:
        self.handler = SmtpHandler(store, faults)
        self.authenticator = SmtpAuthenticator(store)
        self.host = host
        self.port = port
        self.tls = tls
        self.implicit_tls = implicit_tls
        self.max_message_size = max_message_size
        self.auth_required = auth_required
        self.auth_require_tls = auth_require_tls and not implicit_tls and tls is not None
        self._server: asyncio.Server | None = None
        self.max_connections = max_connections
        self.connections = 0
        if auth_required and not self.auth_require_tls:
            # a deliberate test setting; aiosmtpd would warn on every connection
            warnings.filterwarnings(
                "ignore", "Requiring AUTH while not requiring TLS", UserWarning, "aiosmtpd"
            )
        _quiet_aiosmtpd_log()

    def _protocol(self) -> SMTP:
        return _BoundedSMTP(
            self,
            self.handler,
            data_size_limit=self.max_message_size,
            enable_SMTPUTF8=True,
            hostname=HOSTNAME,
            tls_context=None if self.implicit_tls else self.tls,
            authenticator=self.authenticator,
            auth_required=self.auth_required,
            auth_require_tls=self.auth_require_tls,
            loop=asyncio.get_running_loop(),
        )

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol,
            self.host,
            self.port,
            ssl=self.tls if self.implicit_tls else None,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


_NOISE = ("auth_require_tls == False", "Session.login_data is deprecated")


def _drop_noise(record: logging.LogRecord) -> bool:
    return not any(text in record.getMessage() for text in _NOISE)


def _quiet_aiosmtpd_log() -> None:
    """Drop aiosmtpd's per-connection warnings about settings this fake chose on purpose."""
    logger = logging.getLogger("mail.log")
    if _drop_noise not in logger.filters:
        logger.addFilter(_drop_noise)


class _BoundedSMTP(SMTP):
    """aiosmtpd's SMTP, refusing connections beyond the listener's limit with 421."""

    def __init__(self, listener: SmtpListener, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listener = listener
        self._counted = False
        self._released = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._counted and self._listener.connections >= self._listener.max_connections:
            if isinstance(transport, asyncio.WriteTransport):
                transport.write(b"421 4.7.0 Too many connections\r\n")
            transport.close()
            return
        if not self._counted:
            self._counted = True
            self._listener.connections += 1
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        if not self._counted:
            return  # refused in connection_made: aiosmtpd never saw this connection
        if not self._released:
            self._released = True
            self._listener.connections -= 1
        super().connection_lost(error)
