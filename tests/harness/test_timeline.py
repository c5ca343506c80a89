"""Timeline: injectable clock, audit entries, stable time order, queries, JSON shape."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.timeline import Event, Timeline, TimelineError, parse_timestamp

T0 = datetime(2026, 11, 26, 9, 0, 0, tzinfo=UTC)


def stepping_clock(step_ms: float = 10) -> Callable[[], datetime]:
    state = {"now": T0}

    def clock() -> datetime:
        now = state["now"]
        state["now"] = now + timedelta(milliseconds=step_ms)
        return now

    return clock


def audit(ts: str, action: str, **extra: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "timestamp": ts,
        "action_type": action,
        "actor": "cloud_agent",
        "target": "Needs_Action/email/EMAIL_1.md",
        "parameters": {"subject": "Q4"},
        "approval_status": "not_required",
        "approved_by": None,
        "result": "success",
    }
    entry.update(extra)
    return entry


def test_record_uses_the_injected_clock() -> None:
    timeline = Timeline(clock=stepping_clock())
    a = timeline.record("harness", "world_ready")
    b = timeline.record("human", "approve", "APPROVAL_1.md", task="t1")
    assert a.at == T0
    assert b.at == T0 + timedelta(milliseconds=10)
    assert b.detail == {"task": "t1"}
    assert b.source == "harness"
    assert Timeline.between(a, b) == timedelta(milliseconds=10)


def test_naive_clock_values_become_utc() -> None:
    timeline = Timeline(clock=lambda: datetime(2026, 1, 1, 12, 0))
    assert timeline.record("x", "y").at.tzinfo is UTC


def test_events_sorted_by_time_and_stable_for_ties() -> None:
    clock_values = iter([T0 + timedelta(seconds=5), T0, T0, T0 + timedelta(seconds=1)])
    timeline = Timeline(clock=lambda: next(clock_values))
    timeline.record("a", "late")
    timeline.record("b", "tie-first")
    timeline.record("c", "tie-second")
    timeline.record("d", "middle")
    assert [e.action for e in timeline.events()] == ["tie-first", "tie-second", "middle", "late"]
    assert len(timeline) == 4


def test_extend_from_audit_maps_the_spec_fields() -> None:
    timeline = Timeline(clock=stepping_clock())
    timeline.record("mail", "mail_delivered")
    timeline.extend_from_audit(
        [
            audit("2026-11-26T09:00:00.250Z", "email_triaged", task_id="t1", duration_ms=12),
            audit("2026-11-26T09:00:00.100+00:00", "claim", actor=None),
        ],
        source="audit:cloud",
    )
    events = timeline.events()
    assert [e.action for e in events] == ["mail_delivered", "claim", "email_triaged"]
    triaged = events[2]
    assert triaged.actor == "cloud_agent"
    assert triaged.source == "audit:cloud"
    assert triaged.target == "Needs_Action/email/EMAIL_1.md"
    assert triaged.detail["task_id"] == "t1"
    assert triaged.detail["duration_ms"] == 12
    assert triaged.detail["result"] == "success"
    assert events[1].actor == "cloud"  # no actor in the entry: taken from the source


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"action_type": "x"}, "no 'timestamp'"),
        ({"timestamp": "2026-11-26T09:00:00Z"}, "no 'action_type'"),
        ({"timestamp": "yesterday", "action_type": "x"}, "not an ISO-8601 timestamp"),
        ({"timestamp": 12, "action_type": "x"}, "timestamp must be a string"),
        (["not", "a", "mapping"], "must be a mapping"),
    ],
)
def test_bad_audit_entries_are_rejected_whole(entry: object, message: str) -> None:
    timeline = Timeline()
    good = audit("2026-11-26T09:00:00Z", "ok")
    with pytest.raises(TimelineError, match=message):
        timeline.extend_from_audit([good, entry], source="audit:local")  # type: ignore[list-item]
    assert len(timeline) == 0


def test_first_last_and_matching() -> None:
    timeline = Timeline(clock=stepping_clock())
    timeline.record("cloud", "approval_written", "A1", task_id="t1")
    second = timeline.record("cloud", "approval_written", "A2", task_id="t2")
    third = timeline.record("local", "approval_written", "A3", task_id="t2")
    assert timeline.first("approval_written", task_id="t2") == second
    assert timeline.last("approval_written", task_id="t2") == third
    assert timeline.first("approval_written", actor="local") == third
    assert timeline.first("approval_written", target="A1", task_id="t2") is None
    assert timeline.first("nothing") is None


def test_to_json_is_serialisable_and_ordered(tmp_path: Path) -> None:
    timeline = Timeline(clock=stepping_clock())
    timeline.record("harness", "step", "x", path=tmp_path, when=T0, tags={"b"}, n=1)
    data = timeline.to_json()
    text = json.dumps(data)
    assert json.loads(text) == [
        {
            "at": "2026-11-26T09:00:00+00:00",
            "actor": "harness",
            "action": "step",
            "target": "x",
            "detail": {"path": str(tmp_path), "when": T0.isoformat(), "tags": ["b"], "n": 1},
            "source": "harness",
        }
    ]


def test_record_is_thread_safe() -> None:
    timeline = Timeline()
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        barrier.wait(5)
        for i in range(200):
            timeline.record(f"w{n}", "tick", str(i))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    events = timeline.events()
    assert len(events) == 1600
    assert events == sorted(events, key=lambda e: e.at)
    for n in range(8):  # one writer's events keep their own order
        mine = [int(e.target) for e in events if e.actor == f"w{n}"]
        assert mine == list(range(200))


def test_events_are_hashable_and_frozen() -> None:
    event = Event(at=T0, actor="a", action="b", detail={"x": [1]})
    assert hash(event) == hash(Event(at=T0, actor="a", action="b", detail={"y": 2}))
    with pytest.raises(AttributeError):
        event.actor = "z"  # type: ignore[misc]


def test_parse_timestamp_accepts_datetimes() -> None:
    assert parse_timestamp(T0) is T0
    assert parse_timestamp("2026-11-26T10:00:00+01:00") == T0


def test_lenient_audit_import_marks_bad_entries() -> None:
    timeline = Timeline(clock=stepping_clock())
    added = timeline.extend_from_audit(
        [audit("2026-11-26T08:59:59Z", "ok"), {"action_type": "no-time"}],
        source="audit:cloud",
        strict=False,
    )
    assert added == 2
    good, bad = timeline.events()
    assert good.action == "ok"
    assert bad.action == "audit_entry_unreadable"
    assert bad.target == "audit:cloud"
    assert "no 'timestamp'" in bad.detail["error"]
