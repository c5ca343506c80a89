"""Idempotency keys registered in ir.model.data (a path FakeOdoo's ACL never allows)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from employee.errors import OdooError
from employee.odoo import InvoiceLine, OdooClient, OdooConfig, check_idempotency_key

LINE = [InvoiceLine("Work", 1, 10.0)]


class Odoo19:
    """A scripted JSON-2 peer: ``answers`` maps "model/method" to a reply."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/web/version":
            return httpx.Response(200, json={"version": "19.0", "version_info": [19, 0]})
        call = request.url.path.removeprefix("/json/2/")
        self.calls.append((call, json.loads(request.content)))
        return httpx.Response(200, json=self.answers[call])


def client_for(peer: Odoo19) -> OdooClient:
    config = OdooConfig("http://odoo.test", "db", "bot", "key", protocol="auto")
    return OdooClient(config, http=httpx.Client(transport=httpx.MockTransport(peer)))


def test_registered_key_returns_the_recorded_invoice_without_creating() -> None:
    peer = Odoo19({"ir.model.data/search_read": [{"id": 3, "model": "account.move", "res_id": 77}]})
    with client_for(peer) as client:
        assert client.create_draft_invoice(5, LINE, "R", "task-9") == 77
    assert [c for c, _ in peer.calls] == ["ir.model.data/search_read"]
    _, body = peer.calls[0]
    assert body["domain"] == [["module", "=", "platinum"], ["name", "=", "task-9"]]


def test_key_used_for_another_model_is_refused() -> None:
    row = {"id": 3, "model": "account.payment", "res_id": 8}
    peer = Odoo19({"ir.model.data/search_read": [row]})
    with client_for(peer) as client, pytest.raises(OdooError, match="another kind"):
        client.create_draft_invoice(5, LINE, "R", "task-9")


def test_new_invoice_carries_key_and_is_registered_when_allowed() -> None:
    peer = Odoo19(
        {
            "ir.model.data/search_read": [],
            "account.move/search_read": [],
            "account.move/create": [41],
            "ir.model.data/create": [9],
        }
    )
    with client_for(peer) as client:
        assert client.create_draft_invoice(5, LINE, "R-1", "task-10") == 41
    bodies = dict(peer.calls)
    created = bodies["account.move/create"]["vals_list"][0]
    assert created["invoice_origin"] == "platinum:task-10"
    assert created["invoice_line_ids"] == [
        [0, 0, {"name": "Work", "quantity": 1, "price_unit": 10.0}]
    ]
    assert bodies["ir.model.data/create"]["vals_list"] == [
        {"module": "platinum", "name": "task-10", "model": "account.move", "res_id": 41}
    ]


@pytest.mark.parametrize("key", ["", "a.b", "../x", "x" * 129, "ключ", " k"])
def test_unsafe_keys_refused(key: str) -> None:
    with pytest.raises(OdooError, match="idempotency key"):
        check_idempotency_key(key)
