"""The answer of every protocol precondition check (claims, fencing, zones)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VERDICT_CODES", "Verdict"]

#: ``ok`` plus every refusal code a check may return.
VERDICT_CODES = frozenset(
    (
        "ok",
        "claim_lost",
        "lease_valid",
        "fenced",
        "not_found",
        "not_holder",
        "expired",
        "forbidden",
        "zone_violation",
    )
)


@dataclass(frozen=True)
class Verdict:
    """A check's result; truthy when ``ok``. ``reason`` is for humans, ``code`` for code."""

    ok: bool
    reason: str = ""
    code: str = "ok"

    def __bool__(self) -> bool:
        return self.ok

    @classmethod
    def refuse(cls, code: str, reason: str) -> Verdict:
        """A failed verdict with ``code`` (one of :data:`VERDICT_CODES`)."""
        if code == "ok" or code not in VERDICT_CODES:
            raise ValueError(f"not a refusal code: {code!r}")
        return cls(False, reason, code)
