"""A small synchronous IMAP client on ``imaplib``: search by Message-ID, append, fetch, IDLE.

``imaplib`` reads through ``socket.makefile``, which is unusable after a read timeout, and
it has no IDLE before Python 3.14. So the connection classes here read through their own
buffer over ``sock.recv``: a timed-out wait during IDLE leaves the connection intact.
Every read uses ``BODY.PEEK[]``, so nothing this client reads gets marked ``\\Seen``.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from employee.errors import ConfigError, MailError
from employee.mail.security import (
    Security,
    parse_port,
    parse_security,
    read_secret_file,
    tls_context,
)

__all__ = ["ImapClient", "ImapConfig", "ImapError", "quote_astring"]

_UID_IN_FETCH = re.compile(rb"UID (\d+)")
_EXISTS = re.compile(rb"^\* \d+ EXISTS", re.I)
_APPENDUID = re.compile(rb"APPENDUID (\d+) (\d+)")
_SAFE_QUOTED = re.compile(r'[^\r\n\x00"\\]*')
_MAX_LINE = 1_000_000


class ImapError(MailError):
    """The IMAP server refused a command, dropped the connection, or spoke nonsense."""


@dataclass(frozen=True)
class ImapConfig:
    """Where and how to read mail. ``password`` never shows in ``repr``."""

    host: str
    port: int
    username: str
    password: str = field(repr=False)
    security: Security = "ssl"
    ca_file: str | None = None
    mailbox: str = "INBOX"
    timeout: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ImapConfig:
        """Read ``EMAIL_IMAP_*``, ``EMAIL_USERNAME``, ``EMAIL_PASSWORD_FILE``, ``EMAIL_CA_FILE``."""
        host = environ.get("EMAIL_IMAP_HOST", "").strip()
        username = environ.get("EMAIL_USERNAME", "").strip()
        if not host or not username:
            raise ConfigError("EMAIL_IMAP_HOST and EMAIL_USERNAME must be set")
        security = parse_security(
            environ.get("EMAIL_IMAP_SECURITY", "ssl"), variable="EMAIL_IMAP_SECURITY"
        )
        default_port = "993" if security == "ssl" else "143"
        port = parse_port(environ.get("EMAIL_IMAP_PORT", default_port), variable="EMAIL_IMAP_PORT")
        return cls(
            host=host,
            port=port,
            username=username,
            password=read_secret_file(environ, "EMAIL_PASSWORD_FILE"),
            security=security,
            ca_file=environ.get("EMAIL_CA_FILE", "").strip() or None,
            mailbox=environ.get("EMAIL_IMAP_MAILBOX", "INBOX").strip() or "INBOX",
            timeout=float(environ.get("EMAIL_TIMEOUT", "10")),
        )


def quote_astring(value: str) -> str:
    """An IMAP quoted string; refuses CR, LF, NUL, quotes and backslashes outright."""
    if not value.isascii() or not _SAFE_QUOTED.fullmatch(value):
        raise ImapError("value cannot be sent as an IMAP quoted string", value=value[:80])
    return f'"{value}"'


class _BufferedReads:
    """Replaces imaplib's file reads with a private buffer over ``sock.recv``."""

    sock: socket.socket
    _pbuf: bytearray

    def read(self, size: int) -> bytes:
        while len(self._pbuf) < size:
            self._fill()
        data = bytes(self._pbuf[:size])
        del self._pbuf[:size]
        return data

    def readline(self) -> bytes:
        while True:
            end = self._pbuf.find(b"\n")
            if end >= 0:
                line = bytes(self._pbuf[: end + 1])
                del self._pbuf[: end + 1]
                return line
            if len(self._pbuf) > _MAX_LINE:
                raise imaplib.IMAP4.error("line too long from server")
            self._fill()

    def readline_within(self, seconds: float) -> bytes | None:
        """One line, or ``None`` if none completed within ``seconds`` (connection stays usable)."""
        if b"\n" in self._pbuf:
            return self.readline()
        previous = self.sock.gettimeout()
        self.sock.settimeout(max(seconds, 0.001))
        try:
            self._fill()
        except (TimeoutError, ssl.SSLWantReadError):
            return None
        finally:
            self.sock.settimeout(previous)
        return self.readline() if b"\n" in self._pbuf else None

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise imaplib.IMAP4.abort("socket error: EOF")
        self._pbuf.extend(chunk)


class _Plain(_BufferedReads, imaplib.IMAP4):
    def __init__(self, host: str, port: int, timeout: float) -> None:
        self._pbuf = bytearray()
        super().__init__(host, port, timeout)


class _Tls(_BufferedReads, imaplib.IMAP4_SSL):
    def __init__(self, host: str, port: int, context: ssl.SSLContext, timeout: float) -> None:
        self._pbuf = bytearray()
        super().__init__(host, port, ssl_context=context, timeout=timeout)


def _check(result: tuple[str, list[Any]], what: str) -> list[Any]:
    kind, data = result
    if kind != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise ImapError(f"{what} refused", reply=kind, detail=detail[:200])
    return data


class ImapClient:
    """One logged-in IMAP connection. Use as a context manager; errors raise ``ImapError``."""

    def __init__(self, config: ImapConfig) -> None:
        self.config = config
        self._conn: _Plain | _Tls | None = None
        self._selected: str | None = None
        self._uidvalidity: int | None = None
        self._idle_tags = 0

    # -- connection -----------------------------------------------------------------------
    def connect(self) -> ImapClient:
        cfg = self.config
        try:
            if cfg.security == "ssl":
                context = tls_context(cfg.ca_file)
                conn: _Plain | _Tls = _Tls(cfg.host, cfg.port, context, cfg.timeout)
            else:
                conn = _Plain(cfg.host, cfg.port, cfg.timeout)
                if cfg.security == "starttls":
                    conn.starttls(tls_context(cfg.ca_file))
            self._conn = conn
            _check(conn.login(cfg.username, cfg.password), "LOGIN")
        except (imaplib.IMAP4.error, OSError) as exc:
            self.close()
            error = f"{type(exc).__name__}: {exc}"[:200]
            raise ImapError("IMAP connect/login failed", error=error) from None
        return self

    def __enter__(self) -> ImapClient:
        return self.connect()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """LOGOUT if possible, then drop the socket; never raises."""
        conn, self._conn = self._conn, None
        self._selected = None
        if conn is None:
            return
        try:
            conn.sock.settimeout(2.0)
            conn.logout()
        except (imaplib.IMAP4.error, OSError, ValueError):
            with contextlib.suppress(OSError):
                conn.shutdown()

    @property
    def capabilities(self) -> frozenset[str]:
        return frozenset(c.upper() for c in self._c().capabilities)

    def _c(self) -> _Plain | _Tls:
        if self._conn is None:
            raise ImapError("not connected")
        return self._conn

    def _run(self, what: str, call: Any, *args: Any) -> list[Any]:
        try:
            return _check(call(*args), what)
        except imaplib.IMAP4.abort as exc:
            self.close()
            raise ImapError(f"{what}: connection aborted", error=str(exc)[:200]) from None
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(f"{what} failed", error=f"{type(exc).__name__}: {exc}"[:200]) from None

    # -- mailbox state --------------------------------------------------------------------
    def select(self, mailbox: str | None = None, *, readonly: bool = False) -> int:
        """SELECT (or EXAMINE) ``mailbox``; returns its UIDVALIDITY."""
        name = mailbox or self.config.mailbox
        conn = self._c()
        self._run("SELECT", conn.select, quote_astring(name), readonly)
        values = conn.response("UIDVALIDITY")[1]
        try:
            self._uidvalidity = int(values[-1])
        except (TypeError, ValueError, IndexError):
            raise ImapError("SELECT gave no UIDVALIDITY", mailbox=name) from None
        self._selected = name
        return self._uidvalidity

    def uidvalidity(self) -> int:
        """UIDVALIDITY of the selected mailbox (selecting the configured one if needed)."""
        if self._uidvalidity is None or self._selected is None:
            return self.select()
        return self._uidvalidity

    def _ensure(self, mailbox: str, readonly: bool) -> None:
        if self._selected != mailbox:
            self.select(mailbox, readonly=readonly)

    # -- queries --------------------------------------------------------------------------
    def search(self, mailbox: str, *criteria: str) -> list[int]:
        """UID SEARCH with pre-quoted ``criteria``; ascending UIDs."""
        self._ensure(mailbox, readonly=True)
        data = self._run("UID SEARCH", self._c().uid, "SEARCH", *criteria)
        words = b" ".join(d for d in data if isinstance(d, bytes)).split()
        return sorted({int(w) for w in words if w.isdigit()})

    def find_by_message_id(self, mailbox: str, message_id: str) -> int | None:
        """The highest UID in ``mailbox`` whose Message-ID header is ``message_id``, or None."""
        uids = self.search(mailbox, "HEADER", "Message-ID", quote_astring(message_id))
        return uids[-1] if uids else None

    def fetch(self, mailbox: str, uids: Iterable[int]) -> list[tuple[int, bytes]]:
        """``(uid, raw)`` for each UID, read with ``BODY.PEEK[]`` (flags untouched)."""
        wanted = sorted(set(uids))
        if not wanted:
            return []
        self._ensure(mailbox, readonly=False)
        data = self._run(
            "UID FETCH", self._c().uid, "FETCH", ",".join(map(str, wanted)), "(UID BODY.PEEK[])"
        )
        found: dict[int, bytes] = {}
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                uid = _UID_IN_FETCH.search(item[0])
                if uid:
                    found[int(uid.group(1))] = bytes(item[1])
        return sorted(found.items())

    def fetch_since(
        self, uid_cursor: int, *, limit: int = 50, mailbox: str | None = None
    ) -> list[tuple[int, bytes]]:
        """Up to ``limit`` messages with UID > ``uid_cursor``, oldest first."""
        name = mailbox or self.config.mailbox
        # "n:*" always matches the highest UID, even below n: filter again here.
        newer = [u for u in self.search(name, "UID", f"{uid_cursor + 1}:*") if u > uid_cursor]
        return self.fetch(name, newer[:limit])

    def append(self, mailbox: str, raw: bytes, flags: Iterable[str] = ("\\Seen",)) -> int | None:
        """APPEND ``raw`` to ``mailbox``; the new UID when the server reports APPENDUID."""
        flag_list = "(" + " ".join(flags) + ")"
        if not re.fullmatch(r"\((?:\\?[A-Za-z]+(?: \\?[A-Za-z]+)*)?\)", flag_list):
            raise ImapError("invalid flags", flags=flag_list)
        date = imaplib.Time2Internaldate(time.time())
        conn = self._c()
        data = self._run("APPEND", conn.append, quote_astring(mailbox), flag_list, date, raw)
        joined = b" ".join(d for d in data if isinstance(d, bytes))
        found = _APPENDUID.search(joined)
        return int(found.group(2)) if found else None

    def noop(self) -> None:
        self._run("NOOP", self._c().noop)

    # -- IDLE -----------------------------------------------------------------------------
    def idle(
        self,
        seconds: float,
        should_stop: Callable[[], bool] | None = None,
        idling: threading.Event | None = None,
    ) -> bool:
        """IDLE up to ``seconds``; True as soon as the server reports EXISTS.

        ``should_stop`` is polled about four times a second to end early; ``idling`` is set
        while the server has accepted IDLE (from its ``+`` continuation until ``DONE``).
        """
        conn = self._c()
        if "IDLE" not in self.capabilities:
            raise ImapError("server does not support IDLE")
        self._idle_tags += 1
        tag = b"PIDLE%d" % self._idle_tags
        try:
            conn.send(tag + b" IDLE\r\n")
            while True:  # wait for the continuation
                line = conn.readline()
                if line.startswith(b"+"):
                    if idling is not None:
                        idling.set()
                    break
                if line.startswith(tag):
                    raise ImapError("IDLE refused", reply=line[:200].decode("utf-8", "replace"))
                if line.upper().startswith(b"* BYE"):
                    raise imaplib.IMAP4.abort(line.decode("utf-8", "replace"))
            woke = False
            deadline = time.monotonic() + seconds
            while not woke and time.monotonic() < deadline:
                if should_stop is not None and should_stop():
                    break
                pushed = conn.readline_within(min(0.25, max(0.0, deadline - time.monotonic())))
                if pushed is None:
                    continue
                if pushed.upper().startswith(b"* BYE"):
                    raise imaplib.IMAP4.abort(pushed.decode("utf-8", "replace"))
                woke = bool(_EXISTS.match(pushed))
            if idling is not None:
                idling.clear()
            conn.send(b"DONE\r\n")
            while True:
                line = conn.readline()
                if line.startswith(tag):
                    if not line[len(tag) :].strip().upper().startswith(b"OK"):
                        raise ImapError("IDLE ended badly", reply=line[:200].decode())
                    return woke
                if line.upper().startswith(b"* BYE"):
                    raise imaplib.IMAP4.abort(line.decode("utf-8", "replace"))
                woke = woke or bool(_EXISTS.match(line))
        except (imaplib.IMAP4.abort, OSError) as exc:
            self.close()
            raise ImapError("IDLE: connection lost", error=str(exc)[:200]) from None
        finally:
            if idling is not None:
                idling.clear()
