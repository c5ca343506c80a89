from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from employee.health import HealthServer, Heartbeat, RestartPolicy, Supervisor, read_heartbeat


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_health_server_reports_status_and_degradation() -> None:
    status = {"status": "ok", "agent": "cloud"}
    with HealthServer(lambda: status) as server:
        assert server.host == "127.0.0.1"
        assert _get(server.url) == (200, status)
        status["status"] = "degraded"
        code, body = _get(server.url)
        assert code == 503
        assert body["status"] == "degraded"
        code, _ = _get(server.url.replace("/health", "/nope"))
        assert code == 404


def test_health_server_survives_a_broken_status_function() -> None:
    def broken() -> dict[str, object]:
        raise RuntimeError("boom")

    with HealthServer(broken) as server:
        code, body = _get(server.url)
        assert code == 503
        assert "boom" in str(body["error"])


def test_heartbeat_writes_status_atomically(tmp_path: Path) -> None:
    path = tmp_path / "state" / "heartbeat.json"
    beat = Heartbeat(path, lambda: {"agent": "local", "status": "ok"}, interval=60)
    beat.start()
    try:
        data = read_heartbeat(path)
        assert data is not None
        assert data["agent"] == "local"
        assert "heartbeat_at" in data
    finally:
        beat.stop()
    assert read_heartbeat(tmp_path / "missing.json") is None
    (tmp_path / "bad.json").write_text("{not json")
    assert read_heartbeat(tmp_path / "bad.json") is None


def _child(script: str) -> list[str]:
    return [sys.executable, "-c", script]


def test_supervisor_restarts_a_crashing_child_until_it_runs_clean(tmp_path: Path) -> None:
    # The child crashes twice (exit 3), then exits cleanly; it sees its restart count.
    marker = tmp_path / "runs.txt"
    script = (
        "import os,sys,pathlib;"
        f"p=pathlib.Path({str(marker)!r});"
        "p.open('a').write(os.environ['PLATINUM_RESTARTS']+':'+os.environ.get('PLATINUM_LAST_EXIT','-')+'\\n');"
        "sys.exit(3 if int(os.environ['PLATINUM_RESTARTS'])<2 else 0)"
    )
    sup = Supervisor(
        _child(script),
        state_path=tmp_path / "supervisor.json",
        policy=RestartPolicy(max_restarts=5, backoff=0.01, backoff_max=0.02),
    )
    assert sup.run() == 0
    assert marker.read_text().splitlines() == ["0:-", "1:3", "2:3"]
    state = json.loads((tmp_path / "supervisor.json").read_text())
    assert [r["exit_code"] for r in state["restarts"]] == [3, 3]
    assert state["gave_up"] is False


def test_supervisor_gives_up_at_the_cap(tmp_path: Path) -> None:
    given_up: list[int] = []
    sup = Supervisor(
        _child("import sys; sys.exit(7)"),
        state_path=tmp_path / "supervisor.json",
        policy=RestartPolicy(max_restarts=2, backoff=0.01, backoff_max=0.01),
        on_give_up=lambda history: given_up.append(len(history)),
    )
    assert sup.run() == 1
    assert given_up == [3]
    assert json.loads((tmp_path / "supervisor.json").read_text())["gave_up"] is True


def test_supervisor_stop_terminates_the_child(tmp_path: Path) -> None:
    started = tmp_path / "started"
    script = (
        f"import pathlib,threading; pathlib.Path({str(started)!r}).write_text('x');"
        "threading.Event().wait(60)"
    )
    sup = Supervisor(_child(script), state_path=tmp_path / "s.json")
    result: list[int] = []
    runner = threading.Thread(target=lambda: result.append(sup.run()))
    runner.start()
    from harness.wait import wait_until

    wait_until(started.exists, timeout=10, describe="child started")
    sup.stop()
    runner.join(timeout=10)
    assert result == [0]


@pytest.mark.parametrize(("attempt", "expected"), [(1, 0.5), (2, 1.0), (3, 2.0), (10, 30.0)])
def test_backoff_doubles_up_to_the_max(attempt: int, expected: float) -> None:
    assert RestartPolicy().delay(attempt) == expected
