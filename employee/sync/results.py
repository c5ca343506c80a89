"""What transactions and syncs report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from employee.errors import EmployeeError
from employee.sync.operations import Operation
from employee.sync.policy import Violation
from employee.sync.worktree import Conflict
from employee.vault import Verdict

__all__ = ["SyncResult", "TxResult", "TxStatus", "utcnow"]

TxStatus = Literal["pushed", "lost", "queued", "refused"]


def utcnow() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


@dataclass
class TxResult:
    """The outcome of one transaction; truthy only when the push was accepted."""

    status: TxStatus
    op: Operation
    verdict: Verdict
    value: Any = None
    attempts: int = 0
    commit: str | None = None
    error: EmployeeError | None = None

    def __bool__(self) -> bool:
        return self.status == "pushed"


@dataclass
class SyncResult:
    """What one ``sync()`` did."""

    online: bool
    tip: str | None = None
    replayed: list[TxResult] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    error: str = ""
