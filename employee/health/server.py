"""A tiny loopback health endpoint: ``GET /health`` → the agent's status as JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["HealthServer"]

StatusFn = Callable[[], Mapping[str, Any]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] not in ("/health", "/healthz"):
            self._send(404, {"error": "not found"})
            return
        try:
            status = dict(self.server.status_fn())
        except Exception as exc:  # a broken status function is itself a health finding
            self._send(503, {"status": "error", "error": repr(exc)})
            return
        self._send(200 if status.get("status") == "ok" else 503, status)

    def _send(self, code: int, body: Mapping[str, Any]) -> None:
        payload = json.dumps(body, default=str).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], status_fn: StatusFn) -> None:
        super().__init__(address, _Handler)
        self.status_fn = status_fn


class HealthServer:
    """Serve ``status_fn()`` on ``http://host:port/health`` from a daemon thread."""

    def __init__(self, status_fn: StatusFn, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), status_fn)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="health", daemon=True
        )

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/health"

    def start(self) -> HealthServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> HealthServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
