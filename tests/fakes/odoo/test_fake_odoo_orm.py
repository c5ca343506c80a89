"""Domains, ORM methods and x2many commands, driven through execute_kw."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakes.odoo import FakeOdoo
from fakes.odoo import domain as dom
from fakes.odoo.dispatch import call_kw
from fakes.odoo.exceptions import AccessError
from fakes.odoo.orm import Env


@pytest.fixture
def env(odoo19: FakeOdoo) -> Env:
    return Env(odoo19.store, 2, odoo19.app.settings)


def _names(env: Env, model: str, domain: list[Any], **kwargs: Any) -> list[str]:
    rows = call_kw(env, model, "search_read", [domain, ["name"]], kwargs)
    return [row["name"] for row in rows]


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ([["name", "=", "Deco Addict"]], ["Deco Addict"]),
        ([["name", "ilike", "DECO"]], ["Deco Addict"]),
        ([["name", "like", "DECO"]], []),
        ([["name", "=like", "Deco%"]], ["Deco Addict"]),
        ([["name", "=ilike", "deco_addict"]], ["Deco Addict"]),
        ([["name", "not ilike", "a"]], ["Gemini Furniture"]),
        (
            ["|", ["name", "=", "Deco Addict"], ["name", "=", "Gemini Furniture"]],
            ["Deco Addict", "Gemini Furniture"],
        ),
        (
            ["!", ["is_company", "=", True]],
            ["Azure Interior, Brandon Freeman", "Drafting Agent", "Mitchell Admin"],
        ),
        (
            [["country_id.code", "in", ["BE"]], ["is_company", "=", True]],
            ["Gemini Furniture", "Platinum Demo Co"],
        ),
        ([["country_id", "=", False], ["is_company", "=", True]], []),
        ([["id", "child_of", 5]], ["Azure Interior", "Azure Interior, Brandon Freeman"]),
        ([["parent_id", "child_of", 5]], ["Azure Interior, Brandon Freeman"]),
        ([["id", "parent_of", 8]], ["Azure Interior", "Azure Interior, Brandon Freeman"]),
        ([["parent_id", "ilike", "azure"]], ["Azure Interior, Brandon Freeman"]),
        ([["id", "<", 3]], ["Platinum Demo Co"]),
        (
            [["id", ">=", 7], ["id", "<=", 8]],
            ["Azure Interior, Brandon Freeman", "Gemini Furniture"],
        ),
        ([["id", "not in", [1, 3, 4, 5, 6, 8]]], ["Gemini Furniture"]),
        ([["child_ids", "any", [["name", "=", "Brandon Freeman"]]]], ["Azure Interior"]),
        (
            [["country_id", "!=", False], ["city", "=?", False], ["name", "!=", "Deco Addict"]],
            ["Azure Interior", "Gemini Furniture", "Platinum Demo Co"],
        ),
        ([(1, "=", 1)], None),
    ],
)
def test_domains(env: Env, domain: list[Any], expected: list[str] | None) -> None:
    names = call_kw(
        env, "res.partner", "search_read", [domain, ["display_name"]], {"order": "name"}
    )
    found = sorted(row["display_name"] for row in names)
    if expected is None:
        assert len(found) == 7
    else:
        assert found == sorted(expected)


def test_archived_records_need_active_in_domain(env: Env) -> None:
    assert "OdooBot" not in _names(env, "res.partner", [])
    assert _names(env, "res.partner", [["active", "=", False]]) == ["OdooBot"]
    assert "OdooBot" in _names(env, "res.partner", [], context={"active_test": False})


def test_mcp_list_models_domain(env: Env) -> None:
    domain = [
        "&",
        ["transient", "=", False],
        "&",
        ["model", "not in", ["base", "_unknown"]],
        "|",
        ["model", "in", ["res.partner"]],
        "&",
        "!",
        ["model", "=like", "ir.%"],
        "!",
        ["model", "=like", "base.%"],
    ]
    models = [r["model"] for r in call_kw(env, "ir.model", "search_read", [domain, ["model"]], {})]
    assert "res.partner" in models
    assert "account.move" in models
    assert "ir.model" not in models
    assert "account.payment.register" not in models


def test_read_loads_and_paging(env: Env) -> None:
    [classic] = call_kw(env, "res.partner", "read", [[8], ["parent_id"]], {})
    [raw] = call_kw(env, "res.partner", "read", [[8], ["parent_id"]], {"load": "_classic_write"})
    assert classic["parent_id"] == [5, "Azure Interior"]
    assert raw["parent_id"] == 5
    ids = call_kw(env, "res.partner", "search", [[]], {"order": "id desc", "limit": 2, "offset": 1})
    assert ids == [7, 6]
    assert call_kw(env, "res.partner", "search_count", [[["is_company", "=", True]]], {}) == 4
    assert call_kw(env, "res.partner", "name_search", ["deco"], {}) == [[6, "Deco Addict"]]
    assert call_kw(env, "product.product", "name_search", [], {"name": "chair"}) == [
        [2, "[FURN_7777] Office Chair"]
    ]


def test_create_many_write_unlink(env: Env) -> None:
    ids = call_kw(env, "res.partner", "create", [[{"name": "A"}, {"name": "B"}]], {})
    assert isinstance(ids, list)
    assert len(ids) == 2
    assert call_kw(env, "res.partner", "write", [ids, {"city": "Ghent"}], {}) is True
    assert _names(env, "res.partner", [["city", "=", "Ghent"]]) == ["A", "B"]
    assert call_kw(env, "res.partner", "unlink", [ids], {}) is True
    assert call_kw(env, "res.partner", "search", [[["id", "in", ids]]], {}) == []


def test_x2many_commands(env: Env) -> None:
    users = "res.users"
    call_kw(env, users, "write", [[3], {"company_ids": [[4, 1]]}], {})
    assert call_kw(env, users, "read", [[3], ["company_ids"]], {})[0]["company_ids"] == [1]
    call_kw(env, users, "write", [[3], {"company_ids": [[5]]}], {})
    assert call_kw(env, users, "read", [[3], ["company_ids"]], {})[0]["company_ids"] == []
    call_kw(env, users, "write", [[3], {"company_ids": [[6, 0, [1]]]}], {})
    assert call_kw(env, users, "read", [[3], ["company_ids"]], {})[0]["company_ids"] == [1]
    move = call_kw(
        env,
        "account.move",
        "create",
        [
            {
                "move_type": "out_invoice",
                "partner_id": 5,
                "invoice_line_ids": [
                    [0, 0, {"name": "a", "price_unit": 1}],
                    [0, 0, {"name": "b", "price_unit": 2}],
                ],
            }
        ],
        {},
    )
    lines = call_kw(env, "account.move", "read", [[move], ["invoice_line_ids"]], {})[0][
        "invoice_line_ids"
    ]
    call_kw(
        env,
        "account.move",
        "write",
        [[move], {"invoice_line_ids": [[1, lines[0], {"price_unit": 10}], [2, lines[1]]]}],
        {},
    )
    [row] = call_kw(env, "account.move", "read", [[move], ["invoice_line_ids", "amount_total"]], {})
    assert row["invoice_line_ids"] == [lines[0]]
    assert row["amount_total"] == 10.0


def test_fields_get_and_references(env: Env) -> None:
    fields = call_kw(
        env, "account.move", "fields_get", [], {"attributes": ["type", "relation", "selection"]}
    )
    assert fields["partner_id"] == {"type": "many2one", "relation": "res.partner"}
    assert ["posted", "Posted"] in fields["state"]["selection"]
    assert call_kw(env, "ir.model.data", "check_object_reference", ["base", "user_admin"], {}) == [
        "res.users",
        2,
    ]
    context = call_kw(env, "res.users", "context_get", [], {})
    assert context["uid"] == 2
    assert context["lang"] == "en_US"


def test_concurrent_creates_are_safe(odoo19: FakeOdoo) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                odoo19.app.execute(2, "res.partner", "create", [{"name": f"w{n}-{i}"}], {})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    ids = [r["id"] for r in odoo19.records("res.partner", [["name", "=like", "w%-%"]])]
    assert len(ids) == len(set(ids)) == 60


def test_failed_call_rolls_back(odoo19: FakeOdoo) -> None:
    with pytest.raises(Exception, match="mandatory"):
        odoo19.app.execute(2, "res.partner", "create", [[{"name": "ok"}, {"email": "no name"}]], {})
    assert odoo19.records("res.partner", [["name", "=", "ok"]]) == []


class _Rows:
    def values(self, record: dict[str, Any], path: str, *, as_names: bool) -> list[Any]:
        value = record.get(path, False)
        return value if isinstance(value, list) else [value]

    def is_relational(self, record: dict[str, Any], path: str) -> bool:
        return False

    def hierarchy(self, record: dict[str, Any], path: str, value: Any, parents: bool) -> set[int]:
        return set()

    def any_match(self, record: dict[str, Any], path: str, domain: list[Any]) -> bool:
        return False


@given(a=st.integers(-5, 5), b=st.integers(-5, 5), x=st.integers(-5, 5))
def test_domain_logic_matches_python(a: int, b: int, x: int) -> None:
    record = {"x": x}
    lookup = _Rows()
    check = dom.parse(["|", ["x", "<", a], "!", ["x", ">=", b]])
    assert dom.matches(check, record, lookup) == (x < a or not x >= b)
    implicit = dom.parse([["x", ">", a], ["x", "<=", b]])
    assert dom.matches(implicit, record, lookup) == (a < x <= b)


def test_malformed_domains() -> None:
    for bad in ("x", [["a", "=", 1], "|"], [["a", "bogus", 1]], [["a", "="]], ["!"]):
        with pytest.raises(dom.DomainError):
            dom.parse(bad)  # type: ignore[arg-type]


def test_model_access_per_role(odoo19: FakeOdoo) -> None:
    boss = Env(odoo19.store, odoo19.executive.uid, odoo19.app.settings)
    drafter = Env(odoo19.store, odoo19.drafter.uid, odoo19.app.settings)
    xmlid = {"module": "platinum", "name": "task-1", "model": "res.partner", "res_id": 5}
    assert isinstance(call_kw(boss, "ir.model.data", "create", [xmlid], {}), int)
    for env, model, vals in (
        (drafter, "ir.model.data", {**xmlid, "name": "task-2"}),
        (drafter, "product.product", {"name": "Nope"}),
        (drafter, "account.journal", {"name": "J", "code": "J", "type": "bank"}),
        (boss, "ir.model", {"name": "X", "model": "x.y"}),
    ):
        with pytest.raises(AccessError):
            call_kw(env, model, "create", [vals], {})
    assert call_kw(drafter, "res.partner", "create", [{"name": "Allowed"}], {}) > 0
