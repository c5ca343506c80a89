"""IMAP SEARCH keys, pure: parse a key list into a predicate, evaluate it on messages."""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from fakes.mail.imap_parser import ImapSyntaxError, Token, astring, parse_date, sequence_set
from fakes.mail.store import StoredMessage, normalize_flag

__all__ = ["Candidate", "Predicate", "parse_search"]


@dataclass(frozen=True)
class Candidate:
    """A message as SEARCH sees it: its sequence number in the session and its snapshot."""

    seq: int
    msg: StoredMessage
    max_seq: int
    max_uid: int


Predicate = Callable[[Candidate], bool]

_FLAG_KEYS = {
    "SEEN": ("\\Seen", True),
    "UNSEEN": ("\\Seen", False),
    "ANSWERED": ("\\Answered", True),
    "UNANSWERED": ("\\Answered", False),
    "FLAGGED": ("\\Flagged", True),
    "UNFLAGGED": ("\\Flagged", False),
    "DELETED": ("\\Deleted", True),
    "UNDELETED": ("\\Deleted", False),
    "DRAFT": ("\\Draft", True),
    "UNDRAFT": ("\\Draft", False),
}
_HEADER_KEYS = {"FROM", "TO", "CC", "BCC", "SUBJECT"}


def parse_search(args: Sequence[Token]) -> Predicate:
    """Parse SEARCH arguments (an optional ``CHARSET x`` first); all keys must hold."""
    items = list(args)
    if items and isinstance(items[0], str) and items[0].upper() == "CHARSET":
        if len(items) < 2:
            raise ImapSyntaxError("CHARSET needs a value")
        charset = astring(items[1]).upper()
        if charset not in ("US-ASCII", "UTF-8"):
            raise ImapSyntaxError(f"unsupported charset {charset}")
        items = items[2:]
    if not items:
        raise ImapSyntaxError("SEARCH needs at least one key")
    parser = _KeyParser(items)
    keys = []
    while not parser.done():
        keys.append(parser.key())
    return _all(keys)


def _all(keys: list[Predicate]) -> Predicate:
    return lambda c: all(k(c) for k in keys)


class _KeyParser:
    def __init__(self, items: list[Token]) -> None:
        self.items = items
        self.pos = 0

    def done(self) -> bool:
        return self.pos >= len(self.items)

    def next(self) -> Token:
        if self.done():
            raise ImapSyntaxError("search key needs an argument")
        item = self.items[self.pos]
        self.pos += 1
        return item

    def text(self) -> str:
        return astring(self.next())

    def key(self) -> Predicate:
        item = self.next()
        if isinstance(item, list):
            sub = _KeyParser(item)
            keys = []
            while not sub.done():
                keys.append(sub.key())
            if not keys:
                raise ImapSyntaxError("empty search group")
            return _all(keys)
        word = astring(item).upper()
        if word == "ALL":
            return lambda c: True
        if word in _FLAG_KEYS:
            flag, present = _FLAG_KEYS[word]
            return lambda c: (flag in c.msg.flags) == present
        if word in ("NEW", "RECENT"):
            return lambda c: False
        if word == "OLD":
            return lambda c: True
        if word in ("KEYWORD", "UNKEYWORD"):
            flag = normalize_flag(self.text())
            return lambda c: (flag in c.msg.flags) == (word == "KEYWORD")
        if word == "NOT":
            inner = self.key()
            return lambda c: not inner(c)
        if word == "OR":
            left, right = self.key(), self.key()
            return lambda c: left(c) or right(c)
        if word in _HEADER_KEYS:
            return _header(word, self.text())
        if word == "HEADER":
            return _header(self.text(), self.text())
        if word in ("BODY", "TEXT"):
            return _body(self.text(), whole=word == "TEXT")
        if word in ("SINCE", "BEFORE", "ON", "SENTSINCE", "SENTBEFORE", "SENTON"):
            return _date_key(word, parse_date(self.text()).date())
        if word in ("LARGER", "SMALLER"):
            size = _number(self.text())
            if word == "LARGER":
                return lambda c: len(c.msg.raw) > size
            return lambda c: len(c.msg.raw) < size
        if word == "UID":
            spec = self.text()
            sequence_set(spec, 1)  # validate now, not per message
            return lambda c: c.msg.uid in sequence_set(spec, c.max_uid)
        if word[:1].isdigit() or word[:1] == "*":
            spec = word
            sequence_set(spec, 1)
            return lambda c: c.seq in sequence_set(spec, c.max_seq)
        raise ImapSyntaxError(f"unsupported search key {word}")


def _number(text: str) -> int:
    if not text.isdigit():
        raise ImapSyntaxError(f"expected a number, got {text!r}")
    return int(text)


def _header(name: str, needle: str) -> Predicate:
    lowered = needle.lower()

    def check(c: Candidate) -> bool:
        values = c.msg.message.get_all(name) or []
        if not lowered:
            return bool(values)
        return any(lowered in str(v).lower() for v in values)

    return check


def _body(needle: str, *, whole: bool) -> Predicate:
    lowered = needle.lower().encode("utf-8")

    def check(c: Candidate) -> bool:
        raw = c.msg.raw
        _, sep, body = raw.partition(b"\r\n\r\n")
        if not sep:
            _, _, body = raw.partition(b"\n\n")
        haystack = raw if whole else body
        return lowered in haystack.lower()

    return check


def _date_key(word: str, day: date) -> Predicate:
    sent = word.startswith("SENT")
    kind = word.removeprefix("SENT")

    def when(c: Candidate) -> date | None:
        if not sent:
            return c.msg.internal_date.date()
        value = c.msg.message.get("Date")
        if value is None:
            return None
        try:
            return email.utils.parsedate_to_datetime(str(value)).date()
        except (TypeError, ValueError):
            return None

    def check(c: Candidate) -> bool:
        seen = when(c)
        if seen is None:
            return False
        if kind == "SINCE":
            return seen >= day
        if kind == "BEFORE":
            return seen < day
        return seen == day

    return check
