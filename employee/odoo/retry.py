"""When to retry an Odoo call, and how long to wait: pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

__all__ = ["Failure", "backoff_delay", "retry_allowed"]

#: ``not_sent``: the request never reached Odoo (connection refused, connect timeout,
#: HTTP 503 from a gateway with no upstream). ``unknown``: it may have run (read
#: timeout, connection reset mid-response, HTTP 502/504).
Failure = Literal["not_sent", "unknown"]


def retry_allowed(failure: Failure, *, idempotent: bool) -> bool:
    """A call is retried if it changes nothing, or if it certainly never ran."""
    return idempotent or failure == "not_sent"


def backoff_delay(
    attempt: int, rng: Callable[[], float], *, base: float = 0.05, cap: float = 2.0
) -> float:
    """Seconds to wait before retry ``attempt`` (0-based): exponential, capped, half jittered."""
    ceiling = min(cap, base * (2.0**attempt))
    return ceiling / 2 + ceiling / 2 * rng()
