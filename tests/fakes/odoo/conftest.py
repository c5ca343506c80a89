"""Fixtures for the fake Odoo: servers per version and thin protocol helpers."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fakes.odoo import FakeOdoo


@pytest.fixture(params=["17", "18", "19"])
def odoo(request: pytest.FixtureRequest) -> Iterator[FakeOdoo]:
    """A running fake, once per Odoo version."""
    with FakeOdoo(version=request.param, db="platinum") as server:
        yield server


@pytest.fixture
def odoo19() -> Iterator[FakeOdoo]:
    """A running Odoo 19 fake."""
    with FakeOdoo(version="19", db="platinum") as server:
        yield server


@pytest.fixture
def odoo17() -> Iterator[FakeOdoo]:
    """A running Odoo 17 fake."""
    with FakeOdoo(version="17", db="platinum") as server:
        yield server


class JsonRpc:
    """Raw JSON-RPC calls returning the whole envelope."""

    def __init__(self, odoo: FakeOdoo) -> None:
        self.odoo = odoo

    def envelope(self, service: str, method: str, *args: Any, path: str = "/jsonrpc") -> Any:
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 7,
            "params": {"service": service, "method": method, "args": list(args)},
        }
        response = httpx.post(self.odoo.url + path, json=body, timeout=10)
        assert response.status_code == 200
        return response.json()

    def execute(
        self, user: Any, model: str, method: str, args: list[Any], kwargs: Any = None
    ) -> Any:
        return self.envelope(
            "object",
            "execute_kw",
            self.odoo.db,
            user.uid,
            user.password,
            model,
            method,
            args,
            kwargs or {},
        )

    def result(
        self, user: Any, model: str, method: str, args: list[Any], kwargs: Any = None
    ) -> Any:
        reply = self.execute(user, model, method, args, kwargs)
        assert "error" not in reply, reply
        return reply.get("result")


@pytest.fixture
def jsonrpc(odoo: FakeOdoo) -> JsonRpc:
    return JsonRpc(odoo)


def _xml_proxy(odoo: FakeOdoo, service: str, legacy: bool = False) -> xmlrpc.client.ServerProxy:
    """An XML-RPC proxy on /xmlrpc/2/<service> (or the legacy /xmlrpc/<service>)."""
    prefix = "/xmlrpc/" if legacy else "/xmlrpc/2/"
    return xmlrpc.client.ServerProxy(odoo.url + prefix + service, allow_none=True)


def _json2(
    odoo: FakeOdoo, model: str, method: str, body: Any, key: str | None = None, **headers: str
) -> httpx.Response:
    """One JSON-2 call with the executive's key unless another is given."""
    all_headers = {
        "Authorization": f"bearer {key or odoo.executive.api_key}",
        "X-Odoo-Database": odoo.db,
        **headers,
    }
    return httpx.post(
        f"{odoo.url}/json/2/{model}/{method}", json=body, headers=all_headers, timeout=10
    )


@pytest.fixture
def xml_proxy() -> Any:
    """``xml_proxy(odoo, service, legacy=False)``."""
    return _xml_proxy


@pytest.fixture
def json2() -> Any:
    """``json2(odoo, model, method, body, key=None, **headers)``."""
    return _json2
