"""The timeline of a run: who did what and when, from harness verbs and the agents' audit logs.

:class:`Timeline` is thread-safe. ``record()`` stamps events with an injectable clock;
``extend_from_audit()`` turns audit entries (the spec's eight fields plus ``task_id`` and
``duration_ms``) into events. ``events()`` is sorted by time, ties kept in insertion order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.errors import HarnessError

__all__ = [
    "Clock",
    "Event",
    "Timeline",
    "TimelineError",
    "event_from_audit",
    "event_to_json",
    "json_safe",
    "parse_timestamp",
]

Clock = Callable[[], datetime]

_AUDIT_DETAIL_FIELDS = (
    "parameters",
    "approval_status",
    "approved_by",
    "result",
    "task_id",
    "duration_ms",
)


class TimelineError(HarnessError, ValueError):
    """An audit entry or a timestamp could not be turned into an event."""


@dataclass(frozen=True)
class Event:
    """One thing that happened; ``source`` says who told us (harness, audit:cloud, fake:mail...)."""

    at: datetime
    actor: str
    action: str
    target: str = ""
    detail: dict[str, Any] = field(default_factory=dict, hash=False)
    source: str = "harness"

    def matches(self, action: str, match: Mapping[str, Any]) -> bool:
        """True when ``action`` is ours and every ``match`` key equals our field or detail."""
        if self.action != action:
            return False
        for key, wanted in match.items():
            if key in ("actor", "target", "source"):
                if getattr(self, key) != wanted:
                    return False
            elif self.detail.get(key) != wanted:
                return False
        return True


def _utc_now() -> datetime:
    return datetime.now(UTC)


def parse_timestamp(value: Any) -> datetime:
    """An aware datetime from an ISO-8601 string or a datetime; naive values count as UTC."""
    if isinstance(value, datetime):
        stamp = value
    elif isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise TimelineError(f"not an ISO-8601 timestamp: {value[:60]!r}") from exc
    else:
        raise TimelineError(f"timestamp must be a string, got {type(value).__name__}")
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def json_safe(value: Any, _depth: int = 0) -> Any:
    """``value`` made of JSON types only (unknown objects become their ``str``)."""
    if _depth > 20:
        return "..."
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v, _depth + 1) for v in value]
    return str(value)


def event_to_json(event: Event) -> dict[str, Any]:
    """The JSON shape of one event."""
    return {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "detail": json_safe(event.detail),
        "source": event.source,
    }


def event_from_audit(entry: Mapping[str, Any], source: str) -> Event:
    """An event from one audit entry; ``timestamp`` and ``action_type`` are required."""
    if not isinstance(entry, Mapping):
        raise TimelineError(f"audit entry must be a mapping, got {type(entry).__name__}")
    for key in ("timestamp", "action_type"):
        if key not in entry:
            raise TimelineError(f"audit entry from {source} has no {key!r}: {dict(entry)!r:.200}")
    default_actor = source.split(":", 1)[1] if ":" in source else source
    detail = {key: entry[key] for key in _AUDIT_DETAIL_FIELDS if key in entry}
    return Event(
        at=parse_timestamp(entry["timestamp"]),
        actor=str(entry.get("actor") or default_actor),
        action=str(entry["action_type"]),
        target=str(entry.get("target") or ""),
        detail=detail,
        source=source,
    )


class Timeline:
    """A thread-safe, time-ordered record of events."""

    def __init__(self, clock: Clock = _utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._items: list[tuple[datetime, int, Event]] = []
        self._seq = 0

    def _add(self, event: Event) -> None:
        with self._lock:
            self._items.append((event.at, self._seq, event))
            self._seq += 1

    def record(self, actor: str, action: str, target: str = "", **detail: Any) -> Event:
        """Record that ``actor`` did ``action`` (to ``target``) now."""
        at = parse_timestamp(self._clock())
        event = Event(at=at, actor=actor, action=action, target=target, detail=detail)
        self._add(event)
        return event

    def add(self, event: Event) -> Event:
        """Record an event built elsewhere (e.g. by a fake with its own clock)."""
        self._add(event)
        return event

    def extend_from_audit(
        self, entries: Iterable[Mapping[str, Any]], source: str, *, strict: bool = True
    ) -> int:
        """Add audit entries as events and return how many were added.

        Strict (the default): one bad entry raises ``TimelineError`` and nothing is added.
        Lenient: each bad entry becomes an ``audit_entry_unreadable`` event instead.
        """
        events: list[Event] = []
        for index, entry in enumerate(entries):
            try:
                events.append(event_from_audit(entry, source))
            except TimelineError as exc:
                if strict:
                    raise TimelineError(f"{source} entry {index}: {exc}") from exc
                at = parse_timestamp(self._clock())
                events.append(
                    Event(at, "harness", "audit_entry_unreadable", source, {"error": str(exc)})
                )
        for event in events:
            self._add(event)
        return len(events)

    def events(self) -> list[Event]:
        """Every event, sorted by time; equal times keep insertion order."""
        with self._lock:
            items = sorted(self._items, key=lambda item: (item[0], item[1]))
        return [event for _, _, event in items]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def first(self, action: str, **match: Any) -> Event | None:
        """The earliest event with ``action`` whose fields/detail equal ``match``."""
        return next((e for e in self.events() if e.matches(action, match)), None)

    def last(self, action: str, **match: Any) -> Event | None:
        """The latest event with ``action`` whose fields/detail equal ``match``."""
        return next((e for e in reversed(self.events()) if e.matches(action, match)), None)

    @staticmethod
    def between(a: Event, b: Event) -> timedelta:
        """How long after ``a`` event ``b`` happened."""
        return b.at - a.at

    def to_json(self) -> list[dict[str, Any]]:
        """The events as JSON-ready dicts, in time order."""
        return [event_to_json(event) for event in self.events()]
