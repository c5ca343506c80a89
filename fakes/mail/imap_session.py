"""One IMAP4rev1 connection: framing, state, authentication, IDLE, and command dispatch.

The mailbox and message commands live in :mod:`fakes.mail.imap_commands`; this module owns
the connection (reading bounded lines and literals, TLS upgrade, faults, the session's view
of the selected mailbox).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ssl
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from fakes.errors import FakeStoreError
from fakes.mail.imap_commands import MailboxCommands, No
from fakes.mail.imap_parser import (
    Command,
    ImapSyntaxError,
    astring,
    literal_at_end,
    parse_command,
)

if TYPE_CHECKING:
    from fakes.mail.imap_server import ImapServer

__all__ = ["ImapSession"]


class _Closed(Exception):
    """The connection is over (EOF, BYE, or an unrecoverable framing error)."""


class _Handled(Exception):
    """The command already wrote its own tagged reply (STARTTLS); the session goes on."""


class ImapSession(MailboxCommands):
    """Serve one client until LOGOUT, EOF, BYE or server shutdown."""

    def __init__(
        self,
        server: ImapServer,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        tls_active: bool,
    ) -> None:
        super().__init__(server.store)
        self.server = server
        self.reader = reader
        self.writer = writer
        self.tls_active = tls_active
        self.changed = asyncio.Event()

    # -- wire ----------------------------------------------------------------------------
    async def send(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if self.writer.is_closing():
            raise _Closed
        self.writer.write(data)
        try:
            await self.writer.drain()
        except (ConnectionError, RuntimeError) as exc:
            raise _Closed from exc

    async def untagged(self, lines: list[str]) -> None:
        if lines:
            await self.send("".join(f"{line}\r\n" for line in lines))

    async def readline(self) -> bytes:
        try:
            line = await self.reader.readuntil(b"\n")
        except asyncio.LimitOverrunError:
            await self.send("* BYE Line too long\r\n")
            raise _Closed from None
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise _Closed from exc
        return line

    async def read_command(self) -> bytes:
        """One command with its literals inlined; refuses oversized literals."""
        data = bytearray()
        while True:
            line = await self.readline()
            data += line
            literal = literal_at_end(line)
            if literal is None:
                return bytes(data)
            size, synchronizing = literal
            if size > self.server.max_literal or len(data) + size > 2 * self.server.max_literal:
                if not synchronizing:
                    await self.send("* BYE Literal too large\r\n")
                    raise _Closed
                tag = bytes(data).split(b" ", 1)[0].decode("ascii", "replace") or "*"
                await self.send(f"{tag} NO [TOOBIG] Literal exceeds the size limit\r\n")
                return b""
            if synchronizing:
                await self.send("+ Ready for literal data\r\n")
            try:
                data += await self.reader.readexactly(size)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                raise _Closed from exc

    # -- lifecycle -----------------------------------------------------------------------
    async def run(self) -> None:
        try:
            await self.send(f"* OK [CAPABILITY {self.capabilities()}] Platinum fake IMAP ready\r\n")
            while not self.writer.is_closing():
                try:
                    async with asyncio.timeout(self.server.idle_timeout):
                        data = await self.read_command()
                except TimeoutError:
                    await self.send("* BYE Autologout; idle for too long\r\n")
                    raise _Closed from None
                if data:
                    await self.handle(data)
        except _Closed:
            pass
        finally:
            self.writer.close()

    async def handle(self, data: bytes) -> None:
        self.server.log_command(data)
        try:
            command = parse_command(data)
        except ImapSyntaxError as exc:
            tag = data.split(b" ", 1)[0].decode("ascii", "replace").strip() or "*"
            tag = tag if tag.isprintable() and len(tag) < 64 else "*"
            await self.send(f"{tag} BAD {exc}\r\n")
            return
        fault = self.server.faults.take_imap(command.name)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.reply == "BYE":
                await self.send(f"* BYE {fault.message}\r\n")
                raise _Closed
            if fault.reply is not None:
                await self.send(f"{command.tag} {fault.reply} {fault.message}\r\n")
                return
        await self.dispatch(command)

    async def dispatch(self, command: Command) -> None:
        handler = self.handlers().get(command.name)
        if handler is None:
            await self.send(f"{command.tag} BAD Unknown or unsupported command\r\n")
            return
        needs, run = handler
        if needs == "auth" and self.user is None:
            await self.send(f"{command.tag} BAD Not authenticated\r\n")
            return
        if needs == "selected" and self.mailbox is None:
            await self.send(f"{command.tag} BAD No mailbox selected\r\n")
            return
        try:
            result = await run(command)
        except _Handled:
            return
        except ImapSyntaxError as exc:
            await self.send(f"{command.tag} BAD {exc}\r\n")
        except No as exc:
            await self.send(f"{command.tag} NO {exc}\r\n")
        except FakeStoreError as exc:
            await self.send(f"{command.tag} NO {exc}\r\n")
        else:
            await self.send(f"{command.tag} OK {result}\r\n")

    def handlers(self) -> dict[str, tuple[str, Callable[[Command], Awaitable[str]]]]:
        table: dict[str, tuple[str, Callable[[Command], Awaitable[str]]]] = {
            "CAPABILITY": ("any", self.cmd_capability),
            "NOOP": ("any", self.cmd_noop),
            "LOGOUT": ("any", self.cmd_logout),
            "STARTTLS": ("any", self.cmd_starttls),
            "LOGIN": ("any", self.cmd_login),
            "AUTHENTICATE": ("any", self.cmd_authenticate),
            "IDLE": ("auth", self.cmd_idle),
        }
        table.update(self.mailbox_handlers())
        return table

    # -- any state -----------------------------------------------------------------------
    def capabilities(self) -> str:
        caps = ["IMAP4rev1", "IDLE", "UIDPLUS", "MOVE", "UNSELECT"]
        if self.user is None:
            if self.server.tls is not None and not self.tls_active:
                caps.append("STARTTLS")
            caps.append("AUTH=PLAIN")
        caps.append("CHILDREN")  # never end on IDLE: aioimaplib misreads "IDLE]"
        return " ".join(caps)

    async def cmd_capability(self, command: Command) -> str:
        await self.untagged([f"* CAPABILITY {self.capabilities()}"])
        return "CAPABILITY completed"

    async def cmd_noop(self, command: Command) -> str:
        if self.mailbox is not None:
            await self.untagged(self.sync(expunges=True))
        return "NOOP completed"

    async def cmd_logout(self, command: Command) -> str:
        await self.send(f"* BYE Logging out\r\n{command.tag} OK LOGOUT completed\r\n")
        raise _Closed

    async def cmd_starttls(self, command: Command) -> str:
        if self.server.tls is None or self.tls_active:
            raise No("STARTTLS not available")
        if self.user is not None:
            raise ImapSyntaxError("STARTTLS only before authentication")
        await self.send(f"{command.tag} OK Begin TLS negotiation now\r\n")
        try:
            await self.writer.start_tls(self.server.tls)
        except (ssl.SSLError, ConnectionError, OSError) as exc:
            raise _Closed from exc
        self.tls_active = True
        raise _Handled

    async def cmd_login(self, command: Command) -> str:
        if len(command.args) != 2:
            raise ImapSyntaxError("LOGIN needs a user name and a password")
        return self.authenticate(astring(command.args[0]), astring(command.args[1]))

    async def cmd_authenticate(self, command: Command) -> str:
        if not command.args or astring(command.args[0]).upper() != "PLAIN":
            raise No("Unsupported authentication mechanism")
        if len(command.args) > 1:
            response = astring(command.args[1]).encode("ascii", "replace")
        else:
            await self.send("+ \r\n")
            response = (await self.readline()).strip()
        if response == b"*":
            raise ImapSyntaxError("Authentication cancelled")
        try:
            decoded = base64.b64decode(response, validate=True)
        except (binascii.Error, ValueError):
            raise ImapSyntaxError("Invalid base64 in AUTHENTICATE") from None
        parts = decoded.split(b"\0")
        if len(parts) != 3:
            raise ImapSyntaxError("Malformed PLAIN response")
        authz, login, password = (p.decode("utf-8", "replace") for p in parts)
        if authz and authz.lower() != login.lower():
            raise No("[AUTHORIZATIONFAILED] Cannot act as another user")
        return self.authenticate(login, password)

    def authenticate(self, login: str, password: str) -> str:
        if self.user is not None:
            raise ImapSyntaxError("Already authenticated")
        address = self.store.authenticate(login, password, "imap")
        if address is None:
            raise No("[AUTHENTICATIONFAILED] Invalid credentials")
        self.user = address
        return f"[CAPABILITY {self.capabilities()}] Authenticated"

    # -- IDLE ----------------------------------------------------------------------------
    async def cmd_idle(self, command: Command) -> str:
        await self.send("+ idling\r\n")
        read = asyncio.ensure_future(self.readline())
        try:
            while True:
                self.changed.clear()
                if self.mailbox is not None:
                    await self.untagged(self.sync(expunges=True))
                waiter = asyncio.ensure_future(self.changed.wait())
                done, _ = await asyncio.wait(
                    {read, waiter},
                    timeout=self.server.idle_timeout,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                waiter.cancel()
                if read in done:
                    line = read.result()
                    if line.strip().upper() != b"DONE":
                        raise ImapSyntaxError("Expected DONE")
                    return "IDLE terminated"
                if not done:
                    await self.send("* BYE IDLE timed out\r\n")
                    raise _Closed
        finally:
            if not read.done():
                read.cancel()

    def wake(self, user: str) -> None:
        if self.user is not None and (not user or user.lower() == self.user.lower()):
            self.changed.set()

    def close(self) -> None:
        self.writer.transport.abort()
