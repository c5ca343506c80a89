"""The reference Platinum AI Employee: a Cloud agent and a Local executive over a Git-synced vault."""

from __future__ import annotations

from employee.errors import (
    ClaimError,
    ConfigError,
    DocumentError,
    EmployeeError,
    SyncError,
    VaultError,
)

__all__ = [
    "ClaimError",
    "ConfigError",
    "DocumentError",
    "EmployeeError",
    "SyncError",
    "VaultError",
]
