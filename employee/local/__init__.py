"""The Local executive: approvals, side effects through MCP servers, the dashboard."""

from __future__ import annotations

from employee.local.agent import LocalAgent

__all__ = ["LocalAgent"]
