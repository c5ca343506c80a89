"""One replica's vault folder: safe paths, document I/O, listing and initialisation."""

from __future__ import annotations

import builtins
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from employee.errors import UnsafeNameError, VaultError
from employee.vault.constants import AGENTS, DOMAINS, PROTOCOL_VERSION
from employee.vault.frontmatter import (
    Document,
    Limits,
    atomic_write_bytes,
    read_document,
    write_document,
)
from employee.vault.handbook import DEFAULT_GOALS, DEFAULT_HANDBOOK
from employee.vault.layout import (
    BUSINESS_GOALS,
    COMPANY_HANDBOOK,
    DASHBOARD,
    DONE,
    FOLDERS,
    GITIGNORE,
    PROTOCOL_MARKER,
    in_progress,
    needs_action,
)
from employee.vault.names import safe_path, validate_id
from employee.vault.snapshot import VaultSnapshot, take_snapshot

__all__ = ["Vault"]

_LIMITS = Limits()


class Vault:
    """A vault replica rooted at ``root``. Pure file operations; no git, no agents."""

    root: Path

    def __init__(self, root: Path, *, limits: Limits = _LIMITS) -> None:
        self.root = Path(root)
        self.limits = limits

    def __repr__(self) -> str:
        return f"Vault({str(self.root)!r})"

    @classmethod
    def init(
        cls,
        root: Path,
        *,
        handbook: str | None = None,
        goals: str | None = None,
        now: datetime | None = None,
    ) -> Vault:
        """Create folders and the starter files; idempotent, never overwrites existing files."""
        from employee.vault.dashboard import render_dashboard

        vault = cls(root)
        vault.root.mkdir(parents=True, exist_ok=True)
        marker = vault.protocol()
        if marker is not None and marker != PROTOCOL_VERSION:
            raise VaultError(
                f"vault speaks protocol {marker}, this library speaks {PROTOCOL_VERSION}",
                path=str(vault.root),
            )
        for folder in FOLDERS:
            vault.path(folder).mkdir(parents=True, exist_ok=True)
        moment = now or datetime.now(UTC)
        starters = {
            COMPANY_HANDBOOK: handbook if handbook is not None else DEFAULT_HANDBOOK,
            BUSINESS_GOALS: goals if goals is not None else DEFAULT_GOALS,
            PurePosixPath(".gitignore"): GITIGNORE,
            PROTOCOL_MARKER: json.dumps({"protocol": PROTOCOL_VERSION}) + "\n",
            DASHBOARD: render_dashboard(VaultSnapshot(), now=moment),
        }
        for rel, text in starters.items():
            target = vault.path(rel)
            if not os.path.lexists(target):
                atomic_write_bytes(target, text.encode("utf-8"))
        return vault

    def protocol(self) -> int | None:
        """The protocol version recorded in ``.platinum/protocol.json``, or ``None``."""
        target = self.path(PROTOCOL_MARKER)
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise VaultError(f"unreadable protocol marker: {exc}", path=str(target)) from None
        version = data.get("protocol") if isinstance(data, dict) else None
        if isinstance(version, bool) or not isinstance(version, int):
            raise VaultError("protocol marker has no integer 'protocol'", path=str(target))
        return version

    # -- paths and documents ------------------------------------------------------------

    def path(self, rel: str | PurePosixPath) -> Path:
        """The absolute path of ``rel``; raises ``UnsafeNameError`` if it leaves the vault."""
        return safe_path(self.root, rel)

    def read(self, rel: str | PurePosixPath) -> Document:
        """Parse the document at ``rel`` (``FileNotFoundError`` when absent)."""
        return read_document(self.path(rel), limits=self.limits)

    def write(self, rel: str | PurePosixPath, doc: Document) -> None:
        """Write ``doc`` at ``rel`` atomically."""
        write_document(self.path(rel), doc)

    def exists(self, rel: str | PurePosixPath) -> bool:
        """Whether a regular file exists at ``rel`` (symlinks do not count)."""
        try:
            return stat.S_ISREG(os.lstat(self.path(rel)).st_mode)
        except (FileNotFoundError, NotADirectoryError):
            return False

    def move(self, src: str | PurePosixPath, dst: str | PurePosixPath) -> None:
        """Rename ``src`` to ``dst`` (same filesystem, atomic); refuses to overwrite."""
        source, target = self.path(src), self.path(dst)
        if os.path.lexists(target):
            raise VaultError("move target already exists", path=str(dst))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, target)

    def remove(self, rel: str | PurePosixPath) -> None:
        """Delete the file at ``rel`` (``FileNotFoundError`` when absent)."""
        os.unlink(self.path(rel))

    # -- listing ---------------------------------------------------------------------------

    def list(self, folder: str | PurePosixPath) -> list[PurePosixPath]:
        """Every regular ``*.md`` under ``folder`` (recursive, sorted); ``[]`` if it is missing.

        Symlinks, dot-files and dot-folders are skipped.
        """
        base = self.path(folder)
        found: list[PurePosixPath] = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            here = Path(dirpath)
            for name in filenames:
                if name.startswith(".") or not name.endswith(".md"):
                    continue
                full = here / name
                if not stat.S_ISREG(os.lstat(full).st_mode):
                    continue
                found.append(PurePosixPath(full.relative_to(self.root).as_posix()))
        return sorted(found)

    def subfolders(self, folder: str | PurePosixPath) -> builtins.list[PurePosixPath]:
        """Direct sub-folders of ``folder`` (no dot-folders, no symlinks), sorted."""
        base = self.path(folder)
        try:
            names = os.listdir(base)
        except (FileNotFoundError, NotADirectoryError):
            return []
        rel = PurePosixPath(base.relative_to(self.root).as_posix())
        return sorted(
            rel / name
            for name in names
            if not name.startswith(".") and stat.S_ISDIR(os.lstat(base / name).st_mode)
        )

    def find_task(self, task_id: str) -> PurePosixPath | None:
        """Where task ``task_id`` is now: In_Progress, Needs_Action or Done; ``None`` if nowhere."""
        validate_id(task_id)
        candidates = [in_progress(agent, task_id) for agent in AGENTS]
        candidates += [needs_action(domain, task_id) for domain in DOMAINS]
        candidates += [month / f"{task_id}.md" for month in self.subfolders(DONE)]
        for rel in candidates:
            try:
                if self.exists(rel):
                    return rel
            except UnsafeNameError:
                continue
        return None

    def snapshot(self) -> VaultSnapshot:
        """A parsed view for the dashboard; unreadable documents are listed as errors."""
        return take_snapshot(self)
