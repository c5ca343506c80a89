"""The resident checker: the same refusals as the per-push hook, and a safe fallback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from employee.sync import init_remote
from employee.sync.checker import SOCKET, ask, stop_checker
from harness.wait import wait_until

SECRET = b"password = hunter2hunter2hunter2\n"
NOTE = b"---\ntype: update\n---\nA plain note.\n"


@pytest.fixture
def resident(tmp_path: Path) -> Iterator[Path]:
    remote = init_remote(tmp_path / "remote.git", resident_checker=True)
    yield remote
    stop_checker(remote)
    wait_until(lambda: not (remote / SOCKET).exists(), timeout=10, describe="the checker to stop")


def _ping(remote: Path) -> bool:
    try:
        return ask(remote, {"op": "ping"}, timeout=2)["status"] == 0
    except (OSError, ValueError):
        return False


def test_the_checker_refuses_what_the_hook_refuses(
    resident: Path, raw_clone: Callable[..., Any]
) -> None:
    raw = raw_clone(resident, "cloud")
    assert raw.commit_and_push({"Updates/first.md": NOTE}, push_as="cloud")
    wait_until(lambda: _ping(resident), timeout=30, describe="the checker started by a push")
    assert not raw.commit_and_push({"Updates/leak.md": SECRET}, push_as="cloud")
    assert "platinum: refused" in raw.last_error
    assert "secret rule" in raw.last_error
    assert not raw.commit_and_push({"Dashboard.md": NOTE}, push_as="cloud")
    assert "zone rule" in raw.last_error
    assert not raw.commit_and_push({"Updates/nobody.md": NOTE})
    assert "identity rule" in raw.last_error
    assert raw.commit_and_push({"Updates/second.md": NOTE}, push_as="cloud")
    assert _ping(resident)  # every verdict above came from the resident checker


def test_a_dead_checker_falls_back_to_the_full_check(
    resident: Path, raw_clone: Callable[..., Any]
) -> None:
    (resident / SOCKET).write_text("not a socket")  # a stale leftover: nobody answers
    raw = raw_clone(resident, "cloud")
    assert not raw.commit_and_push({"Updates/leak.md": SECRET}, push_as="cloud")
    assert "secret rule" in raw.last_error
    assert raw.commit_and_push({"Updates/fine.md": NOTE}, push_as="cloud")
    wait_until(lambda: _ping(resident), timeout=30, describe="a fresh checker started")


def test_unknown_requests_get_no_verdict(resident: Path, raw_clone: Callable[..., Any]) -> None:
    assert raw_clone(resident, "cloud").commit_and_push({"Updates/a.md": NOTE}, push_as="cloud")
    wait_until(lambda: _ping(resident), timeout=30, describe="the checker started by a push")
    assert ask(resident, {"op": "nope"})["status"] == 2
    assert ask(resident, {"op": "pre-receive"})["status"] == 2  # no cwd: an error, not a pass
