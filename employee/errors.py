"""Errors raised by the reference AI Employee.

Every error derives from one root, so callers can catch the whole family::

    EmployeeError
    ├── ConfigError             bad or forbidden configuration (e.g. a send credential on Cloud)
    ├── VaultError              the vault protocol refused something
    │   ├── DocumentError       unreadable, oversized or hostile Markdown/YAML frontmatter
    │   ├── UnsafeNameError     an id or path that could escape its folder
    │   ├── ZoneViolation       an agent wrote where the zone table forbids
    │   └── ClaimError          a claim precondition does not hold (lost, fenced, lease valid)
    ├── SyncError               git replica trouble
    │   ├── RemoteUnavailable   the remote cannot be reached (the replica keeps working offline)
    │   ├── PushRejected        the remote refused a push for a reason other than a race
    │   └── SecretDetected      staged content holds a secret; the commit was refused
    ├── MailError               the mail side (IMAP watcher, SMTP send)
    ├── OdooError               the Odoo client
    │   ├── OdooTransientError  worth retrying (HTTP 502/503, connection reset)
    │   └── OdooRemoteError     Odoo answered with an error (AccessError, UserError, ...)
    └── ToolError               an MCP tool call failed or was refused

Each error carries optional context (``path``, ``task_id``, ``agent``) that shows in ``str()``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ClaimError",
    "ConfigError",
    "DocumentError",
    "EmployeeError",
    "MailError",
    "OdooError",
    "OdooRemoteError",
    "OdooTransientError",
    "PushRejected",
    "RemoteUnavailable",
    "SecretDetected",
    "SyncError",
    "ToolError",
    "UnsafeNameError",
    "VaultError",
    "ZoneViolation",
]


class EmployeeError(Exception):
    """Root of every error the employee raises."""

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context: dict[str, Any] = {k: v for k, v in context.items() if v is not None}

    def __str__(self) -> str:
        if not self.context:
            return self.message
        details = ", ".join(f"{k}={v!r}" for k, v in sorted(self.context.items()))
        return f"{self.message} ({details})"


class ConfigError(EmployeeError):
    """Configuration is missing, malformed, or holds something this agent must never hold."""


class VaultError(EmployeeError):
    """The vault protocol refused an operation."""


class DocumentError(VaultError):
    """A Markdown/YAML document is unreadable, oversized, too deep, or hostile."""


class UnsafeNameError(VaultError):
    """An id, file name or path that is not allowed (traversal, separators, control chars)."""


class ZoneViolation(VaultError):
    """An agent changed a path outside its write zone."""


class ClaimError(VaultError):
    """A claim precondition does not hold at the tip (lost, fenced, lease still valid)."""


class SyncError(EmployeeError):
    """Git replica synchronisation failed."""


class RemoteUnavailable(SyncError):
    """The git remote cannot be reached; work continues offline and is replayed later."""


class PushRejected(SyncError):
    """The remote refused a push for a policy reason (zones, secrets, size), not a race."""


class SecretDetected(SyncError):
    """Staged content carries a secret; the commit was refused and nothing left the replica."""


class MailError(EmployeeError):
    """IMAP/SMTP trouble on the employee side."""


class OdooError(EmployeeError):
    """The Odoo client failed."""


class OdooTransientError(OdooError):
    """A failure worth retrying: connection refused or reset, HTTP 502/503/504."""


class OdooRemoteError(OdooError):
    """Odoo answered with an error; ``name`` is its class (``odoo.exceptions.AccessError``...)."""

    def __init__(self, message: str, *, name: str = "", code: int | None = None, **context: Any):
        super().__init__(message, **context)
        self.name = name
        self.code = code


class ToolError(EmployeeError):
    """An MCP tool call failed or was refused."""
