"""Local's transactions: push the intent, record the outcome, merge updates into the dashboard.

Each is checked at the remote tip like every other transaction (DESIGN.md §3):

- `IntentOp` records that Local is about to execute an approval: the human's approval file
  (byte for byte, so the visible tree needs no rewrite) lands in ``Approved/``, the pending copy
  goes, and the task's ``outbox`` entry for that approval says ``attempting`` with its attempt
  count and stable Message-ID. No side effect starts before this push is accepted.
- `FinishOp` records the outcome (executed, failed, rejected, expired): the approval moves to
  ``Done/<YYYY-MM>/`` with its final status, and once none of the task's approvals is left
  open, the task and its plan follow.
- `DashboardOp` consumes ``Updates/``, files tasks Cloud finished without a side effect, and
  rewrites ``Dashboard.md`` from the tip. Only Local ever runs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any, ClassVar

from employee.errors import DocumentError
from employee.sync.operations import register
from employee.vault import (
    AuditEntry,
    Document,
    Vault,
    Verdict,
    append_audit,
    layout,
    new_update,
    parse_document,
    render_dashboard,
)

__all__ = ["DashboardOp", "FinishOp", "IntentOp", "Outcome", "open_approvals"]

OK = Verdict(True, "", "ok")

Outcome = str  # "executed" | "failed" | "rejected" | "expired"

_TASK_STATUS = {
    "executed": "done",
    "failed": "failed",
    "rejected": "rejected",
    "expired": "expired",
}


def open_approvals(vault: Vault, task_id: str) -> list[PurePosixPath]:
    """Approval files of ``task_id`` still pending or approved (not yet filed in Done)."""
    prefix = f"APPROVAL_{task_id}--"
    found = vault.list("Pending_Approval") + vault.list("Approved")
    return [p for p in found if p.name.startswith(prefix)]


def _audit(
    vault: Vault,
    now: datetime,
    *,
    action_type: str,
    target: str,
    parameters: Mapping[str, Any],
    approval_status: str,
    result: str,
    task_id: str,
    approved_by: str = "human",
    duration_ms: int = 0,
) -> None:
    append_audit(
        vault.root,
        "local",
        AuditEntry(
            timestamp=now,
            action_type=action_type,
            actor="local",
            target=target,
            parameters=dict(parameters),
            approval_status=approval_status,
            approved_by=approved_by,
            result=result,
            task_id=task_id,
            duration_ms=duration_ms,
        ),
    )


@register
@dataclass(frozen=True)
class IntentOp:
    """Push "Local is executing approval X (attempt n)" before any side effect."""

    kind: ClassVar[str] = "local_intent"
    success: ClassVar[str] = ""
    agent: str
    task_id: str
    approval_id: str
    domain: str
    approved_text: str
    message_id: str = ""

    @property
    def message(self) -> str:
        return f"intent {self.approval_id} by local"

    def _paths(self) -> tuple[PurePosixPath, PurePosixPath]:
        return (
            layout.pending_approval(self.domain, self.approval_id),
            layout.approved(self.approval_id),
        )

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        pending, approved = self._paths()
        task_rel = vault.find_task(self.task_id)
        if task_rel is None:
            return Verdict(False, f"task {self.task_id} is not in the vault", "not_found")
        if task_rel.parts[0] == "Done":
            return Verdict(False, f"task {self.task_id} is already done", "already_done")
        outbox = _outbox(vault.read(task_rel).meta).get(self.approval_id, {})
        if outbox.get("state") in ("executed", "failed"):
            return Verdict(False, f"{self.approval_id} was already executed", "already_done")
        if vault.exists(pending):
            return OK
        if vault.exists(approved) and outbox.get("state") == "attempting":
            return OK
        return Verdict(False, f"{self.approval_id} is no longer pending at the tip", "claim_lost")

    def apply(self, vault: Vault, now: datetime) -> Any:
        pending, approved = self._paths()
        try:
            parse_document(self.approved_text)
        except DocumentError as exc:
            raise DocumentError("the approved file is not a valid document") from exc
        target = vault.path(approved)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.approved_text, encoding="utf-8")
        if vault.exists(pending):
            vault.remove(pending)
        task_rel = vault.find_task(self.task_id)
        assert task_rel is not None
        task = vault.read(task_rel)
        outbox = _outbox(task.meta)
        entry = dict(outbox.get(self.approval_id, {}))
        attempt = int(entry.get("attempts", 0)) + 1
        entry.update(state="attempting", attempts=attempt, at=now.isoformat())
        if self.message_id:
            entry["message_id"] = self.message_id
        outbox[self.approval_id] = entry
        vault.write(task_rel, Document({**task.meta, "outbox": outbox}, task.body))
        _audit(
            vault,
            now,
            action_type="approval_intent",
            target=self.approval_id,
            parameters={"attempt": attempt, "message_id": self.message_id},
            approval_status="approved",
            result="attempting",
            task_id=self.task_id,
        )
        return attempt


@register
@dataclass(frozen=True)
class FinishOp:
    """File an approval's outcome in ``Done/``; the task and plan follow when nothing is open."""

    kind: ClassVar[str] = "local_finish"
    success: ClassVar[str] = ""
    agent: str
    task_id: str
    approval_id: str
    domain: str
    outcome: Outcome
    action_type: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    result: str = "success"
    duration_ms: int = 0
    alert: str = ""

    @property
    def message(self) -> str:
        return f"{self.outcome} {self.approval_id} by local"

    def _source(self, vault: Vault) -> PurePosixPath | None:
        for rel in (
            layout.approved(self.approval_id),
            layout.pending_approval(self.domain, self.approval_id),
        ):
            if vault.exists(rel):
                return rel
        return None

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        source = self._source(vault)
        if source is None:
            return Verdict(False, f"{self.approval_id} is not open at the tip", "claim_lost")
        if self.outcome == "executed" and source.parts[0] != "Approved":
            return Verdict(False, f"{self.approval_id} was never approved", "not_approved")
        return OK

    def apply(self, vault: Vault, now: datetime) -> Any:
        source = self._source(vault)
        assert source is not None
        month = layout.month_of(now.date())
        approval = vault.read(source)
        meta = {**approval.meta, "status": self.outcome, "result": self.result}
        meta["decided_at"] = now.isoformat()
        vault.write(layout.done(month, source.name), Document(meta, approval.body))
        vault.remove(source)
        task_rel = vault.find_task(self.task_id)
        if task_rel is not None and task_rel.parts[0] != "Done":
            task = vault.read(task_rel)
            outbox = _outbox(task.meta)
            entry = dict(outbox.get(self.approval_id, {}))
            entry.update(state=self.outcome, result=self.result, at=now.isoformat())
            outbox[self.approval_id] = entry
            task_meta = {**task.meta, "outbox": outbox}
            if not open_approvals(vault, self.task_id):
                task_meta["status"] = _final_status(outbox)
                vault.write(
                    layout.done(month, f"{self.task_id}.md"), Document(task_meta, task.body)
                )
                vault.remove(task_rel)
                for plan in _plans_of(vault, self.task_id):
                    doc = vault.read(plan)
                    plan_meta = {**doc.meta, "status": task_meta["status"]}
                    vault.write(layout.done(month, plan.name), Document(plan_meta, doc.body))
                    vault.remove(plan)
            else:
                vault.write(task_rel, Document(task_meta, task.body))
        if self.alert:
            note = new_update(
                update_id=f"{self.approval_id}--{self.outcome}",
                kind="alert",
                source="local",
                created=now,
                title=self.alert,
                task_id=self.task_id,
            )
            vault.write(layout.update(f"{self.approval_id}--{self.outcome}"), note)
        _audit(
            vault,
            now,
            action_type=self.action_type,
            target=self.approval_id,
            parameters=self.parameters,
            approval_status={"executed": "approved", "failed": "approved"}.get(
                self.outcome, self.outcome
            ),
            approved_by="human" if self.outcome in ("executed", "failed", "rejected") else "",
            result=self.result,
            task_id=self.task_id,
            duration_ms=self.duration_ms,
        )
        return None


def _plans_of(vault: Vault, task_id: str) -> list[PurePosixPath]:
    return [p for p in vault.list("Plans") if p.name == f"PLAN_{task_id}.md"]


def _final_status(outbox: Mapping[str, Mapping[str, Any]]) -> str:
    states = {str(entry.get("state")) for entry in outbox.values()}
    for outcome in ("failed", "expired", "rejected"):
        if outcome in states:
            return _TASK_STATUS[outcome]
    return "done"


def _update_fields(doc: Document, stem: str) -> tuple[str, str, str]:
    """Kind, one-line title and source of an ``Updates/`` note.

    Besides ``new_update`` notes (``kind``/``title``/``source``), the sync layer writes alerts
    of its own (``type: alert``, e.g. a quarantined forged approval) with no ``kind`` or
    ``title``: they are alerts too, titled by their first body line.
    """
    meta = doc.meta
    kind = str(meta.get("kind") or ("alert" if meta.get("type") == "alert" else "info"))
    title = str(meta.get("title") or "")
    if not title:
        first = next((ln.strip() for ln in doc.body.splitlines() if ln.strip()), "")
        title = first[:300] or stem
    source = str(meta.get("source") or ("sync" if meta.get("type") == "alert" else "?"))
    return kind, title, source


def _outbox(meta: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    raw = meta.get("outbox")
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): dict(v) for k, v in raw.items() if isinstance(v, Mapping)}


@register
@dataclass(frozen=True)
class DashboardOp:
    """Consume ``Updates/``, file Cloud's finished no-action tasks, rewrite ``Dashboard.md``."""

    kind: ClassVar[str] = "local_dashboard"
    success: ClassVar[str] = ""
    agent: str
    alerts: Sequence[str] = ()
    health: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    task_id: str = ""

    @property
    def message(self) -> str:
        return "dashboard by local"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        return OK

    def apply(self, vault: Vault, now: datetime) -> Any:
        """Returns the alerts and health notes merged from the consumed updates."""
        merged_alerts: list[str] = []
        merged_health: dict[str, dict[str, Any]] = {}
        for rel in vault.list("Updates"):
            try:
                doc = vault.read(rel)
            except DocumentError:
                merged_alerts.append(f"unreadable update {rel.name}")
                vault.remove(rel)
                continue
            kind, title, source = _update_fields(doc, rel.stem)
            if kind == "alert":
                merged_alerts.append(f"{source}: {title}")
            elif kind == "health":
                merged_health[source] = {
                    "status": "restarted",
                    "detail": title,
                    "at": str(doc.meta.get("created", "")),
                }
            vault.remove(rel)
        month = layout.month_of(now.date())
        for rel in vault.list("In_Progress/cloud"):
            try:
                task = vault.read(rel)
            except DocumentError:
                continue
            if task.meta.get("status") == "done" and not open_approvals(vault, rel.stem):
                vault.write(layout.done(month, rel.name), task)
                vault.remove(rel)
                for plan in _plans_of(vault, rel.stem):
                    vault.write(layout.done(month, plan.name), vault.read(plan))
                    vault.remove(plan)
        health = {k: dict(v) for k, v in self.health.items()}
        for source, note in merged_health.items():
            health.setdefault(source, {}).update(note)
        alerts = [*self.alerts, *merged_alerts][-20:]
        text = render_dashboard(vault.snapshot(), now=now, health=health, alerts=alerts)
        vault.path("Dashboard.md").write_text(text, encoding="utf-8")
        return merged_alerts, merged_health
