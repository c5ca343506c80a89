"""What Cloud writes for one mail, as pure functions from facts to vault documents.

Nothing here touches files, git or the network: the agent passes the results to a transaction.
Every untrusted string reaches YAML only as a value handed to the vault's emitter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from employee.brain import Draft, Triage
from employee.mail import InboundMail, reply_subject
from employee.vault import Document, approval_id_for, new_approval, new_task, new_update

__all__ = ["DraftBundle", "email_task", "reply_bundle", "threading_of"]


@dataclass(frozen=True)
class DraftBundle:
    """The documents of one drafting transaction, keyed by what they are."""

    plan: Document
    approvals: Mapping[str, Document]  # approval_id -> approval request
    update: Document


def email_task(mail: InboundMail, *, task_id: str, now: datetime) -> Document:
    """The task document for an inbound mail (status pending, in ``Needs_Action/email/``)."""
    received = mail.date or now
    body = mail.body_text.strip() or "(no text body)"
    return new_task(
        task_id=task_id,
        type="email",
        domain="email",
        created=now,
        body=body + "\n",
        **{
            "from": mail.from_addr,
            "from_name": mail.from_name,
            "to": list(mail.to),
            "subject": mail.subject,
            "received": received.isoformat(),
            "message_id": mail.message_id,
            "in_reply_to": mail.in_reply_to or "",
            "references": list(mail.references),
            "attachments": [a.safe_name for a in mail.attachments],
        },
    )


def threading_of(task_meta: Mapping[str, Any]) -> tuple[str, list[str]]:
    """``(in_reply_to, references)`` for a reply to the mail a task came from."""
    parent = str(task_meta.get("message_id") or "")
    previous = [str(r) for r in task_meta.get("references") or [] if r]
    if not previous and task_meta.get("in_reply_to"):
        previous = [str(task_meta["in_reply_to"])]
    references = [r for r in previous if r != parent] + ([parent] if parent else [])
    return parent, references


def reply_bundle(
    *,
    task_id: str,
    task_meta: Mapping[str, Any],
    triage: Triage,
    draft: Draft,
    plan_text: str,
    now: datetime,
    ttl: timedelta,
) -> DraftBundle:
    """Plan + one ``send_email`` approval + an ``Updates/`` signal for a reply-needed mail."""
    approval_id = approval_id_for(task_id, "send_email")
    in_reply_to, references = threading_of(task_meta)
    approval = new_approval(
        approval_id=approval_id,
        task_id=task_id,
        action="send_email",
        params={
            "to": [str(task_meta.get("from", ""))],
            "cc": [],
            "subject": reply_subject(str(task_meta.get("subject", ""))),
            "in_reply_to": in_reply_to,
            "references": references,
            "priority": triage.priority,
        },
        body=draft.body,
        created=now,
        expires=now + ttl,
        requested_by="cloud",
    )
    plan = plan_document(task_id=task_id, domain="email", text=plan_text, now=now, triage=triage)
    update = new_update(
        update_id=f"{task_id}--drafted",
        kind="approval_pending",
        source="cloud",
        created=now,
        title=f"Reply drafted for {task_meta.get('from', 'a sender')}; approval needed",
        body=f"[[APPROVAL_{approval_id}]]",
        task_id=task_id,
    )
    return DraftBundle(plan=plan, approvals={approval_id: approval}, update=update)


def plan_document(
    *, task_id: str, domain: str, text: str, now: datetime, triage: Triage
) -> Document:
    meta: dict[str, Any] = {
        "type": "plan",
        "id": f"PLAN_{task_id}",
        "task_id": task_id,
        "domain": domain,
        "created": now.isoformat(),
        "category": triage.category,
        "priority": triage.priority,
        "reasons": list(triage.reasons),
        "status": "awaiting_approval",
    }
    return Document(meta=meta, body=text)
