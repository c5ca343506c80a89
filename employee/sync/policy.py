"""What may enter the shared history: one pure check used by the client guard and the hook.

``check_changes(agent, changes, read_blob, size_cap=...)`` looks at every changed path of a
commit (path, old/new mode, new blob id) and returns the reasons to refuse it: a path outside
the allow-list, a symlink or submodule, an oversized blob, a secret, or a write outside the
pushing agent's zone (the zone table itself lives in :mod:`employee.vault`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from employee.sync.scanner import scan_bytes
from employee.vault import Change, check_zone

__all__ = [
    "AGENTS",
    "DEFAULT_SIZE_CAP",
    "FileChange",
    "Violation",
    "blob_reader",
    "check_changes",
    "is_allowed_path",
    "parse_raw_diff",
]

AGENTS = ("cloud", "local")
DEFAULT_SIZE_CAP = 1_048_576
ViolationKind = Literal["path", "mode", "size", "secret", "zone", "identity"]

_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9 _.,()+\-]{0,127}$")
_FORBIDDEN_SEGMENT = re.compile(r"(?i)^(\.env.*|.*\.session.*|secrets?|sessions?|credentials?)$")
_LOG = re.compile(r"^Logs/[a-z][a-z0-9_-]{0,31}/\d{4}-\d{2}-\d{2}\.jsonl$")
_STATE = re.compile(r"^\.platinum/[A-Za-z0-9_-]{1,64}\.json$")
_MAX_DEPTH = 8


@dataclass(frozen=True)
class FileChange:
    """One path changed by a commit, as ``git diff-tree --raw`` reports it."""

    path: str
    status: str  # A, M, D, T
    old_mode: str
    new_mode: str
    new_sha: str

    @property
    def deleted(self) -> bool:
        return self.status == "D"


@dataclass(frozen=True)
class Violation:
    """A reason to refuse a change."""

    kind: ViolationKind
    path: str
    detail: str
    commit: str = ""

    def __str__(self) -> str:
        where = f" in commit {self.commit[:10]}" if self.commit else ""
        return f"{self.path or '-'}: {self.detail}{where} ({self.kind} rule)"


def is_allowed_path(path: str) -> bool:
    """The path allow-list: ``.gitignore``, Markdown notes, audit logs, protocol state files."""
    if path == ".gitignore" or _LOG.match(path) or _STATE.match(path):
        return True
    parts = path.split("/")
    if len(parts) > _MAX_DEPTH or not path.endswith(".md"):
        return False
    return all(_SEGMENT.match(p) and not _FORBIDDEN_SEGMENT.match(p) for p in parts)


def parse_raw_diff(raw: bytes) -> list[FileChange]:
    """Parse ``git diff-tree -r --raw -z --no-renames`` (or ``diff --cached``) output."""
    fields = raw.split(b"\0")
    changes: list[FileChange] = []
    i = 0
    while i + 1 < len(fields) and fields[i].startswith(b":"):
        meta = fields[i][1:].decode().split()
        path = fields[i + 1].decode("utf-8", "surrogateescape")
        changes.append(FileChange(path, meta[4][:1], meta[0], meta[1], meta[3]))
        i += 2
    return changes


def blob_reader(
    changes: Sequence[FileChange],
    batch: Callable[[list[str]], Mapping[str, bytes]],
    single: Callable[[str], bytes],
) -> Callable[[str], bytes]:
    """A ``read_blob`` for :func:`check_changes` that reads every regular file's blob at once.

    ``batch`` gets the ids of the added or modified regular files (the only blobs the check
    reads) and may leave some out; those, and any other id, go to ``single``.
    """
    wanted = [c.new_sha for c in changes if not c.deleted and c.new_mode == "100644"]
    cache = batch(wanted) if wanted else {}
    return lambda sha: cache[sha] if sha in cache else single(sha)


def _kind(change: FileChange) -> str:
    return {"A": "add", "D": "delete"}.get(change.status, "modify")


def check_changes(
    agent: str,
    changes: Iterable[FileChange],
    read_blob: Callable[[str], bytes],
    *,
    size_cap: int = DEFAULT_SIZE_CAP,
    canaries: Sequence[str] = (),
) -> list[Violation]:
    """Every reason to refuse ``changes`` pushed by ``agent`` (empty list = acceptable)."""
    if agent not in AGENTS:
        return [Violation("identity", "", f"unknown agent {agent!r}")]
    found: list[Violation] = []
    for ch in changes:
        mode = ch.old_mode if ch.deleted else ch.new_mode
        zone = check_zone(agent, Change(ch.path, _kind(ch), mode))  # type: ignore[arg-type]
        if not zone:
            found.append(Violation("zone", ch.path, zone.reason))
        if ch.deleted:
            continue
        if not is_allowed_path(ch.path):
            found.append(Violation("path", ch.path, "path not in the allow-list"))
        if ch.new_mode != "100644":
            what = {"120000": "symlink", "160000": "submodule"}.get(ch.new_mode, "mode")
            found.append(Violation("mode", ch.path, f"{what} {ch.new_mode} not allowed"))
            continue
        data = read_blob(ch.new_sha)
        if len(data) > size_cap:
            found.append(Violation("size", ch.path, f"{len(data)} bytes > cap {size_cap}"))
            continue
        for finding in scan_bytes(data, canaries):
            found.append(Violation("secret", ch.path, str(finding)))
    return found
