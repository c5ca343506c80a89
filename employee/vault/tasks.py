"""Task documents: what lands in ``Needs_Action/<domain>/`` and moves through the vault."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal, get_args

from employee.errors import DocumentError
from employee.vault.constants import check_domain
from employee.vault.frontmatter import Document
from employee.vault.names import validate_id, validate_kind
from employee.vault.values import as_str

__all__ = [
    "CLAIM_FIELDS",
    "RESERVED_TASK_FIELDS",
    "SOURCE_FIELDS",
    "TASK_STATUSES",
    "TaskStatus",
    "new_task",
    "task_status",
]

TaskStatus = Literal[
    "pending", "in_progress", "awaiting_approval", "done", "rejected", "expired", "failed"
]
TASK_STATUSES: tuple[TaskStatus, ...] = get_args(TaskStatus)

#: Source fields of the hackathon spec, in the order they are written.
SOURCE_FIELDS = ("from", "to", "subject", "received", "message_id", "priority")
CLAIM_FIELDS = ("claimed_by", "claim_epoch", "lease_until")
RESERVED_TASK_FIELDS = frozenset(("type", "id", "domain", "status", "created", *CLAIM_FIELDS))


def new_task(
    *,
    task_id: str,
    type: str,
    domain: str,
    created: datetime,
    body: str,
    **source_fields: Any,
) -> Document:
    """A pending task. ``from_=`` is accepted for the ``from`` field (a Python keyword).

    Source values are stored verbatim (the YAML emitter makes any string safe); known
    source fields come first in spec order, then any extra ones in the order given.
    """
    validate_id(task_id)
    validate_kind(type)
    check_domain(domain)
    if "from_" in source_fields:
        if "from" in source_fields:
            raise DocumentError("give either 'from' or 'from_', not both", task_id=task_id)
        source_fields["from"] = source_fields.pop("from_")
    clash = sorted(RESERVED_TASK_FIELDS & source_fields.keys())
    if clash:
        raise DocumentError(f"source fields may not set protocol fields {clash}", task_id=task_id)
    meta: dict[str, Any] = {
        "type": type,
        "id": task_id,
        "domain": domain,
        "status": "pending",
        "created": created,
    }
    for key in SOURCE_FIELDS:
        if key in source_fields:
            meta[key] = source_fields[key]
    for key, value in source_fields.items():
        if key not in meta:
            meta[key] = value
    return Document(meta, body)


def task_status(meta: Mapping[str, Any]) -> TaskStatus | None:
    """The task's status, ``None`` when absent or not a protocol status."""
    value = as_str(meta.get("status"))
    for status in TASK_STATUSES:
        if status == value:
            return status
    return None
