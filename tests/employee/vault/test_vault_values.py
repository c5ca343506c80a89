"""Lenient readers for frontmatter values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from employee.vault.values import as_int, as_str, as_utc, to_datetime

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (NOW, NOW),
        (datetime(2026, 11, 26, 12, 0), NOW),
        (datetime(2026, 11, 26, 14, 0, tzinfo=timezone(timedelta(hours=2))), NOW),
        (date(2026, 11, 26), NOW.replace(hour=0)),
        ("2026-11-26T12:00:00Z", NOW),
        ("2026-11-26T12:00:00z", NOW),
        (" 2026-11-26T13:00:00+01:00 ", NOW),
        ("2026-11-26 12:00:00", NOW),
        ("tomorrow", None),
        ("", None),
        (None, None),
        (17, None),
    ],
)
def test_to_datetime(value: object, expected: datetime | None) -> None:
    assert to_datetime(value) == expected
    if expected is not None:
        assert to_datetime(value).tzinfo == UTC  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), ("4", 4), (" 5 ", 5), ("x", 0), (True, 0), (None, 0), (2.5, 0)],
)
def test_as_int(value: object, expected: int) -> None:
    assert as_int(value) == expected


def test_as_str_and_as_utc() -> None:
    assert as_str(None) == ""
    assert as_str(None, "d") == "d"
    assert as_str("x") == "x"
    assert as_str(3) == "3"
    assert as_str(NOW) == "2026-11-26T12:00:00Z"
    assert as_utc(datetime(2026, 1, 1)) == datetime(2026, 1, 1, tzinfo=UTC)
