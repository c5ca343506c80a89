"""The social MCP server in-process against FakeSocial: modes, publishing, errors, config."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from employee.brain import Handbook
from employee.errors import ConfigError
from employee.mcp.social import SocialClient, SocialConfig, SocialMCPServer, build_server, main
from fakes.social import FakeSocial, Token

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def social() -> Iterator[FakeSocial]:
    tokens = [Token("local", "pub-token", "publish"), Token("cloud", "read-token", "read")]
    with FakeSocial(tokens) as fake:
        yield fake


@pytest.fixture
def make_server() -> Iterator[Callable[..., SocialMCPServer]]:
    """build_server, with every server's HTTP client closed at teardown."""
    built: list[SocialMCPServer] = []

    def make(*args: Any, **kwargs: Any) -> SocialMCPServer:
        server = build_server(*args, **kwargs)
        built.append(server)
        return server

    yield make
    for server in built:
        server.close()


def data(result: Any) -> Any:
    assert not result.is_error, result.content
    return result.structured_content


def error_text(result: Any) -> str:
    assert result.is_error
    return " ".join(getattr(c, "text", "") for c in result.content)


async def test_draft_mode_lists_no_publish_and_refuses_it(
    social: FakeSocial, make_server: Callable[..., SocialMCPServer]
) -> None:
    server = make_server("draft", SocialClient(social.url, "read-token"))
    async with Client(server) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert names == {"list_posts", "draft_post"}
        refused = await client.call_tool(
            "publish_post", {"text": "hi", "idempotency_key": "k", "approval_id": "A1"}
        )
        assert "not offered by a draft-only" in error_text(refused)
    assert social.posts == []
    assert social.requests == []


async def test_tool_annotations(
    social: FakeSocial, make_server: Callable[..., SocialMCPServer]
) -> None:
    server = make_server("executive", SocialClient(social.url, "pub-token"))
    async with Client(server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert tools["list_posts"].annotations.read_only_hint is True
    assert tools["draft_post"].annotations.read_only_hint is True
    publish = tools["publish_post"].annotations
    assert (publish.read_only_hint, publish.idempotent_hint) == (False, True)
    assert set(tools["publish_post"].input_schema["required"]) == {
        "text",
        "idempotency_key",
        "approval_id",
    }


async def test_draft_post_has_no_side_effect(
    social: FakeSocial, make_server: Callable[..., SocialMCPServer]
) -> None:
    handbook = Handbook.parse("## Tone\nfriendly\n")
    server = make_server("draft", SocialClient(social.url, "read-token"), handbook=handbook)
    async with Client(server) as client:
        draft = data(
            await client.call_tool(
                "draft_post",
                {
                    "topic": "we shipped the spring release",
                    "key_points": ["faster sync"],
                    "hashtags": ["release"],
                    "max_chars": 100,
                },
            )
        )
        empty = await client.call_tool("draft_post", {"topic": "\n \t"})
    assert draft["text"] == "We shipped the spring release! Faster sync. #release"
    assert draft["length"] == len(draft["text"]) <= 100
    assert draft["idempotency_key"].startswith("post-")
    assert "non-empty topic" in error_text(empty)
    assert social.requests == []


async def test_publish_is_idempotent_and_records_the_approval(
    social: FakeSocial, make_server: Callable[..., SocialMCPServer]
) -> None:
    server = make_server("executive", SocialClient(social.url, "pub-token", backoff=0.01))
    args = {"text": "Approved words", "idempotency_key": "post-abc", "approval_id": "APR_01"}
    async with Client(server) as client:
        first = data(await client.call_tool("publish_post", args))
        social.inject_fault(status=503, times=1, method="POST")
        second = data(await client.call_tool("publish_post", args))
        listed = data(await client.call_tool("list_posts", {}))["result"]
    assert first["id"] == second["id"] == "post_000001"
    assert first["approval_id"] == "APR_01"
    assert [p["id"] for p in listed] == ["post_000001"]
    assert len(social.posts) == 1
    assert social.posts[0].metadata == {"approval_id": "APR_01"}
    assert [r.status for r in social.requests if r.method == "POST"] == [201, 503, 201]


async def test_publish_errors_come_back_as_tool_errors(
    social: FakeSocial, make_server: Callable[..., SocialMCPServer]
) -> None:
    server = make_server("executive", SocialClient(social.url, "pub-token", backoff=0.01))
    async with Client(server) as client:
        too_long = await client.call_tool(
            "publish_post", {"text": "x" * 300, "idempotency_key": "k1", "approval_id": "A"}
        )
        bad_approval = await client.call_tool(
            "publish_post", {"text": "ok", "idempotency_key": "k2", "approval_id": "../etc"}
        )
        social.inject_fault(status=503, times=10)
        down = await client.call_tool(
            "publish_post", {"text": "ok", "idempotency_key": "k3", "approval_id": "A"}
        )
    assert "422 validation_error" in error_text(too_long)
    assert "limit is 280" in error_text(too_long)
    assert "approval_id" in error_text(bad_approval)
    assert "gave up after 4 attempts, nothing confirmed" in error_text(down)
    assert social.posts == []


async def test_executive_with_read_token_is_refused_by_the_platform(
    social: FakeSocial, make_server: Callable[..., SocialMCPServer]
) -> None:
    server = make_server("executive", SocialClient(social.url, "read-token"))
    async with Client(server) as client:
        result = await client.call_tool(
            "publish_post", {"text": "hi", "idempotency_key": "k", "approval_id": "A"}
        )
    assert "403 insufficient_scope" in error_text(result)
    assert social.posts == []


async def test_draft_server_without_api_can_still_draft() -> None:
    server = build_server("draft", None)
    async with Client(server) as client:
        assert data(await client.call_tool("draft_post", {"topic": "hello"}))["text"] == "Hello."
        listed = await client.call_tool("list_posts", {})
    assert "no social API configured" in error_text(listed)


def test_build_server_checks_mode() -> None:
    with pytest.raises(ValueError, match="mode"):
        build_server("admin", None)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="needs an API client"):
        build_server("executive", None)


def test_config_from_env(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("secret-token\n")
    handbook = tmp_path / "Company_Handbook.md"
    handbook.write_text("## Tone\nfriendly\n")
    env = {
        "SOCIAL_API_URL": "http://127.0.0.1:1",
        "SOCIAL_TOKEN_FILE": str(token),
        "SOCIAL_HANDBOOK_FILE": str(handbook),
    }
    config = SocialConfig.from_env(env, "executive")
    assert (config.api_url, config.token, config.handbook.tone) == (
        "http://127.0.0.1:1",
        "secret-token",
        "friendly",
    )
    assert SocialConfig.from_env({}, "draft").api_url is None
    with pytest.raises(ConfigError, match="executive mode needs"):
        SocialConfig.from_env({}, "executive")
    with pytest.raises(ConfigError, match="cannot read SOCIAL_TOKEN_FILE"):
        SocialConfig.from_env({**env, "SOCIAL_TOKEN_FILE": str(tmp_path / "missing")}, "draft")
    token.write_text("two tokens\n")
    with pytest.raises(ConfigError, match="one token"):
        SocialConfig.from_env(env, "draft")
    with pytest.raises(ConfigError, match="http"):
        SocialConfig.from_env({"SOCIAL_API_URL": "ftp://x"}, "draft")
    with pytest.raises(ConfigError, match="SOCIAL_TOKEN_FILE is not"):
        SocialConfig.from_env({"SOCIAL_API_URL": "http://x"}, "draft")


def test_main_refuses_bad_config(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SOCIAL_API_URL", raising=False)
    monkeypatch.delenv("SOCIAL_TOKEN_FILE", raising=False)
    assert main(["--mode", "executive"]) == 2
    assert "executive mode needs SOCIAL_API_URL" in capsys.readouterr().err
