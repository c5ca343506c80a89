"""Cloud-specific transactions: create a task only if its id is new anywhere in the vault."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from employee.sync import Mutation
from employee.sync.operations import register
from employee.vault import Vault, Verdict

__all__ = ["CreateTaskOp", "QuarantineOp"]


@register
@dataclass(frozen=True)
class CreateTaskOp:
    """Write a new task (plus optional side documents) unless the task id already exists.

    The precondition is checked at the remote tip, so two Cloud workers that saw the same mail
    create one task: the second push is rejected, its retry finds the task, and it loses
    with ``duplicate``.
    """

    kind: ClassVar[str] = "create_task"
    success: ClassVar[str] = "task_created"
    agent: str
    task_id: str
    mutation: Mutation

    @property
    def message(self) -> str:
        return f"create task {self.task_id} by {self.agent}"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        where = vault.find_task(self.task_id)
        if where is not None:
            return Verdict(False, f"task {self.task_id} already exists at {where}", "duplicate")
        return Verdict(True, "", "ok")

    def apply(self, vault: Vault, now: datetime) -> Any:
        self.mutation.apply(vault)
        return None


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
