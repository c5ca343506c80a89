"""The Cloud agent: IMAP watch → task → claim → triage and draft → approval request."""

from __future__ import annotations

from employee.cloud.agent import CloudAgent

__all__ = ["CloudAgent"]
