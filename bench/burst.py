"""A burst of N mails with two Cloud workers: every mail exactly once, every claim once.

A second Cloud process (its own clone, state folder, link and health port, same mailbox) is
started with :func:`harness.replicas.start_cloud_worker`; N reply-needing mails are delivered
through the fake mail server's API as fast as it takes them; the benchmark waits until N
approval requests are on the remote's ``main`` and then checks the invariants three ways,
all from the remote (the arbiter):

- the tree: each mail's task is in exactly one place and has exactly one approval request;
- the history: exactly one commit on ``main`` records a claim of each task;
- the audit log: exactly one ``claim_won`` entry per task among Cloud's entries.

:func:`check_burst` is the pure part; :func:`run_burst` drives the world.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.latency import deliver_sample
from bench.probe import RemoteProbe
from employee.vault import task_id_for
from harness.replicas import start_cloud_worker
from harness.world import World

__all__ = ["BurstReport", "check_burst", "run_burst"]

_TASK_FOLDERS = ("Needs_Action/", "In_Progress/", "Done/")


@dataclass
class BurstReport:
    """What a burst did and every invariant it broke (``problems`` empty = all held)."""

    mails: int
    tasks: int = 0
    approvals: int = 0
    lost: list[str] = field(default_factory=list)
    double_claims: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    extra_approvals: list[str] = field(default_factory=list)
    audit_mismatch: list[str] = field(default_factory=list)
    deliver_s: float = 0.0
    drain_s: float = 0.0
    claims_by_worker: dict[str, int] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        found = []
        for name in ("lost", "double_claims", "misplaced", "extra_approvals", "audit_mismatch"):
            items: list[str] = getattr(self, name)
            if items:
                found.append(f"{name}: {len(items)} (e.g. {items[:3]})")
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "mails": self.mails,
            "tasks": self.tasks,
            "approvals": self.approvals,
            "lost": len(self.lost),
            "double_claims": len(self.double_claims),
            "misplaced": len(self.misplaced),
            "extra_approvals": len(self.extra_approvals),
            "audit_mismatch": len(self.audit_mismatch),
            "deliver_s": round(self.deliver_s, 2),
            "drain_s": round(self.drain_s, 2),
            "mails_per_s": round(self.mails / self.drain_s, 2) if self.drain_s else None,
            "claims_by_worker": self.claims_by_worker,
            "problems": self.problems,
        }


def check_burst(
    task_ids: Sequence[str],
    paths: Iterable[str],
    claim_subjects: Iterable[str],
    audit: Iterable[Mapping[str, Any]],
) -> BurstReport:
    """Check the invariants for ``task_ids`` against the remote's tree, history and audit."""
    report = BurstReport(mails=len(task_ids))
    places: dict[str, list[str]] = {t: [] for t in task_ids}
    approvals: Counter[str] = Counter()
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        if path.startswith(_TASK_FOLDERS) and name.endswith(".md"):
            stem = name[:-3]
            if stem in places:
                places[stem].append(path)
        if path.startswith("Pending_Approval/") and name.startswith("APPROVAL_"):
            approvals[name[len("APPROVAL_") :].split("--", 1)[0]] += 1
    claims: Counter[str] = Counter()
    for subject in claim_subjects:
        parts = subject.split()
        if len(parts) > 1 and parts[0] == "claim":
            claims[parts[1]] += 1
    won: Counter[str] = Counter(
        str(e.get("task_id") or e.get("target"))
        for e in audit
        if e.get("action_type") == "claim_won"
    )
    for task_id in task_ids:
        found = places[task_id]
        if not found or approvals[task_id] == 0:
            report.lost.append(task_id)
        if len(found) > 1:
            report.misplaced.append(f"{task_id} in {found}")
        if approvals[task_id] > 1:
            report.extra_approvals.append(task_id)
        if claims[task_id] > 1:
            report.double_claims.append(f"{task_id}: {claims[task_id]} claim commits")
        if won[task_id] != claims[task_id] or claims[task_id] != 1:
            report.audit_mismatch.append(
                f"{task_id}: {claims[task_id]} claim commits, {won[task_id]} claim_won"
            )
    report.tasks = sum(1 for t in task_ids if places[t])
    report.approvals = sum(1 for t in task_ids if approvals[t])
    return report


def run_burst(world: World, mails: int, *, timeout: float | None = None) -> BurstReport:
    """Start a second Cloud worker, deliver ``mails`` mails, wait, check the invariants."""
    worker = start_cloud_worker(world, "cloud2")
    probe = RemoteProbe(world.remote)
    t0 = time.monotonic()
    task_ids = []
    for n in range(mails):
        message_id = deliver_sample(world, n)
        task_ids.append(task_id_for("email", message_id))
    deliver_s = time.monotonic() - t0
    wanted = set(task_ids)

    def drained() -> bool:
        found = {
            p.rsplit("/", 1)[-1][len("APPROVAL_") :].split("--", 1)[0]
            for p in probe.find("Pending_Approval/", "APPROVAL_")
        }
        return wanted <= found

    world.wait_for(
        drained,
        timeout=timeout if timeout is not None else 120.0 + 10.0 * mails,
        describe=f"approval requests for all {mails} mails on the remote",
        interval=0.05,
        max_interval=0.5,
    )
    drain_s = time.monotonic() - t0
    subjects = [c.subject for c in world.remote.commits() if c.subject.startswith("claim ")]
    report = check_burst(
        task_ids, world.remote.paths(), subjects, world.remote.audit_entries("cloud")
    )
    report.deliver_s, report.drain_s = deliver_s, drain_s
    first = {str(k): int(v) for k, v in world.cloud.health().get("stats", {}).items()}
    report.claims_by_worker = {
        "cloud": first.get("drafted", 0),
        worker.name: worker.stats().get("drafted", 0),
    }
    return report
