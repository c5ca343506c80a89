"""The stage: builds a world of fakes, a git remote and agents, drives scenarios, writes reports."""

from __future__ import annotations

from harness.errors import HarnessError, WaitTimeout

__all__ = ["HarnessError", "WaitTimeout"]
