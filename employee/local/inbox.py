"""The human's inbox: notes the owner drops into ``Needs_Action/<domain>/`` in Obsidian.

A note the human creates there (say ``Needs_Action/social/launch post.md``) is not yet a task:
its file name is untrusted and it is not committed. Local turns it into a proper task — id from a
hash of its path and content, file name from that id, fields through the vault's emitter — in
one transaction, then removes the human's original from the working tree (only if unchanged).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import PurePosixPath

from employee.errors import DocumentError
from employee.sync import Mutation
from employee.sync.operations import CreateTaskOp
from employee.vault import (
    DOMAINS,
    Document,
    layout,
    new_task,
    parse_document,
    task_id_for,
)
from employee.vault.tasks import RESERVED_TASK_FIELDS

__all__ = ["inbox_op", "note_task_id"]

_KIND = re.compile(r"[a-z][a-z0-9_]{0,31}")
_TYPES = {"social": "social_post", "finance": "invoice_request", "payments": "payment"}


def note_task_id(rel: PurePosixPath, text: str) -> str:
    """The stable task id of a human note: a hash of where it was dropped and what it says."""
    return task_id_for("note", hashlib.sha256(f"{rel}\n{text}".encode()).hexdigest())


def inbox_op(rel: PurePosixPath, text: str, *, now: datetime) -> CreateTaskOp:
    """The transaction that turns the human's note at ``rel`` into a task."""
    if len(rel.parts) != 3 or rel.parts[0] != "Needs_Action" or rel.parts[1] not in DOMAINS:
        raise DocumentError("a human note must sit in Needs_Action/<domain>/", path=str(rel))
    domain = rel.parts[1]
    doc = parse_document(text)
    task_id = note_task_id(rel, text)
    kind = str(doc.meta.get("type") or _TYPES.get(domain, "note"))
    extra = {
        str(k): v
        for k, v in doc.meta.items()
        if str(k) not in RESERVED_TASK_FIELDS and str(k).isidentifier()
    }
    if "topic" not in extra and domain == "social":
        extra["topic"] = rel.stem
    task = new_task(
        task_id=task_id,
        type=kind if _KIND.fullmatch(kind) else "note",
        domain=domain,
        created=now,
        body=doc.body,
        **extra,
    )
    task = Document({**task.meta, "source": "human_note"}, task.body)
    return CreateTaskOp(
        "local", task_id, Mutation.of({str(layout.needs_action(domain, task_id)): task})
    )
