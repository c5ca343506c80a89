"""``python -m employee.mcp.social`` over stdio, publishing to a FakeSocial."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from fakes.social import FakeSocial, Token

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_stdio_executive_publishes(tmp_path: Path) -> None:
    token_file = tmp_path / "social.token"
    token_file.write_text("pub-token\n")
    with FakeSocial([Token("local", "pub-token", "publish")]) as social:
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "employee.mcp.social", "--mode", "executive"],
            env={
                "SOCIAL_API_URL": social.url,
                "SOCIAL_TOKEN_FILE": str(token_file),
                "PYTHONDONTWRITEBYTECODE": "1",
            },
            cwd=str(tmp_path),
        )
        async with Client(params, read_timeout_seconds=30) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            result = await client.call_tool(
                "publish_post",
                {"text": "Over stdio", "idempotency_key": "stdio-1", "approval_id": "APR_9"},
            )
        assert names == {"list_posts", "draft_post", "publish_post"}
        assert not result.is_error, result.content
        post = social.wait_for(lambda posts: posts[0] if posts else None, describe="one post")
        assert (post.text, post.metadata, post.author) == (
            "Over stdio",
            {"approval_id": "APR_9"},
            "local",
        )
