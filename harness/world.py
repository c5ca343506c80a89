"""`World`: one object that brings up the whole Platinum world and offers verbs to drive it.

On the ``processes`` backend (the embedded default) every component is a real process on this
machine: the fake mail server (SMTP + IMAP + test API), the fake Odoo, the fake social API, a
bare git remote with its ``pre-receive``/``post-receive`` hooks, and the Cloud and Local agents,
each under its supervisor, each with its own replica (clone), private state folder and secrets
folder. Nothing is shared between the agents but the remote.

Verbs: ``world.mail.deliver(...)``, ``world.local.go_offline()`` / ``go_online()``,
``world.human.approve(task_id)`` / ``reject(task_id)``, ``world.crash("cloud")``,
``world.wait_for(check, timeout=, describe=)``. Every verb is recorded in ``world.timeline``; the
agents' audit logs are merged into it by ``world.collect_audit()``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml

from employee.sync.checker import stop_checker
from fakes.mail import MailApiClient
from harness.actors import AgentHandle, HumanActor, MailActor, OdooActor, SocialActor
from harness.errors import HarnessError, WorldStartupError
from harness.process import ManagedProcess, ProcessGroup
from harness.remote import RemoteView
from harness.timeline import Timeline
from harness.wait import wait_until

__all__ = ["World", "WorldOptions"]

T = TypeVar("T")

OWNER = "owner@platinum.test"


@dataclass(frozen=True)
class WorldOptions:
    """Knobs of a world; defaults are the demo's."""

    odoo_version: Literal["17", "18", "19"] = "19"
    supervise: bool = True
    lease_seconds: float = 60.0
    approval_ttl_hours: float = 72.0
    poll_seconds: float = 1.0
    startup_timeout: float = 60.0
    owner: str = OWNER
    message_id_domain: str = "platinum.test"
    extra_env: dict[str, str] = field(default_factory=dict)


class World:
    """A whole Platinum world on the ``processes`` backend; use it as a context manager."""

    def __init__(
        self,
        root: Path | None = None,
        *,
        backend: Literal["processes"] = "processes",
        options: WorldOptions | None = None,
        timeline: Timeline | None = None,
    ) -> None:
        if backend != "processes":
            raise HarnessError(f"unknown backend {backend!r} (available: processes)")
        self.options = options or WorldOptions()
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="platinum-world-")) if root is None else root
        self.timeline = timeline or Timeline()
        self.processes = ProcessGroup()
        self.remote_path = self.root / "remote.git"
        self.links = self.root / "links"
        self.mail: MailActor
        self.odoo: OdooActor
        self.social: SocialActor
        self.cloud: AgentHandle
        self.local: AgentHandle
        self.human: HumanActor
        self.remote = RemoteView(self.remote_path)
        self._started = False

    # -- life cycle -------------------------------------------------------------------------
    def __enter__(self) -> World:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> World:
        from harness.bootstrap import bootstrap_world

        self.timeline.record("harness", "world_starting", str(self.root))
        bootstrap_world(self)
        self._started = True
        self.timeline.record("harness", "world_ready")
        return self

    def stop(self) -> None:
        self.processes.stop_all()
        if self.remote_path.exists():
            stop_checker(self.remote_path)
        if self._started:
            self.timeline.record("harness", "world_stopped")
        self._started = False
        if self._own_root and os.environ.get("PLATINUM_KEEP_WORLD") != "1":
            shutil.rmtree(self.root, ignore_errors=True)

    # -- verbs --------------------------------------------------------------------------------
    def agent(self, name: str) -> AgentHandle:
        if name == "cloud":
            return self.cloud
        if name == "local":
            return self.local
        raise HarnessError(f"unknown agent {name!r}")

    def crash(self, agent: str) -> int:
        """SIGKILL the agent process (not its supervisor); returns the killed pid."""
        return self.agent(agent).crash()

    def wait_for(
        self,
        check: Callable[[], T],
        *,
        timeout: float = 30.0,
        describe: str = "a condition",
        interval: float = 0.02,
        max_interval: float = 0.25,
    ) -> T:
        """Wait until ``check()`` is truthy; the timeout error carries the agents' log tails."""
        return wait_until(
            check,
            timeout=timeout,
            describe=describe,
            interval=interval,
            max_interval=max_interval,
            logs=self.log_tails,
        )

    def log_tails(self, lines: int = 25) -> str:
        parts = []
        for proc in self.processes:
            parts.append(f"--- {proc.name} (pid {proc.pid}) ---\n{proc.log_tail(lines)}")
        return "\n".join(parts)

    def collect_audit(self) -> list[dict[str, Any]]:
        """The audit entries of both agents as pushed to the remote, merged into the timeline."""
        entries: list[dict[str, Any]] = []
        for agent in ("cloud", "local"):
            agent_entries = self.remote.audit_entries(agent)
            self.timeline.extend_from_audit(agent_entries, source=f"audit:{agent}")
            entries.extend(agent_entries)
        return entries

    # -- internals used by bootstrap ----------------------------------------------------------
    def spawn(
        self, name: str, argv: list[str], *, env: dict[str, str] | None = None
    ) -> ManagedProcess:
        logs = self.root / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        full_env = {**os.environ, **self.options.extra_env, **(env or {})}
        full_env.setdefault("PYTHONUNBUFFERED", "1")
        proc = ManagedProcess(
            name=name, argv=argv, env=full_env, cwd=self.root, log_path=logs / f"{name}.log"
        )
        try:
            proc.start(ready_timeout=self.options.startup_timeout)
        except WorldStartupError:
            proc.terminate()
            raise
        self.processes.add(proc)
        self.timeline.record("harness", "process_started", name, pid=proc.pid)
        return proc

    @staticmethod
    def new_secret(prefix: str) -> str:
        return f"{prefix}-{secrets.token_urlsafe(18)}"

    @staticmethod
    def write_secret(path: Path, value: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(value + "\n")
        return path

    @staticmethod
    def write_config(path: Path, data: dict[str, Any]) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    def python_module(self, module: str, *args: str) -> list[str]:
        return [sys.executable, "-m", module, *args]

    @contextlib.contextmanager
    def paused(self, agent: str) -> Iterator[None]:
        """SIGSTOP an agent for the duration (a frozen laptop), then SIGCONT it."""
        pid = self.agent(agent).pid()
        os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(pid, signal.SIGCONT)


def git(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run git hermetically (no user configuration) and return stdout."""
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    base_env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    base_env.update(env or {})
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=base_env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise HarnessError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


MailApi = MailApiClient
