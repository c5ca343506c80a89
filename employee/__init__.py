"""The reference Platinum AI Employee: a Cloud agent and a Local executive over a Git-synced vault.

The agents run as processes (``python -m employee cloud|local|supervise --config FILE``); the
packages underneath are usable on their own: ``employee.vault`` (the protocol), ``employee.sync``
(git replicas), ``employee.mail``, ``employee.odoo``, ``employee.mcp`` (MCP servers),
``employee.brain`` (drafting policies) and ``employee.health``.
"""

from __future__ import annotations

from employee.config import AgentConfig, load_config
from employee.errors import (
    ClaimError,
    ConfigError,
    DocumentError,
    EmployeeError,
    SecretDetected,
    SyncError,
    UnsafeNameError,
    VaultError,
    ZoneViolation,
)

__all__ = [
    "AgentConfig",
    "ClaimError",
    "ConfigError",
    "DocumentError",
    "EmployeeError",
    "SecretDetected",
    "SyncError",
    "UnsafeNameError",
    "VaultError",
    "ZoneViolation",
    "load_config",
]
