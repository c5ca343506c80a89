"""Lenient readers for frontmatter values written by us, by hand, or by other tools."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

__all__ = ["as_int", "as_str", "as_utc", "to_datetime"]


def as_utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (naive values are taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_datetime(value: Any) -> datetime | None:
    """A YAML timestamp, date or ISO-8601 string as aware UTC; ``None`` when absent or bad."""
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            return as_utc(datetime.fromisoformat(text))
        except ValueError:
            return None
    return None


def as_int(value: Any, default: int = 0) -> int:
    """An integer field (``3`` or ``"3"``); ``default`` when absent or not an integer."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return default
    return default


def as_str(value: Any, default: str = "") -> str:
    """A text field; ``default`` for ``None``, ``str()`` for other scalars."""
    if value is None:
        return default
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return as_utc(value).isoformat().replace("+00:00", "Z")
    return str(value)
