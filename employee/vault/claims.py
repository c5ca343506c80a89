"""Claims, leases and fencing epochs (DESIGN.md §3, reliability.md §1.3).

``can_*``/``holds`` are pure precondition checks over a tree; ``apply_*`` perform the file
changes in that tree and raise ``ClaimRefused`` when the precondition does not hold. The
git sync calls them on the working tree at the remote tip, inside its CAS push loop.
``claim_in_replica`` is the single-replica primitive (``os.rename`` picks the winner).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from employee.errors import ClaimError
from employee.vault.constants import AGENTS, DOMAINS, Agent, check_agent, check_domain
from employee.vault.frontmatter import Document
from employee.vault.layout import in_progress, needs_action
from employee.vault.values import as_int, as_str, as_utc, to_datetime
from employee.vault.vault import Vault
from employee.vault.verdict import VERDICT_CODES, Verdict

__all__ = [
    "VERDICT_CODES",
    "Claim",
    "ClaimRefused",
    "Verdict",
    "apply_claim",
    "apply_reclaim",
    "apply_release",
    "apply_renew",
    "can_claim",
    "can_reclaim",
    "claim_in_replica",
    "claim_of",
    "holds",
]

_OK = Verdict(True)


class ClaimRefused(ClaimError):
    """A claim operation whose precondition failed; ``code`` and ``verdict`` say why."""

    def __init__(self, verdict: Verdict, **context: Any) -> None:
        super().__init__(verdict.reason or verdict.code, code=verdict.code, **context)
        self.verdict = verdict
        self.code = verdict.code


@dataclass(frozen=True)
class Claim:
    """Who holds a task, under which fencing epoch, until when."""

    claimed_by: Agent
    claim_epoch: int
    lease_until: datetime


def claim_of(meta: Mapping[str, Any]) -> Claim | None:
    """The claim recorded in a task's frontmatter, or ``None`` if there is no valid one."""
    by = meta.get("claimed_by")
    epoch = as_int(meta.get("claim_epoch"), 0)
    until = to_datetime(meta.get("lease_until"))
    if by not in AGENTS or epoch < 1 or until is None:
        return None
    return Claim(check_agent(str(by)), epoch, until)


def _holder_path(vault: Vault, task_id: str) -> tuple[Agent, PurePosixPath] | None:
    for agent in AGENTS:
        rel = in_progress(agent, task_id)
        if vault.exists(rel):
            return agent, rel
    return None


def can_claim(vault: Vault, domain: str, task_id: str) -> Verdict:
    """OK when ``Needs_Action/<domain>/<task_id>.md`` exists in this tree."""
    if vault.exists(needs_action(domain, task_id)):
        return _OK
    where = vault.find_task(task_id)
    if where is None:
        return Verdict.refuse("not_found", f"task {task_id} is not in the vault")
    return Verdict.refuse("claim_lost", f"task {task_id} is no longer waiting: it is at {where}")


def can_reclaim(
    vault: Vault, task_id: str, agent: Agent, now: datetime, *, grace: timedelta = timedelta(0)
) -> Verdict:
    """OK when the task is held in ``In_Progress/`` and its lease expired (``now > until+grace``).

    Cloud may not take work held by Local, nor work whose ``executor`` is ``local``.
    """
    check_agent(agent)
    found = _holder_path(vault, task_id)
    if found is None:
        return Verdict.refuse("not_found", f"task {task_id} is not in progress")
    holder, rel = found
    meta = vault.read(rel).meta
    if agent == "cloud" and (holder == "local" or meta.get("executor") == "local"):
        return Verdict.refuse("forbidden", f"cloud may not reclaim {task_id}: Local executes it")
    claim = claim_of(meta)
    if claim is not None and as_utc(now) <= claim.lease_until + grace:
        return Verdict.refuse(
            "lease_valid",
            f"{claim.claimed_by} holds {task_id} until {claim.lease_until.isoformat()}",
        )
    return _OK


def holds(vault: Vault, task_id: str, agent: Agent, epoch: int) -> Verdict:
    """OK when ``In_Progress/<agent>/<task_id>.md`` records ``agent`` at ``epoch``."""
    rel = in_progress(agent, task_id)
    if not vault.exists(rel):
        if vault.find_task(task_id) is None:
            return Verdict.refuse("not_found", f"task {task_id} is not in the vault")
        return Verdict.refuse("fenced", f"{agent} no longer holds {task_id}")
    claim = claim_of(vault.read(rel).meta)
    if claim is None or claim.claimed_by != agent or claim.claim_epoch != epoch:
        seen = "no claim" if claim is None else f"{claim.claimed_by}@{claim.claim_epoch}"
        return Verdict.refuse("fenced", f"{task_id} is held as {seen}, not {agent}@{epoch}")
    return _OK


def _require(verdict: Verdict, task_id: str, agent: str) -> None:
    if not verdict:
        raise ClaimRefused(verdict, task_id=task_id, agent=agent)


def _claimed(meta: dict[str, Any], agent: Agent, epoch: int, until: datetime) -> dict[str, Any]:
    updated = dict(meta)
    updated["status"] = "in_progress"
    updated["claimed_by"] = agent
    updated["claim_epoch"] = epoch
    updated["lease_until"] = until
    return updated


def _relocate(vault: Vault, src: PurePosixPath, dst: PurePosixPath, doc: Document) -> None:
    """Write ``doc`` at ``dst`` then remove ``src`` (nothing is lost if we crash between)."""
    vault.write(dst, doc)
    if src != dst:
        vault.remove(src)


def apply_claim(
    vault: Vault, domain: str, task_id: str, agent: Agent, now: datetime, lease: timedelta
) -> Claim:
    """Move the task from ``Needs_Action/<domain>/`` to ``In_Progress/<agent>/`` at epoch+1."""
    check_agent(agent)
    check_domain(domain)
    _require(can_claim(vault, domain, task_id), task_id, agent)
    src = needs_action(domain, task_id)
    doc = vault.read(src)
    claim = Claim(agent, as_int(doc.meta.get("claim_epoch"), 0) + 1, as_utc(now) + lease)
    meta = _claimed(doc.meta, agent, claim.claim_epoch, claim.lease_until)
    _relocate(vault, src, in_progress(agent, task_id), Document(meta, doc.body))
    return claim


def apply_renew(
    vault: Vault, task_id: str, agent: Agent, epoch: int, now: datetime, lease: timedelta
) -> Claim:
    """Extend the lease of a task ``agent`` holds at ``epoch``."""
    _require(holds(vault, task_id, agent, epoch), task_id, agent)
    rel = in_progress(agent, task_id)
    doc = vault.read(rel)
    claim = Claim(agent, epoch, as_utc(now) + lease)
    vault.write(rel, Document(_claimed(doc.meta, agent, epoch, claim.lease_until), doc.body))
    return claim


def apply_release(vault: Vault, task_id: str, agent: Agent, epoch: int) -> None:
    """Put a held task back in ``Needs_Action/<domain>/``; keeps ``claim_epoch`` for the next."""
    _require(holds(vault, task_id, agent, epoch), task_id, agent)
    src = in_progress(agent, task_id)
    doc = vault.read(src)
    domain = as_str(doc.meta.get("domain"))
    if domain not in DOMAINS:
        raise ClaimRefused(
            Verdict.refuse("not_found", f"task {task_id} has no valid domain ({domain!r})"),
            task_id=task_id,
            agent=agent,
        )
    dst = needs_action(domain, task_id)
    if vault.exists(dst):
        raise ClaimRefused(
            Verdict.refuse("claim_lost", f"{dst} already exists"), task_id=task_id, agent=agent
        )
    meta = {k: v for k, v in doc.meta.items() if k not in ("claimed_by", "lease_until")}
    meta["status"] = "pending"
    _relocate(vault, src, dst, Document(meta, doc.body))


def apply_reclaim(
    vault: Vault,
    task_id: str,
    agent: Agent,
    now: datetime,
    lease: timedelta,
    *,
    grace: timedelta = timedelta(0),
) -> Claim:
    """Take over a task whose lease expired: to ``In_Progress/<agent>/`` at epoch+1.

    Reclaiming one's own task rewrites it in place (the file is never deleted).
    """
    _require(can_reclaim(vault, task_id, agent, now, grace=grace), task_id, agent)
    found = _holder_path(vault, task_id)
    assert found is not None  # can_reclaim checked it
    src = found[1]
    doc = vault.read(src)
    claim = Claim(agent, as_int(doc.meta.get("claim_epoch"), 0) + 1, as_utc(now) + lease)
    meta = _claimed(doc.meta, agent, claim.claim_epoch, claim.lease_until)
    _relocate(vault, src, in_progress(agent, task_id), Document(meta, doc.body))
    return claim


def claim_in_replica(
    vault: Vault, domain: str, task_id: str, agent: Agent, now: datetime, lease: timedelta
) -> Claim | None:
    """Claim inside one replica: ``os.rename`` picks the single winner; losers get ``None``.

    The winner then rewrites the claim fields atomically. This is not a claim across
    replicas: only an accepted push makes it one.
    """
    check_agent(agent)
    src = vault.path(needs_action(domain, task_id))
    dst = vault.path(in_progress(agent, task_id))
    dst.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(dst):
        return None
    try:
        os.rename(src, dst)
    except FileNotFoundError:
        return None
    rel = in_progress(agent, task_id)
    doc = vault.read(rel)
    claim = Claim(agent, as_int(doc.meta.get("claim_epoch"), 0) + 1, as_utc(now) + lease)
    meta = _claimed(doc.meta, agent, claim.claim_epoch, claim.lease_until)
    vault.write(rel, Document(meta, doc.body))
    return claim
