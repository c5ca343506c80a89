"""Pure wire functions: JSON-2 bodies, JSON-RPC envelopes, error decoding."""

from __future__ import annotations

import pytest

from employee.errors import OdooError, OdooRemoteError, OdooTransientError
from employee.odoo.wire import (
    decode_json2,
    decode_jsonrpc,
    json2_body,
    jsonrpc_envelope,
    major_version,
)


def test_json2_body_names_model_method_arguments() -> None:
    body = json2_body("search_read", [[["name", "=", "x"]], ["name"]], {"limit": 5})
    assert body == {"domain": [["name", "=", "x"]], "fields": ["name"], "limit": 5}


def test_json2_body_takes_ids_first_for_record_methods() -> None:
    assert json2_body("write", [[5], {"name": "y"}], {}) == {"ids": [5], "vals": {"name": "y"}}
    assert json2_body("action_post", [7], {"context": {"a": 1}}) == {
        "ids": [7],
        "context": {"a": 1},
    }


def test_json2_body_create_has_no_ids() -> None:
    assert json2_body("create", [[{"name": "x"}]], {}) == {"vals_list": [{"name": "x"}]}


def test_json2_body_refuses_unnamed_extra_positionals() -> None:
    with pytest.raises(OdooError, match="named arguments"):
        json2_body("frobnicate", [[1], "what"], {})
    with pytest.raises(OdooError, match="given twice"):
        json2_body("read", [[1], ["name"]], {"fields": ["id"]})


def test_jsonrpc_envelope_shape() -> None:
    env = jsonrpc_envelope("common", "login", ["db", "u", "p"], 3)
    assert env == {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"service": "common", "method": "login", "args": ["db", "u", "p"]},
        "id": 3,
    }


def test_decode_json2_success_and_errors() -> None:
    assert decode_json2(200, [1, 2], where="x") == [1, 2]
    body = {"name": "odoo.exceptions.UserError", "message": "nope", "arguments": ["nope"]}
    with pytest.raises(OdooRemoteError) as info:
        decode_json2(422, body, where="account.move.action_post")
    assert info.value.name == "odoo.exceptions.UserError"
    assert info.value.code == 422
    assert info.value.message == "nope"
    with pytest.raises(OdooTransientError):
        decode_json2(502, "Bad Gateway", where="x")
    with pytest.raises(OdooRemoteError) as info:
        decode_json2(415, "<html>unsupported</html>", where="x")
    assert info.value.code == 415


@pytest.mark.parametrize("code", [200, 0])
def test_decode_jsonrpc_error_envelope(code: int) -> None:
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "error": {
            "code": code,
            "message": "Odoo Server Error",
            "data": {"name": "odoo.exceptions.AccessError", "message": "no rights"},
        },
    }
    with pytest.raises(OdooRemoteError) as info:
        decode_jsonrpc(200, body, where="x")
    assert (info.value.name, info.value.code, info.value.message) == (
        "odoo.exceptions.AccessError",
        code,
        "no rights",
    )


def test_decode_jsonrpc_result_and_missing_result() -> None:
    assert decode_jsonrpc(200, {"jsonrpc": "2.0", "id": 1, "result": 7}, where="x") == 7
    assert decode_jsonrpc(200, {"jsonrpc": "2.0", "id": 1}, where="x") is None
    with pytest.raises(OdooError, match="malformed"):
        decode_jsonrpc(200, {"result": 1}, where="x")
    with pytest.raises(OdooTransientError):
        decode_jsonrpc(504, None, where="x")


@pytest.mark.parametrize(
    ("value", "major"),
    [("19.0", 19), ("saas~18.3", 18), ([17, 0, 0, "final", 0, ""], 17), ("", None), (None, None)],
)
def test_major_version(value: object, major: int | None) -> None:
    assert major_version(value) == major
