"""The claims *this* Cloud worker won, kept in its private state folder.

Every Cloud worker claims as ``cloud``, so a task in ``In_Progress/cloud/`` may be a sibling
worker's: a worker resumes only the claims it recorded here (after a crash too, since the file
survives), and takes a sibling's task only through a reclaim once that claim's lease expired.
"""

from __future__ import annotations

import json
from pathlib import Path

from employee.health.heartbeat import write_json_atomic

__all__ = ["HeldClaims"]


class HeldClaims:
    """``task_id → claim_epoch`` for the claims this worker holds, persisted as JSON."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._held: dict[str, int] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict):
            self._held = {str(k): int(v) for k, v in data.items() if isinstance(v, int)}

    def epoch_of(self, task_id: str) -> int | None:
        return self._held.get(task_id)

    def hold(self, task_id: str, epoch: int) -> None:
        self._held[task_id] = epoch
        write_json_atomic(self.path, self._held)

    def drop(self, task_id: str) -> None:
        if self._held.pop(task_id, None) is not None:
            write_json_atomic(self.path, self._held)

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._held

    def __len__(self) -> int:
        return len(self._held)
