"""IMAP FETCH items, pure: parse the item list, cut sections, render ``* n FETCH (...)``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fakes.mail.imap_parser import ImapSyntaxError, Token, format_internal_date
from fakes.mail.store import StoredMessage

__all__ = ["FetchItem", "parse_fetch_items", "render_fetch", "sets_seen", "split_message"]

_MACROS = {
    "ALL": ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
    "FAST": ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
    "FULL": ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
}
_SIMPLE = {"UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "RFC822", "RFC822.HEADER", "RFC822.TEXT"}
_BODY = re.compile(
    r"^BODY(?P<peek>\.PEEK)?\[(?P<section>[^\]]*)\](?:<(?P<start>\d+)\.(?P<count>\d+)>)?$",
    re.IGNORECASE,
)
_FIELDS = re.compile(r"^(HEADER\.FIELDS(?:\.NOT)?)\s*\(([^)]*)\)$", re.IGNORECASE)


@dataclass(frozen=True)
class FetchItem:
    """One FETCH data item: ``name`` (UID, FLAGS, ..., BODY) and, for BODY, its section."""

    name: str
    section: str = ""
    fields: tuple[str, ...] = ()
    peek: bool = False
    partial: tuple[int, int] | None = None

    @property
    def response_name(self) -> str:
        if self.name != "BODY":
            return self.name
        section = self.section
        if self.fields:
            section = f"{self.section} ({' '.join(self.fields)})"
        suffix = f"<{self.partial[0]}>" if self.partial else ""
        return f"BODY[{section}]{suffix}"


def parse_fetch_items(token: Token) -> list[FetchItem]:
    """Parse the item argument of FETCH: a macro, one item, or a parenthesised list."""
    if isinstance(token, bytes):
        raise ImapSyntaxError("FETCH items cannot be a literal")
    if isinstance(token, str):
        names: Sequence[Token] = _MACROS.get(token.upper(), [token])
    else:
        names = token
    if not names:
        raise ImapSyntaxError("empty FETCH item list")
    return [_item(n) for n in names]


def _item(token: Token) -> FetchItem:
    if not isinstance(token, str):
        raise ImapSyntaxError("invalid FETCH item")
    upper = token.upper()
    if upper in _SIMPLE:
        return FetchItem(upper)
    match = _BODY.match(token)
    if match is None:
        raise ImapSyntaxError(f"unsupported FETCH item {token}")
    section = match.group("section").strip()
    fields: tuple[str, ...] = ()
    fields_match = _FIELDS.match(section)
    if fields_match:
        section = fields_match.group(1).upper()
        fields = tuple(f.strip('"') for f in fields_match.group(2).split())
        if not fields:
            raise ImapSyntaxError("HEADER.FIELDS needs field names")
    else:
        section = section.upper()
        if section not in ("", "HEADER", "TEXT"):
            raise ImapSyntaxError(f"unsupported BODY section {section}")
    partial = None
    if match.group("start") is not None:
        partial = (int(match.group("start")), int(match.group("count")))
    return FetchItem("BODY", section, fields, bool(match.group("peek")), partial)


def sets_seen(items: Sequence[FetchItem]) -> bool:
    """Whether fetching these items sets ``\\Seen`` (BODY[] without PEEK, RFC822, RFC822.TEXT)."""
    return any(
        (i.name == "BODY" and not i.peek) or i.name in ("RFC822", "RFC822.TEXT") for i in items
    )


def split_message(raw: bytes) -> tuple[bytes, bytes]:
    """The header block (with its blank line) and the body."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        index = raw.find(sep)
        if index >= 0:
            return raw[: index + len(sep)], raw[index + len(sep) :]
    return raw, b""


def _header_fields(header: bytes, names: Sequence[str], *, exclude: bool) -> bytes:
    wanted = {n.lower() for n in names}
    out: list[bytes] = []
    keep = False
    for line in header.splitlines(keepends=True):
        if not line.strip():
            continue
        if line[:1] in (b" ", b"\t"):
            if keep:
                out.append(line)
            continue
        name = line.split(b":", 1)[0].decode("ascii", "replace").strip().lower()
        keep = (name in wanted) != exclude
        if keep:
            out.append(line)
    return b"".join(out) + b"\r\n"


def _section(item: FetchItem, raw: bytes) -> bytes:
    header, body = split_message(raw)
    if item.name == "RFC822.HEADER" or item.section == "HEADER":
        data = header
    elif item.name == "RFC822.TEXT" or item.section == "TEXT":
        data = body
    elif item.fields:
        data = _header_fields(header, item.fields, exclude=item.section.endswith(".NOT"))
    else:
        data = raw
    if item.partial is not None:
        start, count = item.partial
        data = data[start : start + count]
    return data


def render_flags(flags: frozenset[str]) -> str:
    return "(" + " ".join(sorted(flags)) + ")"


def render_fetch(
    seq: int, msg: StoredMessage, items: Sequence[FetchItem], *, flags_changed: bool
) -> bytes:
    """``* seq FETCH (...)``: always UID first, FLAGS when asked or changed, literals last."""
    names = {i.name for i in items}
    parts = [f"UID {msg.uid}"]
    if "FLAGS" in names or flags_changed:
        parts.append(f"FLAGS {render_flags(msg.flags)}")
    if "INTERNALDATE" in names:
        parts.append(f"INTERNALDATE {format_internal_date(msg.internal_date)}")
    if "RFC822.SIZE" in names:
        parts.append(f"RFC822.SIZE {len(msg.raw)}")
    head = f"* {seq} FETCH (" + " ".join(parts)
    out = bytearray(head.encode("ascii"))
    done: set[str] = set()
    for item in items:
        if item.name in ("UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE"):
            continue
        name = item.response_name
        if name in done:
            continue
        done.add(name)
        data = _section(item, msg.raw)
        out += f" {name} {{{len(data)}}}\r\n".encode("ascii") + data
    out += b")\r\n"
    return bytes(out)
