"""bench.stats: nearest-rank percentiles, summaries against targets, the table."""

from __future__ import annotations

import pytest

from bench.stats import percentile, render_table, summarise


def test_percentile_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 50) == 50.0
    assert percentile(samples, 95) == 95.0
    assert percentile(samples, 100) == 100.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


@pytest.mark.parametrize("q", [0, -1, 101])
def test_percentile_rejects_bad_rank(q: float) -> None:
    with pytest.raises(ValueError):
        percentile([1.0], q)


def test_percentile_needs_samples() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        summarise("empty", [])


def test_summary_against_target() -> None:
    fast = summarise("fast", [100.0] * 19 + [600.0], target_p95_ms=500)
    slow = summarise("slow", [100.0] * 18 + [600.0, 700.0], target_p95_ms=500)
    plain = summarise("plain", [1.0, 2.0])
    assert (fast.p95_ms, fast.max_ms, fast.met) == (100.0, 600.0, True)
    assert (slow.p95_ms, slow.met) == (600.0, False)
    assert plain.met is None
    assert slow.as_dict()["met"] is False


def test_table_shows_verdicts_and_counts() -> None:
    table = render_table(
        [summarise("ok one", [1.0], 10), summarise("bad one", [20.0], 10)], {"lost": 0}
    )
    lines = table.splitlines()
    assert "ok one" in lines[2]
    assert lines[2].endswith("ok")
    assert "bad one" in lines[3]
    assert lines[3].endswith("MISSED")
    assert lines[-1] == "lost: 0"
