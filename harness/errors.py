"""Errors raised by the harness.

::

    HarnessError
    ├── WaitTimeout          wait_for() gave up: what was awaited, the last value seen,
    │                        the agents' log tails
    ├── WorldStartupError    a fake or an agent process did not become ready
    └── ScenarioError        a scenario file is malformed or names something unknown
"""

from __future__ import annotations

__all__ = ["HarnessError", "ScenarioError", "WaitTimeout", "WorldStartupError"]


class HarnessError(Exception):
    """Root of every error the harness raises."""


class WaitTimeout(HarnessError, TimeoutError):
    """A condition did not hold before its timeout."""


class WorldStartupError(HarnessError):
    """A component of the world failed to start."""


class ScenarioError(HarnessError):
    """A scenario file is malformed."""
