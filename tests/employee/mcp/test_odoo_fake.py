"""The Odoo MCP server against FakeOdoo: in-process life cycle, stdio, defence in depth."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from employee.mcp.odoo import build_server
from employee.odoo import OdooClient, OdooConfig
from fakes.odoo import FakeOdoo

pytestmark = pytest.mark.anyio

LINES = [{"name": "Audit", "quantity": 1, "price_unit": 500.0}]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["19", "17"])
def odoo(request: pytest.FixtureRequest) -> Iterator[FakeOdoo]:
    with FakeOdoo(version=request.param, db="platinum") as fake:
        yield fake


def factory(odoo: FakeOdoo, role: str) -> Any:
    user = odoo.executive if role == "executive" else odoo.drafter

    def make() -> OdooClient:
        return OdooClient(OdooConfig(odoo.url, odoo.db, user.login, user.api_key))

    return make


def data(result: Any) -> Any:
    assert not result.is_error, result.content
    return result.structured_content


async def test_executive_life_cycle_draft_posted_paid(odoo: FakeOdoo) -> None:
    server = build_server(factory(odoo, "executive"), "executive")
    try:
        async with Client(server) as client:
            partner = data(
                await client.call_tool(
                    "find_or_create_partner", {"name": "Acme", "email": "ap@acme.example"}
                )
            )["partner_id"]
            args = {"partner_id": partner, "lines": LINES, "ref": "T-1", "idempotency_key": "t-1"}
            draft = data(await client.call_tool("create_draft_invoice", args))
            assert data(await client.call_tool("create_draft_invoice", args))["id"] == draft["id"]
            assert (draft["state"], draft["amount_total"]) == ("draft", 500.0)
            listed = data(await client.call_tool("list_invoices", {"state": "draft"}))["result"]
            assert [inv["id"] for inv in listed] == [draft["id"]]
            posted = data(await client.call_tool("post_invoice", {"invoice_id": draft["id"]}))
            assert posted["state"] == "posted"
            assert posted["name"]
            pay = {"invoice_id": draft["id"], "idempotency_key": "pay-t-1"}
            paid = data(await client.call_tool("register_payment", pay))
            assert paid["invoice"]["payment_state"] in ("paid", "in_payment")
            assert (
                data(await client.call_tool("register_payment", pay))["payment_id"]
                == (paid["payment_id"])
            )
            final = data(await client.call_tool("get_invoice", {"invoice_id": draft["id"]}))
            assert final["amount_residual"] == 0.0
    finally:
        server.close()
    assert len(odoo.records("account.move", [("move_type", "=", "out_invoice")])) == 1
    assert len(odoo.records("account.payment", [])) == 1


async def test_drafter_credential_refused_by_odoo_even_on_executive_server(
    odoo: FakeOdoo,
) -> None:
    server = build_server(factory(odoo, "drafter"), "executive")
    try:
        async with Client(server) as client:
            partner = data(await client.call_tool("find_or_create_partner", {"name": "Wayne"}))
            args = {"partner_id": partner["partner_id"], "lines": LINES, "idempotency_key": "w-1"}
            draft = data(await client.call_tool("create_draft_invoice", args))
            result = await client.call_tool("post_invoice", {"invoice_id": draft["id"]})
            assert result.is_error
            assert "odoo.exceptions.AccessError" in result.content[0].text  # type: ignore[union-attr]
            still = data(await client.call_tool("get_invoice", {"invoice_id": draft["id"]}))
            assert still["state"] == "draft"
    finally:
        server.close()


async def test_odoo_errors_become_tool_errors(odoo: FakeOdoo) -> None:
    server = build_server(factory(odoo, "executive"), "executive")
    try:
        async with Client(server) as client:
            missing = await client.call_tool("get_invoice", {"invoice_id": 987654})
            assert missing.is_error
            bad_key = await client.call_tool(
                "create_draft_invoice",
                {"partner_id": 1, "lines": LINES, "idempotency_key": "../etc"},
            )
            assert bad_key.is_error
            no_lines = await client.call_tool(
                "create_draft_invoice", {"partner_id": 1, "lines": [], "idempotency_key": "x"}
            )
            assert no_lines.is_error
    finally:
        server.close()


@pytest.fixture
def odoo19() -> Iterator[FakeOdoo]:
    with FakeOdoo(version="19", db="platinum") as fake:
        yield fake


@pytest.mark.slow
async def test_stdio_draft_server(odoo19: FakeOdoo, tmp_path: Any) -> None:
    odoo = odoo19
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "HOME": str(tmp_path),
        "ODOO_URL": odoo.url,
        "ODOO_DB": odoo.db,
        "ODOO_LOGIN": odoo.drafter.login,
        "ODOO_SECRET": odoo.drafter.api_key,
        "ODOO_PROTOCOL": "auto",
        "ODOO_ROLE": "drafter",
    }
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "employee.mcp.odoo", "--mode", "draft"],
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
        cwd=str(tmp_path),
    )
    async with Client(params) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert "post_invoice" not in names
        assert "register_payment" not in names
        partner = data(await client.call_tool("find_or_create_partner", {"name": "Stdio Co"}))
        args = {"partner_id": partner["partner_id"], "lines": LINES, "idempotency_key": "s-1"}
        draft = data(await client.call_tool("create_draft_invoice", args))
        assert draft["state"] == "draft"
        refused = await client.call_tool("post_invoice", {"invoice_id": draft["id"]})
        assert refused.is_error
    [move] = odoo.records("account.move", [("id", "=", draft["id"])])
    assert move["state"] == "draft"
