"""Odoo MCP server: ``build_server(client_factory, mode)``; ``python -m employee.mcp.odoo``."""

from __future__ import annotations

from employee.mcp.odoo.server import (
    DRAFT_TOOLS,
    EXECUTIVE_TOOLS,
    Mode,
    OdooMCPServer,
    build_server,
)

__all__ = ["DRAFT_TOOLS", "EXECUTIVE_TOOLS", "Mode", "OdooMCPServer", "build_server"]
