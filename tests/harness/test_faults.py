"""harness.faults: the pure parts and the remote readers, on a real bare repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness.errors import HarnessError
from harness.faults import (
    customer_mail,
    first_version,
    memory_of,
    parse_status_kb,
    path_problems,
    task_copies,
    task_files,
)
from harness.remote import RemoteView
from harness.scenario import SeedMail

STATUS = "Name:\tpython\nVmPeak:\t  300000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t  100000 kB\n"


def _git(*args: str, cwd: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@t",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@t",
    )
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def remote_with(tmp_path: Path, commits: list[dict[str, str]]) -> Any:
    """A bare remote whose ``main`` received ``commits`` (path -> text; "" deletes)."""
    work, bare = tmp_path / "work", tmp_path / "remote.git"
    work.mkdir(parents=True)
    _git("init", "-q", "-b", "main", cwd=work)
    for files in commits:
        for rel, text in files.items():
            path = work / rel
            if text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            else:
                path.unlink()
        _git("add", "-A", cwd=work)
        _git("commit", "-q", "-m", "c", cwd=work)
    _git("clone", "-q", "--bare", str(work), str(bare), cwd=tmp_path)
    return SimpleNamespace(remote=RemoteView(bare), remote_path=bare)


def test_parse_status_reads_rss_and_peak() -> None:
    memory = parse_status_kb(STATUS)
    assert (memory.rss_kb, memory.peak_kb) == (100000, 123456)


def test_parse_status_without_rss_is_an_error() -> None:
    with pytest.raises(HarnessError, match="VmRSS"):
        parse_status_kb("Name:\tzombie\n")


def test_memory_of_this_process() -> None:
    memory = memory_of(os.getpid())
    assert 0 < memory.rss_kb <= memory.peak_kb


def test_customer_mail_is_a_valid_seed() -> None:
    mail = customer_mail("imap_b", "Delivery dates")
    assert isinstance(mail, SeedMail)
    assert mail.from_addr == "imap.b@customer.test"
    assert "Delivery dates" in mail.body


def test_task_files_count_tasks_not_plans_or_approvals(tmp_path: Path) -> None:
    world = remote_with(
        tmp_path,
        [
            {
                "Needs_Action/email/email-a.md": "a",
                "In_Progress/cloud/email-b.md": "b",
                "Done/2026-11/email-b.md": "b",
                "Done/2026-11/PLAN_email-b.md": "p",
                "Done/2026-11/APPROVAL_email-b--send_email.md": "x",
                "Plans/email/PLAN_email-a.md": "p",
                "Updates/email-a--drafted.md": "u",
            }
        ],
    )
    assert task_files(world) == {"email-a": 1, "email-b": 2}
    assert task_copies(world, "email-b") == 2
    assert task_copies(world, "email-c") == 0


def test_first_version_reads_the_task_as_first_pushed(tmp_path: Path) -> None:
    path = "Needs_Action/email/email-a.md"
    world = remote_with(
        tmp_path,
        [
            {path: "---\nid: email-a\nstatus: pending\n---\nbody\n"},
            {path: "", "In_Progress/cloud/email-a.md": "---\nid: email-a\nstatus: x\n---\n"},
        ],
    )
    assert first_version(world, "email-a") == {"id": "email-a", "status": "pending"}
    with pytest.raises(HarnessError, match="never on the remote"):
        first_version(world, "email-zzz")


def test_path_problems_flag_traversal_and_saved_attachments(tmp_path: Path) -> None:
    clean = remote_with(tmp_path / "clean", [{"Needs_Action/email/email-a.md": "a"}])
    assert path_problems(clean) == []
    dirty = remote_with(tmp_path / "dirty", [{"Inbox/files/passwd": "root"}])
    assert path_problems(dirty) == ["Inbox/files/passwd"]
