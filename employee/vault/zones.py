"""The zone table of DESIGN.md §3 as data: who may write (add, modify, delete) which path.

Pure functions over git-style changes; the remote's pre-receive hook and Local's check of
commits it did not write both call :func:`check_changes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from employee.vault.constants import CLOUD_DOMAINS, LOCAL_ONLY_DOMAINS, Agent, check_agent
from employee.vault.verdict import Verdict

__all__ = [
    "FORBIDDEN_MODES",
    "ZONES",
    "Change",
    "ChangeKind",
    "check_changes",
    "check_zone",
    "zone_of",
]

ChangeKind = Literal["add", "modify", "delete"]
FORBIDDEN_MODES = MappingProxyType({"120000": "symlink", "160000": "submodule"})
_FILE_MODES = frozenset(("100644", "100755"))


@dataclass(frozen=True)
class Change:
    """One path changed by a commit, with its git mode (``000000`` for a deleted side)."""

    path: str
    kind: ChangeKind = "modify"
    mode: str = "100644"


_BOTH: Mapping[Agent, bool] = MappingProxyType({"cloud": True, "local": True})
_LOCAL: Mapping[Agent, bool] = MappingProxyType({"cloud": False, "local": True})


def _table() -> dict[str, Mapping[Agent, bool]]:
    table: dict[str, Mapping[Agent, bool]] = {}
    for domain in CLOUD_DOMAINS:
        for folder in ("Needs_Action", "Plans", "Pending_Approval"):
            table[f"{folder}/{domain}/*.md"] = _BOTH
    for domain in LOCAL_ONLY_DOMAINS:
        for folder in ("Needs_Action", "Plans", "Pending_Approval"):
            table[f"{folder}/{domain}/*.md"] = _LOCAL
    table.update(
        {
            "Updates/*.md": _BOTH,
            "In_Progress/cloud/*.md": _BOTH,
            "In_Progress/local/*.md": _LOCAL,
            "Logs/cloud/*.jsonl": _BOTH,
            "Logs/local/*.jsonl": _LOCAL,
            "Approved/*.md": _LOCAL,
            "Rejected/*.md": _LOCAL,
            "Done/*/*.md": _LOCAL,
            "Dashboard.md": _LOCAL,
            "Company_Handbook.md": _LOCAL,
            "Business_Goals.md": _LOCAL,
            ".platinum/*.json": _LOCAL,
            ".gitignore": _LOCAL,
            "**/*.md": _LOCAL,
        }
    )
    return table


#: Pattern -> who may write. First match wins; ``*`` is one path component, ``**/`` any depth.
ZONES: Mapping[str, Mapping[Agent, bool]] = MappingProxyType(_table())


def _compile(pattern: str) -> re.Pattern[str]:
    out = re.escape(pattern).replace(r"\*\*/", "(?:[^/]+/)*").replace(r"\*", "[^/]+")
    return re.compile(out)


_COMPILED = tuple((key, _compile(key)) for key in ZONES)
_SEGMENT_RE = re.compile(r"[^\x00-\x1f\x7f\\]+")


def _well_formed(path: str) -> bool:
    parts = path.split("/")
    for index, part in enumerate(parts):
        if part in ("", ".", "..") or _SEGMENT_RE.fullmatch(part) is None:
            return False
        if part.startswith(".") and not (
            (index == 0 and part == ".platinum" and len(parts) == 2) or (path == ".gitignore")
        ):
            return False
    return True


def zone_of(path: str) -> str:
    """The ``ZONES`` key ``path`` falls in, or ``""`` when it is outside the allow-list."""
    if not isinstance(path, str) or not _well_formed(path):
        return ""
    for key, pattern in _COMPILED:
        if pattern.fullmatch(path):
            return key
    return ""


def check_zone(agent: Agent, change: Change) -> Verdict:
    """May ``agent`` make ``change``? Deletes count as writes; symlinks/submodules never."""
    check_agent(agent)
    if change.kind != "delete":
        if change.mode in FORBIDDEN_MODES:
            kind = FORBIDDEN_MODES[change.mode]
            return Verdict.refuse("zone_violation", f"{change.path!r}: a {kind} is never allowed")
        if change.mode not in _FILE_MODES:
            return Verdict.refuse(
                "zone_violation", f"{change.path!r}: mode {change.mode} is not a file"
            )
    zone = zone_of(change.path)
    if not zone:
        return Verdict.refuse("zone_violation", f"{change.path!r} is outside the vault allow-list")
    if not ZONES[zone][agent]:
        return Verdict.refuse(
            "zone_violation",
            f"{agent} may not {change.kind} {change.path!r} (zone {zone!r} is Local's)",
        )
    return Verdict(True)


def check_changes(agent: Agent, changes: Iterable[Change]) -> list[Verdict]:
    """The refused changes of a push or commit (an empty list means all are allowed)."""
    return [v for v in (check_zone(agent, c) for c in changes) if not v]
