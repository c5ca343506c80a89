"""State kept in ``state_dir`` as JSON: the offline queue and the audit entries not yet pushed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from employee.errors import SyncError
from employee.sync.operations import Operation, from_json, to_json

__all__ = ["OfflineQueue", "PendingLog"]


class OfflineQueue:
    """A FIFO of operations that survives a restart (atomic rewrite on every change)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SyncError("offline queue unreadable", path=str(self.path)) from exc
        if not isinstance(data, list):
            raise SyncError("offline queue is not a list", path=str(self.path))
        return [d for d in data if isinstance(d, dict)]

    def _save(self, items: list[dict[str, Any]]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(items, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def items(self) -> list[Operation]:
        """The queued operations, oldest first."""
        return [from_json(d) for d in self._load()]

    def __len__(self) -> int:
        return len(self._load())

    def append(self, op: Operation) -> None:
        self._save([*self._load(), to_json(op)])

    def pop_first(self) -> None:
        self._save(self._load()[1:])


class PendingLog:
    """Audit entries of lost/refused transactions, written into the agent's next commit."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "[]")
        except ValueError:
            return []
        return [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []

    def extend(self, entries: list[dict[str, Any]]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps([*self.entries(), *entries]), encoding="utf-8")
        os.replace(tmp, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
