"""FakeOdoo: the HTTP listeners around :class:`OdooApp`, plus the Python test API."""

from __future__ import annotations

import collections
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from fakes.errors import FakeStartupError, FakeStoreError, FakeTimeout
from fakes.odoo.app import OdooApp
from fakes.odoo.dispatch import call_kw
from fakes.odoo.faults import OdooFault
from fakes.odoo.orm import REGISTRY, Env, Settings
from fakes.odoo.routes import Request, route
from fakes.odoo.seed import OdooUser, make_users
from fakes.odoo.store import OdooStore
from fakes.odoo.testapi import handle_test_api
from fakes.odoo.wire import Response, text_response

__all__ = ["VERSIONS", "FakeOdoo"]

T = TypeVar("T")
VERSIONS = ("17", "18", "19")
_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeOdoo:
    """A fake Odoo server on 127.0.0.1 with a separate control listener for ``/__fake__``."""

    def __init__(
        self,
        version: str = "19",
        db: str = "platinum",
        port: int = 0,
        data_dir: str | Path | None = None,
        master_password: str | None = None,
        *,
        payment_state_on_payment: str = "paid",
        control_port: int = 0,
    ) -> None:
        version = str(version).removesuffix(".0")
        if version not in VERSIONS:
            raise ValueError(f"version must be one of {VERSIONS}, not {version!r}")
        if payment_state_on_payment not in ("paid", "in_payment"):
            raise ValueError("payment_state_on_payment must be 'paid' or 'in_payment'")
        self.version, self.host = version, "127.0.0.1"
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-odoo-") if data_dir is None else None
        self.data_dir = Path(self._tmp.name if self._tmp else str(data_dir))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = OdooStore(self.data_dir / f"{db}.sqlite")
        users = self._stored_users() or make_users()
        self.master_password = master_password or self._stored_master() or secrets.token_urlsafe(16)
        (self.data_dir / "master_password").write_text(self.master_password)
        settings = Settings(version=version, payment_state_on_payment=payment_state_on_payment)
        self.app = OdooApp(self.store, settings, db, self.master_password, users)
        self._requested_port, self._control_port = port, control_port
        self._main: _Server | None = None
        self._control: _Server | None = None
        self._threads: list[threading.Thread] = []
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self.port = 0
        self.control_port = 0
        self.requests: collections.deque[tuple[str, str, int]] = collections.deque(maxlen=1000)

    # -- identity ------------------------------------------------------------------------
    @property
    def db(self) -> str:
        """The database name."""
        return self.app.db

    @property
    def url(self) -> str:
        """Base URL of the Odoo routes."""
        return f"http://{self.host}:{self.port}"

    @property
    def test_api_url(self) -> str:
        """Base URL of the HTTP test API (on the control listener, which stays up)."""
        return f"http://{self.host}:{self.control_port}/__fake__"

    @property
    def users(self) -> list[OdooUser]:
        """The seeded users."""
        return list(self.app.users)

    @property
    def executive(self) -> OdooUser:
        """The user who may post and pay."""
        return next(u for u in self.app.users if u.role == "executive")

    @property
    def drafter(self) -> OdooUser:
        """The user who may only draft."""
        return next(u for u in self.app.users if u.role == "drafter")

    @property
    def is_up(self) -> bool:
        """Whether the Odoo listener accepts connections."""
        return self._main is not None

    def _stored_users(self) -> list[OdooUser]:
        out = []
        for row in self.store.all("res.users"):
            if row.get("role") in ("executive", "drafter"):
                out.append(
                    OdooUser(
                        str(row["login"]),
                        str(row["password"]),
                        str(row["api_key"]),
                        row["role"],
                        int(row["id"]),
                        str(row.get("name") or ""),
                    )
                )
        return out

    def _stored_master(self) -> str | None:
        path = self.data_dir / "master_password"
        return path.read_text().strip() or None if path.exists() else None

    # -- lifecycle -----------------------------------------------------------------------
    def _serve(self, port: int, control: bool) -> _Server:
        handler = _make_handler(self, control)
        try:
            server = _Server((self.host, port), handler)
        except OSError as exc:
            raise FakeStartupError(f"cannot bind {self.host}:{port}: {exc}") from exc
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-odoo-{'control' if control else 'main'}",
            daemon=True,
        )
        thread.start()
        self._threads.append(thread)
        return server

    def start(self) -> FakeOdoo:
        """Bind both listeners and serve in background threads."""
        if self._control is not None:
            return self
        self._stopping.clear()
        self._control = self._serve(self._control_port, control=True)
        self.control_port = self._control.server_address[1]
        self._main = self._serve(self._requested_port, control=False)
        self.port = self._main.server_address[1]
        return self

    def down(self) -> None:
        """Close the Odoo listener (connections refused) and free hung requests."""
        if self._main is not None:
            main, self._main = self._main, None
            main.shutdown()
            main.server_close()
        self.app.faults.release.set()
        self._notify()

    def up(self) -> None:
        """Listen again on the same port."""
        if self._main is None:
            if self.app.faults.active():
                self.app.faults.release.clear()
            self._main = self._serve(self.port, control=False)
        self._notify()

    def stop(self) -> None:
        """Close every listener, free hung requests and close the store."""
        self._stopping.set()
        self.down()
        if self._control is not None:
            control, self._control = self._control, None
            control.shutdown()
            control.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self.store.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> FakeOdoo:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- test verbs ----------------------------------------------------------------------
    def records(self, model: str, domain: list[Any] | None = None) -> list[dict[str, Any]]:
        """Every record of ``model`` matching ``domain`` (archived too), ids for relations."""
        if model not in REGISTRY:
            raise FakeStoreError(f"no model {model!r}")
        env = Env(self.store, 1, self.app.settings, {"active_test": False}, su=True)
        with self.store.transaction():
            result: list[dict[str, Any]] = call_kw(
                env,
                model,
                "search_read",
                [list(domain or [])],
                {"load": "_classic_write", "order": "id"},
            )
        return result

    def wait_for(
        self, predicate: Callable[[FakeOdoo], T], timeout: float = 5.0, describe: str = ""
    ) -> T:
        """Wait until ``predicate(self)`` is truthy (re-checked after every request)."""
        deadline = time.monotonic() + timeout
        last: Any = None
        with self._changed:
            while True:
                last = predicate(self)
                if last:
                    return last  # type: ignore[no-any-return]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    what = describe or getattr(predicate, "__name__", "a condition")
                    raise FakeTimeout(
                        f"fake Odoo: timed out after {timeout}s waiting for {what}; "
                        f"last value {last!r}"
                    )
                self._changed.wait(min(remaining, 0.1))

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def inject_fault(self, fault: OdooFault) -> None:
        """Arm a fault."""
        self.app.faults.add(fault)

    def clear_faults(self) -> None:
        """Disarm every fault and free hung requests."""
        self.app.faults.clear()

    @property
    def faults(self) -> list[OdooFault]:
        """The armed faults."""
        return self.app.faults.active()

    def reset(self) -> None:
        """Clear faults and go back to the seeded data (same users and secrets)."""
        self.clear_faults()
        self.app.reset()
        self._notify()

    def wipe(self) -> None:
        """Delete everything: the database no longer exists until restore() or reset()."""
        self.app.wipe()
        self._notify()

    def backup(self) -> bytes:
        """A zip of the database (manifest.json + SQLite dump)."""
        return self.app.backup()

    def restore(self, zip_bytes: bytes) -> None:
        """Replace the database with a backup."""
        self.app.restore(zip_bytes)
        self._notify()

    # -- request handling ----------------------------------------------------------------
    def handle(self, request: Request, control: bool) -> Response | None:
        """Answer a request; None means: drop the connection without answering."""
        if request.path.startswith("/__fake__"):
            return handle_test_api(self, request)
        if control:
            return text_response("the control listener serves /__fake__ only", 404)
        fault = self.app.faults.for_request(request.path)
        if fault is not None:
            if fault.kind == "http_status":
                reason = _REASONS.get(fault.status, "Error")
                return text_response(
                    f"<html><body><h1>{fault.status} {reason}</h1></body></html>", fault.status
                )
            if fault.kind == "delay":
                self._stopping.wait(fault.seconds)
            elif fault.kind == "hang":
                self.app.faults.release.wait()
                return None
        try:
            return route(self.app, request)
        finally:
            self.requests.append((request.method, request.path, len(request.body)))
            self._notify()

    def describe(self) -> dict[str, Any]:
        """What the CLI prints and ``GET /__fake__/info`` returns."""
        return {
            "url": self.url,
            "db": self.db,
            "version": self.version,
            "users": [u.as_dict() for u in self.users],
            "master_password": self.master_password,
            "test_api": self.test_api_url,
            "data_dir": str(self.data_dir),
        }


def _make_handler(fake: FakeOdoo, control: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "Werkzeug/3.0.1"
        sys_version = "Python/3.11"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                response = fake.handle(Request(self.command, self.path, headers, body), control)
            except Exception as exc:  # a bug in the fake: answer 500, do not kill the thread
                response = text_response(f"fake Odoo internal error: {exc!r}", 500)
            if response is None:
                self.close_connection = True
                return
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    return Handler
