"""Fixtures for the sync tests: a protected bare remote and replicas cloned from it."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from employee.sync import Mutation, Replica, WriteOp, init_remote
from employee.vault import layout, new_task, render_document

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Clock:
    """A settable clock for leases (git subprocesses keep their own time)."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return init_remote(tmp_path / "remote.git")


MakeReplica = Callable[..., Replica]


@pytest.fixture
def make_replica(tmp_path: Path, clock: Clock, remote: Path) -> Iterator[MakeReplica]:
    made: list[Replica] = []

    def make(agent: str, name: str | None = None, remote_url: Path | str | None = None) -> Replica:
        name = name or agent
        url = remote_url if remote_url is not None else remote
        rep = Replica.clone(
            str(url),
            tmp_path / name / "vault",
            agent=agent,
            state_dir=tmp_path / name / "state",
            clock=clock,
        )
        made.append(rep)
        return rep

    yield make
    for rep in made:
        rep.close()


@pytest.fixture
def seed() -> Callable[..., None]:
    """``seed(replica, ids, domain="email")`` pushes new tasks in one transaction."""
    return seed_tasks


def task_text(task_id: str, domain: str = "email") -> str:
    doc = new_task(task_id=task_id, type="email", domain=domain, created=T0, body="Hello.\n")
    return render_document(doc)


def seed_tasks(rep: Replica, ids: list[str], domain: str = "email") -> None:
    """Push new tasks into ``Needs_Action/<domain>/`` in one transaction."""
    files = {str(layout.needs_action(domain, i)): task_text(i, domain) for i in ids}
    result = rep.transact(WriteOp(rep.agent, Mutation.of(files), note="seed tasks"))
    assert result.status == "pushed", result


class RawClone:
    """A plain git clone driven by hand, to push past every client-side guard."""

    def __init__(self, remote: Path, path: Path, author: str) -> None:
        self.path, self.author = path, author
        self.last_error = ""
        self.env = {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "HOME": str(path.parent),
            "PATH": "/usr/bin:/bin",
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": f"{author}@platinum.invalid",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": f"{author}@platinum.invalid",
        }
        subprocess.run(["git", "clone", "-q", str(remote), str(path)], env=self.env, check=True)

    def git(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=self.path, env=self.env, capture_output=True, text=True, check=False
        )

    def commit_and_push(self, files: dict[str, bytes], *, push_as: str | None = None) -> bool:
        """Force-add ``files``, commit with --no-verify, push; True when the remote accepted."""
        self.git("fetch", "-q", "origin")
        self.git("reset", "-q", "--hard", "origin/main")
        for rel, data in files.items():
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            assert self.git("add", "-f", "--", rel).returncode == 0
        assert self.git("commit", "-q", "--no-verify", "-m", "raw").returncode == 0
        options = ["-o", f"agent={push_as}"] if push_as else []
        proc = self.git("push", "-q", *options, "origin", "HEAD:refs/heads/main")
        self.last_error = proc.stderr
        return proc.returncode == 0


@pytest.fixture
def raw_clone(tmp_path: Path) -> Callable[..., RawClone]:
    def make(remote: Path, author: str, name: str = "") -> RawClone:
        return RawClone(remote, tmp_path / "raw" / (name or author) / "clone", author)

    return make
