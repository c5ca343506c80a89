"""Draft vs executive Odoo MCP servers: what is listed, what is refused (no Odoo needed)."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp.server.mcpserver.exceptions import ToolError

from employee.errors import ConfigError
from employee.mcp.odoo import DRAFT_TOOLS, EXECUTIVE_TOOLS, build_server
from employee.mcp.odoo.__main__ import check_startup, main
from employee.odoo import OdooClient

pytestmark = pytest.mark.anyio

ENV = {
    "ODOO_URL": "http://127.0.0.1:9",
    "ODOO_DB": "platinum",
    "ODOO_LOGIN": "drafter",
    "ODOO_SECRET": "k",
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def no_odoo() -> OdooClient:
    raise AssertionError("the refusal must happen before any Odoo client is built")


async def test_draft_server_lists_no_posting_or_payment_tool() -> None:
    async with Client(build_server(no_odoo, "draft")) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
    assert names == set(DRAFT_TOOLS)
    assert names.isdisjoint(EXECUTIVE_TOOLS)


async def test_executive_server_lists_all_tools_with_annotations() -> None:
    async with Client(build_server(no_odoo, "executive")) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == set(DRAFT_TOOLS) | set(EXECUTIVE_TOOLS)
    for name in ("get_invoice", "list_invoices"):
        assert tools[name].annotations is not None
        assert tools[name].annotations.read_only_hint is True
    create = tools["create_draft_invoice"].annotations
    assert create is not None
    assert create.idempotent_hint is True
    assert create.destructive_hint is False
    assert "idempotency_key" in tools["create_draft_invoice"].input_schema["required"]
    for name in EXECUTIVE_TOOLS:
        hints = tools[name].annotations
        assert hints is not None
        assert hints.destructive_hint is True
        assert hints.read_only_hint is False


@pytest.mark.parametrize("tool", EXECUTIVE_TOOLS)
async def test_draft_server_refuses_forced_executive_call(tool: str) -> None:
    server = build_server(no_odoo, "draft")
    args = {"invoice_id": 1, "idempotency_key": "k1"}
    # Straight into the server, as a client that never listed tools would.
    with pytest.raises(ToolError, match="refused"):
        await server.call_tool(tool, args)
    # And over the protocol, on both connection modes: an error result naming the refusal.
    for mode in ("auto", "legacy"):
        async with Client(server, mode=mode) as client:
            result = await client.call_tool(tool, args)
        assert result.is_error
        assert "refused" in result.content[0].text  # type: ignore[union-attr]


def test_build_server_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError, match="mode"):
        build_server(no_odoo, "admin")  # type: ignore[arg-type]


def test_startup_refuses_executive_credential_in_draft_mode() -> None:
    with pytest.raises(ConfigError, match="executive credential"):
        check_startup("draft", ENV | {"ODOO_ROLE": "executive"})
    assert check_startup("executive", ENV | {"ODOO_ROLE": "executive"}).login == "drafter"
    assert check_startup("draft", ENV | {"ODOO_ROLE": "drafter"}).db == "platinum"
    with pytest.raises(ConfigError, match="ODOO_ROLE"):
        check_startup("draft", ENV | {"ODOO_ROLE": "root"})


def test_main_exits_2_on_refused_startup(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in (ENV | {"ODOO_ROLE": "executive"}).items():
        monkeypatch.setenv(key, value)
    assert main(["--mode", "draft"]) == 2
    assert "executive credential" in capsys.readouterr().err
    monkeypatch.delenv("ODOO_URL")
    monkeypatch.setenv("ODOO_ROLE", "drafter")
    assert main(["--mode", "draft"]) == 2
