"""Steps of features/social.feature: a post requested, drafted, approved or rejected, published."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_bdd import parsers, then, when

from harness.world import World

ACTION = "publish_post"


@pytest.fixture
def post() -> dict[str, Any]:
    """What the social steps learn: the task id and the time the post is scheduled for."""
    return {}


def _posts_at(when: str) -> datetime:
    return datetime.fromisoformat(when.replace("Z", "+00:00"))


def _done_task(world: World, task_id: str) -> str:
    found = [p for p in world.remote.find("Done/") if p.endswith(f"/{task_id}.md")]
    return world.remote.read_text(found[0]) if found else ""


@when(parsers.parse('the human asks for a post about "{topic}" {seconds:d} seconds ahead'))
def ask_for_post(world: World, post: dict[str, Any], topic: str, seconds: int) -> None:
    post["at"] = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=seconds)
    post["task_id"] = world.human.request_post(
        topic, scheduled_for=post["at"], key_points=("Saturday 10-16 h",), hashtags=("openhouse",)
    )


@when("Cloud's publish_post approval for the post reaches the human")
def approval_reaches_human(world: World, post: dict[str, Any]) -> None:
    task_id = post["task_id"]
    world.wait_for(lambda: world.human.pending_approvals(task_id), timeout=60, describe="post")
    assert world.remote.find("Pending_Approval/social/", f"APPROVAL_{task_id}--{ACTION}")


@when("the human approves the post")
def approve_post(world: World, post: dict[str, Any]) -> None:
    post["text"] = world.human.read(post["task_id"], ACTION).body.strip()
    world.human.approve(post["task_id"], action=ACTION)


@when("the human rejects the post")
def reject_post(world: World, post: dict[str, Any]) -> None:
    world.human.reject(post["task_id"], action=ACTION)


@then("the social API holds exactly one published post, published no earlier than scheduled")
def published_once(world: World, post: dict[str, Any]) -> None:
    posts = world.wait_for(world.social.posts, timeout=60, describe="a published post")
    assert len(posts) == 1, posts
    assert posts[0]["status"] == "published"
    assert posts[0]["text"] == post["text"]
    assert _posts_at(posts[0]["published_at"]) >= post["at"]


@then(parsers.parse("the post's task is filed in Done as {status}"))
def task_done(world: World, post: dict[str, Any], status: str) -> None:
    text = world.wait_for(lambda: _done_task(world, post["task_id"]), timeout=60, describe="Done")
    assert f"status: {status}" in text


@then("Local's audit log records the post as published")
def audit_published(world: World, post: dict[str, Any]) -> None:
    entries = world.remote.audit_entries("local")
    mine = [e for e in entries if e.get("task_id") == post["task_id"]]
    assert [e["result"] for e in mine if e["action_type"] == "post_published"] == ["published"]


@then("the scheduled time passes with nothing published")
def nothing_published(world: World, post: dict[str, Any]) -> None:
    world.wait_for(lambda: datetime.now(UTC) > post["at"], timeout=30, describe="the time")
    world.wait_for(lambda: not world.local.health()["retrying"], describe="Local idle")
    assert world.social.posts() == []
