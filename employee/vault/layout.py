"""Where each document lives in the vault (DESIGN.md §3), as paths relative to the root."""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePosixPath

from employee.errors import UnsafeNameError
from employee.vault.constants import AGENTS, DOMAINS, Agent, check_agent, check_domain
from employee.vault.names import validate_id

__all__ = [
    "APPROVED",
    "BUSINESS_GOALS",
    "COMPANY_HANDBOOK",
    "DASHBOARD",
    "DONE",
    "FOLDERS",
    "GITIGNORE",
    "IN_PROGRESS",
    "LOGS",
    "NEEDS_ACTION",
    "PENDING_APPROVAL",
    "PLANS",
    "PROTOCOL_MARKER",
    "REJECTED",
    "UPDATES",
    "approved",
    "done",
    "in_progress",
    "log_file",
    "month_of",
    "needs_action",
    "pending_approval",
    "plan",
    "rejected",
    "update",
]

NEEDS_ACTION = "Needs_Action"
IN_PROGRESS = "In_Progress"
PLANS = "Plans"
PENDING_APPROVAL = "Pending_Approval"
APPROVED = "Approved"
REJECTED = "Rejected"
DONE = "Done"
UPDATES = "Updates"
LOGS = "Logs"
DASHBOARD = PurePosixPath("Dashboard.md")
COMPANY_HANDBOOK = PurePosixPath("Company_Handbook.md")
BUSINESS_GOALS = PurePosixPath("Business_Goals.md")
PROTOCOL_MARKER = PurePosixPath(".platinum/protocol.json")

#: Every folder ``Vault.init`` creates (readers must still tolerate any of them missing).
FOLDERS: tuple[PurePosixPath, ...] = (
    *(PurePosixPath(NEEDS_ACTION, d) for d in DOMAINS),
    *(PurePosixPath(IN_PROGRESS, a) for a in AGENTS),
    *(PurePosixPath(PLANS, d) for d in DOMAINS),
    *(PurePosixPath(PENDING_APPROVAL, d) for d in DOMAINS),
    PurePosixPath(APPROVED),
    PurePosixPath(REJECTED),
    PurePosixPath(DONE),
    PurePosixPath(UPDATES),
    *(PurePosixPath(LOGS, a) for a in AGENTS),
    PurePosixPath(".platinum"),
)

GITIGNORE = """\
# Platinum vault: an allow-list. Everything is ignored, then only protocol files come back.
# Secrets (.env, tokens, sessions, bank files) live outside the vault and can never match.
*
!*/
!*.md
!/Logs/*/*.jsonl
!/.platinum/*.json
!/.gitignore
# Never sync these, even when they end in .md:
.env*
/.obsidian/
/.trash/
.*.tmp
"""

_MONTH_RE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def needs_action(domain: str, task_id: str) -> PurePosixPath:
    """``Needs_Action/<domain>/<task_id>.md``."""
    return PurePosixPath(NEEDS_ACTION, check_domain(domain), f"{validate_id(task_id)}.md")


def in_progress(agent: Agent, task_id: str) -> PurePosixPath:
    """``In_Progress/<agent>/<task_id>.md``."""
    return PurePosixPath(IN_PROGRESS, check_agent(agent), f"{validate_id(task_id)}.md")


def plan(domain: str, task_id: str) -> PurePosixPath:
    """``Plans/<domain>/PLAN_<task_id>.md``."""
    return PurePosixPath(PLANS, check_domain(domain), f"PLAN_{validate_id(task_id)}.md")


def pending_approval(domain: str, approval_id: str) -> PurePosixPath:
    """``Pending_Approval/<domain>/APPROVAL_<approval_id>.md``."""
    name = f"APPROVAL_{validate_id(approval_id)}.md"
    return PurePosixPath(PENDING_APPROVAL, check_domain(domain), name)


def approved(approval_id: str) -> PurePosixPath:
    """``Approved/APPROVAL_<approval_id>.md``."""
    return PurePosixPath(APPROVED, f"APPROVAL_{validate_id(approval_id)}.md")


def rejected(approval_id: str) -> PurePosixPath:
    """``Rejected/APPROVAL_<approval_id>.md``."""
    return PurePosixPath(REJECTED, f"APPROVAL_{validate_id(approval_id)}.md")


def month_of(day: date) -> str:
    """The ``YYYY-MM`` folder name for ``day`` (a date or datetime)."""
    return f"{day.year:04d}-{day.month:02d}"


def done(month: str, filename: str) -> PurePosixPath:
    """``Done/<YYYY-MM>/<filename>``."""
    if not isinstance(month, str) or _MONTH_RE.fullmatch(month) is None:
        raise UnsafeNameError(f"invalid month folder {month!r}: expected YYYY-MM")
    return PurePosixPath(DONE, month, validate_id(filename))


def update(update_id: str) -> PurePosixPath:
    """``Updates/<update_id>.md``."""
    return PurePosixPath(UPDATES, f"{validate_id(update_id)}.md")


def log_file(agent: Agent, day: date) -> PurePosixPath:
    """``Logs/<agent>/YYYY-MM-DD.jsonl``."""
    return PurePosixPath(
        LOGS, check_agent(agent), f"{day.year:04d}-{day.month:02d}-{day.day:02d}.jsonl"
    )
