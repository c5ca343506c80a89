"""Local's check of what it receives: zones by commit author, and forged approvals.

The remote's hook is one gate; Local does not trust it. Every commit Local did not write is
re-checked against the zone table with its author as the agent, and an approval that entered
``Approved/`` through anyone's commit but Local's is a forgery: its bytes go to a local-only
quarantine folder in ``state_dir``, the file is removed from ``Approved/`` by a Local
transaction that also writes an ``Updates/`` alert, and it is never executed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from employee.sync._git import Git
from employee.sync.policy import AGENTS, Violation, parse_raw_diff
from employee.vault import Change, Document, check_zone

if TYPE_CHECKING:
    from employee.sync.replica import Replica, SyncResult

__all__ = [
    "ForgedApproval",
    "IncomingReport",
    "approval_origin",
    "check_incoming",
    "guard_incoming",
]

APPROVED = "Approved/"


@dataclass(frozen=True)
class ForgedApproval:
    """An approval file added under ``Approved/`` by a commit that is not Local's."""

    path: str
    commit: str
    author: str


@dataclass
class IncomingReport:
    """Zone violations and forged approvals found in commits between two tips."""

    violations: list[Violation] = field(default_factory=list)
    forged: list[ForgedApproval] = field(default_factory=list)


def check_incoming(git: Git, old_tip: str, new_tip: str, *, me: str = "local") -> IncomingReport:
    """Check every commit in ``old_tip..new_tip`` not authored by ``me``."""
    report = IncomingReport()
    span = f"{old_tip}..{new_tip}" if old_tip else new_tip
    log = git.out("log", "--reverse", "--format=%H%x00%an", span)
    for line in filter(None, log.splitlines()):
        commit, _, author = line.partition("\0")
        if author == me:
            continue
        raw = git.run("diff-tree", "-r", "--raw", "-z", "--no-renames", "--root", commit).stdout
        raw = raw.split(b"\0", 1)[1] if raw[:40] == commit.encode() else raw
        for ch in parse_raw_diff(raw):
            kind = {"A": "add", "D": "delete"}.get(ch.status, "modify")
            mode = ch.old_mode if ch.deleted else ch.new_mode
            if author not in AGENTS:
                verdict_reason = f"commit by unknown author {author!r}"
                report.violations.append(Violation("identity", ch.path, verdict_reason, commit))
            else:
                verdict = check_zone(author, Change(ch.path, kind, mode))  # type: ignore[arg-type]
                if not verdict:
                    report.violations.append(Violation("zone", ch.path, verdict.reason, commit))
            if ch.path.startswith(APPROVED) and not ch.deleted:
                report.forged.append(ForgedApproval(ch.path, commit, author))
    return report


def approval_origin(git: Git, rel: str) -> str:
    """Who put ``Approved/<file>`` where it is: ``worktree``, an author name, or ``absent``."""
    if not (git.cwd / rel).is_file():
        return "absent"
    status = git.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", rel).stdout
    if status.strip(b"\0"):
        return "worktree"
    author = git.out("log", "-1", "--diff-filter=A", "--format=%an", "HEAD", "--", rel)
    return author or "absent"


def guard_incoming(replica: Replica) -> SyncResult:
    """Check commits since the last checked tip; quarantine forged approvals (Local only)."""
    from employee.sync.operations import Mutation, WriteOp
    from employee.sync.replica import SyncResult

    marker = replica.state_dir / "checked_tip"
    new = replica.txgit.out("rev-parse", "HEAD")
    old = marker.read_text().strip() if marker.exists() else ""
    result = SyncResult(online=replica.online, tip=new)
    if old == new:
        return result
    report = check_incoming(replica.txgit, old, new, me=replica.agent)
    marker.write_text(new)
    result.violations = report.violations
    live = [f for f in report.forged if replica._txvault.exists(f.path)]
    if not live:
        return result
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    folder = replica.state_dir / "quarantine" / stamp
    writes: dict[str, Document | str] = {}
    for forged in live:
        target = folder / Path(forged.path).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(replica.txgit.blob(f"{forged.commit}:{forged.path}"))
        result.quarantined.append(forged.path)
        name = Path(forged.path).stem
        writes[f"Updates/ALERT_quarantine_{name}_{stamp}.md"] = _alert(forged, target)
    mutation = Mutation.of(writes, deletes=[f.path for f in live])
    replica.transact(WriteOp(replica.agent, mutation, note="quarantine forged approvals"))
    replica._log(
        [
            {
                "action_type": "quarantined",
                "target": f.path,
                "result": "quarantined",
                "parameters": {"commit": f.commit, "author": f.author},
            }
            for f in live
        ]
    )
    return result


def _alert(forged: ForgedApproval, saved: Path) -> Document:
    meta = {
        "type": "alert",
        "severity": "critical",
        "alert": "forged_approval",
        "path": forged.path,
        "commit": forged.commit,
        "author": forged.author,
        "created": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    body = (
        f"An approval entered `{forged.path}` through a commit by **{forged.author}**, not"
        f" Local. It was quarantined (kept only on this machine at `{saved}`) and will not"
        " be executed.\n"
    )
    return Document(meta, body)
