"""``FakeSocial``: the fake social API served over HTTP on 127.0.0.1, with a test API."""

from __future__ import annotations

import json
import secrets
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, TypeVar

from fakes.errors import FakeStartupError, FakeStoreError
from fakes.social.api import MAX_BODY, Response, handle
from fakes.social.store import Fault, Post, RequestRecord, Scope, SocialStore, Token

__all__ = ["FakeSocial"]

T = TypeVar("T")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address: tuple[str, int], store: SocialStore, stopping: threading.Event):
        self.store = store
        self.stopping = stopping
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (e.g. after its own timeout) is not an error worth a trace."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "FakeSocial/1"

    def log_message(self, format: str, *args: Any) -> None:
        """Requests go to the store's log, not stderr."""

    def _serve(self) -> None:
        store = self.server.store
        method, path = self.command, self.path
        headers = {k.lower(): v for k, v in self.headers.items()}
        fault = store.take_fault(method, path.split("?", 1)[0])
        try:
            length = int(headers.get("content-length", "0") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            status = 400 if length < 0 else 413
            kind = "bad_request" if length < 0 else "payload_too_large"
            reply = Response(status, {"error": {"type": kind, "message": "bad Content-Length"}})
        else:
            body = self.rfile.read(length) if length else b""
            if fault and fault.delay:
                self.server.stopping.wait(fault.delay)
            if fault and fault.status:
                headers_out = {"Retry-After": "1"} if fault.status in (429, 503) else {}
                message = f"injected fault {fault.status}"
                reply = Response(
                    fault.status, {"error": {"type": "injected", "message": message}}, headers_out
                )
            else:
                reply = handle(store, method, path, headers, body)
        store.record(RequestRecord(method, path, reply.status, reply.token))
        payload = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve


class FakeSocial:
    """A fake social-media API: ``start()``/``stop()`` or ``with``; ``.url`` once started.

    Tokens are given as ``Token(name, secret, scope)`` or created with :meth:`add_token`.
    The test API mirrors the other fakes: ``.posts``, ``.requests``, ``.wait_for()``,
    ``.reset()``, ``.inject_fault()``.
    """

    def __init__(
        self,
        tokens: Iterable[Token] = (),
        *,
        max_chars: int = 280,
        clock: Callable[[], datetime] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        kwargs: dict[str, Any] = {"max_chars": max_chars}
        if clock is not None:
            kwargs["clock"] = clock
        self.store = SocialStore(tokens, **kwargs)
        self.host = host
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- lifecycle ------------------------------------------------------------
    def start(self) -> FakeSocial:
        """Bind and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        try:
            self._server = _Server((self.host, self._requested_port), self.store, self._stopping)
        except OSError as exc:
            raise FakeStartupError(
                f"fake social API cannot bind {self.host}:{self._requested_port}: {exc}"
            ) from exc
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-social:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeSocial:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (after ``start()``)."""
        if self._server is None:
            raise FakeStoreError("the fake social API is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self.host}:{self.port}"

    # -- test API -------------------------------------------------------------
    def add_token(self, name: str, scope: Scope = "publish", secret: str | None = None) -> str:
        """Register a token and return its secret (generated unless given)."""
        if scope not in ("read", "publish"):
            raise ValueError(f"scope must be 'read' or 'publish', not {scope!r}")
        secret = secret or secrets.token_urlsafe(24)
        self.store.add_token(Token(name, secret, scope))
        return secret

    def token(self, name: str) -> str:
        """The secret of the token called ``name``."""
        for token in self.store.tokens:
            if token.name == name:
                return token.secret
        raise FakeStoreError(f"no token named {name!r}")

    @property
    def posts(self) -> list[Post]:
        """Every post, deleted ones included (status ``deleted``)."""
        return self.store.posts

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request answered since the last reset."""
        return self.store.requests

    def latest(self) -> Post | None:
        """The most recently created post, or None."""
        posts = self.store.posts
        return posts[-1] if posts else None

    def wait_for(
        self,
        predicate: Callable[[list[Post]], T],
        timeout: float = 5.0,
        describe: str = "a condition on the posts",
    ) -> T:
        """Block until ``predicate(posts)`` is truthy; raises ``FakeTimeout`` with ``describe``."""
        return self.store.wait_for(predicate, timeout, describe)

    def reset(self) -> None:
        """Forget posts, idempotency keys, faults and requests; keep tokens."""
        self.store.reset()

    def inject_fault(
        self,
        status: int = 503,
        times: int = 1,
        *,
        delay: float = 0.0,
        method: str | None = None,
        path_prefix: str = "/",
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` (0: only ``delay``)."""
        self.store.inject_fault(Fault(status, times, delay, method, path_prefix))
