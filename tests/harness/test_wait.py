"""wait_until: returns the first truthy value, retries errors, times out with a useful message."""

from __future__ import annotations

import threading
import time

import pytest

from harness.errors import HarnessError, WaitTimeout
from harness.wait import ConditionTimeout, wait_until


def test_returns_first_truthy_value() -> None:
    values = iter([0, None, "", [], {"ready": True}, "later"])
    assert wait_until(lambda: next(values), timeout=5, describe="dict") == {"ready": True}


def test_errors_are_retried_until_success() -> None:
    calls = {"n": 0}

    def check() -> str:
        calls["n"] += 1
        if calls["n"] < 3:
            raise KeyError("not yet")
        return "ok"

    assert wait_until(check, timeout=5, describe="third call") == "ok"
    assert calls["n"] == 3


def test_timeout_message_has_describe_last_value_elapsed_and_logs() -> None:
    with pytest.raises(WaitTimeout) as info:
        wait_until(
            lambda: ["x"] * 0,
            timeout=0.05,
            describe="the approval file on the remote",
            logs=lambda: "cloud: line 1\ncloud: line 2\n",
        )
    message = str(info.value)
    assert "waiting for the approval file on the remote" in message
    assert "last value: []" in message
    assert "timed out after 0.0" in message or "timed out after 0.1" in message
    assert message.endswith("cloud: line 1\ncloud: line 2")
    assert isinstance(info.value, TimeoutError)
    assert isinstance(info.value, HarnessError)
    assert isinstance(info.value, ConditionTimeout)
    assert info.value.elapsed >= 0.05
    assert info.value.last_value == []


def test_timeout_reports_last_error() -> None:
    def check() -> bool:
        raise ConnectionRefusedError("port 1 closed")

    with pytest.raises(ConditionTimeout) as info:
        wait_until(check, timeout=0.03, describe="a connection")
    assert "last error: ConnectionRefusedError: port 1 closed" in str(info.value)
    assert "check never returned" in str(info.value)
    assert isinstance(info.value.last_error, ConnectionRefusedError)


def test_long_last_value_is_truncated() -> None:
    class Falsy(list[str]):
        def __bool__(self) -> bool:
            return False

    with pytest.raises(WaitTimeout) as info:
        wait_until(lambda: Falsy(["y" * 1000]), timeout=0.0, describe="big")
    assert "chars)" in str(info.value)
    assert len(str(info.value)) < 600


def test_broken_log_reader_does_not_hide_timeout() -> None:
    def logs() -> str:
        raise OSError("log gone")

    with pytest.raises(WaitTimeout, match="could not read logs: OSError: log gone"):
        wait_until(lambda: False, timeout=0.0, describe="x", logs=logs)


def test_zero_timeout_checks_once() -> None:
    assert wait_until(lambda: 7, timeout=0, describe="seven") == 7


def test_wake_event_ends_the_wait_early() -> None:
    wake = threading.Event()
    box: list[int] = []
    checked = threading.Event()

    def check() -> int | None:
        checked.set()
        return box[0] if box else None

    def producer() -> None:
        checked.wait(5)
        box.append(42)
        wake.set()

    thread = threading.Thread(target=producer)
    thread.start()
    started = time.monotonic()
    # max_interval is long: only the event can end the wait quickly.
    result = wait_until(check, timeout=20, describe="42", wake=wake, max_interval=10)
    elapsed = time.monotonic() - started
    thread.join(5)
    assert result == 42
    assert elapsed < 5


def test_wake_event_still_times_out() -> None:
    wake = threading.Event()
    with pytest.raises(WaitTimeout):
        wait_until(
            lambda: None,
            timeout=0.05,
            describe="never",
            wake=wake,
            interval=0.01,
            max_interval=0.01,
        )


@pytest.mark.parametrize(
    ("timeout", "interval", "max_interval"),
    [(-1.0, 0.02, 0.25), (1.0, 0.0, 0.25), (1.0, 0.5, 0.25)],
)
def test_bad_arguments_are_rejected(timeout: float, interval: float, max_interval: float) -> None:
    with pytest.raises(ValueError):
        wait_until(
            lambda: True,
            timeout=timeout,
            describe="x",
            interval=interval,
            max_interval=max_interval,
        )
