"""Harness-driven replicas on a world's remote: extra Cloud workers, races, contests.

Every helper acts from outside the agents (its own clone, its own link to the remote) and
every check reads the remote, the arbiter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from employee.sync import Mutation, Replica, TxResult, WriteOp
from employee.vault import layout, new_id, new_task, parse_document
from harness.actors import AgentHandle
from harness.errors import HarnessError
from harness.world import World

__all__ = [
    "CloudWorker",
    "Contest",
    "ManualClock",
    "ReplicaHandle",
    "attach_replica",
    "audit_of",
    "claim_commits",
    "contest",
    "held_on_remote",
    "race",
    "seed_task",
    "start_cloud_worker",
]


class ManualClock:
    """A settable UTC clock for leases (starts at the real time; git keeps its own)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


# -- replicas ----------------------------------------------------------------------------------


@dataclass
class ReplicaHandle:
    """A harness-driven replica of the world's remote, reached through its own link."""

    name: str
    replica: Replica
    link: Path
    remote_path: Path
    clock: ManualClock
    results: list[TxResult] = field(default_factory=list)

    @property
    def online(self) -> bool:
        return self.link.is_symlink()

    def go_offline(self) -> None:
        if self.link.is_symlink():
            self.link.unlink()

    def go_online(self) -> None:
        if not self.link.is_symlink():
            self.link.symlink_to(self.remote_path)

    def run(self, op: Callable[[Replica], TxResult]) -> TxResult:
        """Run one transaction and remember its result."""
        result = op(self.replica)
        self.results.append(result)
        return result


def attach_replica(
    world: World, name: str, agent: str, clock: ManualClock | None = None
) -> ReplicaHandle:
    """Clone the world's remote for ``agent`` under ``<root>/replicas/<name>``, own link."""
    home = world.root / "replicas" / name
    if home.exists():
        raise HarnessError(f"replica {name!r} already exists at {home}")
    link = _link(world, f"replica-{name}")
    clock = clock or ManualClock()
    replica = Replica.clone(
        str(link), home / "vault", agent=agent, state_dir=home / "state", clock=clock
    )
    world.timeline.record("harness", "replica_attached", name, agent=agent)
    return ReplicaHandle(name, replica, link, world.remote_path, clock)


def seed_task(handle: ReplicaHandle, domain: str, kind: str = "invoice_request") -> str:
    """Push a new pending task into ``Needs_Action/<domain>/``; returns its id."""
    task_id = new_id()
    doc = new_task(
        task_id=task_id,
        type=kind,
        domain=domain,
        created=handle.clock(),
        body="Seeded by the harness.\n",
    )
    rel = str(layout.needs_action(domain, task_id))
    note = f"seed {task_id}"
    result = handle.run(lambda r: r.transact(WriteOp(r.agent, Mutation.of({rel: doc}), note=note)))
    if result.status != "pushed":
        raise HarnessError(f"seeding task {task_id} failed: {result.status} {result.verdict}")
    return task_id


def race(handles: Sequence[ReplicaHandle], op: Callable[[Replica], TxResult]) -> list[TxResult]:
    """Run ``op`` on every replica at once (threads released by one barrier), in order."""
    barrier = threading.Barrier(len(handles))
    results: list[TxResult | None] = [None] * len(handles)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = handles[index].run(op)
        except BaseException as exc:  # re-raised below, in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(handles))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors or any(t.is_alive() for t in threads):
        raise HarnessError(f"a racing replica failed: {errors!r}")
    return [r for r in results if r is not None]


@dataclass
class Contest:
    """Two harness replicas and the one task they contend for (``last``: latest result)."""

    task_id: str
    domain: str
    first: ReplicaHandle
    second: ReplicaHandle
    last: TxResult | None = None

    def marker(self, who: str) -> str:
        return f"drafted by {who} for {self.task_id}"

    def plan(self, who: str) -> Mutation:
        """The plan a holder would write from its claim (marked so it can be traced)."""
        rel = str(layout.plan(self.domain, self.task_id))
        return Mutation.of({rel: f"---\ntype: plan\n---\n{self.marker(who)}\n"})


def contest(
    world: World,
    first: tuple[str, str],
    second: tuple[str, str],
    *,
    domain: str = "finance",
) -> Contest:
    """Attach replicas ``(name, agent)`` twice, seed one task, let both see it."""
    a = attach_replica(world, *first)
    b = attach_replica(world, *second)
    task_id = seed_task(a, domain)
    b.replica.sync()
    return Contest(task_id, domain, a, b)


def held_on_remote(world: World, task_id: str) -> list[tuple[str, str, int]]:
    """``(path, claimed_by, claim_epoch)`` for every copy of ``task_id`` under ``In_Progress/``."""
    held = []
    for path in world.remote.find("In_Progress/", f"/{task_id}.md"):
        meta = parse_document(world.remote.read_text(path)).meta
        held.append((path, str(meta.get("claimed_by")), int(meta.get("claim_epoch", 0))))
    return held


# -- a second Cloud worker ------------------------------------------------------------------------


@dataclass
class CloudWorker:
    """A second Cloud process on the world's remote and mailbox."""

    name: str
    handle: AgentHandle

    def stats(self) -> dict[str, int]:
        data = self.handle.health().get("stats", {})
        return {str(k): int(v) for k, v in data.items()}


def start_cloud_worker(world: World, name: str = "cloud2") -> CloudWorker:
    """Start ``python -m employee cloud`` with a copy of Cloud's config on fresh paths."""
    home = world.root / name
    config = yaml.safe_load(world.cloud.config_path.read_text(encoding="utf-8"))
    link = _link(world, name)
    config.update(vault=str(home / "vault"), state_dir=str(home / "state"), remote=str(link))
    config_path = world.write_config(home / "config.yaml", config)
    handle = AgentHandle(
        name=name,
        home=home,
        vault_path=home / "vault",
        state_dir=home / "state",
        secrets_dir=world.cloud.secrets_dir,
        config_path=config_path,
        link=link,
        remote_path=world.remote_path,
        timeline=world.timeline,
    )
    argv = world.python_module("employee", "cloud", "--config", str(config_path))
    handle.process = world.spawn(name, argv)
    handle.ready = dict(handle.process.ready or {})
    return CloudWorker(name, handle)


def _link(world: World, name: str) -> Path:
    link = world.links / f"{name}.git"
    if link.exists() or link.is_symlink():
        raise HarnessError(f"link {link} already exists")
    link.symlink_to(world.remote_path)
    return link


# -- reading the remote -------------------------------------------------------------------------


def audit_of(world: World, agent: str, task_id: str, action: str = "") -> list[dict[str, Any]]:
    """``agent``'s audit entries about ``task_id`` on the remote (of ``action`` if given)."""
    return [
        e
        for e in world.remote.audit_entries(agent)
        if task_id in (e.get("task_id"), e.get("target"))
        and (not action or e.get("action_type") == action)
    ]


def claim_commits(world: World, task_id: str) -> list[str]:
    """Subjects of the commits on ``main`` that recorded a claim of ``task_id``."""
    return [c.subject for c in world.remote.commits() if c.subject.startswith(f"claim {task_id} ")]
