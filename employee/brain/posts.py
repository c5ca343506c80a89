"""Drafting social posts that fit the platform's length limit, deterministically."""

from __future__ import annotations

import hashlib
import re

from employee.brain.facts import PostDraft, PostRequest
from employee.brain.handbook import Handbook
from employee.errors import EmployeeError

__all__ = ["PostRequestError", "post_draft", "post_idempotency_key"]


class PostRequestError(EmployeeError, ValueError):
    """A post request that cannot become a post (e.g. an empty topic)."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_TAG = re.compile(r"[^\w]", re.UNICODE)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", text)).strip()


def _sentence(text: str) -> str:
    text = _clean(text)
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def _fit(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)].rsplit(" ", 1)[0] or text[: max(limit - 1, 0)]
    return cut.rstrip(" ,;:.") + "…"


def post_idempotency_key(text: str, scheduled_for: str | None) -> str:
    """A stable key for one post: the same text and schedule always give the same key."""
    digest = hashlib.sha256(f"{text}\x00{scheduled_for or ''}".encode()).hexdigest()
    return f"post-{digest[:32]}"


def post_draft(request: PostRequest, handbook: Handbook) -> PostDraft:
    """Compose topic, key points, link and hashtags; drop tags, then points, then cut to fit."""
    limit = max(request.max_chars, 1)
    notes: list[str] = []
    topic = _sentence(request.topic)
    if not topic:
        raise PostRequestError("a post needs a non-empty topic", max_chars=request.max_chars)
    if handbook.tone == "friendly" and topic and topic[-1] == ".":
        topic = topic[:-1] + "!"
    points = [_sentence(p) for p in request.key_points if _clean(p)]
    link = _clean(request.link or "").replace(" ", "")
    tags = []
    for raw in request.hashtags:
        tag = _TAG.sub("", raw.lstrip("#"))
        if tag and f"#{tag}" not in tags:
            tags.append(f"#{tag}")

    def compose(n_points: int, with_tags: bool) -> str:
        parts = [topic, *points[:n_points]]
        if link:
            parts.append(link)
        if with_tags and tags:
            parts.append(" ".join(tags))
        return " ".join(p for p in parts if p)

    text = compose(len(points), True)
    if len(text) > limit and tags:
        text = compose(len(points), False)
        notes.append("hashtags dropped to fit the length limit")
    kept = len(points)
    while len(text) > limit and kept > 0:
        kept -= 1
        text = compose(kept, False)
    if kept < len(points):
        notes.append(f"{len(points) - kept} key point(s) dropped to fit the length limit")
    if len(text) > limit:
        reserve = len(link) + 1 if link and len(link) < limit // 2 else 0
        text = _fit(topic, limit - reserve) + (f" {link}" if reserve else "")
        notes.append("topic shortened to fit the length limit")
    scheduled = request.scheduled_for.isoformat() if request.scheduled_for else None
    return PostDraft(
        text=text,
        idempotency_key=post_idempotency_key(text, scheduled),
        scheduled_for=request.scheduled_for,
        notes=tuple(notes),
    )
