"""harness.replicas without a world: canaries, forced pushes, races, process readers."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from employee.sync import Replica, init_remote, scan_remote
from employee.sync.scanner import scan_bytes
from harness.canaries import (
    Canaries,
    blobs_holding,
    children_of,
    credentials_in,
    environ_of,
    force_push,
    paste_note,
    plant_canaries,
)
from harness.remote import RemoteView
from harness.replicas import (
    ManualClock,
    ReplicaHandle,
    race,
    seed_task,
)


def _handle(remote: Path, root: Path, name: str, agent: str) -> ReplicaHandle:
    link = root / "links" / f"{name}.git"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(remote)
    clock = ManualClock()
    rep = Replica.clone(
        str(link), root / name / "vault", agent=agent, state_dir=root / name / "state", clock=clock
    )
    return ReplicaHandle(name, rep, link, remote, clock)


def test_manual_clock_advances() -> None:
    clock = ManualClock()
    start = clock()
    assert clock.advance(31) - start == timedelta(seconds=31)
    assert clock() == start + timedelta(seconds=31)


def test_every_canary_file_holds_its_own_canary() -> None:
    canaries = Canaries.make("unit", oversized=10)
    assert len(set(canaries.values)) == len(canaries.values) == 7
    for rel, data in canaries.every_file().items():
        assert len(blobs_holding([data], canaries.values)) == 1, rel
    assert scan_bytes(canaries.note[1])  # the pasted API key is caught by content alone


def test_plant_and_paste_write_into_the_working_tree(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    canaries = Canaries.make("unit", oversized=10)
    planted = plant_canaries(tmp_path / "vault", canaries, secret)
    assert {p.relative_to(tmp_path / "vault").as_posix() for p in planted} == {
        *canaries.files,
        canaries.symlink,
    }
    assert (tmp_path / "vault" / canaries.symlink).is_symlink()
    note = paste_note(tmp_path / "vault", canaries)
    assert note.read_bytes() == canaries.note[1]


def test_protected_remote_refuses_every_forced_canary_and_the_control_keeps_them(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    canaries = Canaries.make("unit", oversized=2 * 1024 * 1024)
    protected = init_remote(tmp_path / "protected.git")
    refused = force_push(protected, tmp_path / "a", canaries, secret, push_as="local")
    assert len(refused) == 8
    for path, refusal in refused.items():
        assert refusal is not None, path
        assert "identity rule" not in refusal, refusal
    assert blobs_holding(RemoteView(protected).blobs(), canaries.values) == []
    assert scan_remote(protected, canaries.values).clean
    control = init_remote(tmp_path / "control.git", protect=False)
    accepted = force_push(control, tmp_path / "b", canaries, secret, push_as="local")
    assert list(accepted.values()) == [None] * 8
    assert blobs_holding(RemoteView(control).blobs(), canaries.values) == list(canaries.values)


def test_race_releases_replicas_together_and_one_claim_wins(tmp_path: Path) -> None:
    remote = init_remote(tmp_path / "remote.git")
    one = _handle(remote, tmp_path, "one", "cloud")
    two = _handle(remote, tmp_path, "two", "local")
    task_id = seed_task(one, "finance")
    two.replica.sync()
    results = race([one, two], lambda r: r.claim("finance", task_id))
    assert sorted(r.status for r in results) == ["lost", "pushed"]
    assert [r.verdict.code for r in results if r.status == "lost"] == ["claim_lost"]
    assert len(one.results) == 2  # the seed and the claim
    assert len(two.results) == 1


def test_offline_handle_queues_until_its_link_is_back(tmp_path: Path) -> None:
    remote = init_remote(tmp_path / "remote.git")
    handle = _handle(remote, tmp_path, "solo", "cloud")
    task_id = seed_task(handle, "finance")
    handle.go_offline()
    assert not handle.online
    assert handle.run(lambda r: r.claim("finance", task_id)).status == "queued"
    handle.go_online()
    assert [r.status for r in handle.replica.sync().replayed] == ["pushed"]
    assert RemoteView(remote).find("In_Progress/cloud/", task_id)


def test_process_readers_see_a_child_and_its_environment() -> None:
    env = {**os.environ, "PLATINUM_TEST_SMTP_HOST": "127.0.0.1"}
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE, env=env
    )
    try:
        assert child.pid in children_of(os.getpid())
        seen = environ_of(child.pid)
        assert seen is not None
        assert "PLATINUM_TEST_SMTP_HOST" in credentials_in(seen, [])
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=10)
    assert environ_of(child.pid) is None


@pytest.mark.parametrize(
    ("env", "secrets", "found"),
    [
        ({"PATH": "/bin", "ODOO_SECRET": "drafter-key"}, ["executive-key"], []),
        ({"X": "has executive-key inside"}, ["executive-key"], ["X"]),
        ({"EMAIL_SMTP_PORT": "25", "BANK_PIN": "1"}, [], ["BANK_PIN", "EMAIL_SMTP_PORT"]),
        ({"X": ""}, [""], []),
    ],
)
def test_credentials_in(env: dict[str, str], secrets: list[str], found: list[str]) -> None:
    assert credentials_in(env, secrets) == found
