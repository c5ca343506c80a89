"""Wire details: JSON-RPC envelopes, XML-RPC fault codes, JSON-2 statuses, per version."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import httpx
import pytest

from fakes.odoo import FakeOdoo

LINES = [[0, 0, {"product_id": 1, "quantity": 1, "price_unit": 50.0}]]


# -- JSON-RPC -------------------------------------------------------------------------------
def test_version_and_login(odoo: FakeOdoo, jsonrpc: Any) -> None:
    version = jsonrpc.envelope("common", "version")["result"]
    assert version["server_version"] == f"{odoo.version}.0"
    assert version["server_version_info"][:1] == [int(odoo.version)]
    user = odoo.executive
    assert jsonrpc.envelope("common", "login", odoo.db, user.login, user.password)["result"] == 2
    assert jsonrpc.envelope("common", "login", odoo.db, user.login, user.api_key)["result"] == 2
    assert jsonrpc.envelope("common", "login", odoo.db, user.login, "nope")["result"] is False
    auth = jsonrpc.envelope("common", "authenticate", odoo.db, "drafter", odoo.drafter.password, {})
    assert auth["result"] == 3
    assert "error" in jsonrpc.envelope("common", "login", "nodb", user.login, user.password)
    assert jsonrpc.envelope("db", "list")["result"] == [odoo.db]


def test_bad_password_on_object_is_access_denied(odoo: FakeOdoo, jsonrpc: Any) -> None:
    reply = jsonrpc.envelope(
        "object", "execute_kw", odoo.db, 2, "wrong", "res.partner", "search", [[]]
    )
    error = reply["error"]
    assert error["code"] == (0 if odoo.version == "19" else 200)
    assert error["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert error["data"]["message"] == "Access Denied"
    keys = list(error["data"])
    assert keys == (
        ["name", "message", "arguments", "context", "debug"]
        if odoo.version == "19"
        else ["name", "debug", "message", "arguments", "context"]
    )


def test_execute_errors(odoo: FakeOdoo, jsonrpc: Any) -> None:
    boss = odoo.executive
    unknown = jsonrpc.execute(boss, "no.such.model", "search", [[]])
    assert unknown["error"]["data"]["name"] == "odoo.exceptions.UserError"
    private = jsonrpc.execute(boss, "res.partner", "_search", [[]])
    assert private["error"]["data"]["name"] == "odoo.exceptions.AccessError"
    missing = jsonrpc.execute(boss, "res.partner", "frobnicate", [[1]])
    assert missing["error"]["data"]["name"] == "builtins.AttributeError"
    bad_domain = jsonrpc.execute(boss, "res.partner", "search", [[["name", "~~", "x"]]])
    assert bad_domain["error"]["data"]["name"] == "builtins.ValueError"
    bad_args = jsonrpc.execute(boss, "res.partner", "search", [], {"nope": 1})
    assert bad_args["error"]["data"]["name"] == "builtins.TypeError"
    required = jsonrpc.execute(boss, "res.partner", "create", [{"email": "x@example.com"}])
    assert required["error"]["data"]["name"] == "odoo.exceptions.ValidationError"


def test_none_result_omits_result_before_19(odoo: FakeOdoo) -> None:
    def no_result(params: dict[str, Any]) -> None:
        return None

    from fakes.odoo.rpc_jsonrpc import handle_jsonrpc

    response = handle_jsonrpc(odoo.app, b'{"jsonrpc":"2.0","id":1,"params":{}}', no_result)
    assert ("result" in response.body.decode()) is (odoo.version == "19")


def test_invalid_json_bodies(odoo19: FakeOdoo) -> None:
    assert httpx.post(odoo19.url + "/jsonrpc", content=b"{nope").status_code == 400
    assert httpx.post(odoo19.url + "/jsonrpc", content=b"[1, 2]").status_code == 400


# -- XML-RPC --------------------------------------------------------------------------------
def test_xmlrpc_int_fault_codes(odoo: FakeOdoo, xml_proxy: Any) -> None:
    common, models = xml_proxy(odoo, "common"), xml_proxy(odoo, "object")
    boss, drafter = odoo.executive, odoo.drafter
    assert common.login(odoo.db, boss.login, "bad") is False
    uid = common.authenticate(odoo.db, drafter.login, drafter.api_key, {})
    assert uid == drafter.uid
    with pytest.raises(xmlrpc.client.Fault) as denied:
        models.execute_kw(odoo.db, uid, "bad", "res.partner", "search", [[]])
    assert denied.value.faultCode == 3
    move = models.execute_kw(
        odoo.db,
        uid,
        drafter.password,
        "account.move",
        "create",
        [{"move_type": "out_invoice", "partner_id": 5, "invoice_line_ids": LINES}],
    )
    assert isinstance(move, int)
    with pytest.raises(xmlrpc.client.Fault) as access:
        models.execute_kw(odoo.db, uid, drafter.password, "account.move", "action_post", [[move]])
    assert access.value.faultCode == 4
    context = {"context": {"active_model": "account.move", "active_ids": [move]}}
    with pytest.raises(xmlrpc.client.Fault) as pay:
        models.execute_kw(
            odoo.db, uid, drafter.password, "account.payment.register", "create", [{}], context
        )
    assert pay.value.faultCode == 4
    assert (
        models.execute_kw(odoo.db, boss.uid, boss.api_key, "account.move", "action_post", [[move]])
        is False
    )
    with pytest.raises(xmlrpc.client.Fault) as user_error:
        models.execute_kw(odoo.db, boss.uid, boss.password, "account.move", "action_post", [[move]])
    assert user_error.value.faultCode == 2
    with pytest.raises(xmlrpc.client.Fault) as missing:
        models.execute_kw(odoo.db, boss.uid, boss.password, "res.partner", "read", [[999]])
    assert missing.value.faultCode == 2
    with pytest.raises(xmlrpc.client.Fault) as crash:
        models.execute_kw(odoo.db, boss.uid, boss.password, "res.partner", "nope", [[1]])
    assert crash.value.faultCode == 1
    assert "Traceback" in crash.value.faultString


def test_xmlrpc_legacy_string_faults(odoo17: FakeOdoo, xml_proxy: Any) -> None:
    models = xml_proxy(odoo17, "object", legacy=True)
    drafter = odoo17.drafter
    assert (
        xml_proxy(odoo17, "common", legacy=True).login(odoo17.db, drafter.login, drafter.password)
        == 3
    )
    with pytest.raises(xmlrpc.client.Fault) as denied:
        models.execute_kw(odoo17.db, 3, "bad", "res.partner", "search", [[]])
    assert denied.value.faultCode == "AccessDenied"
    move = models.execute_kw(
        odoo17.db,
        3,
        drafter.password,
        "account.move",
        "create",
        [{"move_type": "out_invoice", "partner_id": 5}],
    )
    with pytest.raises(xmlrpc.client.Fault) as access:
        models.execute_kw(odoo17.db, 3, drafter.password, "account.move", "action_post", [[move]])
    assert access.value.faultCode.startswith("warning -- AccessError\n\n")
    with pytest.raises(xmlrpc.client.Fault) as missing:
        models.execute_kw(odoo17.db, 3, drafter.password, "res.partner", "read", [[999]])
    assert missing.value.faultCode.startswith("warning -- MissingError")
    boss = odoo17.executive
    with pytest.raises(xmlrpc.client.Fault) as user_error:
        models.execute_kw(
            odoo17.db, boss.uid, boss.password, "account.move", "action_post", [[move]]
        )
    assert user_error.value.faultCode.startswith("warning -- UserError")


def test_xmlrpc_none_result_is_marshal_fault(odoo19: FakeOdoo) -> None:
    from fakes.odoo.rpc_xmlrpc import fault_for

    fault = fault_for(TypeError("cannot marshal None unless allow_none is enabled"), legacy=False)
    assert fault.faultCode == 1
    assert "cannot marshal None" in fault.faultString
    empty = httpx.post(odoo19.url + "/xmlrpc/2/common", content=b"")
    assert empty.status_code == 200
    assert b"<fault>" in empty.content


# -- JSON-2 ---------------------------------------------------------------------------------
def test_json2_calls(odoo19: FakeOdoo, json2: Any) -> None:
    reply = json2(
        odoo19,
        "res.partner",
        "search_read",
        {"domain": [["name", "ilike", "%deco%"], ["is_company", "=", True]], "fields": ["name"]},
    )
    assert reply.status_code == 200
    assert reply.json() == [{"id": 6, "name": "Deco Addict"}]
    created = json2(odoo19, "res.partner", "create", {"vals_list": [{"name": "X"}]})
    assert created.json() == [9]
    assert json2(odoo19, "res.partner", "write", {"ids": [9], "vals": {"name": "Y"}}).json() is True
    assert json2(
        odoo19, "res.partner", "read", {"ids": [9], "fields": ["name"], "load": None}
    ).json() == [{"id": 9, "name": "Y"}]
    assert json2(odoo19, "res.partner", "search_count", {"domain": [["id", "=", 9]]}).json() == 1
    assert json2(odoo19, "res.partner", "unlink", {"ids": [9]}).json() is True
    ctx = json2(odoo19, "res.users", "context_get", {}, key=odoo19.drafter.api_key).json()
    assert ctx["uid"] == 3


@pytest.mark.parametrize(
    ("model", "method", "body", "status", "name"),
    [
        (
            "res.partner",
            "search",
            {"domain": "x", "nope": 1},
            422,
            "werkzeug.exceptions.UnprocessableEntity",
        ),
        ("res.partner", "search", {}, 422, "werkzeug.exceptions.UnprocessableEntity"),
        (
            "res.partner",
            "create",
            {"ids": [1], "vals_list": []},
            422,
            "werkzeug.exceptions.UnprocessableEntity",
        ),
        ("no.model", "search", {"domain": []}, 404, "werkzeug.exceptions.NotFound"),
        ("res.partner", "nope", {}, 404, "werkzeug.exceptions.NotFound"),
        ("res.partner", "_search", {}, 403, "odoo.exceptions.AccessError"),
        ("res.partner", "read", {"ids": [999]}, 404, "odoo.exceptions.MissingError"),
        (
            "res.partner",
            "create",
            {"vals_list": [{"email": "a"}]},
            422,
            "odoo.exceptions.ValidationError",
        ),
        ("res.partner", "search", {"domain": [["bogus", "=", 1]]}, 500, "builtins.ValueError"),
    ],
)
def test_json2_error_statuses(
    odoo19: FakeOdoo, json2: Any, model: str, method: str, body: Any, status: int, name: str
) -> None:
    reply = json2(odoo19, model, method, body)
    assert reply.status_code == status, reply.text
    error = reply.json()
    assert error["name"] == name
    assert list(error) == ["name", "message", "arguments", "context", "debug"]


def test_json2_transport_errors(odoo19: FakeOdoo, json2: Any) -> None:
    url = f"{odoo19.url}/json/2/res.partner/search"
    headers = {"Authorization": f"Bearer {odoo19.executive.api_key}"}
    assert httpx.post(url, content=b"{}", headers=headers).status_code == 415
    bad = httpx.post(url, content=b"{nope", headers={**headers, "Content-Type": "application/json"})
    assert bad.status_code == 400
    assert "could not parse" in bad.json()["message"]
    array = httpx.post(url, json=[1], headers=headers)
    assert array.status_code == 400
    assert "expecting a json object" in array.json()["message"]
    unauthorized = json2(odoo19, "res.partner", "search", {"domain": []}, key="wrong")
    assert unauthorized.status_code == 401
    assert unauthorized.headers["WWW-Authenticate"] == "bearer"
    assert unauthorized.json()["name"] == "werkzeug.exceptions.Unauthorized"
    password = json2(odoo19, "res.partner", "search", {"domain": []}, key=odoo19.executive.password)
    assert password.status_code == 401
    assert httpx.post(url, json={"domain": []}).status_code == 401
    assert httpx.get(f"{odoo19.url}/json/2/res.partner/search").status_code == 404
    other_db = json2(
        odoo19, "res.partner", "search", {"domain": []}, **{"X-Odoo-Database": "other"}
    )
    assert other_db.status_code == 404


def test_json2_drafter_cannot_post_or_pay(odoo19: FakeOdoo, json2: Any) -> None:
    key = odoo19.drafter.api_key
    [move] = json2(
        odoo19,
        "account.move",
        "create",
        {"vals_list": [{"move_type": "out_invoice", "partner_id": 5, "invoice_line_ids": LINES}]},
        key=key,
    ).json()
    post = json2(odoo19, "account.move", "action_post", {"ids": [move]}, key=key)
    assert post.status_code == 403
    assert post.json()["name"] == "odoo.exceptions.AccessError"
    context = {"active_model": "account.move", "active_ids": [move]}
    assert json2(odoo19, "account.move", "action_post", {"ids": [move]}).status_code == 200
    pay = json2(
        odoo19,
        "account.payment.register",
        "create",
        {"vals_list": [{}], "context": context},
        key=key,
    )
    assert pay.status_code == 403
    again = json2(odoo19, "account.move", "action_post", {"ids": [move]})
    assert again.status_code == 422
    assert again.json()["name"] == "odoo.exceptions.UserError"
    [wizard] = json2(
        odoo19, "account.payment.register", "create", {"vals_list": [{}], "context": context}
    ).json()
    run = json2(
        odoo19,
        "account.payment.register",
        "action_create_payments",
        {"ids": [wizard], "context": context},
        key=key,
    )
    assert run.status_code == 403
    assert odoo19.records("account.payment") == []


@pytest.mark.parametrize("version", ["17", "18"])
def test_no_json2_before_19(version: str) -> None:
    with FakeOdoo(version=version) as odoo:
        assert httpx.get(odoo.url + "/web/version").status_code == 404
        reply = httpx.post(
            f"{odoo.url}/json/2/res.partner/search",
            json={"domain": []},
            headers={"Authorization": f"bearer {odoo.executive.api_key}"},
        )
        assert reply.status_code == 404
        assert httpx.get(f"{odoo.url}/doc-bearer/res.partner.json").status_code == 404
