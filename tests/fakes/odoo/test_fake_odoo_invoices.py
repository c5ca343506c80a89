"""The invoice life cycle (draft → posted → paid) and its errors, over JSON-RPC, on 17/18/19."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fakes.odoo import FakeOdoo
from fakes.odoo.dispatch import call_kw
from fakes.odoo.orm import Env

INVOICE = {
    "move_type": "out_invoice",
    "partner_id": 5,
    "ref": "SO-42",
    "invoice_origin": "mail:abc",
    "invoice_line_ids": [
        [0, 0, {"product_id": 1, "quantity": 2, "price_unit": 100.0}],
        [0, 0, {"name": "Chair", "quantity": 1, "price_unit": 42.5}],
    ],
}


def _error_name(reply: dict[str, Any]) -> str:
    assert "error" in reply, reply
    return str(reply["error"]["data"]["name"])


def _invoice(jsonrpc: Any, user: Any, **extra: Any) -> int:
    result = jsonrpc.result(user, "account.move", "create", [{**INVOICE, **extra}])
    assert isinstance(result, int)
    return result


def _read(jsonrpc: Any, user: Any, move_id: int, fields: list[str]) -> dict[str, Any]:
    [row] = jsonrpc.result(user, "account.move", "read", [[move_id], fields])
    return row  # type: ignore[no-any-return]


def test_draft_has_version_name_and_totals(odoo: FakeOdoo, jsonrpc: Any) -> None:
    move_id = _invoice(jsonrpc, odoo.drafter)
    row = _read(
        jsonrpc,
        odoo.drafter,
        move_id,
        [
            "name",
            "state",
            "payment_state",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "amount_residual",
            "partner_id",
            "ref",
            "invoice_origin",
            "invoice_line_ids",
        ],
    )
    assert row["name"] == ("/" if odoo.version == "17" else False)
    assert (row["state"], row["payment_state"]) == ("draft", "not_paid")
    assert row["amount_untaxed"] == row["amount_total"] == row["amount_residual"] == 242.5
    assert row["amount_tax"] == 0
    assert row["partner_id"] == [5, "Azure Interior"]
    assert (row["ref"], row["invoice_origin"]) == ("SO-42", "mail:abc")
    lines = jsonrpc.result(
        odoo.drafter,
        "account.move.line",
        "read",
        [row["invoice_line_ids"], ["name", "price_subtotal", "move_id"]],
    )
    assert [line["name"] for line in lines] == ["[CONS] Consulting", "Chair"]
    assert lines[0]["move_id"][0] == move_id


def test_taxes_add_to_the_total(odoo: FakeOdoo, jsonrpc: Any) -> None:
    lines = [
        [0, 0, {"product_id": 1, "quantity": 1, "price_unit": 100.0, "tax_ids": [[6, 0, [1]]]}]
    ]
    move_id = _invoice(jsonrpc, odoo.executive, invoice_line_ids=lines)
    row = _read(jsonrpc, odoo.executive, move_id, ["amount_untaxed", "amount_tax", "amount_total"])
    assert (row["amount_untaxed"], row["amount_tax"], row["amount_total"]) == (100.0, 15.0, 115.0)


def test_post_numbers_and_pay_in_full(odoo: FakeOdoo, jsonrpc: Any) -> None:
    boss = odoo.executive
    first, second = _invoice(jsonrpc, boss), _invoice(jsonrpc, boss)
    assert jsonrpc.execute(boss, "account.move", "action_post", [[first]])["result"] is False
    jsonrpc.result(boss, "account.move", "action_post", [[second]])
    year = dt.date.today().year
    names = [_read(jsonrpc, boss, i, ["name"])["name"] for i in (first, second)]
    assert names == [f"INV/{year}/00001", f"INV/{year}/00002"]
    posted = _read(jsonrpc, boss, first, ["state", "invoice_date", "payment_state", "display_name"])
    assert posted["state"] == "posted"
    assert posted["invoice_date"] == dt.date.today().isoformat()
    assert posted["display_name"] == names[0]
    context = {"active_model": "account.move", "active_ids": [first]}
    wizard = jsonrpc.result(
        boss, "account.payment.register", "create", [{"amount": 100.0}], {"context": context}
    )
    action = jsonrpc.result(
        boss, "account.payment.register", "action_create_payments", [[wizard]], {"context": context}
    )
    assert action["res_model"] == "account.payment"
    assert action["res_id"]
    partial = _read(jsonrpc, boss, first, ["payment_state", "amount_residual"])
    assert partial == {"id": first, "payment_state": "partial", "amount_residual": 142.5}
    wizard = jsonrpc.result(boss, "account.payment.register", "create", [{}], {"context": context})
    jsonrpc.result(
        boss, "account.payment.register", "action_create_payments", [[wizard]], {"context": context}
    )
    paid = _read(jsonrpc, boss, first, ["payment_state", "amount_residual"])
    assert (paid["payment_state"], paid["amount_residual"]) == ("paid", 0.0)
    payments = odoo.records("account.payment", [["reconciled_invoice_ids", "in", [first]]])
    assert [p["amount"] for p in payments] == [100.0, 142.5]
    assert {p["state"] for p in payments} == (
        {"posted"} if odoo.version == "17" else {"paid", "in_process"}
    )
    again = jsonrpc.execute(boss, "account.payment.register", "create", [{}], {"context": context})
    assert _error_name(again) == "odoo.exceptions.UserError"


def test_in_payment_when_configured() -> None:
    with FakeOdoo(version="18", payment_state_on_payment="in_payment") as odoo:
        env = Env(odoo.store, odoo.executive.uid, odoo.app.settings)
        [move] = call_kw(env, "account.move", "create", [[INVOICE]], {})
        call_kw(env, "account.move", "action_post", [[move]], {})
        env.context = {"active_model": "account.move", "active_ids": [move]}
        wizard = call_kw(env, "account.payment.register", "create", [{}], {})
        call_kw(env, "account.payment.register", "action_create_payments", [[wizard]], {})
        assert odoo.records("account.move", [["id", "=", move]])[0]["payment_state"] == "in_payment"
        assert odoo.records("account.payment")[0]["state"] == "in_process"


def test_post_errors_are_user_errors(odoo: FakeOdoo, jsonrpc: Any) -> None:
    boss = odoo.executive
    empty = _invoice(jsonrpc, boss, invoice_line_ids=[])
    assert _error_name(jsonrpc.execute(boss, "account.move", "action_post", [[empty]])) == (
        "odoo.exceptions.UserError"
    )
    nobody = _invoice(jsonrpc, boss, partner_id=False)
    reply = jsonrpc.execute(boss, "account.move", "action_post", [[nobody]])
    assert _error_name(reply) == "odoo.exceptions.UserError"
    assert "Customer" in reply["error"]["data"]["message"]
    assert reply["error"]["code"] == (0 if odoo.version == "19" else 200)
    assert reply["error"]["message"] == "Odoo Server Error"
    good = _invoice(jsonrpc, boss)
    jsonrpc.result(boss, "account.move", "action_post", [[good]])
    twice = jsonrpc.execute(boss, "account.move", "action_post", [[good]])
    assert _error_name(twice) == "odoo.exceptions.UserError"
    assert "must be in draft" in twice["error"]["data"]["message"]
    edit = jsonrpc.execute(boss, "account.move", "write", [[good], {"partner_id": 6}])
    assert _error_name(edit) == "odoo.exceptions.UserError"
    assert _error_name(jsonrpc.execute(boss, "account.move", "unlink", [[good]])) == (
        "odoo.exceptions.UserError"
    )
    draft_reset = jsonrpc.execute(boss, "account.move", "button_draft", [[empty]])
    assert _error_name(draft_reset) == "odoo.exceptions.UserError"
    assert _error_name(jsonrpc.execute(boss, "account.move", "read", [[9999], ["name"]])) == (
        "odoo.exceptions.MissingError"
    )
    unposted = {"active_model": "account.move", "active_ids": [empty]}
    wizard = jsonrpc.execute(
        boss, "account.payment.register", "create", [{}], {"context": unposted}
    )
    assert _error_name(wizard) == "odoo.exceptions.UserError"


def test_draft_cancel_and_repost_keeps_number(odoo: FakeOdoo, jsonrpc: Any) -> None:
    boss = odoo.executive
    move = _invoice(jsonrpc, boss)
    jsonrpc.result(boss, "account.move", "action_post", [[move]])
    number = _read(jsonrpc, boss, move, ["name"])["name"]
    jsonrpc.result(boss, "account.move", "button_draft", [[move]])
    assert _read(jsonrpc, boss, move, ["state", "name"]) == {
        "id": move,
        "state": "draft",
        "name": number,
    }
    jsonrpc.result(boss, "account.move", "write", [[move], {"invoice_line_ids": [[5]]}])
    jsonrpc.result(
        boss,
        "account.move",
        "write",
        [[move], {"invoice_line_ids": [[0, 0, {"name": "Redo", "quantity": 1, "price_unit": 10}]]}],
    )
    jsonrpc.result(boss, "account.move", "action_post", [[move]])
    row = _read(jsonrpc, boss, move, ["name", "amount_total"])
    assert (row["name"], row["amount_total"]) == (number, 10.0)
    jsonrpc.result(boss, "account.move", "button_cancel", [[move]])
    assert _read(jsonrpc, boss, move, ["state"])["state"] == "cancel"
    again = jsonrpc.execute(boss, "account.move", "button_cancel", [[move]])
    assert _error_name(again) == "odoo.exceptions.UserError"
    assert _error_name(jsonrpc.execute(boss, "account.move", "unlink", [[move]])) == (
        "odoo.exceptions.UserError"
    )


def test_draft_invoices_can_be_deleted(odoo: FakeOdoo, jsonrpc: Any) -> None:
    move = _invoice(jsonrpc, odoo.drafter)
    assert jsonrpc.result(odoo.drafter, "account.move", "unlink", [[move]]) is True
    assert odoo.records("account.move") == []
    assert odoo.records("account.move.line") == []


@pytest.mark.parametrize("method", ["action_post", "button_draft", "write_state"])
def test_drafter_cannot_post_over_jsonrpc(odoo: FakeOdoo, jsonrpc: Any, method: str) -> None:
    move = _invoice(jsonrpc, odoo.drafter)
    if method == "write_state":
        reply = jsonrpc.execute(
            odoo.drafter, "account.move", "write", [[move], {"state": "posted"}]
        )
    else:
        reply = jsonrpc.execute(odoo.drafter, "account.move", method, [[move]])
    assert _error_name(reply) == "odoo.exceptions.AccessError"
    assert odoo.records("account.move")[0]["state"] == "draft"


def test_drafter_cannot_pay_over_jsonrpc(odoo: FakeOdoo, jsonrpc: Any) -> None:
    move = _invoice(jsonrpc, odoo.drafter)
    jsonrpc.result(odoo.executive, "account.move", "action_post", [[move]])
    context = {"active_model": "account.move", "active_ids": [move]}
    wizard = jsonrpc.execute(
        odoo.drafter, "account.payment.register", "create", [{}], {"context": context}
    )
    assert _error_name(wizard) == "odoo.exceptions.AccessError"
    payment = jsonrpc.execute(
        odoo.drafter, "account.payment", "create", [{"amount": 5, "partner_id": 5}]
    )
    assert _error_name(payment) == "odoo.exceptions.AccessError"
    boss_wizard = jsonrpc.result(
        odoo.executive, "account.payment.register", "create", [{}], {"context": context}
    )
    run = jsonrpc.execute(
        odoo.drafter,
        "account.payment.register",
        "action_create_payments",
        [[boss_wizard]],
        {"context": context},
    )
    assert _error_name(run) == "odoo.exceptions.AccessError"
    assert odoo.records("account.payment") == []
    assert odoo.records("account.move")[0]["payment_state"] == "not_paid"


def test_direct_payment_route_posts_a_payment(odoo19: FakeOdoo) -> None:
    env = Env(odoo19.store, odoo19.executive.uid, odoo19.app.settings)
    [payment] = call_kw(env, "account.payment", "create", [[{"amount": 12.0, "partner_id": 5}]], {})
    call_kw(env, "account.payment", "action_post", [[payment]], {})
    [row] = odoo19.records("account.payment")
    assert row["state"] == "in_process"
    assert row["name"].startswith("PBNK1/")
