"""``python -m employee {cloud,local,supervise} --config FILE``: run an agent or its supervisor.

An agent prints one JSON ready line on stdout (``{"agent", "pid", "health_url"}``) once it
serves its health check, then runs until SIGTERM/SIGINT (exit 0).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from employee.config import load_config
from employee.errors import ConfigError

__all__ = ["main"]


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handler(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m employee", description=__doc__)
    parser.add_argument("command", choices=["cloud", "local", "supervise"])
    parser.add_argument("--config", type=Path, required=True, help="the agent's YAML file")
    parser.add_argument("--max-restarts", type=int, default=5)
    parser.add_argument("--restart-window", type=float, default=300.0)
    parser.add_argument("--backoff", type=float, default=0.5)
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"configuration refused: {exc}", file=sys.stderr)
        return 2
    if args.command == "supervise":
        from employee.health.cli import supervise

        return supervise(config, args.config, args.max_restarts, args.restart_window, args.backoff)
    if args.command != config.agent:
        print(f"{args.config} configures {config.agent!r}, not {args.command!r}", file=sys.stderr)
        return 2
    stop = _stop_on_signals()
    if config.agent == "cloud":
        from employee.cloud import CloudAgent

        return CloudAgent(config).run(stop)
    from employee.local import LocalAgent

    return LocalAgent(config).run(stop)


if __name__ == "__main__":
    sys.exit(main())
