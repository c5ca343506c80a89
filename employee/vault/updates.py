"""Update documents: Cloud-to-Local signals that Local merges into ``Dashboard.md``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from employee.errors import DocumentError
from employee.vault.constants import Agent, check_agent
from employee.vault.frontmatter import Document
from employee.vault.names import validate_id

__all__ = ["UPDATE_KINDS", "UpdateKind", "new_update"]

UpdateKind = Literal["info", "alert", "health", "approval_pending"]
UPDATE_KINDS: tuple[UpdateKind, ...] = get_args(UpdateKind)


def new_update(
    *,
    update_id: str,
    kind: UpdateKind,
    source: Agent,
    created: datetime,
    title: str,
    body: str = "",
    task_id: str = "",
) -> Document:
    """An update (``type: update``) for ``Updates/<update_id>.md``."""
    validate_id(update_id)
    if kind not in UPDATE_KINDS:
        raise DocumentError(f"unknown update kind {kind!r}; expected one of {UPDATE_KINDS}")
    check_agent(source)
    meta: dict[str, Any] = {
        "type": "update",
        "id": update_id,
        "kind": kind,
        "source": source,
        "created": created,
        "title": title,
    }
    if task_id:
        meta["task_id"] = validate_id(task_id)
    return Document(meta, body)
