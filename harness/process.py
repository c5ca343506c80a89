"""Child processes of a world: spawn, wait for the JSON ready line, log, stop without orphans.

A :class:`ManagedProcess` runs in its own process group with stdin closed. A reader thread
copies every stdout line into ``log_path`` (stderr goes straight to the same file) and the
first stdout line that parses as a JSON object is the *ready line*: ``start()`` returns it.
A :class:`ProcessGroup` stops its members in reverse order and, as a safety net, at
interpreter exit.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from harness.errors import HarnessError, WaitTimeout, WorldStartupError

__all__ = ["ManagedProcess", "ProcessGroup", "free_port"]

_TAIL_BYTES = 256 * 1024
_READER_JOIN_TIMEOUT = 5.0
_MAX_LINE = 1024 * 1024


def _parse_ready(line: bytes) -> dict[str, Any] | None:
    """The JSON object on ``line``, or None when the line is not one."""
    text = line.strip()
    if not text.startswith(b"{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _tail_of_file(path: Path, lines: int) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - _TAIL_BYTES))
            data = handle.read()
    except FileNotFoundError:
        return ""
    text = data.decode("utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:]) if lines > 0 else ""


@dataclass(eq=False)
class ManagedProcess:
    """One child process of the world.

    ``env`` is laid over this process's environment when ``inherit_env`` is true (the
    default; agents need ``PATH`` for git), and is the whole environment otherwise.
    ``PYTHONUNBUFFERED=1`` is added unless ``env`` sets it, so Python children's ready
    lines are not stuck in a buffer.
    """

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    log_path: Path
    inherit_env: bool = True
    ready: dict[str, Any] | None = field(default=None, init=False)
    pid: int | None = field(default=None, init=False)
    returncode: int | None = field(default=None, init=False)
    _popen: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _reader: threading.Thread | None = field(default=None, init=False, repr=False)
    _stderr: IO[bytes] | None = field(default=None, init=False, repr=False)
    _changed: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _eof: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _child_env(self) -> dict[str, str]:
        base = dict(os.environ) if self.inherit_env else {}
        base.update(self.env)
        base.setdefault("PYTHONUNBUFFERED", "1")
        return base

    def start(self, *, ready_timeout: float = 30.0) -> dict[str, Any]:
        """Spawn the process and return its ready line; raise ``WorldStartupError`` otherwise."""
        with self._lock:
            if self._popen is not None and self._popen.poll() is None:
                raise HarnessError(f"{self.name}: already running (pid {self.pid})")
            if self._popen is not None:  # restart after a crash: its orphans go first
                self._signal_group(self._popen.pid, signal.SIGKILL)
            self._cleanup_io()
            self.ready = None
            self.returncode = None
            self._changed.clear()
            self._eof.clear()
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("ab") as log:
                log.write(f"--- {self.name}: start {self.argv!r}\n".encode())
            self._stderr = self.log_path.open("ab", buffering=0)
            try:
                popen = subprocess.Popen(
                    self.argv,
                    cwd=self.cwd,
                    env=self._child_env(),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=self._stderr,
                    start_new_session=True,
                )
            except OSError as exc:
                self._cleanup_io()
                raise WorldStartupError(f"{self.name}: cannot start {self.argv!r}: {exc}") from exc
            self._popen = popen
            self.pid = popen.pid
            assert popen.stdout is not None
            self._reader = threading.Thread(
                target=self._read_stdout,
                args=(popen.stdout,),
                name=f"stdout-{self.name}",
                daemon=True,
            )
            self._reader.start()
        return self._await_ready(popen, ready_timeout)

    def _await_ready(self, popen: subprocess.Popen[bytes], ready_timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + ready_timeout
        while True:
            if self.ready is not None:
                return self.ready
            if popen.poll() is not None:
                # The ready line may still sit in the pipe: let the reader drain it.
                self._eof.wait(1.0)
                if self.ready is not None:
                    return self.ready
                code = popen.returncode
                self.terminate()
                raise WorldStartupError(
                    f"{self.name}: exited with code {code} before printing its ready line"
                    f"\n--- log tail ({self.log_path}) ---\n{self.log_tail()}"
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.terminate()
                raise WorldStartupError(
                    f"{self.name}: no ready line within {ready_timeout:.1f}s"
                    f"\n--- log tail ({self.log_path}) ---\n{self.log_tail()}"
                )
            # The reader sets _changed on the ready line and at EOF; the short cap notices
            # an exit whose pipe is still held open by a grandchild.
            self._changed.wait(min(remaining, 0.05))
            self._changed.clear()

    def _read_stdout(self, stdout: IO[bytes]) -> None:
        ended_line = True
        try:
            with self.log_path.open("ab", buffering=0) as log:
                # Bounded reads: a child that never prints a newline cannot exhaust memory.
                for chunk in iter(lambda: stdout.readline(_MAX_LINE), b""):
                    log.write(chunk)
                    complete = chunk.endswith(b"\n")
                    if self.ready is None and ended_line and complete:
                        parsed = _parse_ready(chunk)
                        if parsed is not None:
                            self.ready = parsed
                            self._changed.set()
                    ended_line = complete
                if not ended_line:
                    log.write(b"\n")
        finally:
            stdout.close()
            self._eof.set()
            self._changed.set()

    def alive(self) -> bool:
        """True while the process has not exited."""
        return self._popen is not None and self._popen.poll() is None

    def terminate(self, timeout: float = 10.0) -> int | None:
        """SIGTERM the process group, wait up to ``timeout``, then SIGKILL it; idempotent."""
        with self._lock:
            popen = self._popen
            if popen is None:
                return self.returncode
            if popen.poll() is None:
                self._signal_group(popen.pid, signal.SIGTERM)
                try:
                    popen.wait(timeout)
                except subprocess.TimeoutExpired:
                    self._signal_group(popen.pid, signal.SIGKILL)
                    popen.wait()
            # Members of the group that outlived the leader (or a crashed leader's children).
            self._signal_group(popen.pid, signal.SIGKILL)
            self.returncode = popen.returncode
            self._cleanup_io()
            self._popen = None
            return self.returncode

    @staticmethod
    def _signal_group(pgid: int, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)

    def kill(self) -> None:
        """SIGKILL exactly this process (a crash); its children, if any, live on."""
        popen = self._popen
        if popen is None or popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(popen.pid, signal.SIGKILL)
        popen.wait()
        self.returncode = popen.returncode

    def wait_exit(self, timeout: float) -> int:
        """Wait for the process to exit and return its code; raise ``WaitTimeout``."""
        popen = self._popen
        if popen is None:
            if self.returncode is not None:
                return self.returncode
            raise HarnessError(f"{self.name}: was never started")
        try:
            code = popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise WaitTimeout(
                f"{self.name}: still running after {timeout:.2f}s"
                f"\n--- log tail ({self.log_path}) ---\n{self.log_tail()}"
            ) from None
        self.returncode = code
        return code

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the log (stdout and stderr)."""
        return _tail_of_file(self.log_path, lines)

    def _cleanup_io(self) -> None:
        reader = self._reader
        if reader is not None and reader is not threading.current_thread():
            reader.join(_READER_JOIN_TIMEOUT)
        self._reader = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


class ProcessGroup:
    """Processes stopped together, newest first; also stopped at interpreter exit."""

    def __init__(self, *, stop_timeout: float = 10.0) -> None:
        self._procs: list[ManagedProcess] = []
        self._stop_timeout = stop_timeout
        self._lock = threading.Lock()
        self._registered = False

    def add(self, proc: ManagedProcess) -> ManagedProcess:
        """Track ``proc`` (started or not) and return it."""
        with self._lock:
            self._procs.append(proc)
            if not self._registered:
                atexit.register(self.stop_all)
                self._registered = True
        return proc

    @property
    def processes(self) -> list[ManagedProcess]:
        """The members, oldest first (a copy)."""
        with self._lock:
            return list(self._procs)

    def __iter__(self) -> Iterator[ManagedProcess]:
        return iter(self.processes)

    def __len__(self) -> int:
        with self._lock:
            return len(self._procs)

    def stop_all(self) -> dict[str, int | None]:
        """Terminate every member in reverse order; return each one's exit code."""
        with self._lock:
            procs = list(reversed(self._procs))
            self._procs.clear()
            if self._registered:
                atexit.unregister(self.stop_all)
                self._registered = False
        codes: dict[str, int | None] = {}
        errors: list[BaseException] = []
        for proc in procs:
            try:
                codes[proc.name] = proc.terminate(self._stop_timeout)
            except Exception as exc:  # keep stopping the others
                errors.append(exc)
        if errors:
            raise HarnessError(f"could not stop {len(errors)} process(es): {errors!r}")
        return codes

    def __enter__(self) -> ProcessGroup:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_all()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on ``host`` a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port
