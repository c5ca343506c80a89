"""From raw mail bytes to the transaction that records it: a task, or a quarantine alert."""

from __future__ import annotations

import os
from datetime import datetime
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

from employee.cloud.documents import email_task
from employee.cloud.ops import QuarantineOp
from employee.mail import InboundMail, Quarantined
from employee.mail.text import clean_header_text
from employee.sync import Mutation
from employee.sync.operations import CreateTaskOp
from employee.vault import layout, new_update, task_id_for

__all__ = ["TRIAGE_HEADERS", "ingest_op", "quarantine_op", "triage_headers"]

#: Headers the brain's rules read, kept (cleaned, capped) in the task's frontmatter.
TRIAGE_HEADERS = ("list-unsubscribe", "list-id", "precedence", "auto-submitted", "reply-to")


def triage_headers(raw: bytes) -> list[list[str]]:
    """The triage headers of a mail that already passed the parser's limits."""
    parsed = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    found: list[list[str]] = []
    for name in TRIAGE_HEADERS:
        for value in parsed.get_all(name) or []:
            found.append([name, clean_header_text(str(value), 500)])
    return found


def ingest_op(mail: InboundMail, raw: bytes, *, now: datetime) -> CreateTaskOp:
    """The transaction that creates the task for ``mail`` (a no-op when it already exists)."""
    task_id = task_id_for("email", mail.message_id)
    doc = email_task(mail, task_id=task_id, now=now)
    headers = triage_headers(raw)
    if headers:
        doc.meta["headers"] = headers
        reply_to = next((v for k, v in headers if k == "reply-to"), "")
        if reply_to:
            doc.meta["reply_to"] = reply_to
    rel = layout.needs_action("email", task_id)
    return CreateTaskOp("cloud", task_id, Mutation.of({str(rel): doc}))


def quarantine_op(
    verdict: Quarantined, raw: bytes, *, uid: int, now: datetime, state_dir: Path
) -> QuarantineOp:
    """Keep the raw bytes privately (never synced) and alert Local through ``Updates/``."""
    folder = state_dir / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    digest = verdict.raw_digest[:32]
    path = folder / f"{digest}.eml"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
    task_id = task_id_for("quarantine", verdict.raw_digest)
    update = new_update(
        update_id=f"{task_id}--quarantined",
        kind="alert",
        source="cloud",
        created=now,
        title=f"Mail quarantined: {verdict.reason}",
        body=(
            f"A message of {verdict.size} bytes (IMAP uid {uid}, digest `{digest}`) was refused "
            f"by the parser and kept in Cloud's private quarantine. Reason: {verdict.reason}."
        ),
        task_id=task_id,
    )
    rel = layout.update(f"{task_id}--quarantined")
    return QuarantineOp("cloud", task_id, Mutation.of({str(rel): update}))
