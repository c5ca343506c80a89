"""Prompt propagation: learn that the remote's ``main`` moved, without busy polling.

On the embedded default the remote is a path on this machine. The watcher binds a UDP socket
on 127.0.0.1 (free port) and registers the port in ``<remote>/platinum/listeners/``; the
remote's ``post-receive`` hook sends a datagram to every registered port after each push.
For any other remote URL (or when the listener folder is missing) it polls ``git ls-remote``
at ``poll_interval`` seconds, which costs one round trip and no object transfer.
"""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from employee.sync._git import Git
from employee.sync.hook import LISTENERS

__all__ = ["RemoteWatcher", "listener_folder"]


def listener_folder(remote_url: str) -> Path | None:
    """``<remote>/platinum/listeners`` when ``remote_url`` is a local bare repository."""
    if "://" in remote_url or (":" in remote_url and not remote_url.startswith("/")):
        return None  # ssh/https/file URLs: poll the ref instead
    folder = Path(remote_url) / LISTENERS
    return folder if folder.is_dir() else None


class RemoteWatcher:
    """Calls ``on_change`` (in a background thread) each time the remote ref may have moved."""

    def __init__(
        self,
        git: Git,
        remote_url: str,
        on_change: Callable[[], None],
        *,
        poll_interval: float = 2.0,
    ) -> None:
        self._git, self._url, self._on_change = git, remote_url, on_change
        self._poll = poll_interval
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._entry: Path | None = None
        self.mode = "poll"
        folder = listener_folder(remote_url)
        if folder is not None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind(("127.0.0.1", 0))
            sock.settimeout(self._poll)
            self._entry = folder / f"{uuid.uuid4().hex}.port"
            self._entry.write_text(f"{sock.getsockname()[1]}\n")
            self._sock, self.mode = sock, "notify"
        self._thread = threading.Thread(target=self._run, name="platinum-watch", daemon=True)
        self._thread.start()

    def _remote_tip(self) -> str:
        proc = self._git.run("ls-remote", self._url, "refs/heads/main", check=False)
        return proc.stdout.decode().split("\t", 1)[0] if proc.returncode == 0 else ""

    def _fire(self) -> None:
        try:
            self._on_change()
        except Exception:  # a failing callback must not kill the watcher
            return

    def _run(self) -> None:
        last = self._remote_tip()
        while not self._stop.is_set():
            if self._sock is not None:
                try:
                    self._sock.recv(512)
                except TimeoutError:
                    pass  # a periodic check of the ref guards against a lost datagram
                except OSError:
                    return
                else:
                    if not self._stop.is_set():
                        self._fire()
                        last = self._remote_tip() or last
                    continue
            elif self._stop.wait(self._poll):
                return
            tip = self._remote_tip()
            if tip and tip != last and not self._stop.is_set():
                last = tip
                self._fire()

    def stop(self) -> None:
        """Unregister and join the thread."""
        self._stop.set()
        if self._entry is not None:
            self._entry.unlink(missing_ok=True)
        if self._sock is not None:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as waker:
                waker.sendto(b"stop", self._sock.getsockname())
        self._thread.join(timeout=self._poll + 5)
        if self._sock is not None:
            self._sock.close()

    def __enter__(self) -> RemoteWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
