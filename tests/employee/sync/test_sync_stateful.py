"""A Hypothesis state machine over real replicas and a real protected remote.

Rules: claim, renew, complete with the believed epoch, reclaim, advance the clock, crash
(forget beliefs). Invariants on the remote tip after every step: each task is in exactly one
place, epochs never go backwards, nothing is completed twice or with a stale epoch.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from employee.sync import Mutation, Replica, WriteOp, init_remote
from employee.vault import new_task, render_document

pytestmark = pytest.mark.slow

TASKS = ("s1", "s2", "s3")
WORKERS = ("cloud-a", "cloud-b", "local")
LEASE = timedelta(minutes=5)
STATS = {
    "calls": 0,
    "examples": 0,
    "steps": 0,
    "claims": 0,
    "reclaims": 0,
    "completions": 0,
    "lost": 0,
    "stale_rejected": 0,
}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class ClaimMachine(RuleBasedStateMachine):
    @initialize()
    def build(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="platinum-hyp-"))
        self.clock = Clock()
        self.remote = init_remote(self.dir / "remote.git")
        self.reps = {
            w: Replica.clone(str(self.remote), self.dir / w, agent=w.split("-")[0],
                             state_dir=self.dir / f"{w}.state", clock=self.clock)
            for w in WORKERS
        }  # fmt: skip
        files = {
            f"Needs_Action/email/{t}.md": render_document(
                new_task(task_id=t, type="email", domain="email", created=self.clock.now, body="")
            )
            for t in TASKS
        }
        assert (
            self.reps["cloud-a"].transact(WriteOp("cloud", Mutation.of(files))).status == "pushed"
        )
        self.beliefs: dict[str, dict[str, int]] = {w: {} for w in WORKERS}
        self.epoch = dict.fromkeys(TASKS, 0)
        self.completed: dict[str, int] = {}
        STATS["examples"] += 1

    def teardown(self) -> None:
        if hasattr(self, "dir"):
            shutil.rmtree(self.dir, ignore_errors=True)

    @rule(worker=st.sampled_from(WORKERS), task=st.sampled_from(TASKS))
    def claim(self, worker: str, task: str) -> None:
        STATS["calls"] += 1
        result = self.reps[worker].claim("email", task, LEASE)
        STATS["claims" if result.status == "pushed" else "lost"] += 1
        if result.status == "pushed":
            assert self.epoch[task] == 0
            assert task not in self.completed
            self.epoch[task] = result.value.claim_epoch
            self.beliefs[worker][task] = result.value.claim_epoch

    def _held(self) -> list[tuple[str, str]]:
        return sorted((w, t) for w, tasks in self.beliefs.items() for t in tasks)

    @precondition(lambda self: bool(self._held()))
    @rule(data=st.data())
    def complete(self, data: st.DataObject) -> None:
        STATS["calls"] += 1
        worker, task = data.draw(st.sampled_from(self._held()))
        if data.draw(st.booleans()):  # paused: the holder keeps its belief while time passes
            self.clock.now += LEASE * 2
            return
        held = self.beliefs[worker][task]
        rep = self.reps[worker]
        mutation = Mutation.of(
            moves=[(f"In_Progress/{rep.agent}/{task}.md", f"Pending_Approval/email/{task}.md")]
        )
        result = rep.complete(task, held, mutation)
        if result.status == "pushed":
            assert held == self.epoch[task], "a stale epoch completed"
            assert task not in self.completed, "completed twice"
            self.completed[task] = held
            STATS["completions"] += 1
        else:
            STATS["stale_rejected"] += held != self.epoch[task]
        self.beliefs[worker].pop(task, None)

    @precondition(lambda self: bool(self._held()))
    @rule(data=st.data())
    def renew(self, data: st.DataObject) -> None:
        STATS["calls"] += 1
        worker, task = data.draw(st.sampled_from(self._held()))
        held = self.beliefs[worker][task]
        if self.reps[worker].renew(task, held, LEASE).status != "pushed":
            self.beliefs[worker].pop(task)

    def _claimed(self) -> list[str]:
        return [t for t in TASKS if self.epoch[t] and t not in self.completed]

    @precondition(lambda self: bool(self._claimed()))
    @rule(worker=st.sampled_from(WORKERS), data=st.data())
    def reclaim(self, worker: str, data: st.DataObject) -> None:
        STATS["calls"] += 1
        task = data.draw(st.sampled_from(self._claimed()))
        result = self.reps[worker].reclaim(task, LEASE, timedelta(minutes=1))
        if result.status == "pushed":
            STATS["reclaims"] += 1
            assert result.value.claim_epoch == self.epoch[task] + 1
            self.epoch[task] = result.value.claim_epoch
            self.beliefs[worker][task] = result.value.claim_epoch

    @rule(minutes=st.sampled_from([3, 10]))
    def advance_clock(self, minutes: int) -> None:
        self.clock.now += timedelta(minutes=minutes)

    @rule(worker=st.sampled_from(WORKERS))
    def crash(self, worker: str) -> None:
        self.beliefs[worker] = {}

    @invariant()
    def each_task_in_exactly_one_place(self) -> None:
        if not hasattr(self, "remote"):
            return
        STATS["steps"] += 1
        tree = subprocess.run(
            ["git", "--git-dir", str(self.remote), "ls-tree", "-r", "--name-only", "main"],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        for task in TASKS:
            places = [p for p in tree if p.endswith(f"/{task}.md")]
            assert len(places) == 1, places
            if task in self.completed:
                assert places[0].startswith("Pending_Approval/")


ClaimMachine.TestCase.settings = settings(max_examples=15, stateful_step_count=12, deadline=None)


def test_claims_state_machine() -> None:
    ClaimMachine.TestCase().runTest()
    print(f"\nstate machine on real git: {STATS}, 0 invariant violations")
