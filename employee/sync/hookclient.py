"""``pre-receive`` through the resident checker (:mod:`employee.sync.checker`); stdlib only.

Run by path (``python -S .../hookclient.py``) so that no package ``__init__`` is imported:
the point is to start in a few milliseconds. When no checker answers, it runs the full
check in this process (``employee.sync.hook``) and starts a checker for the next push.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys

__all__ = ["main"]

SOCKET = "platinum/checker.sock"  # same as employee.sync.checker.SOCKET


def _ask(request: dict[str, object]) -> dict[str, object]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(120)
        sock.connect(SOCKET)
        sock.sendall(json.dumps(request).encode())
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    reply = json.loads(b"".join(chunks))
    if not isinstance(reply, dict) or reply.get("status") not in (0, 1):
        raise ValueError("no verdict")
    return reply


def _start_checker() -> None:
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PLATINUM_"))}
    subprocess.Popen(
        [sys.executable, "-S", "-m", "employee.sync.checker", os.getcwd()],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
        env=env,
    )


def main() -> int:
    stdin = sys.stdin.read()
    env = {k: v for k, v in os.environ.items() if k.startswith(("GIT_", "PLATINUM_"))}
    request = {"op": "pre-receive", "env": env, "cwd": os.getcwd(), "stdin": stdin}
    try:
        reply = _ask(request)
    except (OSError, ValueError):
        from employee.sync import hook

        status = hook.main(["pre-receive"], stdin=stdin)
        with contextlib.suppress(OSError):
            _start_checker()
        return status
    messages = reply.get("messages")
    for line in messages if isinstance(messages, list) else []:
        print(line, file=sys.stderr)
    return 1 if reply["status"] else 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
