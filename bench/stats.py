"""Samples to figures: percentiles (nearest rank), summaries and the console table. Pure."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Summary", "percentile", "render_table", "summarise"]


def percentile(samples: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q ≤ 100) of non-empty ``samples``."""
    if not samples:
        raise ValueError("no samples")
    if not 0 < q <= 100:
        raise ValueError(f"percentile {q} out of (0, 100]")
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Summary:
    """One measured quantity in milliseconds, against an optional p95 target."""

    name: str
    count: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    target_p95_ms: float | None = None

    @property
    def met(self) -> bool | None:
        """Whether p95 is under the target (``None`` when there is no target)."""
        if self.target_p95_ms is None:
            return None
        return self.p95_ms < self.target_p95_ms

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met}


def summarise(
    name: str, samples_ms: Sequence[float], target_p95_ms: float | None = None
) -> Summary:
    """p50/p95/max/mean of ``samples_ms`` (rounded to 0.1 ms)."""
    if not samples_ms:
        raise ValueError(f"{name}: no samples")
    return Summary(
        name=name,
        count=len(samples_ms),
        p50_ms=round(percentile(samples_ms, 50), 1),
        p95_ms=round(percentile(samples_ms, 95), 1),
        max_ms=round(max(samples_ms), 1),
        mean_ms=round(sum(samples_ms) / len(samples_ms), 1),
        target_p95_ms=target_p95_ms,
    )


def render_table(summaries: Iterable[Summary], counts: Mapping[str, object] | None = None) -> str:
    """A fixed-width table of summaries, then ``name: value`` lines for plain counts."""
    header = f"{'measure':<44} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}  target"
    lines = [header, "-" * len(header)]
    for s in summaries:
        if s.target_p95_ms is None:
            verdict = ""
        else:
            verdict = f"p95 < {s.target_p95_ms:g} {'ok' if s.met else 'MISSED'}"
        figures = f"{s.p50_ms:>9.1f} {s.p95_ms:>9.1f} {s.max_ms:>9.1f}"
        lines.append(f"{s.name:<44} {s.count:>5} {figures}  {verdict}")
    for name, value in (counts or {}).items():
        lines.append(f"{name}: {value}")
    return "\n".join(lines)
