"""LocalAgent's decisions over a real replica of a real bare remote (no MCP servers).

The executor is replaced by a recorder: these tests are about *whether* Local acts, not how.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from employee.config import AgentConfig
from employee.local.agent import LocalAgent
from employee.local.executor import Result
from employee.local.ops import IntentOp
from employee.runtime import open_replica as _open_replica
from employee.sync import Mutation, WriteOp, init_remote
from employee.vault import (
    Approval,
    Document,
    approval_id_for,
    layout,
    new_approval,
    new_task,
    read_all_audit,
    render_document,
)

TASK = "email-abc"
AID = approval_id_for(TASK, "send_email")


@dataclass
class Recorder:
    calls: list[str] = field(default_factory=list)

    def execute(self, approval: Approval, *, now: datetime) -> Result:
        self.calls.append(approval.approval_id)
        return Result("executed", "already_sent", {"message_id": "<m@x>"})


@pytest.fixture
def agent(tmp_path: Path) -> LocalAgent:
    remote = init_remote(tmp_path / "remote.git")
    config = AgentConfig(
        agent="local", vault=tmp_path / "vault", state_dir=tmp_path / "state", remote=str(remote)
    )
    local = LocalAgent(config)
    local.replica = _open_replica(config)
    local.executor = Recorder()  # type: ignore[assignment]
    return local


def _seed(agent: LocalAgent, *, created: datetime, expires: datetime) -> str:
    """A task awaiting approval and its pending approval, pushed; returns the approval text."""
    assert agent.replica is not None
    task = new_task(
        task_id=TASK, type="email", domain="email", created=created, body="Hi?", subject="Q"
    )
    task = Document({**task.meta, "status": "awaiting_approval"}, task.body)
    approval = new_approval(
        approval_id=AID,
        task_id=TASK,
        action="send_email",
        params={"to": ["a@x.test"], "subject": "Re: Q"},
        body="Draft",
        created=created,
        expires=expires,
        requested_by="cloud",
    )
    mutation = Mutation.of(
        {
            str(layout.in_progress("cloud", TASK)): task,
            str(layout.pending_approval("email", AID)): approval,
        }
    )
    assert agent.replica.transact(WriteOp("local", mutation))
    return render_document(approval)


def test_an_intent_pushed_before_expiry_is_resumed_after_it(agent: LocalAgent) -> None:
    """Killed between the send and the outcome, restarted after ``expires``: finish it."""
    assert agent.replica is not None
    now = datetime.now(UTC)
    text = _seed(agent, created=now - timedelta(hours=2), expires=now - timedelta(seconds=1))
    intent = IntentOp("local", TASK, AID, "email", text, "<m@x>")
    assert agent.replica.transact(intent)  # pushed in time, then the process died
    agent.work_once()
    assert agent.executor.calls == [AID]  # type: ignore[attr-defined]
    statuses = [e["action_type"] for e in read_all_audit(agent.replica.vault.root, "local")]
    assert "email_sent" in statuses
    assert "approval_expired" not in statuses


def test_an_approval_moved_after_expiry_is_filed_expired(agent: LocalAgent) -> None:
    assert agent.replica is not None
    now = datetime.now(UTC)
    _seed(agent, created=now - timedelta(hours=2), expires=now - timedelta(seconds=1))
    pending = agent.replica.vault.path(layout.pending_approval("email", AID))
    moved = agent.replica.vault.path(layout.approved(AID))
    moved.parent.mkdir(exist_ok=True)
    pending.rename(moved)  # the human, too late
    agent.work_once()
    assert agent.executor.calls == []  # type: ignore[attr-defined]
    statuses = [e["action_type"] for e in read_all_audit(agent.replica.vault.root, "local")]
    assert "approval_expired" in statuses
    assert not moved.exists()


def test_a_human_note_becomes_a_task_and_leaves_the_working_tree(agent: LocalAgent) -> None:
    assert agent.replica is not None
    note = agent.replica.vault.path("Needs_Action/social/launch post.md")
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text("---\ntopic: our launch\n---\n- one command demo\n", encoding="utf-8")
    agent.work_once()
    assert not note.exists()
    (task,) = agent.replica.vault.list("Needs_Action/social")
    assert task.name.startswith("note-")
    assert agent.replica.vault.read(task).meta["topic"] == "our launch"


def test_a_refused_note_is_not_retried_until_it_changes(agent: LocalAgent) -> None:
    assert agent.replica is not None
    note = agent.replica.vault.path("Needs_Action/social/leak.md")
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text("---\ntopic: oops\n---\nAKIAABCDEFGHIJKLMNOP\n", encoding="utf-8")
    for _ in range(3):
        agent.work_once()
    blocked = [
        e for e in read_all_audit(agent.replica.vault.root) if e["action_type"] == "secret_blocked"
    ]
    assert len(blocked) == 1
    assert note.exists()  # the human's note is never lost
    assert any("leak.md" in alert for alert in agent._alerts)
    note.write_text("---\ntopic: fixed\n---\nno secret here\n", encoding="utf-8")
    agent.work_once()
    assert not note.exists()
