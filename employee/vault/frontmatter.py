"""Markdown documents with YAML frontmatter, read under size, depth and node caps.

Writing goes through a real YAML emitter (a ``SafeDumper``), never string templates, so
untrusted strings cannot inject fields. Reading refuses anchors/aliases, unknown tags,
duplicate keys and oversized or too-deep frontmatter *while composing*, before any value
is built, so an alias bomb or a 1,000-deep nesting costs bounded time and memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import (
    AliasEvent,
    MappingStartEvent,
    NodeEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode

from employee.errors import DocumentError

__all__ = [
    "FENCE",
    "Document",
    "Limits",
    "parse_document",
    "read_document",
    "render_document",
    "write_document",
]

FENCE = "---"

_ALLOWED_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


@dataclass(frozen=True)
class Limits:
    """Caps applied to every document read (bytes of the file, bytes of the frontmatter)."""

    max_bytes: int = 1_048_576
    max_frontmatter_bytes: int = 65_536
    max_depth: int = 32
    max_nodes: int = 5_000


@dataclass(frozen=True)
class Document:
    """A parsed document: frontmatter mapping plus the Markdown body, verbatim."""

    meta: dict[str, Any] = field(default_factory=dict)
    body: str = ""


class _Refused(Exception):
    """Internal: the guarded loader refused the stream."""


class _GuardedLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases, anchors, foreign tags, duplicates, depth and size."""

    def __init__(self, stream: str, limits: Limits) -> None:
        super().__init__(stream)
        self._limits = limits
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            raise _Refused(f"YAML aliases are not allowed (alias *{event.anchor})")
        if isinstance(event, NodeEvent) and event.anchor is not None:
            raise _Refused(f"YAML anchors are not allowed (anchor &{event.anchor})")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
            raise _Refused(f"YAML tag {tag!r} is not allowed")
        self._nodes += 1
        if self._nodes > self._limits.max_nodes:
            raise _Refused(f"frontmatter has more than {self._limits.max_nodes} nodes")
        if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            self._depth += 1
            if self._depth > self._limits.max_depth:
                raise _Refused(f"frontmatter nests deeper than {self._limits.max_depth} levels")
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        """An impossible date such as ``2026-02-30`` stays the string it was written as."""
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, AttributeError, OverflowError):
            return self.construct_scalar(node)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError as exc:
                raise _Refused(f"unhashable mapping key {key!r}") from exc
            if duplicate:
                raise _Refused(f"duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _Dumper(yaml.SafeDumper):
    """SafeDumper writing ISO-8601 timestamps (``2026-11-26T12:00:00Z``) and tuples as lists."""


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.ScalarNode:
    text = value.isoformat()
    if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
        text = value.replace(tzinfo=None).isoformat() + "Z"
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", text)


_SPECIAL_BREAKS = frozenset("\x85\u2028\u2029\ufeff")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """PyYAML writes NEL/LS/PS raw in plain and single-quoted scalars, and folds them into
    spaces when reading back; double quotes escape them, so such strings round-trip."""
    if _SPECIAL_BREAKS.intersection(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


def _represent_tuple(dumper: yaml.SafeDumper, value: tuple[Any, ...]) -> yaml.SequenceNode:
    return dumper.represent_list(list(value))


_Dumper.add_representer(dt.datetime, _represent_datetime)
_Dumper.add_representer(tuple, _represent_tuple)
_Dumper.add_representer(str, _represent_str)
_GuardedLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _GuardedLoader.construct_yaml_timestamp
)


def _split(text: str, limits: Limits) -> tuple[str | None, str]:
    """Split ``text`` into (frontmatter source or None, body). Only LF ends a line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip("\r \t") != FENCE:
        return None, text
    if first_end < 0:
        raise DocumentError("frontmatter opens with '---' but is never closed")
    start = pos = first_end + 1
    size = 0
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if line.rstrip("\r \t") == FENCE:
            return text[start:pos], ("" if end < 0 else text[end + 1 :])
        size += len(line.encode("utf-8", "surrogatepass")) + 1
        if size > limits.max_frontmatter_bytes:
            raise DocumentError(
                f"frontmatter is larger than {limits.max_frontmatter_bytes} bytes"
                " (or its closing '---' is missing)"
            )
        if end < 0:
            raise DocumentError("frontmatter opens with '---' but the closing '---' is missing")
        pos = end + 1


def parse_document(text: str | bytes, *, limits: Limits = Limits()) -> Document:
    """Parse Markdown with optional YAML frontmatter; raise ``DocumentError`` on anything bad."""
    if isinstance(text, bytes):
        if len(text) > limits.max_bytes:
            raise DocumentError(f"document is larger than {limits.max_bytes} bytes")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"document is not valid UTF-8: {exc}") from exc
    elif len(text) > limits.max_bytes or len(text.encode("utf-8", "surrogatepass")) > (
        limits.max_bytes
    ):
        raise DocumentError(f"document is larger than {limits.max_bytes} bytes")
    source, body = _split(text, limits)
    if source is None:
        return Document({}, body)
    try:
        loader = _GuardedLoader(source, limits)
    except yaml.YAMLError as exc:
        raise DocumentError(f"frontmatter is not valid YAML: {exc}") from None
    try:
        data = loader.get_single_data()
    except _Refused as exc:
        raise DocumentError(f"hostile or oversized frontmatter refused: {exc}") from None
    except ConstructorError as exc:
        raise DocumentError(f"frontmatter holds a value that is not plain data: {exc}") from None
    except yaml.YAMLError as exc:
        raise DocumentError(f"frontmatter is not valid YAML: {exc}") from None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        # e.g. ``!!int abc`` or ``!!bool maybe``: PyYAML's constructors raise plain errors
        raise DocumentError(f"frontmatter holds a value that cannot be read: {exc!r}") from None
    finally:
        loader.dispose()
    if data is None:
        return Document({}, body)
    if not isinstance(data, dict):
        raise DocumentError(f"frontmatter must be a mapping, not {type(data).__name__}")
    for key in data:
        if not isinstance(key, str):
            raise DocumentError(f"frontmatter keys must be strings, got {key!r}")
    return Document(data, body)


def render_document(doc: Document) -> str:
    """Render ``doc`` as ``---\\n<yaml>---\\n<body>`` through a real YAML emitter."""
    try:
        dumped = yaml.dump(
            dict(doc.meta),
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
        )
    except yaml.YAMLError as exc:
        raise DocumentError(f"frontmatter value cannot be written as YAML: {exc}") from None
    return f"{FENCE}\n{dumped}{FENCE}\n{doc.body}"


def read_document(path: Path, *, limits: Limits = Limits()) -> Document:
    """Read and parse ``path``; refuses symlinks, non-regular and oversized files up front."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise DocumentError(f"cannot stat document: {exc}", path=str(path)) from None
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError("not a regular file (symlinks are refused)", path=str(path))
    if info.st_size > limits.max_bytes:
        raise DocumentError(
            f"document is {info.st_size} bytes, over the {limits.max_bytes}-byte cap",
            path=str(path),
        )
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise DocumentError(f"cannot open document: {exc}", path=str(path)) from None
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limits.max_bytes + 1)
    try:
        return parse_document(data, limits=limits)
    except DocumentError as exc:
        raise DocumentError(exc.message, path=str(path)) from None


def write_document(path: Path, doc: Document) -> None:
    """Write ``doc`` atomically (temp file in the same folder, fsync, ``os.replace``)."""
    text = render_document(doc)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DocumentError(f"document cannot be encoded as UTF-8: {exc}", path=str(path)) from None
    parse_document(data)  # every written document must be readable under the default caps
    atomic_write_bytes(path, data)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; creates parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
