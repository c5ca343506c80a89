"""Local's transactions as pure operations over a vault folder (no git needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from employee.local.ops import DashboardOp, FinishOp, IntentOp, open_approvals
from employee.vault import (
    Document,
    Vault,
    apply_claim,
    approval_id_for,
    layout,
    new_approval,
    new_task,
    new_update,
    parse_document,
    read_all_audit,
    render_document,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TASK = "email-abc"
AID = approval_id_for(TASK, "send_email")


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    v = Vault.init(tmp_path / "vault")
    v.write(
        layout.needs_action("email", TASK),
        new_task(task_id=TASK, type="email", domain="email", created=NOW, body="Hi?", subject="Q"),
    )
    apply_claim(v, "email", TASK, "cloud", NOW, timedelta(minutes=5))
    rel = layout.in_progress("cloud", TASK)
    doc = v.read(rel)
    v.write(
        rel, Document({**doc.meta, "status": "awaiting_approval", "executor": "local"}, doc.body)
    )
    v.write(layout.plan("email", TASK), Document({"type": "plan", "task_id": TASK}, "- [ ] reply"))
    v.write(
        layout.pending_approval("email", AID),
        new_approval(
            approval_id=AID,
            task_id=TASK,
            action="send_email",
            params={"to": ["a@x.test"], "subject": "Re: Q"},
            body="Draft",
            created=NOW,
            expires=NOW + timedelta(hours=1),
            requested_by="cloud",
        ),
    )
    return v


def _approved_text(vault: Vault, body: str = "Edited by the human") -> str:
    doc = vault.read(layout.pending_approval("email", AID))
    return render_document(Document(doc.meta, body))


def test_intent_moves_the_humans_bytes_and_marks_the_outbox(vault: Vault) -> None:
    text = _approved_text(vault)
    op = IntentOp("local", TASK, AID, "email", text, "<m@x>")
    assert op.precondition(vault, NOW)
    assert op.apply(vault, NOW) == 1
    assert vault.path(layout.approved(AID)).read_text() == text
    assert not vault.exists(layout.pending_approval("email", AID))
    outbox = vault.read(layout.in_progress("cloud", TASK)).meta["outbox"][AID]
    assert outbox["state"] == "attempting"
    assert outbox["attempts"] == 1
    # A retry after a transient failure is allowed and counts the attempt.
    assert op.precondition(vault, NOW)
    assert op.apply(vault, NOW) == 2
    entries = read_all_audit(vault.root, "local")
    assert [e["action_type"] for e in entries] == ["approval_intent", "approval_intent"]
    assert entries[0]["approval_status"] == "approved"


def test_intent_is_lost_when_the_approval_is_gone(vault: Vault) -> None:
    vault.remove(layout.pending_approval("email", AID))
    verdict = IntentOp("local", TASK, AID, "email", "x", "").precondition(vault, NOW)
    assert not verdict
    assert verdict.code == "claim_lost"


def test_intent_refuses_broken_frontmatter(vault: Vault) -> None:
    op = IntentOp("local", TASK, AID, "email", "---\n: [broken\n---\nbody", "")
    with pytest.raises(Exception, match="not a valid document"):
        op.apply(vault, NOW)


def test_finish_files_task_plan_and_approval_in_done(vault: Vault) -> None:
    IntentOp("local", TASK, AID, "email", _approved_text(vault), "<m@x>").apply(vault, NOW)
    op = FinishOp("local", TASK, AID, "email", "executed", "email_sent", {"to": ["a@x.test"]})
    assert op.precondition(vault, NOW)
    op.apply(vault, NOW)
    month = "2026-11"
    assert (
        parse_document(vault.path(layout.done(month, f"{TASK}.md")).read_text()).meta["status"]
        == "done"
    )
    assert vault.exists(layout.done(month, f"PLAN_{TASK}.md"))
    approval = vault.read(layout.done(month, f"APPROVAL_{AID}.md"))
    assert approval.meta["status"] == "executed"
    assert approval.body.strip() == "Edited by the human"
    assert open_approvals(vault, TASK) == []
    assert vault.find_task(TASK) == layout.done(month, f"{TASK}.md")
    sent = [e for e in read_all_audit(vault.root, "local") if e["action_type"] == "email_sent"]
    assert sent
    assert sent[0]["approved_by"] == "human"


def test_finish_executed_needs_an_approved_file(vault: Vault) -> None:
    op = FinishOp("local", TASK, AID, "email", "executed", "email_sent")
    verdict = op.precondition(vault, NOW)
    assert not verdict
    assert verdict.code == "not_approved"


def test_rejection_closes_the_task_as_rejected(vault: Vault) -> None:
    FinishOp("local", TASK, AID, "email", "rejected", "approval_rejected").apply(vault, NOW)
    task = vault.read(layout.done("2026-11", f"{TASK}.md"))
    assert task.meta["status"] == "rejected"


def test_failure_raises_an_alert_update(vault: Vault) -> None:
    IntentOp("local", TASK, AID, "email", _approved_text(vault), "").apply(vault, NOW)
    FinishOp(
        "local", TASK, AID, "email", "failed", "approval_failed", result="smtp 550", alert="boom"
    ).apply(vault, NOW)
    updates = vault.list("Updates")
    assert len(updates) == 1
    assert vault.read(updates[0]).meta["kind"] == "alert"
    assert vault.read(layout.done("2026-11", f"{TASK}.md")).meta["status"] == "failed"


def test_a_task_with_two_approvals_stays_open_until_both_are_decided(vault: Vault) -> None:
    second = approval_id_for(TASK, "post_invoice")
    vault.write(
        layout.pending_approval("finance", second),
        new_approval(
            approval_id=second,
            task_id=TASK,
            action="post_invoice",
            params={"invoice_id": 1},
            body="post",
            created=NOW,
            expires=NOW + timedelta(hours=1),
            requested_by="cloud",
        ),
    )
    FinishOp("local", TASK, AID, "email", "rejected", "approval_rejected").apply(vault, NOW)
    assert vault.exists(layout.in_progress("cloud", TASK))
    FinishOp("local", TASK, second, "finance", "rejected", "approval_rejected").apply(vault, NOW)
    assert not vault.exists(layout.in_progress("cloud", TASK))


def test_dashboard_consumes_updates_and_files_finished_cloud_tasks(vault: Vault) -> None:
    vault.write(
        layout.update("u1"),
        new_update(
            update_id="u1", kind="alert", source="cloud", created=NOW, title="Mail quarantined"
        ),
    )
    vault.write(
        layout.update("u2"),
        new_update(update_id="u2", kind="health", source="cloud", created=NOW, title="restarted"),
    )
    spam = "email-spam"
    vault.write(
        layout.in_progress("cloud", spam),
        Document({"id": spam, "type": "email", "status": "done", "domain": "email"}, "spam"),
    )
    alerts, health = DashboardOp("local", ("older alert",), {}).apply(vault, NOW)
    assert alerts == ["cloud: Mail quarantined"]
    assert health["cloud"]["status"] == "restarted"
    assert vault.list("Updates") == []
    assert vault.exists(layout.done("2026-11", f"{spam}.md"))
    text = vault.path("Dashboard.md").read_text()
    assert "Mail quarantined" in text
    assert "older alert" in text
    assert AID in text  # the pending approval is listed


def test_dashboard_merges_the_sync_layers_forged_approval_alert(vault: Vault) -> None:
    # employee.sync.incoming writes `type: alert` notes without kind/title/source.
    meta = {"type": "alert", "alert": "forged_approval", "path": f"Approved/APPROVAL_{AID}.md"}
    body = f"An approval entered `Approved/APPROVAL_{AID}.md` through a commit by **cloud**.\n"
    vault.write(layout.update("ALERT_quarantine_x"), Document(meta, body))
    alerts, _ = DashboardOp("local", (), {}).apply(vault, NOW)
    assert alerts == [
        f"sync: An approval entered `Approved/APPROVAL_{AID}.md` through a commit by **cloud**."
    ]
    assert vault.list("Updates") == []
    assert "through a commit by **cloud**" in vault.path("Dashboard.md").read_text()


def test_local_operations_survive_the_offline_queue() -> None:
    import json

    from employee.sync.operations import from_json, to_json

    ops = [
        IntentOp("local", TASK, AID, "email", "text", "<m@x>"),
        FinishOp("local", TASK, AID, "email", "executed", "email_sent", {"to": ["a@x.test"]}),
        DashboardOp("local", ("an alert",), {"cloud": {"status": "ok"}}),
    ]
    for op in ops:
        back = from_json(json.loads(json.dumps(to_json(op))))
        assert type(back) is type(op)
        assert back.message == op.message
