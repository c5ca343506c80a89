"""Layout paths, and the vault .gitignore checked by real git."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import pytest

from employee.errors import UnsafeNameError
from employee.vault import (
    GITIGNORE,
    PROTOCOL_MARKER,
    approved,
    done,
    in_progress,
    log_file,
    month_of,
    needs_action,
    pending_approval,
    plan,
    rejected,
    update,
)

P = PurePosixPath


def test_paths() -> None:
    assert needs_action("email", "t1") == P("Needs_Action/email/t1.md")
    assert in_progress("local", "t1") == P("In_Progress/local/t1.md")
    assert plan("finance", "t1") == P("Plans/finance/PLAN_t1.md")
    assert pending_approval("email", "a1") == P("Pending_Approval/email/APPROVAL_a1.md")
    assert approved("a1") == P("Approved/APPROVAL_a1.md")
    assert rejected("a1") == P("Rejected/APPROVAL_a1.md")
    assert done("2026-11", "t1.md") == P("Done/2026-11/t1.md")
    assert update("u1") == P("Updates/u1.md")
    assert log_file("cloud", date(2026, 1, 2)) == P("Logs/cloud/2026-01-02.jsonl")
    assert month_of(datetime(2026, 3, 4, 5)) == "2026-03"
    assert P(".platinum/protocol.json") == PROTOCOL_MARKER


@pytest.mark.parametrize(
    "call",
    [
        lambda: needs_action("mail", "t1"),
        lambda: needs_action("email", "../t1"),
        lambda: in_progress("robot", "t1"),  # type: ignore[arg-type]
        lambda: plan("email", "a/b"),
        lambda: pending_approval("payments", ".."),
        lambda: approved("x/y"),
        lambda: rejected(""),
        lambda: done("2026-13", "t1.md"),
        lambda: done("../x", "t1.md"),
        lambda: done("2026-11", "../t1.md"),
        lambda: update("a b"),
        lambda: log_file("robot", date(2026, 1, 1)),  # type: ignore[arg-type]
    ],
)
def test_paths_refuse_unsafe_parts(call: object) -> None:
    with pytest.raises(UnsafeNameError):
        call()  # type: ignore[operator]


TRACKED = [
    "Dashboard.md",
    "Needs_Action/email/t1.md",
    "Done/2026-11/t1.md",
    "Logs/cloud/2026-11-26.jsonl",
    ".platinum/protocol.json",
    ".gitignore",
]
IGNORED = [
    ".env",
    ".env.md",
    "secrets/token.json",
    "token.json",
    "Needs_Action/email/attachment.pdf",
    "Logs/cloud/notes.txt",
    "Logs/debug.jsonl",
    ".obsidian/workspace.json",
    ".obsidian/notes.md",
    "whatsapp-session/session.db",
    "id_rsa",
    ".Dashboard.md.1a2b3c.tmp",
    "Plans/email/.PLAN_x.md.abc123.tmp",
]


def test_gitignore_is_an_allow_list_according_to_git(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text(GITIGNORE)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    paths = TRACKED + IGNORED
    result = subprocess.run(
        ["git", "-C", str(tmp_path), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(paths) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    ignored = set(result.stdout.split())
    assert ignored == set(IGNORED)
