"""Restart a crashed agent with exponential backoff and a restart cap.

``python -m employee supervise --config FILE`` runs ``python -m employee <agent> --config FILE`` as
a child. When the child dies with a non-zero status (a crash, ``kill -9``), the supervisor waits
``backoff`` (doubling up to ``backoff_max``) and starts it again, at most ``max_restarts`` times
within ``window_seconds``. Each new incarnation receives ``PLATINUM_RESTARTS`` and
``PLATINUM_LAST_EXIT`` in its environment, so the agent itself reports the restart to Local's
dashboard through ``Updates/`` (the supervisor holds no replica of its own). The restart history
is kept in ``<state_dir>/supervisor.json``. When the cap is reached the supervisor gives up and
calls ``on_give_up`` (the CLI writes an alert through the agent's replica, whose owner is dead).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from employee.health.heartbeat import write_json_atomic

__all__ = ["RestartPolicy", "Supervisor"]


@dataclass(frozen=True)
class RestartPolicy:
    max_restarts: int = 5
    window_seconds: float = 300.0
    backoff: float = 0.5
    backoff_max: float = 30.0

    def delay(self, attempt: int) -> float:
        """Backoff before restart number ``attempt`` (1-based)."""
        return float(min(self.backoff_max, self.backoff * 2 ** max(0, attempt - 1)))


class Supervisor:
    """Run ``argv`` as a child process and keep it running within ``policy``."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        state_path: Path,
        policy: RestartPolicy = RestartPolicy(),
        env: Mapping[str, str] | None = None,
        on_give_up: Callable[[list[dict[str, Any]]], None] | None = None,
        log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    ) -> None:
        self.argv = list(argv)
        self.state_path = state_path
        self.policy = policy
        self._env = dict(env if env is not None else os.environ)
        self._on_give_up = on_give_up
        self._log = log
        self._stop = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None
        self.history: list[dict[str, Any]] = []

    @property
    def child_pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def stop(self) -> None:
        """Stop supervising and terminate the child (safe from a signal handler)."""
        self._stop.set()
        child = self._child
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)

    def run(self) -> int:
        """Supervise until stopped (returns 0) or the restart cap is reached (returns 1)."""
        restarts = 0
        last_exit: int | None = None
        while not self._stop.is_set():
            env = dict(self._env)
            env["PLATINUM_RESTARTS"] = str(restarts)
            if last_exit is not None:
                env["PLATINUM_LAST_EXIT"] = str(last_exit)
            self._child = subprocess.Popen(self.argv, env=env, stdin=subprocess.DEVNULL)
            self._save()
            code = self._child.wait()
            if self._stop.is_set():
                return 0
            if code == 0:
                self._log(f"supervisor: child exited cleanly, not restarting ({self.argv[-1]})")
                return 0
            now = time.monotonic()
            self.history.append(
                {"at": datetime.now(UTC).isoformat(), "exit_code": code, "monotonic": now}
            )
            recent = [h for h in self.history if now - h["monotonic"] <= self.policy.window_seconds]
            if len(recent) > self.policy.max_restarts:
                self._log(
                    f"supervisor: restart cap reached ({self.policy.max_restarts}); giving up"
                )
                self._save(gave_up=True)
                if self._on_give_up is not None:
                    self._on_give_up(list(self.history))
                return 1
            restarts += 1
            last_exit = code
            delay = self.policy.delay(len(recent))
            self._log(f"supervisor: child exited with {code}; restart {restarts} in {delay:.2f}s")
            self._save()
            if self._stop.wait(delay):
                return 0
        return 0

    def _save(self, *, gave_up: bool = False) -> None:
        write_json_atomic(
            self.state_path,
            {
                "child_pid": self.child_pid,
                "supervisor_pid": os.getpid(),
                "restarts": [
                    {k: v for k, v in h.items() if k != "monotonic"} for h in self.history
                ],
                "gave_up": gave_up,
            },
        )
