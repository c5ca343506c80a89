"""Social posts: a claimed ``Needs_Action/social`` task becomes a drafted, scheduled post.

The human (or a plan) asks for a post with a task carrying ``topic`` and optionally
``key_points``, ``link``, ``hashtags`` and ``scheduled_for``. Cloud drafts the text with the
policy and asks for a ``publish_post`` approval; Local publishes it at ``scheduled_for`` through
the social MCP server once approved. Cloud never publishes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from employee.brain import Handbook, Policy, PostRequest, PostRequestError
from employee.cloud.drafting import DraftingError
from employee.sync import Mutation
from employee.vault import Document, approval_id_for, layout, new_approval, new_update
from employee.vault.values import to_datetime

__all__ = ["post_request_of", "social_bundle"]


def _strings(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v).strip() for v in value if str(v).strip())


def post_request_of(meta: Mapping[str, Any], body: str) -> PostRequest:
    """The post a task asks for; the task body serves as key points when none are listed."""
    topic = str(meta.get("topic") or meta.get("subject") or "").strip()
    if not topic:
        raise DraftingError("a social task needs a topic", task_id=str(meta.get("id", "")))
    points = _strings(meta.get("key_points"))
    if not points and body.strip():
        points = tuple(line.strip("-* ").strip() for line in body.splitlines() if line.strip())
    return PostRequest(
        topic=topic,
        key_points=points[:5],
        link=str(meta["link"]) if meta.get("link") else None,
        hashtags=_strings(meta.get("hashtags")),
        scheduled_for=to_datetime(meta.get("scheduled_for")),
    )


def social_bundle(
    *,
    task_id: str,
    task: Document,
    policy: Policy,
    handbook: Handbook,
    now: datetime,
    ttl: timedelta,
) -> Mutation:
    """Plan + ``publish_post`` approval + update, and the task marked awaiting approval."""
    request = post_request_of(task.meta, task.body)
    try:
        draft = policy.draft_post(request, handbook)
    except PostRequestError as exc:
        raise DraftingError(f"cannot draft the post: {exc}", task_id=task_id) from exc
    approval_id = approval_id_for(task_id, "publish_post")
    expires = now + ttl
    if draft.scheduled_for is not None and draft.scheduled_for + ttl > expires:
        expires = draft.scheduled_for + ttl
    params: dict[str, Any] = {"idempotency_key": draft.idempotency_key, "topic": request.topic}
    if draft.scheduled_for is not None:
        params["scheduled_for"] = draft.scheduled_for.isoformat()
    approval = new_approval(
        approval_id=approval_id,
        task_id=task_id,
        action="publish_post",
        params=params,
        body=draft.text + "\n",
        created=now,
        expires=expires,
        requested_by="cloud",
    )
    when = draft.scheduled_for.isoformat() if draft.scheduled_for else "as soon as approved"
    plan = Document(
        {
            "type": "plan",
            "id": f"PLAN_{task_id}",
            "task_id": task_id,
            "domain": "social",
            "created": now,
            "status": "awaiting_approval",
        },
        f"# Post about {request.topic}\n\n- [x] Draft the post\n"
        f"- [ ] Owner approves (or edits) the text\n- [ ] Local publishes it ({when})\n",
    )
    update = new_update(
        update_id=f"{task_id}--drafted",
        kind="approval_pending",
        source="cloud",
        created=now,
        title=f"Post about {request.topic[:60]} drafted; approval needed",
        body=f"[[APPROVAL_{approval_id}]]",
        task_id=task_id,
    )
    task_meta = {**task.meta, "status": "awaiting_approval", "executor": "local"}
    return Mutation.of(
        {
            str(layout.plan("social", task_id)): plan,
            str(layout.pending_approval("social", approval_id)): approval,
            str(layout.update(f"{task_id}--drafted")): update,
            str(layout.in_progress("cloud", task_id)): Document(task_meta, task.body),
        }
    )
