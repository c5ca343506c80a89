"""Social post drafts fit the limit, degrade in a known order and keep a stable key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from employee.brain import Handbook, PostRequest, PostRequestError, RulesPolicy

HB = Handbook.default()


def test_full_post() -> None:
    draft = RulesPolicy().draft_post(
        PostRequest(
            "we finished the harbour bridge survey",
            ("three weeks on site", "zero incidents"),
            "https://acme.example/bridge",
            ("engineering", "#Safety", "safety"),
        ),
        HB,
    )
    assert draft.text == (
        "We finished the harbour bridge survey. Three weeks on site. Zero incidents. "
        "https://acme.example/bridge #engineering #Safety #safety"
    )
    assert draft.notes == ()
    assert draft.idempotency_key.startswith("post-")


def test_degrades_to_fit() -> None:
    request = PostRequest(
        "a" * 50, ("b" * 60, "c" * 60), "https://x.example/p", ("tag",), None, 140
    )
    draft = RulesPolicy().draft_post(request, HB)
    assert len(draft.text) <= 140
    assert "#tag" not in draft.text
    assert "hashtags dropped to fit the length limit" in draft.notes
    assert "1 key point(s) dropped to fit the length limit" in draft.notes
    tiny = RulesPolicy().draft_post(PostRequest("word " * 100, max_chars=40), HB)
    assert len(tiny.text) <= 40
    assert tiny.text.endswith("…")


def test_key_depends_on_text_and_schedule() -> None:
    policy = RulesPolicy()
    when = datetime(2026, 5, 1, 9, tzinfo=UTC)
    a = policy.draft_post(PostRequest("Launch day"), HB)
    b = policy.draft_post(PostRequest("Launch day"), HB)
    c = policy.draft_post(PostRequest("Launch day", scheduled_for=when), HB)
    assert a.idempotency_key == b.idempotency_key != c.idempotency_key
    assert c.scheduled_for == when


def test_empty_topic_is_refused() -> None:
    with pytest.raises(PostRequestError, match="non-empty topic"):
        RulesPolicy().draft_post(PostRequest("  \n "), HB)
