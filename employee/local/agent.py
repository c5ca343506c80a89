"""The Local executive: approvals, the final side effects, and the dashboard.

On start and whenever it comes back online, Local syncs its replica, merges ``Updates/`` into
``Dashboard.md`` (it alone writes it) and shows what waits for approval. It watches
``Approved/`` and ``Rejected/`` in its own working tree with ``watchdog`` (the human moves files
there in Obsidian) and the remote for new commits, and for each approval that entered
``Approved/`` on this replica (a working-tree change or Local's own commit; the sync layer
quarantines forgeries) and has not expired, it:

1. pushes the intent (`IntentOp`) — offline, nothing is executed;
2. performs the action through an MCP server (`Executor`: email, Odoo executive, social);
3. pushes the outcome (`FinishOp`): task, plan and approval into ``Done/<YYYY-MM>/``, every
   step in ``Logs/local/``; a permanent failure also raises an alert.

Transient failures are retried with backoff, each retry behind a new pushed intent; the email
server checks Sent for the stable Message-ID before any resend, so a crash between the send and
the outcome never duplicates a mail.
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from employee.config import AgentConfig
from employee.errors import DocumentError, EmployeeError
from employee.local.executor import ACTION_DOMAIN, Executor, Result, action_type_of
from employee.local.inbox import inbox_op
from employee.local.ops import DashboardOp, FinishOp, IntentOp
from employee.mail import stable_message_id
from employee.mcp.servers import ServerPool
from employee.runtime import AgentProcess, Retry, Stopper, utcnow
from employee.vault import Approval, is_expired, read_approval

__all__ = ["LocalAgent"]


class _Wake(FileSystemEventHandler):
    """Wake the worker on any change under Approved/ or Rejected/."""

    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def on_any_event(self, event: FileSystemEvent) -> None:
        for path in (event.src_path, getattr(event, "dest_path", "")):
            text = os.fsdecode(path)
            if "/Approved" in text or "/Rejected" in text:
                self.event.set()
                return


class LocalAgent(AgentProcess):
    """The Local executive process."""

    name = "local"

    def __init__(self, config: AgentConfig) -> None:
        stats = dict.fromkeys(("executed", "failed", "rejected", "expired"), 0)
        super().__init__(config, stats)
        self.servers = ServerPool(config)
        self.executor = Executor(
            email=lambda: self.servers.get("email"),
            odoo=lambda: self.servers.get("odoo"),
            social=lambda: self.servers.get("social"),
        )
        self._alerts: list[str] = []
        self._refused_notes: set[tuple[str, int]] = set()
        self._cloud_health: dict[str, Any] = {}
        self._dashboard_due = True
        self._last_dashboard = 0.0

    # -- process -----------------------------------------------------------------------------
    def prepare(self) -> None:
        self._load_state()

    def start_services(self, stop: threading.Event) -> list[Stopper]:
        assert self.replica is not None
        observer = Observer()
        observer.schedule(_Wake(self.wake), str(self.config.vault), recursive=True)
        observer.start()

        def stop_observer() -> None:
            observer.stop()
            observer.join(timeout=5)

        threading.Thread(target=self._warm_up, name="warm-up", daemon=True).start()
        return [
            self.servers.close,
            stop_observer,
            self.replica.watch_remote(self.wake.set).stop,
        ]

    # -- one pass ------------------------------------------------------------------------------
    def work_once(self) -> None:
        rep = self.replica
        assert rep is not None
        try:
            result = rep.sync()
            if result.quarantined:
                self._dashboard_due = True
            if not result.online:
                return  # offline: never execute; the human's moves wait in the working tree
            for note in self._human_notes():
                self._take_in(note)
            for approved in rep.approvals_entered_by_me():
                self._process_approved(PurePosixPath(approved))
            for rejected in rep.vault.list("Rejected"):
                self._process_rejected(rejected)
            self._expire_pending()
            self._refresh_dashboard()
        except EmployeeError as exc:
            self._last_error = str(exc)
            self.log.warning("pass failed: %s", exc)

    # -- the human's inbox ------------------------------------------------------------------------
    def _human_notes(self) -> list[PurePosixPath]:
        """Notes the human created under ``Needs_Action/`` that are not committed yet."""
        assert self.replica is not None
        out = self.replica.git.run(
            "ls-files", "--others", "--exclude-standard", "-z", "--", "Needs_Action"
        ).stdout
        return [PurePosixPath(p.decode("utf-8", "replace")) for p in out.split(b"\0") if p]

    def _take_in(self, rel: PurePosixPath) -> None:
        """Turn one human note into a task; a refused note is retried only once it changes."""
        assert self.replica is not None
        path = self.replica.vault.path(rel)
        try:
            if path.stat().st_size > 256 * 1024:
                raise DocumentError("note too large", path=str(rel))
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, EmployeeError) as exc:
            self._alert_once(f"note {rel.name} was not taken in: {exc}")
            return
        fingerprint = (str(rel), hash(text))
        if fingerprint in self._refused_notes:
            return
        try:
            op = inbox_op(rel, text, now=utcnow())
        except EmployeeError as exc:
            self._refused_notes.add(fingerprint)
            self._alert_once(f"note {rel.name} was not taken in: {exc}")
            return
        result = self.replica.transact(op)
        if result.status in ("pushed", "lost"):
            self._drop_visible(rel, text)
            self._dashboard_due = True
        elif result.status == "refused":
            self._refused_notes.add(fingerprint)
            self._alert_once(f"note {rel.name} was refused: {result.verdict.reason}")

    # -- approvals -------------------------------------------------------------------------------
    def _read(self, rel: PurePosixPath) -> tuple[Approval, str] | None:
        assert self.replica is not None
        try:
            text = self.replica.vault.path(rel).read_text(encoding="utf-8")
            return read_approval(self.replica.vault, rel), text
        except (OSError, DocumentError) as exc:
            self._alert_once(f"approval {rel.name} is unreadable: {exc}")
            return None

    def _process_approved(self, rel: PurePosixPath) -> None:
        rep = self.replica
        assert rep is not None
        read = self._read(rel)
        if read is None:
            return
        approval, text = read
        if self.waiting(approval.approval_id):
            return
        domain = ACTION_DOMAIN.get(approval.action, "email")
        now = utcnow()
        # Expiry is decided when the human's move is first seen; once Local's intent is pushed
        # (the file is committed in Approved/) the approval was accepted in time, and a resumed
        # attempt must finish it (the Sent check keeps a resend from duplicating the mail).
        if is_expired(approval, now) and not self._committed(rel):
            self._finish(
                approval,
                domain,
                Result("failed", "expired"),
                outcome="expired",
                alert=f"Approval {approval.approval_id} expired before it was approved; "
                "nothing was executed",
            )
            self._drop_visible(rel, text)
            return
        if not self._ready(approval, now):
            return
        message_id = ""
        if approval.action in ("send_email", "send_invoice"):
            message_id = stable_message_id(approval.approval_id, self.config.message_id_domain)
        intent = rep.transact(
            IntentOp("local", approval.task_id, approval.approval_id, domain, text, message_id)
        )
        if intent.status != "pushed":
            if intent.status == "lost":
                self._drop_visible(rel, text)
            self.log.info("intent for %s: %s", approval.approval_id, intent.status)
            return
        started = time.monotonic()
        outcome = self.executor.execute(approval, now=now)
        duration = int((time.monotonic() - started) * 1000)
        if outcome.kind == "retry":
            self.backoff(approval.approval_id, outcome.result)
            return
        self.settled(approval.approval_id)
        if outcome.kind == "executed":
            self.stats["executed"] += 1
            self._finish(approval, domain, outcome, outcome="executed", duration=duration)
        else:
            self.stats["failed"] += 1
            self._finish(
                approval,
                domain,
                outcome,
                outcome="failed",
                duration=duration,
                alert=f"{approval.action} for {approval.task_id} failed: {outcome.result}",
            )

    def _ready(self, approval: Approval, now: datetime) -> bool:
        """Dependencies (``after``) done and scheduled time (``scheduled_for``) reached."""
        assert self.replica is not None
        after = str(approval.params.get("after") or "")
        if after:
            task_rel = self.replica.vault.find_task(approval.task_id)
            if task_rel is None:
                return False
            outbox = self.replica.vault.read(task_rel).meta.get("outbox") or {}
            if (outbox.get(after) or {}).get("state") != "executed":
                return False
        scheduled = approval.params.get("scheduled_for")
        if scheduled:
            when = scheduled if isinstance(scheduled, datetime) else None
            if when is None:
                try:
                    when = datetime.fromisoformat(str(scheduled))
                except ValueError:
                    return True
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            if when > now:
                retry = self._retries.setdefault(approval.approval_id, Retry())
                retry.not_before = time.monotonic() + (when - now).total_seconds()
                return False
        return True

    def _process_rejected(self, rel: PurePosixPath) -> None:
        read = self._read(rel)
        if read is None:
            return
        approval, text = read
        domain = ACTION_DOMAIN.get(approval.action, "email")
        result = self._finish(approval, domain, Result("failed", "rejected"), outcome="rejected")
        if result:
            self.stats["rejected"] += 1
        self._drop_visible(rel, text)

    def _expire_pending(self) -> None:
        assert self.replica is not None
        now = utcnow()
        for rel in self.replica.vault.list("Pending_Approval"):
            read = self._read(rel)
            if read is None:
                continue
            approval, _ = read
            if is_expired(approval, now):
                self.stats["expired"] += 1
                self._finish(
                    approval,
                    rel.parts[1],
                    Result("failed", "expired"),
                    outcome="expired",
                    alert=f"Approval {approval.approval_id} expired without a decision",
                )

    def _finish(
        self,
        approval: Approval,
        domain: str,
        result: Result,
        *,
        outcome: str,
        duration: int = 0,
        alert: str = "",
    ) -> bool:
        """Push the outcome; True when the push was accepted."""
        assert self.replica is not None
        parameters = {"action": approval.action, **dict(result.detail)}
        op = FinishOp(
            "local",
            approval.task_id,
            approval.approval_id,
            domain,
            outcome,
            action_type_of(approval.action) if outcome == "executed" else f"approval_{outcome}",
            parameters=parameters,
            result=result.result,
            duration_ms=duration,
            alert=alert,
        )
        tx = self.replica.transact(op)
        self._dashboard_due = True
        self.log.info("%s %s: %s", outcome, approval.approval_id, tx.status)
        return bool(tx)

    def _committed(self, rel: PurePosixPath) -> bool:
        """Is ``rel`` in the commit the visible tree shows (not just the human's copy)?"""
        assert self.replica is not None
        tracked = self.replica.git.run("ls-files", "--error-unmatch", str(rel), check=False)
        return tracked.returncode == 0

    def _drop_visible(self, rel: PurePosixPath, text: str) -> None:
        """Remove the human's moved copy once its decision is recorded (if still unchanged)."""
        assert self.replica is not None
        path = self.replica.vault.path(rel)
        if self._committed(rel):
            return
        try:
            if path.read_text(encoding="utf-8") == text:
                path.unlink()
        except OSError:
            return

    def _alert_once(self, text: str) -> None:
        if text not in self._alerts:
            self._alerts.append(text)
            self._alerts = self._alerts[-20:]
            self._dashboard_due = True

    # -- dashboard -----------------------------------------------------------------------------
    def _refresh_dashboard(self) -> None:
        assert self.replica is not None
        vault = self.replica.vault
        due = self._dashboard_due or bool(vault.list("Updates"))
        due = due or any(
            vault.read(rel).meta.get("status") == "done"
            for rel in vault.list("In_Progress/cloud")
            if _readable(vault, rel)
        )
        if not due and time.monotonic() - self._last_dashboard < 600:
            return
        health = {
            "local": {
                "status": self._status,
                "online": self.replica.online,
                "pid": os.getpid(),
                "at": utcnow().isoformat(),
            }
        }
        health["cloud"] = dict(self._cloud_health) or {"status": "no report yet"}
        tx = self.replica.transact(DashboardOp("local", tuple(self._alerts), health))
        if tx and isinstance(tx.value, tuple):
            alerts, cloud = tx.value
            self._alerts = [*self._alerts, *alerts][-20:]
            self._cloud_health.update(cloud.get("cloud", {}))
            self._save_state()
        self._dashboard_due = False
        self._last_dashboard = time.monotonic()

    def _load_state(self) -> None:
        path = self.config.state_dir / "dashboard_state.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        self._alerts = [str(a) for a in data.get("alerts", [])][-20:]
        self._cloud_health = dict(data.get("cloud_health", {}))

    def _save_state(self) -> None:
        from employee.health.heartbeat import write_json_atomic

        write_json_atomic(
            self.config.state_dir / "dashboard_state.json",
            {"alerts": self._alerts, "cloud_health": self._cloud_health},
        )

    # -- MCP servers (started on first use) -----------------------------------------------------
    def _warm_up(self) -> None:
        """Start the email MCP server before the first approval needs it."""
        if self.config.smtp is None or self.config.imap is None:
            return
        try:
            self.servers.get("email").tools()
        except EmployeeError as exc:
            self._last_error = f"email server warm-up: {exc}"


def _readable(vault: Any, rel: PurePosixPath) -> bool:
    try:
        vault.read(rel)
    except (DocumentError, OSError):
        return False
    return True
