"""The vault protocol (DESIGN.md §3) as a pure library over one replica's folder.

Documents (``frontmatter``), names and paths (``names``, ``layout``), the ``Vault`` folder,
task/approval/update documents, claims with leases and fencing epochs, the audit log,
the dashboard and the zone table. No git and no agents live here.
"""

from __future__ import annotations

from employee.vault.approvals import (
    ACTIONS,
    Action,
    Approval,
    Decision,
    decision_of,
    is_expired,
    new_approval,
    read_approval,
)
from employee.vault.audit import AuditEntry, append_audit, read_all_audit, read_audit
from employee.vault.claims import (
    Claim,
    ClaimRefused,
    apply_claim,
    apply_reclaim,
    apply_release,
    apply_renew,
    can_claim,
    can_reclaim,
    claim_in_replica,
    claim_of,
    holds,
)
from employee.vault.constants import (
    AGENTS,
    CLOUD_DOMAINS,
    DOMAINS,
    LOCAL_ONLY_DOMAINS,
    PROTOCOL_VERSION,
    Agent,
)
from employee.vault.dashboard import render_dashboard
from employee.vault.frontmatter import (
    Document,
    Limits,
    parse_document,
    read_document,
    render_document,
    write_document,
)
from employee.vault.layout import (
    GITIGNORE,
    PROTOCOL_MARKER,
    approved,
    done,
    in_progress,
    log_file,
    month_of,
    needs_action,
    pending_approval,
    plan,
    rejected,
    update,
)
from employee.vault.names import (
    approval_id_for,
    new_id,
    safe_path,
    task_id_for,
    validate_id,
)
from employee.vault.snapshot import Entry, VaultSnapshot
from employee.vault.tasks import TASK_STATUSES, TaskStatus, new_task, task_status
from employee.vault.updates import UPDATE_KINDS, UpdateKind, new_update
from employee.vault.vault import Vault
from employee.vault.verdict import VERDICT_CODES, Verdict
from employee.vault.zones import ZONES, Change, ChangeKind, check_changes, check_zone, zone_of

__all__ = [
    "ACTIONS",
    "AGENTS",
    "CLOUD_DOMAINS",
    "DOMAINS",
    "GITIGNORE",
    "LOCAL_ONLY_DOMAINS",
    "PROTOCOL_MARKER",
    "PROTOCOL_VERSION",
    "TASK_STATUSES",
    "UPDATE_KINDS",
    "VERDICT_CODES",
    "ZONES",
    "Action",
    "Agent",
    "Approval",
    "AuditEntry",
    "Change",
    "ChangeKind",
    "Claim",
    "ClaimRefused",
    "Decision",
    "Document",
    "Entry",
    "Limits",
    "TaskStatus",
    "UpdateKind",
    "Vault",
    "VaultSnapshot",
    "Verdict",
    "append_audit",
    "apply_claim",
    "apply_reclaim",
    "apply_release",
    "apply_renew",
    "approval_id_for",
    "approved",
    "can_claim",
    "can_reclaim",
    "check_changes",
    "check_zone",
    "claim_in_replica",
    "claim_of",
    "decision_of",
    "done",
    "holds",
    "in_progress",
    "is_expired",
    "log_file",
    "month_of",
    "needs_action",
    "new_approval",
    "new_id",
    "new_task",
    "new_update",
    "parse_document",
    "pending_approval",
    "plan",
    "read_all_audit",
    "read_approval",
    "read_audit",
    "read_document",
    "rejected",
    "render_dashboard",
    "render_document",
    "safe_path",
    "task_id_for",
    "task_status",
    "update",
    "validate_id",
    "write_document",
    "zone_of",
]
