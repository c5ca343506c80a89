"""What every agent process shares: its replica, health check, heartbeat, ready line and loop.

`AgentProcess.run` opens (or clones) the agent's replica, serves ``GET /health`` on loopback,
writes heartbeats into the private state folder, starts the agent's own services, prints one
JSON ready line, then runs ``work_once`` whenever something wakes it (a filesystem event, a
push noticed on the remote, a delivered mail) or its poll interval or the nearest retry is due.
Subclasses provide ``start_services`` and ``work_once``; retries back off with jitter.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from employee.config import AgentConfig
from employee.errors import EmployeeError
from employee.health import HealthServer, Heartbeat
from employee.sync import Replica

__all__ = ["AgentProcess", "Retry", "open_replica", "utcnow"]

Stopper = Callable[[], None]


def utcnow() -> datetime:
    return datetime.now(UTC)


def open_replica(config: AgentConfig) -> Replica:
    """The agent's replica: reopened from its state folder, or cloned on first start."""
    if (config.state_dir / "tx").exists():
        return Replica.open(config.vault, agent=config.agent, state_dir=config.state_dir)
    return Replica.clone(
        config.remote, config.vault, agent=config.agent, state_dir=config.state_dir
    )


@dataclass
class Retry:
    """Backoff state of one piece of work (a task, an approval)."""

    attempts: int = 0
    not_before: float = 0.0
    refusals: int = 0


class AgentProcess(ABC):
    """The loop and the plumbing; ``name`` is ``cloud`` or ``local``."""

    name: ClassVar[str]

    def __init__(self, config: AgentConfig, stats: dict[str, int]) -> None:
        if config.agent != self.name:
            raise EmployeeError(
                f"this process needs a {self.name} configuration", agent=config.agent
            )
        self.config = config
        self.replica: Replica | None = None
        self.wake = threading.Event()
        self.stats = stats
        self._retries: dict[str, Retry] = {}
        self._status = "starting"
        self._last_error = ""
        self.log = logging.getLogger(f"employee.{self.name}")

    # -- what subclasses provide ------------------------------------------------------------------
    @abstractmethod
    def start_services(self, stop: threading.Event) -> list[Stopper]:
        """Start the agent's own threads after the replica opened; return their stoppers."""

    @abstractmethod
    def work_once(self) -> None:
        """One pass over the vault."""

    def prepare(self) -> None:  # noqa: B027 - optional hook, empty by default
        """Runs before the replica opens (load private state)."""

    # -- the process ----------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> int:
        logging.basicConfig(
            level=logging.INFO, stream=sys.stderr, format=f"%(asctime)s {self.name} %(message)s"
        )
        cfg = self.config
        cfg.state_dir.mkdir(parents=True, exist_ok=True)
        self.prepare()
        self.replica = open_replica(cfg)
        health = HealthServer(self.status, host=cfg.health.host, port=cfg.health.port).start()
        beat = Heartbeat(
            cfg.state_dir / "heartbeat.json",
            lambda: {**self.status(), "health_url": health.url},
            interval=cfg.health.heartbeat_seconds,
        ).start()
        self._status = "ok"
        stoppers: list[Stopper] = []
        try:
            stoppers = self.start_services(stop)
            ready = {"agent": self.name, "pid": os.getpid(), "health_url": health.url}
            print(json.dumps(ready), flush=True)
            while not stop.is_set():
                self.work_once()
                self.wake.wait(self.next_wait())
                self.wake.clear()
        finally:
            for stopper in reversed(stoppers):
                stopper()
            beat.stop()
            health.stop()
        return 0

    def status(self) -> dict[str, Any]:
        rep = self.replica
        return {
            "agent": self.name,
            "status": self._status,
            "online": bool(rep.online) if rep is not None else False,
            "queued": len(rep.queue) if rep is not None else 0,
            "stats": dict(self.stats),
            "retrying": sorted(self._retries),
            "last_error": self._last_error,
            "pid": os.getpid(),
        }

    # -- retries ----------------------------------------------------------------------------------
    def next_wait(self) -> float:
        """Seconds until the poll interval or the nearest retry, whichever comes first."""
        wait = self.config.timing.poll_seconds
        now = time.monotonic()
        for retry in self._retries.values():
            wait = min(wait, max(0.0, retry.not_before - now))
        return max(wait, 0.01)

    def waiting(self, key: str) -> bool:
        """True while ``key`` backs off."""
        retry = self._retries.get(key)
        return retry is not None and retry.not_before > time.monotonic()

    def backoff(self, key: str, why: str) -> Retry:
        """Schedule another try of ``key`` after a jittered exponential delay."""
        retry = self._retries.setdefault(key, Retry())
        retry.attempts += 1
        timing = self.config.timing
        delay = min(timing.retry_max_seconds, timing.retry_base_seconds * 2 ** (retry.attempts - 1))
        delay *= random.uniform(0.8, 1.2)
        retry.not_before = time.monotonic() + delay
        self._last_error = f"{key}: {why}"
        self.log.info("retry %s in %.2fs (%s)", key, delay, why)
        return retry

    def settled(self, key: str) -> None:
        """``key`` needs no more retries."""
        self._retries.pop(key, None)
