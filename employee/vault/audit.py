"""The audit log: one JSON object per line in ``Logs/<agent>/YYYY-MM-DD.jsonl``.

Each entry is appended with a single ``os.write`` on an ``O_APPEND`` descriptor, so lines
from concurrent writers never interleave; a partial last line left by a crash is never
glued onto. Readers skip corrupt lines (with a warning) and
never rewrite a log.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from employee.errors import VaultError
from employee.vault.constants import AGENTS, Agent, check_agent
from employee.vault.layout import LOGS, log_file
from employee.vault.names import safe_path
from employee.vault.values import as_utc

__all__ = ["AuditEntry", "append_audit", "read_all_audit", "read_audit"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuditEntry:
    """The spec's eight fields plus ``task_id`` and ``duration_ms``."""

    timestamp: datetime
    action_type: str
    actor: str
    target: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    approval_status: str = ""
    approved_by: str = ""
    result: str = ""
    task_id: str = ""
    duration_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        """The JSON object written for this entry (timestamp as UTC ISO-8601 with ``Z``)."""
        stamp = as_utc(self.timestamp).isoformat().replace("+00:00", "Z")
        return {
            "timestamp": stamp,
            "action_type": self.action_type,
            "actor": self.actor,
            "target": self.target,
            "parameters": dict(self.parameters),
            "approval_status": self.approval_status,
            "approved_by": self.approved_by,
            "result": self.result,
            "task_id": self.task_id,
            "duration_ms": self.duration_ms,
        }


def _encode(entry: AuditEntry) -> bytes:
    try:
        text = json.dumps(entry.to_json(), ensure_ascii=True, default=str, allow_nan=False)
    except ValueError as exc:
        raise VaultError(f"audit entry cannot be written as JSON: {exc}") from None
    return text.encode("ascii") + b"\n"


def append_audit(root: Path, agent: Agent, entry: AuditEntry) -> PurePosixPath:
    """Append ``entry`` to ``agent``'s log for the entry's UTC day; returns the log path."""
    check_agent(agent)
    rel = log_file(agent, as_utc(entry.timestamp).date())
    path = safe_path(root, rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = _encode(entry)
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        # The lock only orders cooperating writers for the partial-line check below;
        # the entry itself is still one O_APPEND write, atomic for everyone else.
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line  # a crash left a partial line: never glue onto it
        written = os.write(fd, line)
        if written != len(line):
            raise VaultError(f"short audit write ({written}/{len(line)} bytes)", path=str(rel))
    finally:
        os.close(fd)  # also releases the lock
    return rel


def read_audit(path: Path) -> Iterator[dict[str, Any]]:
    """Yield each valid JSON object of a log; corrupt lines are skipped with a warning."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the generator's finally
    except FileNotFoundError:
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except ValueError:
                logger.warning("skipping corrupt audit line %d in %s", number, path)
                continue
            if not isinstance(value, dict):
                logger.warning("skipping non-object audit line %d in %s", number, path)
                continue
            yield value


def read_all_audit(root: Path, agent: Agent | None = None) -> list[dict[str, Any]]:
    """Every entry of one agent's logs (or all agents'), ordered by timestamp then file."""
    agents = AGENTS if agent is None else (check_agent(agent),)
    entries: list[dict[str, Any]] = []
    for name in agents:
        folder = safe_path(root, PurePosixPath(LOGS, name))
        try:
            files = sorted(p for p in os.listdir(folder) if p.endswith(".jsonl"))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for filename in files:
            entries.extend(read_audit(folder / filename))
    entries.sort(key=lambda e: str(e.get("timestamp", "")))
    return entries
