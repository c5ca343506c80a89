"""harness.inspect against a real bare remote with the real hooks (no agents running)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from employee.mail import Quarantined, parse_inbound
from employee.sync import init_remote
from employee.vault import (
    Document,
    Vault,
    approval_id_for,
    new_approval,
    render_dashboard,
    render_document,
)
from harness.actors import AgentHandle
from harness.errors import HarnessError
from harness.inspect import (
    DashboardView,
    approval_expires,
    filed_approvals,
    forge_commit,
    nested_mail,
    push_as,
    quarantined_files,
    restore_approval,
    updates_pushed_by,
)
from harness.remote import RemoteView
from harness.timeline import Timeline

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TASK = "email-abc"
AID = approval_id_for(TASK, "send_email")


def _approval(status: str = "pending") -> str:
    doc = new_approval(
        approval_id=AID,
        task_id=TASK,
        action="send_email",
        params={"to": ["a@x.test"], "subject": "Re: Q"},
        body="Draft",
        created=NOW,
        expires=NOW + timedelta(hours=2),
        requested_by="cloud",
    )
    return render_document(Document({**doc.meta, "status": status}, doc.body))


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return init_remote(tmp_path / "remote.git")


def test_the_hook_refuses_cloud_writing_approved_but_not_updates(remote: Path) -> None:
    refused = push_as(remote, "cloud", {f"Approved/{AID}.md": _approval()})
    assert not refused.accepted
    assert "Approved" in refused.output
    accepted = push_as(remote, "cloud", {"Updates/note.md": "---\nkind: info\n---\nhi\n"})
    assert accepted.accepted, accepted.output
    view = RemoteView(remote)
    assert view.authors_of("Updates/note.md") == {"cloud"}
    assert updates_pushed_by(view, "cloud") == ["Updates/note.md"]
    assert updates_pushed_by(view, "local") == []


def test_a_forged_commit_lands_on_main_authored_as_cloud(remote: Path) -> None:
    view = RemoteView(remote)
    before = view.tip()
    path = f"Approved/APPROVAL_{AID}.md"
    sha = forge_commit(remote, author="cloud", files={path: _approval()}, message="forged")
    assert view.tip() == sha != before
    assert view.has(path)
    assert view.commits()[-1].author == "cloud"
    assert view.commits()[-1].paths == (path,)


def test_filed_approvals_and_expiry_are_read_from_the_remote(remote: Path) -> None:
    view = RemoteView(remote)
    assert filed_approvals(view, TASK) == {}
    forge_commit(
        remote,
        author="local",
        files={
            f"Done/2026-11/APPROVAL_{AID}.md": _approval("executed"),
            f"Pending_Approval/email/APPROVAL_{AID}.md": _approval(),
        },
        message="seed",
    )
    assert filed_approvals(view, TASK) == {f"Done/2026-11/APPROVAL_{AID}.md": "executed"}
    assert approval_expires(view, TASK) == NOW + timedelta(hours=2)
    with pytest.raises(HarnessError):
        approval_expires(view, "email-other")


def test_dashboard_view_reads_sections_health_alerts_and_links(tmp_path: Path) -> None:
    vault = Vault.init(tmp_path / "vault")
    pending = vault.root / "Pending_Approval" / "email" / f"APPROVAL_{AID}.md"
    pending.parent.mkdir(parents=True, exist_ok=True)
    pending.write_text(_approval())
    text = render_dashboard(
        vault.snapshot(),
        now=NOW,
        health={"cloud": {"status": "restarted", "detail": "x"}, "local": {"status": "ok"}},
        alerts=["cloud: Mail quarantined: MIME nesting too deep (> 20)"],
    )
    view = DashboardView(text)
    assert view.health == {"cloud": "restarted", "local": "ok"}
    assert view.alerts == ["⚠️ cloud: Mail quarantined: MIME nesting too deep (> 20)"]
    assert view.links("Pending approvals") == [f"Pending_Approval/email/APPROVAL_{AID}"]
    assert view.section("Nope") == ""
    assert DashboardView("").health == {}


def _handle(root: Path) -> AgentHandle:
    return AgentHandle(
        name="local",
        home=root,
        vault_path=root / "vault",
        state_dir=root / "state",
        secrets_dir=root / "secrets",
        config_path=root / "config.yaml",
        link=root / "link",
        remote_path=root / "remote.git",
        timeline=Timeline(),
    )


def test_restore_copies_a_filed_approval_back_into_approved(tmp_path: Path) -> None:
    agent = _handle(tmp_path)
    with pytest.raises(HarnessError):
        restore_approval(agent, TASK)
    done = agent.vault_path / "Done" / "2026-11" / f"APPROVAL_{AID}.md"
    done.parent.mkdir(parents=True)
    done.write_text(_approval("executed"))
    restored = restore_approval(agent, TASK)
    assert restored == agent.vault_path / "Approved" / done.name
    assert restored.read_text() == done.read_text()


def test_quarantined_files_lists_the_private_folder(tmp_path: Path) -> None:
    agent = _handle(tmp_path)
    assert quarantined_files(agent) == []
    kept = agent.state_dir / "quarantine" / "stamp" / "x.md"
    kept.parent.mkdir(parents=True)
    kept.write_text("x")
    assert quarantined_files(agent) == [kept]


def test_the_nested_mail_is_refused_by_the_parser() -> None:
    raw = nested_mail(sender="evil@hostile.test", to="owner@platinum.test")
    verdict = parse_inbound(raw)
    assert isinstance(verdict, Quarantined)
    assert "nesting" in verdict.reason
    assert not isinstance(
        parse_inbound(nested_mail(sender="a@b.test", to="c@d.test", depth=3)), Quarantined
    )
