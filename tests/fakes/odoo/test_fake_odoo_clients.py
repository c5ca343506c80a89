"""Unchanged real clients against the fake: odoorpc, odoo-client-lib (3 modes), mcp-server-odoo."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

import anyio
import odoolib
import odoorpc
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from odoolib.tools import AuthenticationError

from fakes.odoo import FakeOdoo


def test_odoorpc_login_search_create_browse(odoo: FakeOdoo) -> None:
    client = odoorpc.ODOO("127.0.0.1", port=odoo.port)
    assert client.version == f"{odoo.version}.0"
    assert client.db.list() == [odoo.db]
    client.login(odoo.db, odoo.drafter.login, odoo.drafter.password)
    assert client.env.uid == 3
    assert client.env.user.name == "Drafting Agent"
    partners = client.env["res.partner"]
    found = partners.search_read(
        [("country_id.code", "=", "US"), ("is_company", "=", True)], ["name"]
    )
    assert [p["name"] for p in found] == ["Azure Interior", "Deco Addict"]
    new_id = partners.create({"name": "Odoorpc Ltd", "is_company": True, "country_id": 1})
    record = partners.browse(new_id)
    assert record.name == "Odoorpc Ltd"
    assert record.country_id.code == "BE"
    record.email = "hello@odoorpc.example"
    assert odoo.records("res.partner", [("id", "=", new_id)])[0]["email"] == "hello@odoorpc.example"
    assert client.env.ref("base.main_company").name == "Platinum Demo Co"
    move_id = client.env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": new_id,
            "invoice_line_ids": [(0, 0, {"product_id": 2, "quantity": 2})],
        }
    )
    invoice = client.env["account.move"].browse(move_id)
    assert invoice.amount_total == 241.0
    assert invoice.state == "draft"
    with pytest.raises(odoorpc.error.RPCError) as denied:
        invoice.action_post()
    assert denied.value.info["data"]["name"] == "odoo.exceptions.AccessError"


def test_odoorpc_wrong_password(odoo19: FakeOdoo) -> None:
    client = odoorpc.ODOO("127.0.0.1", port=odoo19.port)
    with pytest.raises(odoorpc.error.RPCError, match="Wrong login"):
        client.login(odoo19.db, "admin", "wrong")


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc", "json2"])
def test_odoolib(odoo19: FakeOdoo, protocol: str) -> None:
    user = odoo19.executive
    secret = user.api_key if protocol == "json2" else user.password
    connection = odoolib.get_connection(
        hostname="127.0.0.1",
        port=odoo19.port,
        protocol=protocol,
        database=odoo19.db,
        login=user.login,
        password=secret,
    )
    if protocol != "json2":
        connection.check_login()
    assert connection.get_user_context()["uid"] == 2
    partners = connection.get_model("res.partner")
    ids = partners.search([("name", "ilike", "furniture")])
    assert ids == [7]
    assert partners.read(7, ["name"])["name"] == "Gemini Furniture"
    rows = partners.search_read([("is_company", "=", True)], ["name"], order="name desc")
    assert rows[0]["name"] == "Platinum Demo Co"
    created = partners.create({"name": f"Via {protocol}"})
    new_id = created[0] if isinstance(created, list) else created
    assert partners.search_count([("name", "=", f"Via {protocol}")]) == 1
    partners.write([new_id], {"phone": "+32 2 123"})
    assert odoo19.records("res.partner", [("id", "=", new_id)])[0]["phone"] == "+32 2 123"
    assert partners.unlink([new_id]) is True


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_odoolib_bad_login(odoo17: FakeOdoo, protocol: str) -> None:
    connection = odoolib.get_connection(
        hostname="127.0.0.1",
        port=odoo17.port,
        protocol=protocol,
        database=odoo17.db,
        login="admin",
        password="bad",
    )
    with pytest.raises(AuthenticationError):
        connection.check_login()


async def _mcp_session(env: dict[str, str], errlog: TextIO) -> dict[str, Any]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "mcp_server_odoo"],
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    out: dict[str, Any] = {}
    async with (
        stdio_client(params, errlog=errlog) as streams,
        ClientSession(streams[0], streams[1]) as session,
    ):
        await session.initialize()
        out["tools"] = {tool.name for tool in (await session.list_tools()).tools}
        for name, arguments in (
            (
                "search_records",
                {
                    "model": "res.partner",
                    "domain": [["is_company", "=", True]],
                    "fields": ["name"],
                    "limit": 10,
                },
            ),
            (
                "get_record",
                {"model": "res.partner", "record_id": 6, "fields": ["name", "country_id"]},
            ),
            (
                "create_record",
                {"model": "res.partner", "values": {"name": "MCP Co", "is_company": True}},
            ),
        ):
            result = await session.call_tool(name, arguments)
            assert not result.is_error, result.content
            out[name] = json.loads(result.content[0].text)  # type: ignore[union-attr]
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("version", "secret"), [("19", "ODOO_API_KEY"), ("17", "ODOO_PASSWORD")])
def test_mcp_server_odoo_yolo(version: str, secret: str, tmp_path: Any) -> None:
    with FakeOdoo(version=version) as odoo:
        user = odoo.executive
        env = {
            "ODOO_URL": odoo.url,
            "ODOO_DB": odoo.db,
            "ODOO_USER": user.login,
            "ODOO_YOLO": "true",
            secret: user.api_key if secret == "ODOO_API_KEY" else user.password,
        }
        with (tmp_path / "mcp.log").open("w") as errlog:
            out = anyio.run(_mcp_session, env, errlog)
        assert {"search_records", "get_record", "create_record"} <= out["tools"]
        names = [r["name"] for r in out["search_records"]["records"]]
        assert names == ["Azure Interior", "Deco Addict", "Gemini Furniture", "Platinum Demo Co"]
        assert out["get_record"]["record"]["country_id"] == [2, "United States"]
        new_id = out["create_record"]["record"]["id"]
        assert odoo.records("res.partner", [("id", "=", new_id)])[0]["name"] == "MCP Co"
        paths = {path for _, path, _ in odoo.requests}
        assert ("/json/2/res.partner/create" in paths) is (version == "19")
        assert ("/xmlrpc/2/object" in paths) is (version == "17")
