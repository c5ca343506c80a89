"""The fake mail server's one store: users, credentials, mailboxes, messages, outbound record.

Pure data plus a lock: no sockets, no files. Protocol handlers and the test API both read and
write it; every change bumps :attr:`MailStore.version` and notifies listeners and waiters.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage

from fakes.errors import FakeStoreError

__all__ = [
    "DEFAULT_MAILBOXES",
    "SPECIAL_USE",
    "SYSTEM_FLAGS",
    "Credential",
    "MailStore",
    "MailUser",
    "MailboxInfo",
    "OutboundMessage",
    "StoredMessage",
    "normalize_flag",
]

DEFAULT_MAILBOXES = ("INBOX", "Sent", "Drafts", "Archive")
SPECIAL_USE = {"Sent": "\\Sent", "Drafts": "\\Drafts", "Archive": "\\Archive", "Trash": "\\Trash"}
SYSTEM_FLAGS = ("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft")
_SYSTEM_BY_LOWER = {f.lower(): f for f in SYSTEM_FLAGS}
SCOPES = frozenset({"imap", "smtp"})


def normalize_flag(flag: str) -> str:
    """System flags in canonical case (``\\seen`` -> ``\\Seen``); keywords unchanged."""
    return _SYSTEM_BY_LOWER.get(flag.lower(), flag)


def _parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


@dataclass(frozen=True)
class Credential:
    """An app password allowed for ``imap``, ``smtp`` or both."""

    password: str
    scopes: frozenset[str] = SCOPES

    def __post_init__(self) -> None:
        unknown = set(self.scopes) - SCOPES
        if not self.scopes or unknown:
            raise ValueError(f"credential scopes must be a non-empty subset of {sorted(SCOPES)}")


@dataclass(frozen=True)
class MailUser:
    """A mail account: its address (also the login name) and its app passwords."""

    address: str
    credentials: Sequence[Credential] = ()


@dataclass(frozen=True)
class StoredMessage:
    """A snapshot of one message in one mailbox."""

    uid: int
    flags: frozenset[str]
    internal_date: datetime
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return _parse(self.raw)

    @property
    def message_id(self) -> str | None:
        value = self.message.get("Message-ID")
        return None if value is None else str(value).strip()


@dataclass(frozen=True)
class OutboundMessage:
    """One message accepted over SMTP, with its envelope."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    received_at: datetime
    login: str | None = None

    @property
    def message(self) -> EmailMessage:
        return _parse(self.raw)

    @property
    def message_id(self) -> str | None:
        value = self.message.get("Message-ID")
        return None if value is None else str(value).strip()


@dataclass(frozen=True)
class MailboxInfo:
    """A mailbox's identity and counters."""

    name: str
    uidvalidity: int
    uidnext: int
    messages: int
    unseen: int


@dataclass
class _Mailbox:
    name: str
    uidvalidity: int
    uidnext: int = 1
    messages: dict[int, StoredMessage] = field(default_factory=dict)


@dataclass
class _Account:
    address: str
    credentials: list[Credential]
    mailboxes: dict[str, _Mailbox]


Listener = Callable[[str, str], None]


class MailStore:
    """Users and their mailboxes, plus the outbound record. Thread-safe."""

    def __init__(self, users: Iterable[MailUser] = (), *, auto_sent: bool = False) -> None:
        #: File every SMTP-accepted message in the authenticated sender's Sent, as Gmail does:
        #: a server-side witness of what was submitted, even when the reply never arrived.
        self.auto_sent = auto_sent
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._accounts: dict[str, _Account] = {}
        self._outbound: list[OutboundMessage] = []
        self._listeners: list[Listener] = []
        self._validity = itertools.count(int(time.time()))
        self.version = 0
        for user in users:
            self.add_user(user)

    # -- users ---------------------------------------------------------------------------
    def add_user(self, user: MailUser) -> None:
        """Add an account, or add credentials to an existing one."""
        key = user.address.lower()
        with self._lock:
            account = self._accounts.get(key)
            if account is None:
                boxes = {n: self._new_box(n) for n in DEFAULT_MAILBOXES}
                account = _Account(user.address, [], boxes)
                self._accounts[key] = account
            account.credentials.extend(user.credentials)
            self._bump("", "")

    def users(self) -> list[str]:
        with self._lock:
            return [a.address for a in self._accounts.values()]

    def has_user(self, address: str) -> bool:
        with self._lock:
            return address.lower() in self._accounts

    def authenticate(self, login: str, password: str, scope: str) -> str | None:
        """The account's address if some credential of ``login`` matches and allows ``scope``."""
        with self._lock:
            account = self._accounts.get(login.lower())
            if account is None:
                return None
            for cred in account.credentials:
                if cred.password == password and scope in cred.scopes:
                    return account.address
            return None

    # -- mailboxes -----------------------------------------------------------------------
    def mailboxes(self, user: str) -> list[str]:
        with self._lock:
            return list(self._account(user).mailboxes)

    def find_mailbox(self, user: str, name: str) -> str | None:
        """The stored name of mailbox ``name`` (INBOX is case-insensitive), or None."""
        with self._lock:
            boxes = self._account(user).mailboxes
            if name.upper() == "INBOX":
                return "INBOX"
            return name if name in boxes else None

    def create_mailbox(self, user: str, name: str) -> None:
        with self._lock:
            boxes = self._account(user).mailboxes
            if self.find_mailbox(user, name) is not None:
                raise FakeStoreError(f"mailbox exists: {user} {name}")
            boxes[name] = self._new_box(name)
            self._bump(user, name)

    def delete_mailbox(self, user: str, name: str) -> None:
        with self._lock:
            box = self._box(user, name)
            if box.name == "INBOX":
                raise FakeStoreError("INBOX cannot be deleted")
            del self._account(user).mailboxes[box.name]
            self._bump(user, box.name)

    def info(self, user: str, mailbox: str) -> MailboxInfo:
        with self._lock:
            box = self._box(user, mailbox)
            unseen = sum(1 for m in box.messages.values() if "\\Seen" not in m.flags)
            return MailboxInfo(box.name, box.uidvalidity, box.uidnext, len(box.messages), unseen)

    # -- messages ------------------------------------------------------------------------
    def append(
        self,
        user: str,
        mailbox: str,
        raw: bytes,
        flags: Iterable[str] = (),
        internal_date: datetime | None = None,
    ) -> int:
        """Store a message; returns its UID."""
        with self._lock:
            box = self._box(user, mailbox)
            uid = box.uidnext
            box.uidnext += 1
            date = internal_date or datetime.now(UTC)
            clean = frozenset(normalize_flag(f) for f in flags)
            box.messages[uid] = StoredMessage(uid, clean, date, bytes(raw))
            self._bump(user, box.name)
            return uid

    def messages(self, user: str, mailbox: str = "INBOX") -> list[StoredMessage]:
        with self._lock:
            box = self._box(user, mailbox)
            return [box.messages[u] for u in sorted(box.messages)]

    def uids(self, user: str, mailbox: str) -> list[int]:
        with self._lock:
            return sorted(self._box(user, mailbox).messages)

    def get(self, user: str, mailbox: str, uid: int) -> StoredMessage:
        with self._lock:
            box = self._box(user, mailbox)
            if uid not in box.messages:
                raise FakeStoreError(f"no such message: {user} {mailbox} UID {uid}")
            return box.messages[uid]

    def set_flags(self, user: str, mailbox: str, uid: int, flags: Iterable[str]) -> StoredMessage:
        with self._lock:
            old = self.get(user, mailbox, uid)
            clean = frozenset(normalize_flag(f) for f in flags)
            new = StoredMessage(old.uid, clean, old.internal_date, old.raw)
            box = self._box(user, mailbox)
            box.messages[uid] = new
            if clean != old.flags:
                self._bump(user, box.name)
            return new

    def delete(self, user: str, mailbox: str, uids: Iterable[int]) -> list[int]:
        """Remove messages; returns the UIDs that were present."""
        with self._lock:
            box = self._box(user, mailbox)
            gone = [u for u in sorted(set(uids)) if box.messages.pop(u, None) is not None]
            if gone:
                self._bump(user, box.name)
            return gone

    def copy(self, user: str, src: str, uids: Iterable[int], dst: str) -> list[tuple[int, int]]:
        """Copy messages (flags and dates kept); returns (source UID, new UID) pairs."""
        with self._lock:
            source = self._box(user, src)
            self._box(user, dst)
            pairs = []
            for uid in sorted(set(uids)):
                msg = source.messages.get(uid)
                if msg is not None:
                    new = self.append(user, dst, msg.raw, msg.flags, msg.internal_date)
                    pairs.append((uid, new))
            return pairs

    # -- SMTP ----------------------------------------------------------------------------
    def accept(
        self, mail_from: str, rcpt_tos: Sequence[str], raw: bytes, login: str | None = None
    ) -> OutboundMessage:
        """Record an SMTP-accepted message and file it in each known recipient's INBOX."""
        with self._lock:
            record = OutboundMessage(
                mail_from, tuple(rcpt_tos), bytes(raw), datetime.now(UTC), login
            )
            self._outbound.append(record)
            for rcpt in dict.fromkeys(r.lower() for r in rcpt_tos):
                if rcpt in self._accounts:
                    self.append(rcpt, "INBOX", raw, (), record.received_at)
            sender = (login or "").lower()
            if self.auto_sent and sender in self._accounts:
                self.append(sender, "Sent", raw, ("\\Seen",), record.received_at)
            self._bump("", "")
            return record

    @property
    def outbound(self) -> list[OutboundMessage]:
        with self._lock:
            return list(self._outbound)

    def reset(self) -> None:
        """Empty every mailbox and the outbound record; UIDs are never reused."""
        with self._lock:
            self._outbound.clear()
            for account in self._accounts.values():
                for name in list(account.mailboxes):
                    if name not in DEFAULT_MAILBOXES:
                        del account.mailboxes[name]
                for box in account.mailboxes.values():
                    box.messages.clear()
                self._bump(account.address, "")

    # -- change notification -------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(user, mailbox)`` after every change; returns an unsubscribe."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def wait_changed(self, seen_version: int, timeout: float) -> int:
        """Block until :attr:`version` differs from ``seen_version`` or ``timeout`` passes."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen_version, timeout)
            return self.version

    # -- internals -----------------------------------------------------------------------
    def _new_box(self, name: str) -> _Mailbox:
        return _Mailbox(name, next(self._validity))

    def _account(self, user: str) -> _Account:
        account = self._accounts.get(user.lower())
        if account is None:
            raise FakeStoreError(f"no such user: {user}")
        return account

    def _box(self, user: str, mailbox: str) -> _Mailbox:
        account = self._account(user)
        key = "INBOX" if mailbox.upper() == "INBOX" else mailbox
        box = account.mailboxes.get(key)
        if box is None:
            raise FakeStoreError(f"no such mailbox: {user} {mailbox}")
        return box

    def _bump(self, user: str, mailbox: str) -> None:
        self.version += 1
        self._changed.notify_all()
        for listener in list(self._listeners):
            listener(user, mailbox)
