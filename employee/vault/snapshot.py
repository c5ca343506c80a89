"""A parsed, read-only view of a vault for the dashboard; unreadable files become errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from employee.errors import VaultError
from employee.vault.layout import (
    APPROVED,
    DONE,
    IN_PROGRESS,
    NEEDS_ACTION,
    PENDING_APPROVAL,
    REJECTED,
    UPDATES,
)
from employee.vault.values import as_str, to_datetime

if TYPE_CHECKING:
    from employee.vault.vault import Vault

__all__ = ["RECENT_DONE", "Entry", "VaultSnapshot", "take_snapshot"]

#: How many finished documents a snapshot keeps.
RECENT_DONE = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entry:
    """One readable document: where it is and its frontmatter."""

    path: PurePosixPath
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The ``id`` field, or the file stem."""
        return as_str(self.meta.get("id")) or self.path.stem

    @property
    def title(self) -> str:
        """A one-line label: ``title``, ``subject`` or the id, control characters removed."""
        raw = as_str(self.meta.get("title")) or as_str(self.meta.get("subject")) or self.id
        return " ".join("".join(ch if ch.isprintable() else " " for ch in raw).split())

    @property
    def created(self) -> datetime | None:
        """The ``created`` timestamp in UTC, if readable."""
        return to_datetime(self.meta.get("created"))

    @property
    def status(self) -> str:
        """The ``status`` field ('' when absent)."""
        return as_str(self.meta.get("status"))


@dataclass(frozen=True)
class VaultSnapshot:
    """What the dashboard shows. ``errors`` pairs a path with why it could not be read."""

    needs_action: tuple[Entry, ...] = ()
    in_progress: tuple[Entry, ...] = ()
    pending_approvals: tuple[Entry, ...] = ()
    approved: tuple[Entry, ...] = ()
    rejected: tuple[Entry, ...] = ()
    done: tuple[Entry, ...] = ()
    updates: tuple[Entry, ...] = ()
    errors: tuple[tuple[PurePosixPath, str], ...] = ()


def _read_all(
    vault: Vault, paths: list[PurePosixPath], errors: list[tuple[PurePosixPath, str]]
) -> list[Entry]:
    entries = []
    for rel in paths:
        try:
            entries.append(Entry(rel, vault.read(rel).meta))
        except (VaultError, OSError) as exc:
            errors.append((rel, str(exc)))
    return entries


def _list(
    vault: Vault, folder: str, errors: list[tuple[PurePosixPath, str]]
) -> list[PurePosixPath]:
    try:
        return vault.list(folder)
    except (VaultError, OSError) as exc:
        errors.append((PurePosixPath(folder), str(exc)))
        return []


def _recent_done(vault: Vault, errors: list[tuple[PurePosixPath, str]]) -> list[Entry]:
    try:
        months: list[PurePosixPath] = sorted(vault.subfolders(DONE), reverse=True)
    except (VaultError, OSError) as exc:
        errors.append((PurePosixPath(DONE), str(exc)))
        return []
    picked: list[Entry] = []
    for month in months:
        entries = _read_all(vault, _list(vault, str(month), errors), errors)
        picked.extend(entries)
        if len(picked) >= RECENT_DONE:
            break
    loose = [p for p in _list(vault, DONE, errors) if len(p.parts) == 2]
    picked.extend(_read_all(vault, loose, errors))
    picked.sort(key=lambda e: (e.created is not None, e.created or _EPOCH, str(e.path)))
    picked.reverse()
    return picked[:RECENT_DONE]


def take_snapshot(vault: Vault) -> VaultSnapshot:
    """Read every folder the dashboard needs; never raises for a bad document."""
    errors: list[tuple[PurePosixPath, str]] = []
    return VaultSnapshot(
        needs_action=tuple(_read_all(vault, _list(vault, NEEDS_ACTION, errors), errors)),
        in_progress=tuple(_read_all(vault, _list(vault, IN_PROGRESS, errors), errors)),
        pending_approvals=tuple(_read_all(vault, _list(vault, PENDING_APPROVAL, errors), errors)),
        approved=tuple(_read_all(vault, _list(vault, APPROVED, errors), errors)),
        rejected=tuple(_read_all(vault, _list(vault, REJECTED, errors), errors)),
        done=tuple(_recent_done(vault, errors)),
        updates=tuple(_read_all(vault, _list(vault, UPDATES, errors), errors)),
        errors=tuple(errors),
    )
