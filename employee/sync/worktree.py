"""Advance the human-visible working tree to a new commit without losing human edits.

The agent's transactions run in a private worktree; the visible tree only ever moves with
a two-way ``git read-tree -m -u OLD NEW``, which keeps every uncommitted edit to a path the
new commit does not touch. A path both sides changed is a real conflict: unless the human's
bytes already equal the new commit's, they are copied to ``conflicts_dir`` before the path
is reset, so they are never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from employee.sync._git import Git

__all__ = ["Conflict", "advance_worktree", "dirty_paths"]


@dataclass(frozen=True)
class Conflict:
    """A human edit that collided with an incoming commit; ``saved`` holds its bytes."""

    path: str
    saved: Path | None


def dirty_paths(git: Git) -> set[str]:
    """Paths whose working-tree state differs from HEAD (modified, deleted, untracked)."""
    raw = git.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames").stdout
    return {e[3:].decode("utf-8", "surrogateescape") for e in raw.split(b"\0") if len(e) > 3}


def _blob_at(git: Git, commit: str, path: str) -> bytes | None:
    proc = git.run("cat-file", "blob", f"{commit}:{path}", check=False)
    return proc.stdout if proc.returncode == 0 else None


def advance_worktree(git: Git, new: str, conflicts_dir: Path) -> list[Conflict]:
    """Move the visible tree (``git.cwd``, branch checked out) from HEAD to ``new``."""
    old = git.out("rev-parse", "HEAD")
    if old == new:
        return []
    git.run("reset", "-q")  # the index equals HEAD again; the working tree is untouched
    changed = set(git.out("diff", "--name-only", "-z", "--no-renames", old, new).split("\0"))
    changed.discard("")
    conflicts: list[Conflict] = []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    touched = sorted(changed & dirty_paths(git)) if changed else []
    for path in touched:
        target = git.cwd / path
        mine = target.read_bytes() if target.is_file() else None
        if mine != _blob_at(git, new, path):
            saved = None
            if mine is not None:
                saved = conflicts_dir / stamp / path
                saved.parent.mkdir(parents=True, exist_ok=True)
                saved.write_bytes(mine)
            conflicts.append(Conflict(path, saved))
        before = _blob_at(git, old, path)
        if before is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(before)
    if touched:  # the mixed reset above refreshed the index; rewritten files need it again
        git.run("update-index", "-q", "--refresh", check=False)
    git.run("read-tree", "-m", "-u", old, new)
    git.run("update-ref", "-m", "platinum: advance", "HEAD", new, old)
    return conflicts
