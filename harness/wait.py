"""Waiting on a condition with a timeout: the only way the harness and its tests wait.

``wait_until(check, timeout=, describe=)`` calls ``check`` until it returns a truthy value
and returns that value. Between checks it waits on ``wake`` (event-driven) when one is
given, otherwise it polls with a short, growing interval. On timeout it raises
:class:`ConditionTimeout` (a :class:`~harness.errors.WaitTimeout`) that says what was
awaited, the last value or error seen, the elapsed time and the tail of the logs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from harness.errors import WaitTimeout

__all__ = ["ConditionTimeout", "wait_until"]

T = TypeVar("T")

_REPR_LIMIT = 300
_NOTHING = object()


class ConditionTimeout(WaitTimeout):
    """``wait_until`` gave up; the fields repeat what the message says."""

    def __init__(
        self,
        message: str,
        *,
        describe: str,
        elapsed: float,
        last_value: object,
        last_error: BaseException | None,
        logs: str,
    ) -> None:
        super().__init__(message)
        self.describe = describe
        self.elapsed = elapsed
        self.last_value = last_value
        self.last_error = last_error
        self.logs = logs


def _short_repr(value: object) -> str:
    text = repr(value)
    if len(text) > _REPR_LIMIT:
        return text[:_REPR_LIMIT] + f"... ({len(text)} chars)"
    return text


def _read_logs(logs: Callable[[], str] | None) -> str:
    if logs is None:
        return ""
    try:
        return logs()
    except Exception as exc:  # a broken log reader must not hide the timeout
        return f"(could not read logs: {type(exc).__name__}: {exc})"


def _timeout_message(
    describe: str, elapsed: float, last_value: object, last_error: BaseException | None, logs: str
) -> str:
    parts = [f"timed out after {elapsed:.2f}s waiting for {describe}"]
    if last_error is not None:
        parts.append(f"last error: {type(last_error).__name__}: {last_error}")
    if last_value is _NOTHING:
        parts.append("check never returned")
    else:
        parts.append(f"last value: {_short_repr(last_value)}")
    message = "; ".join(parts)
    if logs.strip():
        message += "\n--- log tail ---\n" + logs.rstrip("\n")
    return message


def wait_until(
    check: Callable[[], T],
    *,
    timeout: float,
    describe: str,
    interval: float = 0.02,
    max_interval: float = 0.25,
    logs: Callable[[], str] | None = None,
    wake: threading.Event | None = None,
) -> T:
    """Return the first truthy value of ``check()``; raise ``ConditionTimeout`` after ``timeout``.

    Exceptions raised by ``check`` are remembered and the check is retried. With ``wake``
    the wait between checks ends as soon as the event is set (the event is cleared before
    each check, so a set that races with a check is never lost); ``max_interval`` still
    bounds each wait as a safety net.
    """
    if timeout < 0:
        raise ValueError(f"timeout must be >= 0, got {timeout!r}")
    if interval <= 0 or max_interval < interval:
        raise ValueError(f"need 0 < interval <= max_interval, got {interval!r}, {max_interval!r}")
    start = time.monotonic()
    deadline = start + timeout
    last_value: object = _NOTHING
    last_error: BaseException | None = None
    pause = interval
    while True:
        if wake is not None:
            wake.clear()
        try:
            value = check()
        except Exception as exc:
            last_error = exc
        else:
            if value:
                return value
            last_value = value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            elapsed = time.monotonic() - start
            tail = _read_logs(logs)
            raise ConditionTimeout(
                _timeout_message(describe, elapsed, last_value, last_error, tail),
                describe=describe,
                elapsed=elapsed,
                last_value=None if last_value is _NOTHING else last_value,
                last_error=last_error,
                logs=tail,
            )
        if wake is not None:
            wake.wait(min(max_interval, remaining))
        else:
            time.sleep(min(pause, remaining))
            pause = min(pause * 1.5, max_interval)
