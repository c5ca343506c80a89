"""Fixtures for the sync tests: a protected bare remote and replicas cloned from it."""

from __future__ import annotations

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
