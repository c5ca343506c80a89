"""Cloud-specific transactions: recording a refused mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from employee.sync import Mutation
from employee.sync.operations import register
from employee.vault import Vault, Verdict

__all__ = ["QuarantineOp"]


@register
@dataclass(frozen=True)
class QuarantineOp:
    """Record a refused mail: an alert in ``Updates/`` (no untrusted text beyond the reason)."""

    kind: ClassVar[str] = "quarantine_mail"
    success: ClassVar[str] = "mail_quarantined"
    agent: str
    task_id: str
    mutation: Mutation

    @property
    def message(self) -> str:
        return f"quarantine {self.task_id} by {self.agent}"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        return Verdict(True, "", "ok")

    def apply(self, vault: Vault, now: datetime) -> Any:
        self.mutation.apply(vault)
        return None
