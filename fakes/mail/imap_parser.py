"""IMAP4rev1 command syntax, pure: literal framing, tokens, commands, sequence sets, dates.

A command arrives as bytes with its literals inlined (``{n}\\r\\n`` followed by n octets);
:func:`parse_command` turns it into a tag, a name and a token tree. Atoms and quoted strings
become ``str``, literals ``bytes``, parenthesised lists ``list``. Bracketed sections such as
``BODY.PEEK[HEADER.FIELDS (FROM TO)]`` stay one atom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "Command",
    "ImapSyntaxError",
    "Token",
    "astring",
    "format_internal_date",
    "literal_at_end",
    "parse_command",
    "parse_date",
    "parse_internal_date",
    "quote",
    "sequence_set",
]

Token = str | bytes | list["Token"]

_LITERAL_END = re.compile(rb"\{(\d{1,12})(\+?)\}\r?\n?$")
_TAG = re.compile(r"^[\x21-\x7e]+$")
_ATOM_STOP = set(' ()"{\r\n')
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class ImapSyntaxError(ValueError):
    """The command does not parse; answered with BAD."""


@dataclass(frozen=True)
class Command:
    """One parsed command: ``tag``, upper-case ``name`` (``UID FETCH`` for UID forms), args."""

    tag: str
    name: str
    args: list[Token]


def literal_at_end(line: bytes) -> tuple[int, bool] | None:
    """``(size, synchronizing)`` if the line ends by announcing a literal, else None."""
    match = _LITERAL_END.search(line)
    if match is None:
        return None
    return int(match.group(1)), match.group(2) != b"+"


class _Tokenizer:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def at_end(self) -> bool:
        return self.data[self.pos :].strip(b"\r\n") == b""

    def space(self) -> None:
        while self.pos < len(self.data) and self.data[self.pos : self.pos + 1] == b" ":
            self.pos += 1

    def tokens(self, closing: bytes | None = None) -> list[Token]:
        out: list[Token] = []
        while True:
            self.space()
            if closing is not None and self.data[self.pos : self.pos + 1] == closing:
                self.pos += 1
                return out
            if self.at_end():
                if closing is not None:
                    raise ImapSyntaxError("unterminated list")
                return out
            out.append(self.token())

    def token(self) -> Token:
        char = self.data[self.pos : self.pos + 1]
        if char == b"(":
            self.pos += 1
            return self.tokens(b")")
        if char == b")":
            raise ImapSyntaxError("unexpected ')'")
        if char == b'"':
            return self.quoted()
        if char == b"{":
            return self.literal()
        return self.atom()

    def quoted(self) -> str:
        self.pos += 1
        out = bytearray()
        while self.pos < len(self.data):
            char = self.data[self.pos]
            self.pos += 1
            if char == 0x5C:  # backslash
                if self.pos >= len(self.data):
                    break
                out.append(self.data[self.pos])
                self.pos += 1
            elif char == 0x22:
                return _text(bytes(out))
            elif char in (0x0D, 0x0A):
                break
            else:
                out.append(char)
        raise ImapSyntaxError("unterminated quoted string")

    def literal(self) -> bytes:
        match = re.compile(rb"\{(\d{1,12})\+?\}\r\n").match(self.data, self.pos)
        if match is None:
            raise ImapSyntaxError("malformed literal")
        size = int(match.group(1))
        start = match.end()
        if start + size > len(self.data):
            raise ImapSyntaxError("literal shorter than announced")
        self.pos = start + size
        return self.data[start : self.pos]

    def atom(self) -> str:
        start = self.pos
        depth = 0
        while self.pos < len(self.data):
            char = chr(self.data[self.pos])
            if char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
            elif (depth == 0 and char in _ATOM_STOP) or (depth > 0 and char in "\r\n"):
                break
            self.pos += 1
        if depth != 0:
            raise ImapSyntaxError("unbalanced brackets")
        if self.pos == start:
            raise ImapSyntaxError(f"unexpected character {self.data[start : start + 1]!r}")
        return _text(self.data[start : self.pos])


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def parse_command(data: bytes) -> Command:
    """Parse one complete command (literals inlined). Raises ImapSyntaxError."""
    tokenizer = _Tokenizer(data)
    tag = tokenizer.atom() if data[:1] not in (b"", b" ", b"(", b'"', b"{") else ""
    if not tag or not _TAG.match(tag) or "+" in tag or tag == "*":
        raise ImapSyntaxError("missing or invalid tag")
    tokenizer.space()
    if tokenizer.at_end():
        raise ImapSyntaxError("missing command")
    name = tokenizer.atom().upper()
    if not name.isalpha():
        raise ImapSyntaxError("invalid command name")
    if name == "UID":
        tokenizer.space()
        sub = tokenizer.atom().upper() if not tokenizer.at_end() else ""
        if not sub.isalpha():
            raise ImapSyntaxError("UID needs a command")
        name = f"UID {sub}"
    args = tokenizer.tokens()
    return Command(_sanitize(tag), name, args)


def _sanitize(tag: str) -> str:
    return tag.encode("utf-8", "replace").decode("ascii", "replace")


def astring(token: Token) -> str:
    """A token used as an astring (atom, quoted string or literal)."""
    if isinstance(token, list):
        raise ImapSyntaxError("expected a string, got a list")
    if isinstance(token, bytes):
        return token.decode("utf-8", "surrogateescape")
    return token


def quote(text: str) -> str:
    """A quoted string for a response."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sequence_set(text: str, largest: int) -> set[int]:
    """The numbers a sequence set names (``1:3,5,7:*``); ``*`` is ``largest``.

    Ranges are unordered (``5:2`` = ``2:5``) and ``n:*`` with n above ``largest`` names
    ``largest``, as RFC 3501 §6.4.8 asks. Numbers above ``largest`` are kept: callers drop
    those they do not hold.
    """
    if not text or not re.fullmatch(r"(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*", text):
        raise ImapSyntaxError(f"invalid sequence set {text!r}")
    out: set[int] = set()
    for part in text.split(","):
        bounds = [largest if b == "*" else int(b) for b in part.split(":")]
        if any(b == 0 for b in bounds) and largest != 0:
            raise ImapSyntaxError("sequence numbers start at 1")
        low, high = min(bounds), max(bounds)
        if high - low > 1_000_000:
            high = min(high, max(largest, low))
        out.update(range(low, high + 1))
    out.discard(0)
    return out


def parse_date(text: str) -> datetime:
    """An IMAP search date (``26-Nov-2026``)."""
    match = re.fullmatch(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})", text)
    if match is None or match.group(2).title() not in _MONTHS:
        raise ImapSyntaxError(f"invalid date {text!r}")
    month = _MONTHS.index(match.group(2).title()) + 1
    try:
        return datetime(int(match.group(3)), month, int(match.group(1)))
    except ValueError as exc:
        raise ImapSyntaxError(f"invalid date {text!r}") from exc


def parse_internal_date(text: str) -> datetime:
    """An IMAP date-time (``26-Nov-2026 10:55:28 +0000``)."""
    try:
        return datetime.strptime(text.strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError as exc:
        raise ImapSyntaxError(f"invalid date-time {text!r}") from exc


def format_internal_date(value: datetime) -> str:
    """The quoted IMAP date-time for INTERNALDATE."""
    month = _MONTHS[value.month - 1]
    offset = value.strftime("%z") or "+0000"
    return f'"{value.day:02d}-{month}-{value.year:04d} {value:%H:%M:%S} {offset}"'
