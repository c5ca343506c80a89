"""A synchronous facade over the official MCP client, for agents that are threaded programs.

`ToolClient` starts an MCP server as a subprocess over stdio (``mcp.Client`` with
``StdioServerParameters``), keeps one session open on a private asyncio loop thread, and offers
blocking ``call(tool, arguments)`` and ``tools()``. A tool that reports an error comes back as a
`ToolError` carrying the server's message; a dead server is restarted on the next call.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from typing import Any

from mcp import Client, StdioServerParameters

from employee.errors import ToolError

__all__ = ["ToolClient"]


class ToolClient:
    """One MCP server subprocess and a session to it, usable from any thread.

    The session lives inside one long-running task on a private loop (the SDK's transports
    must be entered and exited by the same task); calls are queued to it.
    """

    def __init__(
        self,
        module: str,
        args: Sequence[str] = (),
        *,
        env: Mapping[str, str] | None = None,
        timeout: float = 60.0,
    ) -> None:
        server_env = dict(env or {})
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):  # the SDK passes only a minimal environment
            server_env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
        self._params = StdioServerParameters(
            command=sys.executable, args=["-m", module, *args], env=server_env
        )
        self._timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=module, daemon=True)
        self._thread.start()
        self._queue: asyncio.Queue[tuple[Any, Future[Any]] | None] | None = None
        self._server_task: Future[None] | None = None
        self._lock = threading.Lock()
        self.name = module

    async def _serve(self, queue: asyncio.Queue[tuple[Any, Future[Any]] | None]) -> None:
        """Own the session: connect, answer queued requests, reconnect after a failure."""
        while True:
            request = await queue.get()
            if request is None:
                return
            try:
                async with Client(self._params) as client:
                    while request is not None:
                        operation, future = request
                        try:
                            future.set_result(await operation(client))
                        except Exception as exc:
                            future.set_exception(exc)
                            if not isinstance(exc, ToolError):
                                break  # the session may be broken: reconnect on next request
                        request = await queue.get()
                    if request is None:
                        return
            except Exception as exc:
                if request is not None and not request[1].done():
                    request[1].set_exception(ToolError(f"MCP server {self.name} failed: {exc}"))

    def _submit(self, operation: Any) -> Any:
        with self._lock:
            if self._queue is None:
                self._queue = asyncio.Queue()
                queue = self._queue
                self._server_task = asyncio.run_coroutine_threadsafe(self._serve(queue), self._loop)
            future: Future[Any] = Future()
            self._loop.call_soon_threadsafe(self._queue.put_nowait, (operation, future))
            return future.result(timeout=self._timeout)

    def call(self, tool: str, arguments: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Call ``tool`` and return its structured result; raises `ToolError` on failure."""

        async def operation(client: Client) -> dict[str, Any]:
            result = await client.call_tool(tool, dict(arguments or {}))
            text = " ".join(getattr(c, "text", "") for c in result.content).strip()
            if result.is_error:
                raise ToolError(text or f"tool {tool} failed", tool=tool)
            structured = result.structured_content
            if isinstance(structured, dict):
                inner = structured.get("result", structured)
                return inner if isinstance(inner, dict) else {"result": inner}
            return {"text": text}

        try:
            result: dict[str, Any] = self._submit(operation)
        except ToolError:
            raise
        except Exception as exc:
            raise ToolError(f"MCP call {tool} failed: {exc!r}", tool=tool) from exc
        return result

    def tools(self) -> list[str]:
        """The names of the tools the server offers."""

        async def operation(client: Client) -> list[str]:
            listing = await client.list_tools()
            return sorted(tool.name for tool in listing.tools)

        names: list[str] = self._submit(operation)
        return names

    def close(self) -> None:
        """Close the session (the server subprocess exits) and stop the loop thread."""
        with self._lock:
            if self._queue is not None:
                self._loop.call_soon_threadsafe(self._queue.put_nowait, None)
                if self._server_task is not None:
                    with contextlib.suppress(Exception):
                        self._server_task.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def __enter__(self) -> ToolClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
