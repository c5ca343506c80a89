"""The email MCP server (``python -m employee.mcp.email --mode draft|send``)."""

from __future__ import annotations

from employee.mcp.email.config import EmailMcpConfig, Mode
from employee.mcp.email.server import DRAFT_TOOLS, SEND_TOOLS, EmailMCPServer, build_server

__all__ = ["DRAFT_TOOLS", "SEND_TOOLS", "EmailMCPServer", "EmailMcpConfig", "Mode", "build_server"]
