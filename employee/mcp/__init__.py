"""MCP servers the agents call (``employee.mcp.odoo``, ``employee.mcp.social``, ...).

Each server lives in its own submodule and runs with ``python -m employee.mcp.<name>``;
nothing is imported here, so starting one server never loads the others.
"""

from __future__ import annotations

__all__: list[str] = []
