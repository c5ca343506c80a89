"""A replica: one agent's clone of the remote, and transactions whose push is the claim.

Layout. ``path`` is the human-visible vault (an ordinary clone, ``main`` checked out).
``state_dir`` (private, never synced) holds ``tx/``, a ``git worktree`` of that clone on a
detached HEAD where every transaction runs: fetch, ``reset --hard origin/main`` (harmless
there), check the precondition at the tip, apply, commit as the agent, push without force
(with ``-o agent=NAME``). A rejected push is a lost race: drop the commit, back off with
jitter, retry at the new tip. The visible tree only moves by a two-way ``read-tree``
(:mod:`employee.sync.worktree`), so uncommitted human edits survive every sync.

Offline, an operation is applied and committed on top of the local head (so the agent sees
its own work) and persisted to ``state_dir/queue.json``; when the remote is back the queue is
replayed one by one at the new tip, each re-checking its precondition. Never merge, never
force. Lost and refused transactions are written to ``Logs/<agent>/`` by a small follow-up
log transaction.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from employee.errors import (
    EmployeeError,
    PushRejected,
    RemoteUnavailable,
    SecretDetected,
    SyncError,
    VaultError,
    ZoneViolation,
)
from employee.sync._git import Git, clear_stale_locks, hermetic_env
from employee.sync.incoming import approval_origin, check_incoming, guard_incoming
from employee.sync.notify import RemoteWatcher
from employee.sync.operations import (
    ClaimOp,
    CompleteOp,
    LogOp,
    Mutation,
    Operation,
    ReclaimOp,
    ReleaseOp,
    RenewOp,
    record,
)
from employee.sync.policy import (
    DEFAULT_SIZE_CAP,
    Violation,
    blob_reader,
    check_changes,
    parse_raw_diff,
)
from employee.sync.queue import OfflineQueue, PendingLog
from employee.sync.results import SyncResult, TxResult, utcnow
from employee.sync.worktree import advance_worktree
from employee.vault import Vault, Verdict, layout

__all__ = ["Replica", "SyncResult", "TxResult", "utcnow"]

_RACE = ("[rejected]", "non-fast-forward", "fetch first", "failed to update ref", "cannot lock ref")
_POLICY = ("pre-receive hook declined", "platinum: refused")


class _Race(SyncError):
    """Internal: the push lost a compare-and-swap."""


class Replica:
    """One agent's replica of the vault; thread-safe (one transaction at a time)."""

    def __init__(
        self,
        path: Path,
        *,
        agent: str,
        state_dir: Path,
        clock: Callable[[], datetime] = utcnow,
        max_attempts: int = 80,
        size_cap: int = DEFAULT_SIZE_CAP,
    ) -> None:
        self.path, self.agent, self.state_dir = Path(path), agent, Path(state_dir)
        self.clock, self.max_attempts, self.size_cap = clock, max_attempts, size_cap
        env = hermetic_env(self.state_dir / "home", agent)
        self.git = Git(self.path, env)
        self.txgit = Git(self.state_dir / "tx", env)
        self.vault = Vault(self.path)
        self._txvault = Vault(self.state_dir / "tx")
        self.queue = OfflineQueue(self.state_dir / "queue.json")
        self.pending_log = PendingLog(self.state_dir / "pending_log.json")
        self.conflicts_dir = self.state_dir / "conflicts"
        self.online = True
        self.pushes_rejected = 0
        self._lock = threading.RLock()
        self._rng = random.Random()
        self._incoming: Callable[[Replica], SyncResult] | None = None
        self._watcher: RemoteWatcher | None = None
        self._remote_event = threading.Event()
        if agent == "local":
            self._incoming = guard_incoming
        found = self.git.run("config", "--get", "platinum.agent", check=False).stdout.decode()
        if found.strip() != agent:
            raise SyncError("replica belongs to another agent", path=str(path), agent=agent)

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def clone(
        cls,
        remote_url: str | Path,
        path: Path,
        *,
        agent: str,
        state_dir: Path,
        clock: Callable[[], datetime] = utcnow,
        **options: Any,
    ) -> Replica:
        """Clone ``remote_url`` into ``path`` for ``agent``; the tx worktree goes in state_dir."""
        state_dir = Path(state_dir)
        (state_dir / "home").mkdir(parents=True, exist_ok=True)
        git = Git(state_dir, hermetic_env(state_dir / "home", agent))
        # --no-local: fetch through the git protocol, never by copying the remote's object
        # folder (a push being received meanwhile has a quarantine folder that vanishes).
        git.run("clone", "-q", "--no-local", str(remote_url), str(path), remote=True)
        local = Git(Path(path), git.env)
        local.run("config", "platinum.agent", agent)
        local.run("config", "gc.auto", "0")
        local.run("worktree", "add", "-q", "--detach", str(state_dir / "tx"), "origin/main")
        (state_dir / "checked_tip").write_text(local.out("rev-parse", "origin/main"))
        replica = cls(Path(path), agent=agent, state_dir=state_dir, clock=clock, **options)
        replica.sync()
        return replica

    @classmethod
    def open(cls, path: Path, *, agent: str, state_dir: Path, **options: Any) -> Replica:
        """Reopen an existing replica (the offline queue is picked up from ``state_dir``)."""
        if not (Path(state_dir) / "tx").exists():
            raise SyncError("no transaction worktree in state_dir", path=str(state_dir))
        clear_stale_locks(Path(path) / ".git")
        return cls(Path(path), agent=agent, state_dir=state_dir, **options)

    @property
    def remote_url(self) -> str:
        return self.git.out("config", "--get", "remote.origin.url")

    def tip(self) -> str:
        """The commit the visible tree shows."""
        return self.git.out("rev-parse", "HEAD")

    def approvals_entered_by_me(self) -> list[str]:
        """``Approved/`` files this agent may execute: a working-tree change or its own commit."""
        with self._lock:
            rels = [str(p) for p in self.vault.list("Approved")]
            return [r for r in rels if approval_origin(self.git, r) in ("worktree", self.agent)]

    def check_incoming(self, old_tip: str, new_tip: str) -> list[Violation]:
        """Zone violations in commits between two tips that this agent did not write."""
        return check_incoming(self.txgit, old_tip, new_tip, me=self.agent).violations

    # -- propagation ------------------------------------------------------------------------

    def watch_remote(
        self, callback: Callable[[], None], *, poll_interval: float = 2.0
    ) -> RemoteWatcher:
        """Sync, then call ``callback``, whenever the remote moves; ``.stop()`` the handle."""

        def changed() -> None:
            self.sync()
            callback()

        return RemoteWatcher(self.txgit, self.remote_url, changed, poll_interval=poll_interval)

    def wait_remote_change(self, timeout: float) -> bool:
        """Block until the remote moved (and this replica synced), at most ``timeout`` s."""
        if self._watcher is None:
            self._watcher = self.watch_remote(self._remote_event.set)
        fired = self._remote_event.wait(timeout)
        self._remote_event.clear()
        return fired

    def close(self) -> None:
        """Stop the background watcher, if any."""
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    # -- claims -----------------------------------------------------------------------------

    def claim(self, domain: str, task_id: str, lease: timedelta = timedelta(minutes=5)) -> TxResult:
        return self.transact(ClaimOp(self.agent, domain, task_id, lease))

    def renew(self, task_id: str, epoch: int, lease: timedelta = timedelta(minutes=5)) -> TxResult:
        return self.transact(RenewOp(self.agent, task_id, epoch, lease))

    def release(self, task_id: str, epoch: int) -> TxResult:
        return self.transact(ReleaseOp(self.agent, task_id, epoch))

    def reclaim(
        self,
        task_id: str,
        lease: timedelta = timedelta(minutes=5),
        grace: timedelta = timedelta(minutes=2),
    ) -> TxResult:
        return self.transact(ReclaimOp(self.agent, task_id, lease, grace))

    def complete(self, task_id: str, epoch: int, mutation: Mutation) -> TxResult:
        return self.transact(CompleteOp(self.agent, task_id, epoch, mutation))

    # -- transactions -------------------------------------------------------------------------

    def transact(self, op: Operation) -> TxResult:
        """Run ``op`` as a compare-and-swap on the remote's ``main`` (or queue it offline)."""
        if op.agent != self.agent:
            raise SyncError("operation belongs to another agent", agent=op.agent)
        with self._lock:
            if len(self.queue):
                with contextlib.suppress(RemoteUnavailable):
                    self._replay()
            if len(self.queue):
                return self._offline(op)
            return self._online(op, queue_offline=True)

    def sync(self) -> SyncResult:
        """Fetch, replay queued operations, advance the visible tree; never raises offline."""
        with self._lock:
            try:
                self._fetch()
                replayed = self._replay() if len(self.queue) else []
                if self.pending_log.entries():
                    self._online(LogOp(self.agent), queue_offline=False)
            except RemoteUnavailable as exc:
                return SyncResult(online=False, tip=self.tip(), error=str(exc))
            remote_tip, tx_head = self.txgit.out("rev-parse", "origin/main", "HEAD").split()
            if tx_head != remote_tip:  # nothing new: the tx worktree already sits at the tip
                self._reset("origin/main")
            result = self._advance(remote_tip)
            result.replayed = replayed
            return result

    def _fetch(self) -> None:
        try:
            self.txgit.run(
                "fetch", "-q", "origin", "+refs/heads/main:refs/remotes/origin/main", remote=True
            )
        except RemoteUnavailable:
            self.online = False
            raise
        self.online = True

    def _reset(self, ref: str) -> None:
        self.txgit.run("reset", "-q", "--hard", ref)
        self.txgit.run("clean", "-q", "-ffdx")

    def _online(self, op: Operation, *, queue_offline: bool) -> TxResult:
        for attempt in range(1, self.max_attempts + 1):
            try:
                self._fetch()
            except RemoteUnavailable:
                if not queue_offline:
                    raise
                return self._offline(op)
            self._reset("origin/main")
            outcome = self._attempt(op, attempt)
            if isinstance(outcome, TxResult):
                return outcome
            try:
                self._push()
            except _Race:
                self.pushes_rejected += 1
                time.sleep(self._rng.uniform(0, min(0.5, 0.01 * 2**attempt)))
                continue
            except RemoteUnavailable:
                if not queue_offline:
                    raise
                return self._offline(op)
            except PushRejected as exc:
                return self._refused(op, exc, attempt)
            commit = self.txgit.out("rev-parse", "HEAD")
            self.pending_log.clear()
            self._advance(commit)
            return TxResult("pushed", op, outcome[0], outcome[1], attempt, commit)
        raise SyncError("push kept losing races", agent=self.agent, attempts=self.max_attempts)

    def _attempt(self, op: Operation, attempt: int) -> TxResult | tuple[Verdict, Any]:
        """Check and apply ``op`` in the tx worktree and commit it; a TxResult ends the tx."""
        now = self.clock()
        verdict = op.precondition(self._txvault, now)
        if not verdict:
            return self._lost(op, verdict, attempt)
        try:
            value = op.apply(self._txvault, now)
        except VaultError as exc:
            code = str(getattr(exc, "code", "") or "claim_lost")
            return self._lost(op, Verdict(False, str(exc), code), attempt)
        if op.success:
            record(
                self._txvault,
                self.agent,
                now,
                action_type=op.success,
                target=op.task_id,
                parameters={"attempts": attempt, "pushes_rejected": attempt - 1},
                task_id=op.task_id,
            )
        self._write_pending(now)
        try:
            self._commit(op.message)
        except (SecretDetected, ZoneViolation, PushRejected) as exc:
            return self._refused(op, exc, attempt)
        return verdict, value

    def _commit(self, message: str) -> None:
        """Stage (the allow-list decides), run the client guard, commit as the agent."""
        self.txgit.run("add", "-A")
        raw = self.txgit.run("diff", "--cached", "--raw", "-z", "--no-renames", "HEAD").stdout
        changes = parse_raw_diff(raw)
        read = blob_reader(changes, self.txgit.blobs, self.txgit.blob)
        violations = check_changes(self.agent, changes, read, size_cap=self.size_cap)
        if violations:
            kinds = {v.kind for v in violations}
            text = "; ".join(map(str, violations))
            if "secret" in kinds:
                raise SecretDetected(f"commit refused: {text}", agent=self.agent)
            if "zone" in kinds:
                raise ZoneViolation(f"commit refused: {text}", agent=self.agent)
            raise PushRejected(f"commit refused: {text}", agent=self.agent)
        self.txgit.run("commit", "-q", "--allow-empty", "--no-verify", "-m", message)

    def _push(self) -> None:
        proc = self.txgit.run(
            "push",
            "-q",
            "--porcelain",
            "-o",
            f"agent={self.agent}",
            "origin",
            "HEAD:refs/heads/main",
            check=False,
            remote=True,
        )
        if proc.returncode == 0:
            return
        err = (proc.stderr + proc.stdout).decode("utf-8", "replace")
        if any(m in err for m in _POLICY):
            raise PushRejected("the remote refused the push", agent=self.agent, stderr=err.strip())
        if any(m in err for m in _RACE):
            raise _Race("push lost the race")
        self.txgit.run("ls-remote", "origin", "HEAD", remote=True)  # raises RemoteUnavailable
        if not err.strip():
            # A push that failed without a word (seen under load while other pushes were being
            # received): nothing was refused, so it is retried like a lost race; the commit is
            # re-checked at the new tip, never forced.
            raise _Race("push failed without a message")
        raise SyncError("push failed", agent=self.agent, stderr=err.strip())

    def _log(self, entries: list[dict[str, Any]]) -> None:
        """Keep audit entries for this agent's next commit (persisted, so never lost)."""
        self.pending_log.extend(entries)

    def _write_pending(self, now: datetime) -> int:
        entries = self.pending_log.entries()
        for entry in entries:
            record(self._txvault, self.agent, now, **entry)
        return len(entries)

    def _lost(self, op: Operation, verdict: Verdict, attempt: int) -> TxResult:
        self._reset("HEAD")
        if op.kind != "log":
            entry = {
                "action_type": verdict.code,
                "target": op.task_id,
                "result": "lost",
                "parameters": {"reason": verdict.reason, "op": op.kind},
                "task_id": op.task_id,
            }
            self._log([entry])
        self._advance()
        return TxResult("lost", op, verdict, attempts=attempt)

    def _refused(self, op: Operation, exc: EmployeeError, attempt: int) -> TxResult:
        self._reset("origin/main" if self.online else "HEAD")
        action = {SecretDetected: "secret_blocked", ZoneViolation: "zone_violation"}
        kind = action.get(type(exc), "push_refused")
        entry = {
            "action_type": kind,
            "target": op.task_id,
            "result": "refused",
            "parameters": {"reason": exc.message, "op": op.kind},
            "task_id": op.task_id,
        }
        if op.kind == "log":  # the pending entries themselves were refused: keep a bare note
            self.pending_log.clear()
            entry["parameters"] = {"op": "log"}
        self._log([entry])
        return TxResult("refused", op, Verdict(False, str(exc), kind), attempts=attempt, error=exc)

    # -- offline ------------------------------------------------------------------------------

    def _offline(self, op: Operation) -> TxResult:
        """Apply ``op`` on the local head, commit locally, queue it for replay."""
        self.online = False
        self._reset("HEAD")
        head = self.txgit.out("rev-parse", "HEAD")
        now = self.clock()
        verdict = op.precondition(self._txvault, now)
        if not verdict:
            if op.kind != "log":
                self._log(
                    [
                        {
                            "action_type": verdict.code,
                            "target": op.task_id,
                            "result": "lost",
                            "parameters": {"reason": verdict.reason, "offline": True},
                            "task_id": op.task_id,
                        }
                    ]
                )
            return TxResult("lost", op, verdict)
        try:
            value = op.apply(self._txvault, now)
            self._commit(f"{op.message} (offline)")
        except (SecretDetected, ZoneViolation, PushRejected) as exc:
            self._reset(head)
            return TxResult("refused", op, Verdict(False, str(exc), "refused"), error=exc)
        except VaultError as exc:
            self._reset(head)
            return TxResult("lost", op, Verdict(False, str(exc), "claim_lost"))
        self.queue.append(op)
        commit = self.txgit.out("rev-parse", "HEAD")
        self._advance(commit)
        return TxResult("queued", op, verdict, value, commit=commit)

    def _replay(self) -> list[TxResult]:
        """Replay the queue one by one at the remote tip; raises RemoteUnavailable if it drops.

        Once a queued claim (or reclaim) loses its replay, every later queued operation on the
        same task is fenced without being tried: it was derived from a claim that never was.
        """
        self._fetch()
        results: list[TxResult] = []
        lost_claims: set[str] = set()
        try:
            while ops := self.queue.items():
                op = ops[0]
                if op.task_id in lost_claims and op.kind != "log":
                    reason = f"derived from a claim of {op.task_id} that lost its replay"
                    results.append(self._lost(op, Verdict(False, reason, "fenced"), 0))
                else:
                    result = self._online(op, queue_offline=False)
                    results.append(result)
                    if op.kind in ("claim", "reclaim") and result.status != "pushed":
                        lost_claims.add(op.task_id)
                self.queue.pop_first()
        except RemoteUnavailable:
            self._rebuild_offline()
            raise
        return results

    def _rebuild_offline(self) -> None:
        """After a failed replay: local head = last known tip + the still-queued operations."""
        self._reset("origin/main")
        for op in self.queue.items():
            now = self.clock()
            if op.precondition(self._txvault, now):
                try:
                    op.apply(self._txvault, now)
                    self._commit(f"{op.message} (offline)")
                except EmployeeError:
                    self._reset("HEAD")
        self._advance()

    # -- the visible tree -----------------------------------------------------------------------

    def _advance(self, target: str = "") -> SyncResult:
        """Move the visible tree to ``target`` (default: the tx worktree's HEAD)."""
        target = target or self.txgit.out("rev-parse", "HEAD")
        conflicts = advance_worktree(self.git, target, self.conflicts_dir)
        for folder in layout.FOLDERS:  # git drops empty folders; Obsidian users expect them
            self.vault.path(folder).mkdir(parents=True, exist_ok=True)
        result = SyncResult(online=self.online, tip=target, conflicts=conflicts)
        if conflicts:
            self._log(
                [
                    {
                        "action_type": "sync_conflict",
                        "target": c.path,
                        "result": "kept",
                        "parameters": {"saved": str(c.saved) if c.saved else ""},
                    }
                    for c in conflicts
                ]
            )
        if self._incoming is not None:
            checked = self._incoming(self)
            result.violations, result.quarantined = checked.violations, checked.quarantined
        return result
