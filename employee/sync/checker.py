"""A resident ``pre-receive`` checker: the push checks without a Python start-up per push.

Starting Python and importing the policy, the vault's zone table and detect-secrets costs a
push about 150 ms on a quiet machine, most of a transaction. A remote made with
``init_remote(..., resident_checker=True)`` installs a ``pre-receive`` hook that runs the
stdlib-only :mod:`employee.sync.hookclient` instead: it sends the push (the hook's ``GIT_*``
and ``PLATINUM_*`` environment, its folder and stdin) to this process over the Unix socket
``<remote>/platinum/checker.sock`` and prints the verdict. The verdict is computed by the
very same :func:`employee.sync.hook.pre_receive`, run with the hook's environment (so git
reads the quarantined objects) — nothing is checked less.

If no checker answers, the client runs the full check itself and starts one in the
background (``python -m employee.sync.checker <remote>``). One checker per remote (an
``flock`` on ``platinum/checker.lock``); it exits after ``idle`` seconds without a request,
when the remote folder disappears, or on :func:`stop_checker`. Only whoever may write the
remote's folder can create the socket, the same people who could rewrite the hook itself.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from employee.sync.hook import pre_receive

__all__ = ["LOCK", "SOCKET", "ask", "serve", "stop_checker"]

SOCKET = "platinum/checker.sock"  # relative to the remote: AF_UNIX paths are short
LOCK = "platinum/checker.lock"
_MAX_REQUEST = 1 << 20


def _read_all(conn: socket.socket) -> bytes:
    chunks, size = [], 0
    while chunk := conn.recv(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > _MAX_REQUEST:
            raise ValueError("request too large")
    return b"".join(chunks)


def ask(remote: Path, request: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    """Send one request to the checker of ``remote``; raises ``OSError``/``ValueError``."""
    folder = os.open(Path(remote) / Path(SOCKET).parent, os.O_RDONLY | os.O_DIRECTORY)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:  # through the folder's descriptor: AF_UNIX paths are limited to 107 bytes
            sock.connect(f"/proc/self/fd/{folder}/{Path(SOCKET).name}")
        finally:
            os.close(folder)
        sock.sendall(json.dumps(request).encode())
        sock.shutdown(socket.SHUT_WR)
        reply = json.loads(_read_all(sock))
    if not isinstance(reply, dict):
        raise ValueError("malformed reply")
    return reply


def stop_checker(remote: Path) -> bool:
    """Ask the checker of ``remote`` to exit; ``False`` if none was running."""
    try:
        ask(remote, {"op": "stop"}, timeout=5.0)
    except (OSError, ValueError):
        return False
    return True


def _answer(request: dict[str, Any], base_env: dict[str, str]) -> dict[str, Any]:
    if request.get("op") == "ping":
        return {"status": 0, "messages": [], "pid": os.getpid()}
    if request.get("op") != "pre-receive":
        return {"status": 2, "messages": [f"platinum: unknown checker op {request.get('op')!r}"]}
    sent = request.get("env", {})
    env = {k: v for k, v in base_env.items() if not k.startswith(("GIT_", "PLATINUM_"))}
    env.update(
        {str(k): str(v) for k, v in sent.items() if str(k).startswith(("GIT_", "PLATINUM_"))}
    )
    status, messages = pre_receive(env, Path(str(request["cwd"])), str(request.get("stdin", "")))
    return {"status": status, "messages": messages}


def _handle(conn: socket.socket, base_env: dict[str, str], stop: threading.Event) -> None:
    with conn:
        try:
            request = json.loads(_read_all(conn))
            if request.get("op") == "stop":
                stop.set()
                reply: dict[str, Any] = {"status": 0, "messages": []}
            else:
                reply = _answer(request, base_env)
        except Exception as exc:  # the client falls back to the full in-process check
            reply = {"status": 2, "messages": [], "error": f"{type(exc).__name__}: {exc}"}
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps(reply).encode())


def serve(remote: Path, idle: float = 30.0) -> int:
    """Serve checks for ``remote`` until idle, stopped, or the remote is gone."""
    remote = Path(remote).resolve()
    os.chdir(remote)
    lock = open(LOCK, "a+")  # noqa: SIM115 - held for the process lifetime
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return 0  # another checker serves this remote
    Path(SOCKET).unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o077)
    try:
        server.bind(SOCKET)
    finally:
        os.umask(old_mask)
    server.listen(16)
    server.settimeout(0.5)
    inode = os.stat(SOCKET).st_ino
    base_env = dict(os.environ)
    stop = threading.Event()
    from employee.sync.scanner import scan_bytes

    scan_bytes(b"warm up\n")  # import detect-secrets now, not during the first push
    last = time.monotonic()
    try:
        while not stop.is_set() and time.monotonic() - last < idle:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                if not _still_mine(remote, inode):
                    break
                continue
            last = time.monotonic()
            threading.Thread(target=_handle, args=(conn, base_env, stop), daemon=True).start()
    finally:
        server.close()
        if _still_mine(remote, inode):
            Path(remote / SOCKET).unlink(missing_ok=True)
    return 0


def _still_mine(remote: Path, inode: int) -> bool:
    try:
        return (remote / SOCKET).stat().st_ino == inode
    except OSError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m employee.sync.checker", description=__doc__)
    parser.add_argument("remote", type=Path)
    parser.add_argument("--idle", type=float, default=30.0)
    args = parser.parse_args(argv)
    return serve(args.remote, args.idle)


if __name__ == "__main__":
    sys.exit(main())
