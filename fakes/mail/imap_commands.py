"""IMAP mailbox and message commands (SELECT ... MOVE) over a session's view of the store.

A session sees the selected mailbox as a list of UIDs (its sequence numbers). New mail and
expunges made elsewhere reach that view only through :meth:`MailboxCommands.sync`, which
produces the ``* n EXISTS`` / ``* n EXPUNGE`` lines that announce them.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fakes.errors import FakeStoreError
from fakes.mail.imap_fetch import parse_fetch_items, render_fetch, render_flags, sets_seen
from fakes.mail.imap_parser import (
    Command,
    ImapSyntaxError,
    Token,
    astring,
    parse_internal_date,
    quote,
    sequence_set,
)
from fakes.mail.imap_search import Candidate, parse_search
from fakes.mail.store import SPECIAL_USE, SYSTEM_FLAGS, MailStore, StoredMessage, normalize_flag

__all__ = ["MailboxCommands", "No"]

Handler = Callable[[Command], Awaitable[str]]


class No(Exception):
    """A command failed in a way the client should hear as ``NO``."""


class MailboxCommands:
    """Mixin: the commands that need an authenticated or selected state."""

    def __init__(self, store: MailStore) -> None:
        self.store = store
        self.user: str | None = None
        self.mailbox: str | None = None
        self.readonly = False
        self.view: list[int] = []
        self.highest_uid = 0

    async def untagged(self, lines: list[str]) -> None:
        raise NotImplementedError

    async def send(self, data: bytes | str) -> None:
        raise NotImplementedError

    def mailbox_handlers(self) -> dict[str, tuple[str, Handler]]:
        auth: dict[str, Handler] = {
            "SELECT": self.cmd_select,
            "EXAMINE": self.cmd_select,
            "LIST": self.cmd_list,
            "LSUB": self.cmd_list,
            "STATUS": self.cmd_status,
            "CREATE": self.cmd_create,
            "DELETE": self.cmd_delete,
            "SUBSCRIBE": self.cmd_subscribe,
            "UNSUBSCRIBE": self.cmd_subscribe,
            "APPEND": self.cmd_append,
        }
        selected: dict[str, Handler] = {
            "CHECK": self.cmd_check,
            "CLOSE": self.cmd_close,
            "UNSELECT": self.cmd_close,
            "EXPUNGE": self.cmd_expunge,
            "UID EXPUNGE": self.cmd_expunge,
            "SEARCH": self.cmd_search,
            "UID SEARCH": self.cmd_search,
            "FETCH": self.cmd_fetch,
            "UID FETCH": self.cmd_fetch,
            "STORE": self.cmd_store,
            "UID STORE": self.cmd_store,
            "COPY": self.cmd_copy,
            "UID COPY": self.cmd_copy,
            "MOVE": self.cmd_copy,
            "UID MOVE": self.cmd_copy,
        }
        table = {name: ("auth", h) for name, h in auth.items()}
        table.update({name: ("selected", h) for name, h in selected.items()})
        return table

    # -- helpers -------------------------------------------------------------------------
    @property
    def account(self) -> str:
        assert self.user is not None
        return self.user

    @property
    def selected(self) -> str:
        assert self.mailbox is not None
        return self.mailbox

    def resolve(self, name: str, *, trycreate: bool = False) -> str:
        found = self.store.find_mailbox(self.account, name)
        if found is None:
            raise No(("[TRYCREATE] " if trycreate else "[NONEXISTENT] ") + "No such mailbox")
        return found

    def sync(self, *, expunges: bool) -> list[str]:
        """Bring the view up to date; the untagged lines that announce the changes."""
        try:
            current = self.store.uids(self.account, self.selected)
        except FakeStoreError:
            current = []
        lines = []
        if expunges:
            present = set(current)
            index = 0
            while index < len(self.view):
                if self.view[index] in present:
                    index += 1
                else:
                    del self.view[index]
                    lines.append(f"* {index + 1} EXPUNGE")
        new = [u for u in current if u > self.highest_uid]
        if new:
            self.view.extend(new)
            self.highest_uid = new[-1]
            lines.append(f"* {len(self.view)} EXISTS")
        return lines

    def sync_for_uid(self, command: Command) -> list[str]:
        """UID commands see mail that arrived since the last sync (announced afterwards)."""
        return self.sync(expunges=False) if command.name.startswith("UID ") else []

    def targets(self, spec: Token, *, uid: bool) -> list[tuple[int, int]]:
        """(sequence number, UID) pairs a set names, in view order."""
        text = astring(spec)
        if uid:
            wanted = sequence_set(text, self.view[-1] if self.view else 0)
            return [(i + 1, u) for i, u in enumerate(self.view) if u in wanted]
        numbers = sequence_set(text, len(self.view))
        if any(n > len(self.view) for n in numbers):
            raise ImapSyntaxError("Invalid message sequence number")
        return [(n, self.view[n - 1]) for n in sorted(numbers)]

    def snapshot(self, uid: int) -> StoredMessage | None:
        try:
            return self.store.get(self.account, self.selected, uid)
        except FakeStoreError:
            return None

    def require_writable(self) -> None:
        if self.readonly:
            raise No("[READ-ONLY] Mailbox is read-only")

    # -- authenticated state -------------------------------------------------------------
    async def cmd_select(self, command: Command) -> str:
        if len(command.args) != 1:
            raise ImapSyntaxError("SELECT needs a mailbox name")
        self.mailbox = None
        name = self.resolve(astring(command.args[0]))
        info = self.store.info(self.account, name)
        self.mailbox, self.view, self.highest_uid = name, [], 0
        self.readonly = command.name == "EXAMINE"
        self.sync(expunges=False)
        lines = [
            f"* FLAGS ({' '.join(SYSTEM_FLAGS)})",
            f"* OK [PERMANENTFLAGS ({' '.join(SYSTEM_FLAGS)} \\*)] Flags permitted",
            f"* {len(self.view)} EXISTS",
            "* 0 RECENT",
        ]
        for seq, uid in enumerate(self.view, 1):
            msg = self.snapshot(uid)
            if msg is not None and "\\Seen" not in msg.flags:
                lines.append(f"* OK [UNSEEN {seq}] First unseen")
                break
        lines.append(f"* OK [UIDVALIDITY {info.uidvalidity}] UIDs valid")
        lines.append(f"* OK [UIDNEXT {info.uidnext}] Predicted next UID")
        await self.untagged(lines)
        mode = "READ-ONLY" if self.readonly else "READ-WRITE"
        return f"[{mode}] {command.name} completed"

    async def cmd_list(self, command: Command) -> str:
        if len(command.args) != 2:
            raise ImapSyntaxError("LIST needs a reference and a pattern")
        reference, pattern = astring(command.args[0]), astring(command.args[1])
        if not pattern:
            await self.untagged(['* LIST (\\Noselect) "/" ""'])
            return "LIST completed"
        regex = re.compile(
            "".join(
                ".*" if c == "*" else "[^/]*" if c == "%" else re.escape(c)
                for c in reference + pattern
            ),
            re.IGNORECASE if (reference + pattern).upper().startswith("INBOX") else 0,
        )
        names = self.store.mailboxes(self.account)
        lines = []
        for name in names:
            if not regex.fullmatch(name):
                continue
            children = any(other.startswith(name + "/") for other in names)
            attrs = ["\\HasChildren" if children else "\\HasNoChildren"]
            if name in SPECIAL_USE:
                attrs.append(SPECIAL_USE[name])
            lines.append(f'* {command.name} ({" ".join(attrs)}) "/" {quote(name)}')
        await self.untagged(lines)
        return f"{command.name} completed"

    async def cmd_status(self, command: Command) -> str:
        if len(command.args) != 2 or not isinstance(command.args[1], list):
            raise ImapSyntaxError("STATUS needs a mailbox and an item list")
        info = self.store.info(self.account, self.resolve(astring(command.args[0])))
        values = {
            "MESSAGES": info.messages,
            "RECENT": 0,
            "UIDNEXT": info.uidnext,
            "UIDVALIDITY": info.uidvalidity,
            "UNSEEN": info.unseen,
        }
        parts = []
        for item in command.args[1]:
            key = astring(item).upper()
            if key not in values:
                raise ImapSyntaxError(f"Unknown STATUS item {key}")
            parts.append(f"{key} {values[key]}")
        await self.untagged([f"* STATUS {quote(info.name)} ({' '.join(parts)})"])
        return "STATUS completed"

    async def cmd_create(self, command: Command) -> str:
        if len(command.args) != 1:
            raise ImapSyntaxError("CREATE needs a mailbox name")
        name = astring(command.args[0]).rstrip("/")
        if not name or len(name) > 200 or not name.isprintable():
            raise No("Invalid mailbox name")
        if self.store.find_mailbox(self.account, name) is not None:
            raise No("[ALREADYEXISTS] Mailbox exists")
        self.store.create_mailbox(self.account, name)
        return "CREATE completed"

    async def cmd_delete(self, command: Command) -> str:
        if len(command.args) != 1:
            raise ImapSyntaxError("DELETE needs a mailbox name")
        self.store.delete_mailbox(self.account, self.resolve(astring(command.args[0])))
        return "DELETE completed"

    async def cmd_subscribe(self, command: Command) -> str:
        if len(command.args) != 1:
            raise ImapSyntaxError(f"{command.name} needs a mailbox name")
        return f"{command.name} completed"

    async def cmd_append(self, command: Command) -> str:
        args = list(command.args)
        if len(args) < 2 or not isinstance(args[-1], bytes):
            raise ImapSyntaxError("APPEND needs a mailbox and a message literal")
        name = self.resolve(astring(args[0]), trycreate=True)
        flags: list[str] = []
        date: datetime | None = None
        for extra in args[1:-1]:
            if isinstance(extra, list):
                flags = [normalize_flag(astring(f)) for f in extra]
            else:
                date = parse_internal_date(astring(extra))
        uid = self.store.append(self.account, name, args[-1], flags, date or datetime.now(UTC))
        info = self.store.info(self.account, name)
        if self.mailbox == name:
            await self.untagged(self.sync(expunges=False))
        return f"[APPENDUID {info.uidvalidity} {uid}] APPEND completed"

    # -- selected state ------------------------------------------------------------------
    async def cmd_check(self, command: Command) -> str:
        await self.untagged(self.sync(expunges=True))
        return "CHECK completed"

    async def cmd_close(self, command: Command) -> str:
        if command.name == "CLOSE" and not self.readonly:
            deleted = [u for u in self.view if _has(self.snapshot(u), "\\Deleted")]
            self.store.delete(self.account, self.selected, deleted)
        self.mailbox, self.view, self.highest_uid = None, [], 0
        return f"{command.name} completed"

    async def cmd_expunge(self, command: Command) -> str:
        self.require_writable()
        allowed = set(self.view)
        if command.name == "UID EXPUNGE":
            if len(command.args) != 1:
                raise ImapSyntaxError("UID EXPUNGE needs a UID set")
            allowed = {u for _, u in self.targets(command.args[0], uid=True)}
        doomed = [u for u in self.view if u in allowed and _has(self.snapshot(u), "\\Deleted")]
        self.store.delete(self.account, self.selected, doomed)
        await self.untagged(self._forget(doomed))
        return f"{command.name} completed"

    def _forget(self, uids: list[int]) -> list[str]:
        lines = []
        for uid in uids:
            if uid in self.view:
                index = self.view.index(uid)
                del self.view[index]
                lines.append(f"* {index + 1} EXPUNGE")
        return lines

    async def cmd_search(self, command: Command) -> str:
        lines = self.sync(expunges=False)
        predicate = parse_search(command.args)
        max_uid = self.view[-1] if self.view else 0
        hits = []
        for seq, uid in enumerate(self.view, 1):
            msg = self.snapshot(uid)
            if msg is not None and predicate(Candidate(seq, msg, len(self.view), max_uid)):
                hits.append(uid if command.name == "UID SEARCH" else seq)
        found = " ".join(str(h) for h in hits)
        await self.untagged([f"* SEARCH {found}".rstrip(), *lines])
        return f"{command.name} completed"

    async def cmd_fetch(self, command: Command) -> str:
        if len(command.args) != 2:
            raise ImapSyntaxError("FETCH needs a set and items")
        items = parse_fetch_items(command.args[1])
        pending = self.sync_for_uid(command)
        targets = self.targets(command.args[0], uid=command.name == "UID FETCH")
        mark = sets_seen(items) and not self.readonly
        for seq, uid in targets:
            msg = self.snapshot(uid)
            if msg is None:
                continue
            changed = False
            if mark and "\\Seen" not in msg.flags:
                msg = self.store.set_flags(self.account, self.selected, uid, msg.flags | {"\\Seen"})
                changed = True
            await self.send(render_fetch(seq, msg, items, flags_changed=changed))
        await self.untagged(pending)
        return f"{command.name} completed"

    async def cmd_store(self, command: Command) -> str:
        self.require_writable()
        if len(command.args) < 3:
            raise ImapSyntaxError("STORE needs a set, an action and flags")
        action = astring(command.args[1]).upper()
        mode = action.removesuffix(".SILENT")
        if mode not in ("FLAGS", "+FLAGS", "-FLAGS"):
            raise ImapSyntaxError(f"Unknown STORE action {action}")
        raw_flags: list[Token] = []
        for arg in command.args[2:]:
            raw_flags.extend(arg if isinstance(arg, list) else [arg])
        flags = {normalize_flag(astring(f)) for f in raw_flags} - {"\\Recent"}
        lines: list[str] = []
        pending = self.sync_for_uid(command)
        for seq, uid in self.targets(command.args[0], uid=command.name == "UID STORE"):
            msg = self.snapshot(uid)
            if msg is None:
                continue
            if mode == "FLAGS":
                new = frozenset(flags)
            elif mode == "+FLAGS":
                new = msg.flags | flags
            else:
                new = msg.flags - flags
            msg = self.store.set_flags(self.account, self.selected, uid, new)
            if not action.endswith(".SILENT"):
                lines.append(f"* {seq} FETCH (UID {uid} FLAGS {render_flags(msg.flags)})")
        await self.untagged(lines + pending)
        return f"{command.name} completed"

    async def cmd_copy(self, command: Command) -> str:
        if len(command.args) != 2:
            raise ImapSyntaxError(f"{command.name} needs a set and a mailbox")
        move = command.name.endswith("MOVE")
        if move:
            self.require_writable()
        pending = self.sync_for_uid(command)
        pairs = self.targets(command.args[0], uid=command.name.startswith("UID"))
        dest = self.resolve(astring(command.args[1]), trycreate=True)
        copied = self.store.copy(self.account, self.selected, [u for _, u in pairs], dest)
        validity = self.store.info(self.account, dest).uidvalidity
        code = ""
        if copied:
            src = ",".join(str(s) for s, _ in copied)
            dst = ",".join(str(d) for _, d in copied)
            code = f"[COPYUID {validity} {src} {dst}] "
        if not move:
            await self.untagged(pending)
            return f"{code}{command.name} completed"
        moved = [s for s, _ in copied]
        self.store.delete(self.account, self.selected, moved)
        lines = [f"* OK {code}Moved"] if code else []
        await self.untagged(lines + pending + self._forget(moved))
        return f"{command.name} completed"


def _has(msg: StoredMessage | None, flag: str) -> bool:
    return msg is not None and flag in msg.flags
