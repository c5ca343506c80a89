"""Audit log: one line per entry, no interleaving, corrupt lines skipped, never rewritten."""

from __future__ import annotations

import json
import logging
import multiprocessing
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

import pytest
from vault_fixtures import NOW

from employee.errors import UnsafeNameError, VaultError
from employee.vault import AuditEntry, append_audit, read_all_audit, read_audit


def _entry(i: int = 0, when: datetime = NOW, **params: object) -> AuditEntry:
    return AuditEntry(
        timestamp=when,
        action_type="email_send",
        actor="local",
        target="client@example.com",
        parameters={"subject": "Re: x\n\u2028injected", "i": i, **params},
        approval_status="approved",
        approved_by="human",
        result="success",
        task_id="email-t1",
        duration_ms=12,
    )


def test_append_and_read(tmp_path: Path) -> None:
    rel = append_audit(tmp_path, "local", _entry())
    assert rel == PurePosixPath("Logs/local/2026-11-26.jsonl")
    raw = (tmp_path / rel).read_bytes()
    assert raw.count(b"\n") == 1
    assert raw.endswith(b"\n")
    (entry,) = read_audit(tmp_path / rel)
    assert entry == {
        "timestamp": "2026-11-26T12:00:00Z",
        "action_type": "email_send",
        "actor": "local",
        "target": "client@example.com",
        "parameters": {"subject": "Re: x\n\u2028injected", "i": 0},
        "approval_status": "approved",
        "approved_by": "human",
        "result": "success",
        "task_id": "email-t1",
        "duration_ms": 12,
    }


def test_file_is_chosen_by_utc_day(tmp_path: Path) -> None:
    late = datetime(2026, 11, 26, 23, 30, tzinfo=UTC) - timedelta(hours=-1)
    assert append_audit(tmp_path, "cloud", _entry(when=late)).name == "2026-11-27.jsonl"
    naive = datetime(2026, 11, 26, 23, 30)
    assert append_audit(tmp_path, "cloud", _entry(when=naive)).name == "2026-11-26.jsonl"


def test_append_refuses_bad_agent_and_unencodable_entries(tmp_path: Path) -> None:
    with pytest.raises(UnsafeNameError):
        append_audit(tmp_path, "mallory", _entry())  # type: ignore[arg-type]
    with pytest.raises(VaultError, match="JSON"):
        append_audit(tmp_path, "local", _entry(x=float("nan")))
    entry = _entry(when=NOW, obj=object())
    (line,) = read_audit(tmp_path / append_audit(tmp_path, "local", entry))
    assert line["parameters"]["obj"].startswith("<object")


def test_append_never_glues_onto_a_partial_line(tmp_path: Path) -> None:
    log = tmp_path / "Logs/local/2026-11-26.jsonl"
    log.parent.mkdir(parents=True)
    log.write_bytes(b'{"timestamp": "2026-11-26T11:00:00Z", "trunc')
    append_audit(tmp_path, "local", _entry())
    assert [e["parameters"]["i"] for e in read_audit(log)] == [0]


def test_corrupt_lines_are_skipped_with_a_warning_and_the_file_is_untouched(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    log = tmp_path / "Logs/cloud/2026-11-26.jsonl"
    append_audit(tmp_path, "cloud", _entry(1))
    with open(log, "ab") as handle:
        handle.write(b"{not json\n\n[1, 2]\n\xff\xfe\n")
    append_audit(tmp_path, "cloud", _entry(2))
    before = log.read_bytes()
    with caplog.at_level(logging.WARNING, logger="employee.vault.audit"):
        entries = list(read_audit(log))
    assert [e["parameters"]["i"] for e in entries] == [1, 2]
    assert log.read_bytes() == before
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    assert "line 2" in messages[0]
    assert str(log) in messages[0]


def test_read_missing_log_is_empty(tmp_path: Path) -> None:
    assert list(read_audit(tmp_path / "nope.jsonl")) == []
    assert read_all_audit(tmp_path) == []


def test_read_all_orders_by_timestamp(tmp_path: Path) -> None:
    append_audit(tmp_path, "local", _entry(3, NOW + timedelta(days=1)))
    append_audit(tmp_path, "cloud", _entry(2, NOW + timedelta(hours=1)))
    append_audit(tmp_path, "local", _entry(1, NOW))
    (tmp_path / "Logs/cloud/notes.txt").write_text("ignored")
    assert [e["parameters"]["i"] for e in read_all_audit(tmp_path)] == [1, 2, 3]
    assert [e["parameters"]["i"] for e in read_all_audit(tmp_path, "local")] == [1, 3]


def _hammer(root: str, worker: int, count: int) -> None:
    for i in range(count):
        append_audit(Path(root), "local", _entry(worker * 100_000 + i, blob="x" * (i % 7) * 900))


def _check_log(root: Path, expected: set[int]) -> None:
    log = root / "Logs/local/2026-11-26.jsonl"
    lines = log.read_bytes().split(b"\n")
    assert lines[-1] == b""
    seen = [json.loads(line)["parameters"]["i"] for line in lines[:-1]]
    assert len(seen) == len(expected)
    assert set(seen) == expected


def test_threads_never_interleave_lines(tmp_path: Path) -> None:
    workers, count = 8, 200
    barrier = threading.Barrier(workers, timeout=10)

    errors: list[BaseException] = []

    def run(w: int) -> None:
        try:
            barrier.wait()
            _hammer(str(tmp_path), w, count)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    _check_log(tmp_path, {w * 100_000 + i for w in range(workers) for i in range(count)})


@pytest.mark.slow
def test_processes_never_interleave_lines(tmp_path: Path) -> None:
    workers, count = 4, 250
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_hammer, args=(str(tmp_path), w, count)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    _check_log(tmp_path, {w * 100_000 + i for w in range(workers) for i in range(count)})
