"""Social MCP server: ``list_posts``, ``draft_post`` and, in executive mode only, ``publish_post``.

``python -m employee.mcp.social --mode draft|executive`` serves over stdio. Settings:

- ``SOCIAL_API_URL``: base URL of the social API (required in executive mode)
- ``SOCIAL_TOKEN_FILE``: file holding the bearer token (required in executive mode)
- ``SOCIAL_HANDBOOK_FILE``: optional ``Company_Handbook.md`` for the drafting tone

A draft (Cloud) server neither lists nor runs ``publish_post``. The executive (Local) server
publishes only with an ``approval_id``; checking that approval is the Local agent's job.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError as McpToolError
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, Field

from employee.brain import Handbook, Policy, PostRequest, PostRequestError, RulesPolicy
from employee.errors import ConfigError, ToolError

__all__ = [
    "EXECUTIVE_TOOLS",
    "Mode",
    "PostDraftOut",
    "PostOut",
    "SocialClient",
    "SocialConfig",
    "SocialMCPServer",
    "build_server",
    "main",
]

Mode = Literal["draft", "executive"]
EXECUTIVE_TOOLS = frozenset({"publish_post"})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class SocialConfig:
    """Where the social API is and the token to use (``None`` when not configured)."""

    api_url: str | None
    token: str | None = None
    handbook: Handbook = field(default_factory=Handbook.default)

    @classmethod
    def from_env(cls, environ: Mapping[str, str], mode: Mode) -> SocialConfig:
        """Read SOCIAL_API_URL, SOCIAL_TOKEN_FILE, SOCIAL_HANDBOOK_FILE; executive needs both."""
        url = environ.get("SOCIAL_API_URL", "").strip() or None
        token_file = environ.get("SOCIAL_TOKEN_FILE", "").strip() or None
        if mode == "executive" and not (url and token_file):
            raise ConfigError("executive mode needs SOCIAL_API_URL and SOCIAL_TOKEN_FILE")
        if url and not url.startswith(("http://", "https://")):
            raise ConfigError("SOCIAL_API_URL must be an http(s) URL", url=url)
        token = None
        if token_file:
            try:
                token = Path(token_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"cannot read SOCIAL_TOKEN_FILE: {exc}", path=token_file) from exc
            if not token or any(c.isspace() for c in token):
                raise ConfigError("SOCIAL_TOKEN_FILE must hold one token", path=token_file)
        handbook = Handbook.default()
        handbook_file = environ.get("SOCIAL_HANDBOOK_FILE", "").strip()
        if handbook_file:
            try:
                handbook = Handbook.parse(Path(handbook_file).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"cannot read the handbook: {exc}", path=handbook_file) from exc
        if url and not token:
            raise ConfigError("SOCIAL_API_URL is set but SOCIAL_TOKEN_FILE is not")
        return cls(url, token, handbook)


class SocialClient:
    """A small synchronous client for the social API; retries transient failures with the
    same idempotency key, so a retried publish never posts twice."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )
        self._retries = retries
        self._backoff = backoff

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        last = "no attempt made"
        for attempt in range(self._retries + 1):
            if attempt:
                time.sleep(self._backoff * 2 ** (attempt - 1))
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                last = f"social API unreachable: {exc!r}"
                continue
            if response.status_code in _RETRY_STATUSES:
                last = f"social API answered {response.status_code}"
                continue
            try:
                body = response.json()
            except ValueError:
                body = {}
            if response.is_error:
                error = body.get("error", {}) if isinstance(body, dict) else {}
                message = error.get("message") or response.reason_phrase
                raise ToolError(
                    f"social API refused ({response.status_code} {error.get('type', 'error')}): "
                    f"{message}",
                    status=response.status_code,
                )
            return body
        raise ToolError(f"{last}; gave up after {self._retries + 1} attempts, nothing confirmed")

    def list_posts(self, status: str | None = None) -> list[dict[str, Any]]:
        """Live posts, oldest first."""
        params = {"status": status} if status else {}
        body = self._request("GET", "/v1/posts", params=params)
        return list(body.get("data", []))

    def publish(
        self,
        text: str,
        idempotency_key: str,
        *,
        scheduled_for: datetime | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Create (or replay, for a known key) one post."""
        payload: dict[str, Any] = {"text": text, "idempotency_key": idempotency_key}
        if scheduled_for is not None:
            payload["scheduled_for"] = scheduled_for.isoformat()
        if metadata:
            payload["metadata"] = dict(metadata)
        result: dict[str, Any] = self._request("POST", "/v1/posts", json=payload)
        return result


class PostOut(BaseModel):
    """A post as the platform reports it."""

    id: str
    text: str
    status: str
    published_at: str | None = None
    scheduled_for: str | None = None
    idempotency_key: str | None = None
    approval_id: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> PostOut:
        metadata = data.get("metadata") or {}
        return cls(
            id=str(data.get("id", "")),
            text=str(data.get("text", "")),
            status=str(data.get("status", "")),
            published_at=data.get("published_at"),
            scheduled_for=data.get("scheduled_for"),
            idempotency_key=data.get("idempotency_key"),
            approval_id=metadata.get("approval_id") if isinstance(metadata, dict) else None,
        )


class PostDraftOut(BaseModel):
    """A drafted post: text to put in an approval file, and the key to publish it with."""

    text: str
    length: int
    idempotency_key: str
    scheduled_for: datetime | None = None
    notes: list[str] = []


class SocialMCPServer(MCPServer[Any]):
    """An ``MCPServer`` that refuses executive tools outright in draft mode."""

    def __init__(self, mode: Mode, client: SocialClient | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mode: Mode = mode
        self.client = client

    def close(self) -> None:
        """Close the HTTP client, if any."""
        if self.client is not None:
            self.client.close()

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Any = None
    ) -> CallToolResult | Any:
        if self.mode == "draft" and name in EXECUTIVE_TOOLS:
            raise McpToolError(f"refused: {name} is not offered by a draft-only (Cloud) server")
        return await super().call_tool(name, arguments, context)


def _api(server: SocialMCPServer) -> SocialClient:
    if server.client is None:
        raise McpToolError("no social API configured (SOCIAL_API_URL, SOCIAL_TOKEN_FILE)")
    return server.client


def _as_tool_error(exc: ToolError) -> McpToolError:
    return McpToolError(str(exc.message))


def build_server(
    mode: Mode,
    client: SocialClient | None,
    *,
    handbook: Handbook | None = None,
    policy: Policy | None = None,
) -> SocialMCPServer:
    """A social MCP server; ``draft`` mode offers no publishing tool and refuses it."""
    if mode not in ("draft", "executive"):
        raise ValueError(f"mode must be 'draft' or 'executive', not {mode!r}")
    if mode == "executive" and client is None:
        raise ConfigError("an executive social server needs an API client")
    book = handbook or Handbook.default()
    brain = policy or RulesPolicy()
    server = SocialMCPServer(
        mode,
        client,
        name=f"platinum-social-{mode}",
        instructions=(
            "Social posts. draft_post has no side effect."
            + (" publish_post needs a human approval id." if mode == "executive" else "")
        ),
    )

    @server.tool(annotations=ToolAnnotations(read_only_hint=True, open_world_hint=True))
    def list_posts(
        status: Literal["published", "scheduled"] | None = None,
        limit: Annotated[int, Field(ge=1, le=100)] = 20,
    ) -> list[PostOut]:
        """Posts on the platform (newest last), optionally only published or scheduled ones."""
        try:
            posts = _api(server).list_posts(status)
        except ToolError as exc:
            raise _as_tool_error(exc) from exc
        return [PostOut.from_api(p) for p in posts[-limit:]]

    @server.tool(annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False))
    def draft_post(
        topic: Annotated[str, Field(min_length=1, max_length=1000)],
        key_points: Annotated[list[Annotated[str, Field(max_length=500)]], Field(max_length=10)]
        | None = None,
        link: Annotated[str, Field(max_length=500)] | None = None,
        hashtags: Annotated[list[Annotated[str, Field(max_length=50)]], Field(max_length=10)]
        | None = None,
        scheduled_for: datetime | None = None,
        max_chars: Annotated[int, Field(ge=20, le=5000)] = 280,
    ) -> PostDraftOut:
        """Draft a post that fits ``max_chars``. Publishes nothing."""
        request = PostRequest(
            topic, tuple(key_points or ()), link, tuple(hashtags or ()), scheduled_for, max_chars
        )
        try:
            draft = brain.draft_post(request, book)
        except PostRequestError as exc:
            raise McpToolError(exc.message) from exc
        return PostDraftOut(
            text=draft.text,
            length=len(draft.text),
            idempotency_key=draft.idempotency_key,
            scheduled_for=draft.scheduled_for,
            notes=list(draft.notes),
        )

    if mode == "executive":

        @server.tool(
            annotations=ToolAnnotations(
                read_only_hint=False,
                destructive_hint=False,
                idempotent_hint=True,
                open_world_hint=True,
            )
        )
        def publish_post(
            text: Annotated[str, Field(min_length=1, max_length=5000)],
            idempotency_key: Annotated[str, Field(min_length=1, max_length=255)],
            approval_id: Annotated[
                str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
            ],
            scheduled_for: datetime | None = None,
        ) -> PostOut:
            """Publish an approved post once per idempotency key. Only after a human approved it."""
            try:
                post = _api(server).publish(
                    text,
                    idempotency_key,
                    scheduled_for=scheduled_for,
                    metadata={"approval_id": approval_id},
                )
            except ToolError as exc:
                raise _as_tool_error(exc) from exc
            return PostOut.from_api(post)

    return server


def main(argv: Sequence[str] | None = None) -> int:
    """Serve over stdio until the client hangs up; exit 2 on bad configuration."""
    parser = argparse.ArgumentParser(prog="python -m employee.mcp.social", description=__doc__)
    parser.add_argument("--mode", choices=("draft", "executive"), required=True)
    args = parser.parse_args(argv)
    mode: Mode = "executive" if args.mode == "executive" else "draft"
    try:
        config = SocialConfig.from_env(os.environ, mode)
    except ConfigError as exc:
        print(f"employee.mcp.social: {exc}", file=sys.stderr)
        return 2
    client = SocialClient(config.api_url, config.token) if config.api_url and config.token else None
    server = build_server(mode, client, handbook=config.handbook)
    try:
        server.run()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
