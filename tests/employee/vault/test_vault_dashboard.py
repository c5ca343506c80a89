"""Dashboard rendering: contents, wikilinks, escaping, determinism."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path, PurePosixPath

from vault_fixtures import NOW, make_task, make_vault

from employee.vault import (
    Document,
    Entry,
    VaultSnapshot,
    apply_claim,
    approval_id_for,
    done,
    new_approval,
    new_update,
    parse_document,
    pending_approval,
    render_dashboard,
    update,
)

P = PurePosixPath


def _populated(tmp_path: Path) -> VaultSnapshot:
    vault = make_vault(tmp_path)
    make_task(vault, "email-a")
    make_task(vault, "email-b")
    apply_claim(vault, "email", "email-b", "cloud", NOW, timedelta(minutes=5))
    aid = approval_id_for("email-a", "send_email")
    vault.write(
        pending_approval("email", aid),
        new_approval(
            approval_id=aid,
            task_id="email-a",
            action="send_email",
            params={"to": "c@example.com", "subject": "Re: Invoice | [[evil]]\nsecond line"},
            body="draft",
            created=NOW - timedelta(hours=3),
            expires=NOW + timedelta(hours=21),
            requested_by="cloud",
        ),
    )
    old = "email-a--send_email-2"
    vault.write(
        pending_approval("email", old),
        new_approval(
            approval_id=old,
            task_id="email-a",
            action="send_email",
            params={"subject": "Old"},
            body="",
            created=NOW - timedelta(days=3),
            expires=NOW - timedelta(days=2),
            requested_by="cloud",
        ),
    )
    vault.write(done("2026-11", "email-z.md"), Document({"status": "done", "subject": "Paid"}, ""))
    vault.write(
        update("u1"),
        new_update(update_id="u1", kind="alert", source="cloud", created=NOW, title="Odoo slow"),
    )
    (tmp_path / "Updates/broken.md").write_text("---\na: [\n---\n")
    return vault.snapshot()


def test_dashboard_contents(tmp_path: Path) -> None:
    text = render_dashboard(
        _populated(tmp_path),
        now=NOW,
        health={"cloud": {"status": "ok", "last_seen": "12:00"}, "odoo": {"status": "down"}},
        alerts=["IMAP reconnecting"],
    )
    doc = parse_document(text)
    assert doc.meta == {"type": "dashboard", "updated": NOW}
    body = doc.body
    assert "Updated 2026-11-26 12:00 UTC." in body
    assert "1 waiting · 1 in progress · 2 awaiting approval · 1 recently done" in body
    link = "[[Pending_Approval/email/APPROVAL_email-a--send_email\\|APPROVAL_email-a--send_email]]"
    assert link in body
    assert "Re: Invoice \\| [ [evil] ] second line" in body
    assert "| 3 h |" in body
    assert "(expired)" in body
    assert "| 3 d |" in body
    assert "[[In_Progress/cloud/email-b\\|email-b]] | cloud | Invoice please |" in body
    assert "2026-11-26 12:05 UTC" in body
    assert "[[Done/2026-11/email-z\\|email-z]] | done | Paid |" in body
    assert "- 2026-11-26 12:00 UTC · alert · Odoo slow ([[Updates/u1|u1]])" in body
    assert "- ⚠️ IMAP reconnecting" in body
    assert "unreadable: `Updates/broken.md`" in body
    assert "| cloud | ok | last_seen=12:00 |" in body
    assert "| odoo | down |  |" in body
    sections = [line for line in body.splitlines() if line.startswith("## ")]
    assert sections == [
        "## Alerts",
        "## Pending approvals",
        "## In progress",
        "## Recently done",
        "## Updates",
        "## Health",
    ]
    tables: list[list[int]] = []
    previous_was_row = False
    for line in body.splitlines():
        is_row = line.startswith("|")
        if is_row:
            if not previous_was_row:
                tables.append([])
            tables[-1].append(line.replace("\\|", "").count("|"))
        previous_was_row = is_row
    assert len(tables) == 4
    assert all(len(set(cells)) == 1 for cells in tables), tables


def test_dashboard_is_deterministic(tmp_path: Path) -> None:
    snap = _populated(tmp_path)
    assert render_dashboard(snap, now=NOW) == render_dashboard(snap, now=NOW)
    assert render_dashboard(snap, now=NOW) != render_dashboard(snap, now=NOW + timedelta(hours=1))


def test_empty_dashboard() -> None:
    body = parse_document(render_dashboard(VaultSnapshot(), now=NOW)).body
    assert "_No approvals waiting._" in body
    assert "_Nothing in progress._" in body
    assert "_Nothing finished yet._" in body
    assert "_No updates._" in body
    assert "## Alerts" not in body
    assert "## Health" not in body


def test_entries_without_timestamps_render() -> None:
    snap = VaultSnapshot(
        pending_approvals=(Entry(P("Pending_Approval/email/APPROVAL_x.md"), {}),),
        in_progress=(Entry(P("In_Progress/local/t.md"), {}),),
        updates=(Entry(P("Updates/u.md"), {}),),
    )
    body = parse_document(render_dashboard(snap, now=NOW)).body
    assert "| ? | APPROVAL_x | — | — |" in body
    assert "[[In_Progress/local/t\\|t]] | local | t | — |" in body
    assert "- — · info · u ([[Updates/u|u]])" in body
