"""The ``supervise`` command: run an agent under a `Supervisor` until stopped."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

from employee.config import AgentConfig
from employee.health.supervisor import RestartPolicy, Supervisor

__all__ = ["supervise"]


def supervise(
    config: AgentConfig, config_path: Path, max_restarts: int, window: float, backoff: float
) -> int:
    """Supervise ``python -m employee <agent> --config <file>``; returns the supervisor's code."""
    argv = [sys.executable, "-m", "employee", config.agent, "--config", str(config_path)]
    config.state_dir.mkdir(parents=True, exist_ok=True)

    def give_up(history: list[dict[str, Any]]) -> None:
        from employee.health.alerts import alert_gave_up

        alert_gave_up(config, history)

    sup = Supervisor(
        argv,
        state_path=config.state_dir / "supervisor.json",
        policy=RestartPolicy(max_restarts=max_restarts, window_seconds=window, backoff=backoff),
        on_give_up=give_up,
    )
    signal.signal(signal.SIGTERM, lambda *_: sup.stop())
    signal.signal(signal.SIGINT, lambda *_: sup.stop())
    return sup.run()
