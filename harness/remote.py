"""A read-only view of the bare git remote: the only arbiter, so the harness asserts on it."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError

__all__ = ["Commit", "RemoteView"]


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    subject: str
    timestamp: int
    paths: tuple[str, ...]


class RemoteView:
    """Reads ``main`` of a bare repository with plain git commands (never writes)."""

    def __init__(self, git_dir: Path, branch: str = "main") -> None:
        self.git_dir = git_dir
        self.branch = branch

    def _git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
        done = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", *args], env=env, capture_output=True, check=False
        )
        if check and done.returncode != 0:
            raise HarnessError(f"git {' '.join(args)}: {done.stderr.decode(errors='replace')}")
        return done

    def tip(self) -> str | None:
        done = self._git("rev-parse", "--verify", "-q", f"refs/heads/{self.branch}", check=False)
        return done.stdout.decode().strip() or None

    def paths(self) -> list[str]:
        """Every file path in the tip tree, sorted."""
        if self.tip() is None:
            return []
        out = self._git("ls-tree", "-r", "--name-only", "-z", self.branch).stdout
        return sorted(p.decode() for p in out.split(b"\0") if p)

    def has(self, path: str) -> bool:
        return path in set(self.paths())

    def find(self, prefix: str = "", contains: str = "") -> list[str]:
        return [p for p in self.paths() if p.startswith(prefix) and contains in p]

    def read(self, path: str) -> bytes:
        return self._git("show", f"{self.branch}:{path}").stdout

    def read_text(self, path: str) -> str:
        return self.read(path).decode("utf-8")

    def commits(self) -> list[Commit]:
        """The history of ``main``, oldest first, with the paths each commit touched."""
        if self.tip() is None:
            return []
        out = self._git(
            "log", "--reverse", "--format=%x1e%H%x1f%an%x1f%ct%x1f%s", "--name-only", self.branch
        ).stdout.decode("utf-8", errors="replace")
        commits = []
        for record in out.split("\x1e"):
            if not record.strip():
                continue
            head, _, rest = record.partition("\n")
            sha, author, ts, subject = head.split("\x1f", 3)
            paths = tuple(p for p in rest.splitlines() if p.strip())
            commits.append(Commit(sha, author, subject, int(ts), paths))
        return commits

    def authors_of(self, path: str) -> set[str]:
        """Every author that ever committed a change to ``path``."""
        return {c.author for c in self.commits() if path in c.paths}

    def audit_entries(self, agent: str) -> list[dict[str, Any]]:
        """Audit entries of ``agent`` as pushed (corrupt lines are skipped, as the vault does)."""
        entries: list[dict[str, Any]] = []
        for path in self.find(f"Logs/{agent}/"):
            if not path.endswith(".jsonl"):
                continue
            for line in self.read(path).decode("utf-8", errors="replace").splitlines():
                try:
                    value = json.loads(line)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    entries.append(value)
        return entries

    def blobs(self) -> list[bytes]:
        """The content of every blob object in the repository, reachable or not."""
        listing = self._git(
            "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"
        ).stdout.decode()
        shas = [line.split()[0] for line in listing.splitlines() if line.endswith(" blob")]
        return [self._git("cat-file", "blob", sha).stdout for sha in shas]
