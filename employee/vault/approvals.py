"""Approval requests: one file per side effect; the human decides by moving it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, Literal, get_args

from employee.errors import DocumentError
from employee.vault.constants import Agent, check_agent
from employee.vault.frontmatter import Document
from employee.vault.layout import APPROVED, PENDING_APPROVAL, REJECTED
from employee.vault.names import validate_id, validate_kind
from employee.vault.values import as_str, as_utc, to_datetime
from employee.vault.vault import Vault

__all__ = [
    "ACTIONS",
    "RESERVED_APPROVAL_FIELDS",
    "Action",
    "Approval",
    "Decision",
    "decision_of",
    "is_expired",
    "new_approval",
    "read_approval",
]

Action = Literal["send_email", "post_invoice", "register_payment", "publish_post", "send_invoice"]
ACTIONS: tuple[Action, ...] = get_args(Action)
Decision = Literal["pending", "approved", "rejected", "unknown"]

RESERVED_APPROVAL_FIELDS = frozenset(
    ("type", "id", "task_id", "action", "created", "expires", "requested_by", "status")
)


@dataclass(frozen=True)
class Approval:
    """A parsed approval request. ``body`` is the (possibly human-edited) draft."""

    approval_id: str
    task_id: str
    action: str
    params: dict[str, Any]
    body: str
    created: datetime
    expires: datetime | None
    requested_by: str
    status: str
    path: PurePosixPath


def new_approval(
    *,
    approval_id: str,
    task_id: str,
    action: Action,
    params: Mapping[str, Any],
    body: str,
    created: datetime,
    expires: datetime,
    requested_by: Agent,
) -> Document:
    """An approval request document (``type: approval_request``, ``status: pending``)."""
    validate_id(approval_id)
    validate_id(task_id)
    if action not in ACTIONS:
        raise DocumentError(f"unknown action {action!r}; expected one of {ACTIONS}")
    check_agent(requested_by)
    clash = sorted(RESERVED_APPROVAL_FIELDS & params.keys())
    if clash:
        raise DocumentError(f"action parameters may not set protocol fields {clash}")
    for key in params:
        validate_kind(key)
    if as_utc(expires) <= as_utc(created):
        raise DocumentError("an approval must expire after it is created")
    meta: dict[str, Any] = {
        "type": "approval_request",
        "id": approval_id,
        "task_id": task_id,
        "action": action,
        **params,
        "created": created,
        "expires": expires,
        "requested_by": requested_by,
        "status": "pending",
    }
    return Document(meta, body)


def _approval_id_from(rel: PurePosixPath) -> str:
    stem = rel.stem
    return stem[len("APPROVAL_") :] if stem.startswith("APPROVAL_") else stem


def read_approval(vault: Vault, rel: PurePosixPath) -> Approval:
    """Parse the approval at ``rel``; accepts the hackathon shape (no id/task_id/created).

    A missing ``created`` falls back to the file's modification time; a missing
    ``expires`` means the approval never expires. ``DocumentError`` on anything malformed.
    """
    rel = PurePosixPath(rel)
    doc = vault.read(rel)
    meta = doc.meta
    kind = meta.get("type")
    if kind is not None and kind != "approval_request":
        raise DocumentError(f"not an approval request (type {kind!r})", path=str(rel))
    action = meta.get("action")
    if not isinstance(action, str) or not action:
        raise DocumentError("approval has no 'action'", path=str(rel))
    created = to_datetime(meta.get("created"))
    if created is None:
        if "created" in meta:
            raise DocumentError("approval 'created' is not a timestamp", path=str(rel))
        created = datetime.fromtimestamp(os.stat(vault.path(rel)).st_mtime, UTC)
    expires = to_datetime(meta.get("expires"))
    if expires is None and meta.get("expires") not in (None, ""):
        raise DocumentError("approval 'expires' is not a timestamp", path=str(rel))
    approval_id = as_str(meta.get("id")) or _approval_id_from(rel)
    params = {k: v for k, v in meta.items() if k not in RESERVED_APPROVAL_FIELDS}
    return Approval(
        approval_id=approval_id,
        task_id=as_str(meta.get("task_id")),
        action=action,
        params=params,
        body=doc.body,
        created=created,
        expires=expires,
        requested_by=as_str(meta.get("requested_by")),
        status=as_str(meta.get("status"), "pending"),
        path=rel,
    )


def decision_of(rel: PurePosixPath) -> Decision:
    """The human's decision, read from the folder the file is in (never from its content)."""
    parts = PurePosixPath(rel).parts
    if not parts:
        return "unknown"
    top = parts[0]
    if top == PENDING_APPROVAL and len(parts) == 3:
        return "pending"
    if top == APPROVED and len(parts) == 2:
        return "approved"
    if top == REJECTED and len(parts) == 2:
        return "rejected"
    return "unknown"


def is_expired(approval: Approval, now: datetime) -> bool:
    """True once ``now`` reaches ``expires`` (an approval without ``expires`` never expires)."""
    return approval.expires is not None and as_utc(now) >= approval.expires
