"""The Vault folder: init, safe I/O, listing, finding tasks and the snapshot."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

import pytest
from vault_fixtures import NOW, make_task, make_vault

from employee.errors import DocumentError, UnsafeNameError, VaultError
from employee.vault import (
    GITIGNORE,
    Document,
    Vault,
    done,
    in_progress,
    needs_action,
    pending_approval,
    update,
)
from employee.vault.handbook import DEFAULT_HANDBOOK
from employee.vault.snapshot import RECENT_DONE

P = PurePosixPath


def test_init_creates_layout_and_starter_files(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    for folder in ("Needs_Action/email", "Needs_Action/payments", "In_Progress/cloud", "Done"):
        assert (tmp_path / folder).is_dir()
    assert (tmp_path / ".gitignore").read_text() == GITIGNORE
    assert json.loads((tmp_path / ".platinum/protocol.json").read_text()) == {"protocol": 1}
    handbook = (tmp_path / "Company_Handbook.md").read_text()
    assert handbook == DEFAULT_HANDBOOK
    assert "over 500 need approval" in handbook
    assert "Best regards" in handbook
    assert vault.read(P("Business_Goals.md")).meta == {"type": "business_goals"}
    assert vault.read(P("Dashboard.md")).meta["type"] == "dashboard"
    assert vault.protocol() == 1


def test_init_is_idempotent_and_never_overwrites_human_files(tmp_path: Path) -> None:
    Vault.init(tmp_path, handbook="# Mine\n", goals="# Goals\n", now=NOW)
    (tmp_path / "Company_Handbook.md").write_text("# Edited by the owner\n")
    (tmp_path / "Dashboard.md").write_text("# custom\n")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    Vault.init(tmp_path, now=NOW)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert before == after
    assert (tmp_path / "Business_Goals.md").read_text() == "# Goals\n"


def test_init_refuses_another_protocol_version(tmp_path: Path) -> None:
    (tmp_path / ".platinum").mkdir()
    (tmp_path / ".platinum/protocol.json").write_text('{"protocol": 2}')
    with pytest.raises(VaultError, match="protocol 2"):
        Vault.init(tmp_path)


@pytest.mark.parametrize("content", ["not json", '{"protocol": "1"}', "[1]", '{"protocol": true}'])
def test_bad_protocol_marker(tmp_path: Path, content: str) -> None:
    (tmp_path / ".platinum").mkdir()
    (tmp_path / ".platinum/protocol.json").write_text(content)
    with pytest.raises(VaultError, match="protocol marker"):
        Vault(tmp_path).protocol()


def test_uninitialised_vault_has_no_protocol_and_lists_nothing(tmp_path: Path) -> None:
    vault = Vault(tmp_path)
    assert vault.protocol() is None
    assert vault.list("Needs_Action") == []
    assert vault.subfolders("Done") == []
    assert vault.find_task("email-t1") is None
    snap = vault.snapshot()
    assert snap.needs_action == ()
    assert snap.errors == ()


def test_read_write_exists_move_remove(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    rel = P("Plans/email/PLAN_x.md")
    assert not vault.exists(rel)
    vault.write(rel, Document({"a": 1}, "b"))
    assert vault.exists(rel)
    assert vault.read(rel) == Document({"a": 1}, "b")
    vault.move(rel, P("Done/2026-11/PLAN_x.md"))
    assert not vault.exists(rel)
    assert vault.exists("Done/2026-11/PLAN_x.md")
    vault.write(rel, Document({}, ""))
    with pytest.raises(VaultError, match="already exists"):
        vault.move(rel, P("Done/2026-11/PLAN_x.md"))
    vault.remove(rel)
    assert not vault.exists(rel)
    with pytest.raises(FileNotFoundError):
        vault.read(rel)
    with pytest.raises(UnsafeNameError):
        vault.write("../escape.md", Document())
    assert not (tmp_path.parent / "escape.md").exists()


def test_exists_ignores_symlinks(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    (tmp_path / "Updates/real.md").write_text("x")
    (tmp_path / "Updates/link.md").symlink_to(tmp_path / "Updates/real.md")
    assert vault.exists("Updates/real.md")
    assert not vault.exists("Updates/link.md")
    assert vault.list("Updates") == [P("Updates/real.md")]


def test_list_is_recursive_sorted_and_skips_noise(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    make_task(vault, "email-b")
    make_task(vault, "email-a")
    make_task(vault, "social-a", "social")
    (tmp_path / "Needs_Action/email/.email-c.md.123.tmp").write_text("x")
    (tmp_path / "Needs_Action/email/.hidden.md").write_text("x")
    (tmp_path / "Needs_Action/email/notes.txt").write_text("x")
    (tmp_path / "Needs_Action/.obsidian").mkdir()
    (tmp_path / "Needs_Action/.obsidian/x.md").write_text("x")
    assert vault.list("Needs_Action") == [
        P("Needs_Action/email/email-a.md"),
        P("Needs_Action/email/email-b.md"),
        P("Needs_Action/social/social-a.md"),
    ]


def test_find_task_everywhere(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    assert vault.find_task("email-t1") is None
    make_task(vault)
    assert vault.find_task("email-t1") == needs_action("email", "email-t1")
    vault.move(needs_action("email", "email-t1"), in_progress("local", "email-t1"))
    assert vault.find_task("email-t1") == in_progress("local", "email-t1")
    vault.move(in_progress("local", "email-t1"), done("2026-11", "email-t1.md"))
    assert vault.find_task("email-t1") == done("2026-11", "email-t1.md")
    with pytest.raises(UnsafeNameError):
        vault.find_task("../x")


def test_snapshot_reads_everything_and_lists_errors(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    make_task(vault, "email-a")
    make_task(vault, "email-b")
    vault.move(needs_action("email", "email-b"), in_progress("cloud", "email-b"))
    vault.write(pending_approval("email", "a1"), Document({"action": "send_email"}, "draft"))
    vault.write(update("u1"), Document({"title": "hello"}, ""))
    (tmp_path / "Pending_Approval/email/APPROVAL_bad.md").write_text("---\na: [\n---\n")
    snap = vault.snapshot()
    assert [e.id for e in snap.needs_action] == ["email-a"]
    assert [e.id for e in snap.in_progress] == ["email-b"]
    assert [e.path.name for e in snap.pending_approvals] == ["APPROVAL_a1.md"]
    assert [e.title for e in snap.updates] == ["hello"]
    assert [str(p) for p, _ in snap.errors] == ["Pending_Approval/email/APPROVAL_bad.md"]
    assert "not valid YAML" in snap.errors[0][1]


def test_snapshot_never_raises_on_a_hostile_tree(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    os.rmdir(tmp_path / "Updates")
    (tmp_path / "Updates").symlink_to(outside)
    os.rmdir(tmp_path / "Rejected")
    (tmp_path / "Rejected").write_text("not a folder")
    snap = vault.snapshot()
    assert P("Updates") in [p for p, _ in snap.errors]


def test_snapshot_done_keeps_the_most_recent(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    for month in ("2026-09", "2026-10", "2026-11"):
        for i in range(12):
            created = NOW.replace(month=int(month[-2:]), day=i + 1)
            vault.write(done(month, f"t{i:02d}.md"), Document({"created": created}, ""))
    vault.write(P("Done/loose.md"), Document({}, ""))
    snap = vault.snapshot()
    assert len(snap.done) == RECENT_DONE
    assert snap.done[0].path == P("Done/2026-11/t11.md")
    assert all(e.path.parts[1] in ("2026-11", "2026-10") for e in snap.done)
    created = [e.created for e in snap.done]
    assert created == sorted(created, reverse=True)  # type: ignore[type-var]


def test_entry_title_is_one_clean_line(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    vault.write(update("u1"), Document({"subject": "a\nb\u2028c\x00d"}, ""))
    (entry,) = vault.snapshot().updates
    assert entry.title == "a b c d"
    assert entry.status == ""
    assert entry.created is None


def test_unreadable_document_raises_document_error(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    (tmp_path / "Updates/u.md").write_bytes(b"\xff\xfe")
    with pytest.raises(DocumentError):
        vault.read("Updates/u.md")
