"""Injected faults: HTTP statuses, delays, hangs and named exceptions from named methods."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["FaultBook", "OdooFault"]

FaultKind = Literal["http_status", "delay", "hang", "exception"]


@dataclass(frozen=True)
class OdooFault:
    """One fault. ``times`` limits how many requests it hits (None: until cleared).

    ``http_status``/``delay``/``hang`` apply to every Odoo route (``path`` narrows them to
    paths starting with it); ``exception`` applies to calls of ``model``.``method`` (either
    may be None for any) on every protocol.
    """

    kind: FaultKind
    status: int = 500
    seconds: float = 0.0
    model: str | None = None
    method: str | None = None
    exception: str = "odoo.exceptions.UserError"
    message: str = "Injected fault"
    times: int | None = None
    path: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("http_status", "delay", "hang", "exception"):
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1 (or None for unlimited)")

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the HTTP test API."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OdooFault:
        """Build from the HTTP test API's JSON."""
        allowed = set(cls.__dataclass_fields__)
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        return cls(**data)


class FaultBook:
    """Active faults with their remaining counts; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[list[Any]] = []  # [fault, remaining or None]
        self.release = threading.Event()  # set to free hung requests

    def add(self, fault: OdooFault) -> None:
        """Activate a fault."""
        with self._lock:
            self._faults.append([fault, fault.times])
            self.release.clear()

    def clear(self) -> None:
        """Drop every fault and free hung requests."""
        with self._lock:
            self._faults.clear()
        self.release.set()

    def active(self) -> list[OdooFault]:
        """The faults still armed."""
        with self._lock:
            return [entry[0] for entry in self._faults]

    def _take(self, wanted: Any) -> OdooFault | None:
        with self._lock:
            for entry in self._faults:
                fault: OdooFault = entry[0]
                if wanted(fault):
                    if entry[1] is not None:
                        entry[1] -= 1
                        if entry[1] <= 0:
                            self._faults.remove(entry)
                    return fault
        return None

    def for_request(self, path: str) -> OdooFault | None:
        """The transport fault (status, delay, hang) that hits this request, if any."""
        return self._take(
            lambda f: f.kind != "exception" and (f.path is None or path.startswith(f.path))
        )

    def for_call(self, model: str, method: str) -> OdooFault | None:
        """The exception fault that hits this model method call, if any."""
        return self._take(
            lambda f: (
                f.kind == "exception" and f.model in (None, model) and f.method in (None, method)
            )
        )
