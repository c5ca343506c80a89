"""MCP servers the agents call: ``employee.mcp.odoo`` (draft-only on Cloud, executive on Local)."""

from __future__ import annotations

__all__: list[str] = []
