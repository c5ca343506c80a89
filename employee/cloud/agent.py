"""The Cloud agent: watch the mailbox, turn each mail into a task, claim it, draft, ask.

Threads, all inside one process:

- the IMAP watcher (`employee.mail.watcher.ImapWatcher`, IDLE with a polling fallback) hands each
  new message to `ingest`, which writes the task in ``Needs_Action/email/`` in one transaction
  and only then lets the watcher advance its UIDVALIDITY/UID cursor (kept in the private state
  folder): a crash before the push re-reads the mail, and the task id (a hash of the
  Message-ID) makes the second attempt a ``duplicate`` no-op;
- the worker claims pending tasks (a transaction whose accepted push *is* the claim), asks the
  brain for a triage and a draft, and writes plan + approval request(s) + an ``Updates/`` signal
  in one transaction fenced by the claim epoch. Invoice requests first create a *draft*
  invoice through the Odoo MCP server in draft mode (started at start-up); payment notices look
  the invoice up read-only and ask for a ``register_payment`` approval. When Odoo is down the
  task keeps its claim (lease renewed) and is retried with backoff; when Odoo *refuses* it
  three times, Cloud gives up with an alert;
- the health endpoint and the heartbeat.

Cloud never holds a send, posting or payment credential (its configuration refuses them) and
its MCP servers do not offer such tools.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from employee.brain import Handbook, MailFacts, Policy, RulesPolicy
from employee.cloud.drafting import (
    MAX_REFUSALS,
    DraftingError,
    bundle_for,
    given_up_bundle,
    is_refusal,
)
from employee.cloud.held import HeldClaims
from employee.cloud.ingest import ingest_op, quarantine_op
from employee.cloud.social import social_bundle
from employee.config import AgentConfig, read_secret
from employee.errors import EmployeeError, ToolError
from employee.mail import Quarantined, parse_inbound
from employee.mail.imap import ImapConfig
from employee.mail.watcher import ImapWatcher
from employee.mcp.client import ToolClient
from employee.mcp.servers import ServerPool
from employee.runtime import AgentProcess, Stopper, utcnow
from employee.sync import TxResult
from employee.vault import Vault, claim_of, layout, new_update

__all__ = ["DRAFTED_DOMAINS", "CloudAgent"]

#: The Needs_Action domains Cloud claims and drafts (finance work arrives by email).
DRAFTED_DOMAINS = ("email", "social")


class CloudAgent(AgentProcess):
    """One Cloud worker process (several may run against the same remote)."""

    name = "cloud"

    def __init__(self, config: AgentConfig, *, policy: Policy | None = None) -> None:
        stats = dict.fromkeys(
            ("mail_seen", "tasks_created", "duplicates", "quarantined", "drafted", "claims_lost"),
            0,
        )
        super().__init__(config, stats)
        self.policy = policy or RulesPolicy()
        self.held = HeldClaims(config.state_dir / "held_claims.json")
        self.servers = ServerPool(config)

    # -- process -----------------------------------------------------------------------------
    def start_services(self, stop: threading.Event) -> list[Stopper]:
        assert self.replica is not None
        self.replica.sync()
        self._report_restart()
        threading.Thread(target=self._warm_up, name="odoo-warm-up", daemon=True).start()
        stoppers: list[Stopper] = [self.servers.close]
        watcher = self._start_watcher(stop)
        if watcher is not None:
            stoppers.append(watcher.stop)
        stoppers.append(self.replica.watch_remote(self.wake.set).stop)
        return stoppers

    def _start_watcher(self, stop: threading.Event) -> ImapWatcher | None:
        imap = self.config.imap
        if imap is None:
            return None
        config = ImapConfig(
            host=imap.host,
            port=imap.port,
            username=imap.username,
            password=read_secret(imap.password_file),
            security=imap.security,
            ca_file=str(imap.ca_file) if imap.ca_file else None,
            mailbox=imap.mailbox,
            timeout=imap.timeout,
        )
        watcher = ImapWatcher(
            config,
            self.config.state_dir / "imap_cursor.json",
            self.ingest,
            idle_timeout=self.config.timing.idle_seconds,
            poll_interval=self.config.timing.poll_seconds,
            stop_event=stop,
        )
        watcher.start()
        return watcher

    def _report_restart(self) -> None:
        restarts = int(os.environ.get("PLATINUM_RESTARTS", "0") or 0)
        if restarts <= 0 or self.replica is None:
            return
        now = utcnow()
        last_exit = os.environ.get("PLATINUM_LAST_EXIT", "?")
        update = new_update(
            update_id=f"health-cloud-{now.strftime('%Y%m%dT%H%M%S%f')}",
            kind="health",
            source="cloud",
            created=now,
            title=f"Cloud agent restarted by its supervisor (restart {restarts}, exit {last_exit})",
            body="The supervisor restarted the Cloud agent; pending work resumes from the vault.",
        )
        from employee.sync import Mutation, WriteOp

        rel = layout.update(str(update.meta["id"]))
        self.replica.transact(WriteOp("cloud", Mutation.of({str(rel): update}), note="restart"))

    # -- ingest (called by the watcher thread) ----------------------------------------------
    def ingest(self, uid: int, raw: bytes) -> None:
        """Turn one raw mail into a task (or a quarantine entry); returns once it is durable."""
        assert self.replica is not None
        self.stats["mail_seen"] += 1
        now = utcnow()
        parsed = parse_inbound(raw)
        if isinstance(parsed, Quarantined):
            quarantine = quarantine_op(
                parsed, raw, uid=uid, now=now, state_dir=self.config.state_dir
            )
            result = self.replica.transact(quarantine)
            self.stats["quarantined"] += 1
            self.log.info("quarantined uid %s: %s (%s)", uid, parsed.reason, result.status)
            return
        result = self.replica.transact(ingest_op(parsed, raw, now=now))
        if result.status == "lost":
            self.stats["duplicates"] += 1
        elif result.status in ("pushed", "queued"):
            self.stats["tasks_created"] += 1
        elif result.status == "refused":
            # The vault refused it (a credential in the text, an oversized task): the mail is
            # kept privately and alerted, never lost and never retried forever.
            refused = Quarantined(
                reason=f"its task was refused by the vault's guard ({result.verdict.code})",
                raw_digest=hashlib.sha256(raw).hexdigest(),
                size=len(raw),
                message_id_if_known=parsed.message_id,
            )
            self.replica.transact(
                quarantine_op(refused, raw, uid=uid, now=now, state_dir=self.config.state_dir)
            )
            self.stats["quarantined"] += 1
        self.wake.set()

    # -- the worker ------------------------------------------------------------------------------
    def work_once(self) -> None:
        """One pass: sync, claim what is pending, draft what we hold."""
        rep = self.replica
        assert rep is not None
        try:
            synced = rep.sync()
            for replayed in synced.replayed:  # an offline claim that lost its replay is not ours
                if replayed.op.kind in ("claim", "reclaim") and replayed.status != "pushed":
                    self.held.drop(replayed.op.task_id)
            work: list[tuple[Callable[[str, str], None], str, str]] = [
                (self._claim_and_draft, domain, rel.stem)
                for domain in DRAFTED_DOMAINS
                for rel in rep.vault.list(f"Needs_Action/{domain}")
            ]
            work += [(self._resume, "", rel.stem) for rel in rep.vault.list("In_Progress/cloud")]
        except EmployeeError as exc:
            self._last_error = str(exc)
            self.log.warning("worker pass failed: %s", exc)
            return
        for step, domain, task_id in work:
            try:  # one bad task never stops the others
                step(domain, task_id)
            except EmployeeError as exc:
                self._last_error = str(exc)
                self.log.warning("task %s: %s", task_id, exc)

    def _claim_and_draft(self, domain: str, task_id: str) -> None:
        assert self.replica is not None
        lease = timedelta(seconds=self.config.timing.lease_seconds)
        result = self.replica.claim(domain, task_id, lease)
        if result.status == "lost":
            self.stats["claims_lost"] += 1
        if result.status not in ("pushed", "queued"):
            return
        claim = result.value
        # Offline, the claim is queued: ours unless its replay loses (see work_once).
        self.held.hold(task_id, int(claim.claim_epoch))
        self._draft(task_id, int(claim.claim_epoch))

    def _resume(self, _domain: str, task_id: str) -> None:
        """A task we hold (crash recovery, or an Odoo retry): draft it if still in progress."""
        assert self.replica is not None
        vault = self.replica.vault
        rel = layout.in_progress("cloud", task_id)
        try:
            doc = vault.read(rel)
        except EmployeeError:
            return
        if doc.meta.get("status") != "in_progress":
            return
        claim = claim_of(doc.meta)
        if claim is None or claim.claimed_by != "cloud":
            return
        if self.waiting(task_id):
            return
        lease = timedelta(seconds=self.config.timing.lease_seconds)
        epoch = claim.claim_epoch
        if self.held.epoch_of(task_id) != epoch:
            if claim.lease_until > utcnow():
                return  # a sibling worker's valid claim: not ours to touch
            reclaimed = self.replica.reclaim(task_id, lease, timedelta(0))
            if not reclaimed:
                return
            epoch = reclaimed.value.claim_epoch
            self.held.hold(task_id, int(epoch))
        self._draft(task_id, int(epoch))

    def _draft(self, task_id: str, epoch: int) -> None:
        rep = self.replica
        assert rep is not None
        now = utcnow()
        try:
            task = rep.vault.read(layout.in_progress("cloud", task_id))
        except EmployeeError as exc:
            self._last_error = str(exc)
            return
        handbook = _handbook(rep.vault)
        facts = _facts(task.meta, task.body, now)
        ttl = timedelta(hours=self.config.timing.approval_ttl_hours)
        try:
            if task.meta.get("domain") == "social":
                mutation = social_bundle(
                    task_id=task_id,
                    task=task,
                    policy=self.policy,
                    handbook=handbook,
                    now=now,
                    ttl=ttl,
                )
            else:
                mutation = bundle_for(
                    task_id=task_id,
                    task=task,
                    facts=facts,
                    policy=self.policy,
                    handbook=handbook,
                    now=now,
                    ttl=ttl,
                    odoo=self._odoo_client,
                )
        except (DraftingError, ToolError) as exc:
            retry = self.backoff(task_id, str(exc))
            if is_refusal(exc):
                retry.refusals += 1
            if retry.refusals >= MAX_REFUSALS:
                done = given_up_bundle(task_id=task_id, task=task, reason=str(exc), now=now)
                if rep.complete(task_id, epoch, done):
                    self.settled(task_id)
                return
            lease = timedelta(seconds=self.config.timing.lease_seconds)
            rep.renew(task_id, epoch, lease)
            return
        result: TxResult = rep.complete(task_id, epoch, mutation)
        if result.status != "queued":
            self.held.drop(task_id)  # drafted, or fenced: either way no longer ours
        if result:
            self.stats["drafted"] += 1
            self.settled(task_id)
        self.log.info("draft of %s: %s", task_id, result.status)

    def _warm_up(self) -> None:
        """Start the draft-mode Odoo MCP server before the first invoice request needs it."""
        if self.config.odoo is None:
            return
        try:
            self._odoo_client().tools()
        except EmployeeError as exc:
            self._last_error = f"odoo server warm-up: {exc}"

    def _odoo_client(self) -> ToolClient:
        """The Odoo MCP server in *draft* mode, started on first use (from any thread)."""
        if self.config.odoo is None:
            raise DraftingError("no Odoo configured for invoice requests")
        return self.servers.get("odoo")


def _handbook(vault: Vault) -> Handbook:
    try:
        return Handbook.parse(vault.path("Company_Handbook.md").read_text(encoding="utf-8"))
    except (OSError, EmployeeError):
        return Handbook.parse("")


def _facts(meta: Mapping[str, Any], body: str, now: datetime) -> MailFacts:
    received = meta.get("received")
    when = received if isinstance(received, datetime) else now
    if isinstance(received, str):
        try:
            when = datetime.fromisoformat(received)
        except ValueError:
            when = now
    headers = meta.get("headers") or []
    return MailFacts(
        message_id=str(meta.get("message_id", "")),
        from_addr=str(meta.get("from", "")),
        from_name=str(meta.get("from_name", "")),
        to=tuple(str(t) for t in meta.get("to") or []),
        subject=str(meta.get("subject", "")),
        body_text=body,
        received=when,
        in_reply_to=str(meta.get("in_reply_to") or "") or None,
        references=tuple(str(r) for r in meta.get("references") or []),
        attachments=tuple(str(a) for a in meta.get("attachments") or []),
        headers=tuple((str(k).lower(), str(v)) for k, v in headers),
        reply_to=str(meta.get("reply_to") or "") or None,
    )
