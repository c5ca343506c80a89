"""Thin, hermetic adapter around the ``git`` command line.

Every call runs with no system/global config, no pager, no prompts, and a fixed identity, so
replicas behave the same on any machine and in tests.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from employee.errors import RemoteUnavailable, SyncError

__all__ = ["Git", "GitFailed", "clear_stale_locks", "email_of", "hermetic_env", "parse_batch"]

_UNREACHABLE = (
    "does not appear to be a git repository",
    "Could not read from remote repository",
    "unable to access",
    "Connection refused",
    "Could not resolve host",
    "No such file or directory",
    "not found",
    "does not exist",
)


class GitFailed(SyncError):
    """A git command exited non-zero; ``stderr`` holds git's own words."""


def email_of(agent: str) -> str:
    """The commit e-mail address of an agent."""
    return f"{agent}@platinum.invalid"


def hermetic_env(
    home: Path, agent: str = "platinum", extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """An environment for git that ignores the user's configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_AUTHOR_NAME=agent,
        GIT_AUTHOR_EMAIL=email_of(agent),
        GIT_COMMITTER_NAME=agent,
        GIT_COMMITTER_EMAIL=email_of(agent),
        LC_ALL="C",
    )
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Git:
    """Runs git in ``cwd`` (a work tree) or against ``git_dir`` (a bare repository)."""

    cwd: Path
    env: Mapping[str, str]
    git_dir: Path | None = None

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        remote: bool = False,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run ``git args``; raise :class:`GitFailed` (or ``RemoteUnavailable``) on failure."""
        argv = ["git", "-c", "core.hooksPath=", "-c", "gc.auto=0", "-c", "core.quotePath=off"]
        if self.git_dir is not None:
            argv += ["--git-dir", str(self.git_dir)]
        argv += list(args)
        proc = subprocess.run(
            argv, cwd=self.cwd, env=dict(self.env), input=input, capture_output=True, check=False
        )
        if check and proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()
            if remote and any(m in err for m in _UNREACHABLE):
                raise RemoteUnavailable("git remote unreachable", command=args[0], stderr=err)
            raise GitFailed(f"git {args[0]} failed", args=" ".join(args), stderr=err)
        return proc

    def out(self, *args: str, remote: bool = False) -> str:
        """Run and return stripped stdout as text."""
        return self.run(*args, remote=remote).stdout.decode("utf-8", "replace").strip()

    def rev(self, ref: str) -> str | None:
        """The commit id of ``ref``, or ``None`` if it does not resolve."""
        proc = self.run("rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
        if proc.returncode != 0:
            return None
        return proc.stdout.decode().strip() or None

    def blob(self, sha: str) -> bytes:
        """The bytes of one blob."""
        return self.run("cat-file", "blob", sha).stdout

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The bytes of several blobs, read by one ``git cat-file --batch`` (missing: left out)."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch", input="".join(f"{s}\n" for s in wanted).encode())
        return parse_batch(out.stdout)


def parse_batch(data: bytes) -> dict[str, bytes]:
    """Parse ``git cat-file --batch`` output (``<id> <type> <size>``, content; ``<id> missing``)."""
    found: dict[str, bytes] = {}
    at = 0
    while at < len(data):
        end = data.index(b"\n", at)
        header = data[at:end].decode("utf-8", "replace").split()
        at = end + 1
        if len(header) != 3:  # "<id> missing" / "<id> ambiguous"
            continue
        size = int(header[2])
        if header[1] == "blob":
            found[header[0]] = data[at : at + size]
        at += size + 1
    return found


def clear_stale_locks(git_dir: Path) -> list[Path]:
    """Remove lock files a killed git left behind; call only while no git runs on this repo.

    A SIGKILL in the middle of ``git commit`` leaves ``index.lock`` (or a ref lock) and every
    later git command on the repository fails. An agent opening its replica is the only git
    user of it, so any lock it finds then is stale.
    """
    removed: list[Path] = []
    if not git_dir.is_dir():
        return removed
    for lock in sorted(git_dir.rglob("*.lock")):
        if "objects" in lock.relative_to(git_dir).parts:
            continue
        lock.unlink(missing_ok=True)
        removed.append(lock)
    return removed
