"""The watcher's durable position: ``UIDVALIDITY``, last handled UID, recent Message-IDs.

Stored as one small JSON file in the agent's private state directory (never in the vault),
replaced atomically (temporary file, fsync, rename, fsync of the directory). A missing or
unreadable file yields a fresh cursor; downstream dedup by Message-ID absorbs the replay.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CursorState", "CursorStore"]

log = logging.getLogger(__name__)
_MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass
class CursorState:
    """Mutable in-memory cursor; ``seen`` keeps insertion order and is bounded by the store."""

    uidvalidity: int | None = None
    last_uid: int = 0
    seen: OrderedDict[str, None] = field(default_factory=OrderedDict)
    skipped: list[int] = field(default_factory=list)

    def has_seen(self, message_id: str) -> bool:
        return message_id in self.seen


class CursorStore:
    """Load and atomically save a ``CursorState`` at ``path``."""

    def __init__(self, path: Path, *, max_seen: int = 5000, max_skipped: int = 200) -> None:
        self.path = Path(path)
        self.max_seen = max_seen
        self.max_skipped = max_skipped

    def load(self) -> CursorState:
        try:
            if self.path.stat().st_size > _MAX_FILE_BYTES:
                raise ValueError("cursor file too large")
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
            uidvalidity = data["uidvalidity"]
            last_uid = data["last_uid"]
            seen = data.get("seen_message_ids", [])
            skipped = data.get("skipped_uids", [])
            if not (uidvalidity is None or isinstance(uidvalidity, int)):
                raise ValueError("bad uidvalidity")
            if not isinstance(last_uid, int) or last_uid < 0:
                raise ValueError("bad last_uid")
            if not isinstance(seen, list) or not all(isinstance(s, str) for s in seen):
                raise ValueError("bad seen_message_ids")
            if not isinstance(skipped, list) or not all(isinstance(u, int) for u in skipped):
                raise ValueError("bad skipped_uids")
        except FileNotFoundError:
            return CursorState()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("cursor %s unreadable (%s); starting from the beginning", self.path, exc)
            return CursorState()
        state = CursorState(uidvalidity, last_uid, OrderedDict.fromkeys(seen[-self.max_seen :]))
        state.skipped = skipped[-self.max_skipped :]
        return state

    def remember(self, state: CursorState, message_id: str) -> None:
        """Add ``message_id`` to ``state.seen``, evicting the oldest beyond ``max_seen``."""
        state.seen[message_id] = None
        state.seen.move_to_end(message_id)
        while len(state.seen) > self.max_seen:
            state.seen.popitem(last=False)
        del state.skipped[: -self.max_skipped or None]

    def save(self, state: CursorState) -> None:
        payload = json.dumps(
            {
                "uidvalidity": state.uidvalidity,
                "last_uid": state.last_uid,
                "seen_message_ids": list(state.seen),
                "skipped_uids": state.skipped[-self.max_skipped :],
            },
            separators=(",", ":"),
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cursor-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
