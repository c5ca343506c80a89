"""Retry rules, exercised through OdooRpc over httpx.MockTransport (no sockets, no sleeping)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from employee.errors import OdooRemoteError, OdooTransientError
from employee.odoo import OdooConfig, OdooRpc
from employee.odoo.retry import backoff_delay, retry_allowed

Handler = Callable[[httpx.Request], httpx.Response]


def make(handler: Handler, retries: int = 3) -> tuple[OdooRpc, list[float]]:
    delays: list[float] = []
    cfg = OdooConfig("http://odoo.test", "db", "", "key", protocol="json2", retries=retries)
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return OdooRpc(cfg, http=http, sleep=delays.append, rng=lambda: 0.5), delays


def script(*steps: httpx.Response | type[Exception]) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(steps)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = queue.pop(0)
        if isinstance(step, httpx.Response):
            return step
        raise step("scripted", request=request)  # type: ignore[call-arg]

    return handler, seen


def test_rules() -> None:
    assert retry_allowed("unknown", idempotent=True)
    assert retry_allowed("not_sent", idempotent=False)
    assert not retry_allowed("unknown", idempotent=False)
    delays = [backoff_delay(n, lambda: 1.0) for n in range(8)]
    assert delays == sorted(delays)
    assert delays[-1] == 2.0
    assert backoff_delay(2, lambda: 0.0) == pytest.approx(0.1)


def test_read_retried_after_502_then_succeeds() -> None:
    handler, seen = script(httpx.Response(502), httpx.Response(200, json=[{"id": 1}]))
    rpc, delays = make(handler)
    assert rpc.search_read("res.partner", [], ["id"]) == [{"id": 1}]
    assert len(seen) == 2
    assert len(delays) == 1
    first = seen[0]
    assert first.url.path == "/json/2/res.partner/search_read"
    assert first.headers["authorization"] == "bearer key"
    assert first.headers["x-odoo-database"] == "db"
    assert json.loads(first.content) == {"domain": [], "fields": ["id"]}


def test_read_retries_are_bounded() -> None:
    handler, seen = script(*[httpx.Response(504)] * 3)
    rpc, delays = make(handler, retries=2)
    with pytest.raises(OdooTransientError) as info:
        rpc.read("res.partner", [1])
    assert len(seen) == 3
    assert len(delays) == 2
    assert info.value.context["attempts"] == 3


def test_read_timeout_is_retried() -> None:
    handler, seen = script(httpx.ReadTimeout, httpx.Response(200, json=[]))
    rpc, _ = make(handler)
    assert rpc.search_read("res.partner") == []
    assert len(seen) == 2


def test_write_not_retried_when_outcome_unknown() -> None:
    handler, seen = script(httpx.Response(502), httpx.Response(200, json=[9]))
    rpc, delays = make(handler)
    with pytest.raises(OdooTransientError, match="outcome unknown"):
        rpc.create("res.partner", {"name": "x"})
    assert len(seen) == 1
    assert delays == []


def test_write_retried_when_never_sent() -> None:
    handler, seen = script(httpx.ConnectError, httpx.Response(503), httpx.Response(200, json=[9]))
    rpc, delays = make(handler)
    assert rpc.create("res.partner", {"name": "x"}) == 9
    assert len(seen) == 3
    assert len(delays) == 2


def test_business_error_never_retried() -> None:
    error = {"name": "odoo.exceptions.UserError", "message": "must be in draft"}
    handler, seen = script(httpx.Response(422, json=error), httpx.Response(200, json=True))
    rpc, delays = make(handler)
    with pytest.raises(OdooRemoteError) as info:
        rpc.execute("account.move", "action_post", [1])
    assert info.value.name == "odoo.exceptions.UserError"
    assert len(seen) == 1
    assert delays == []


def test_bad_model_or_method_names_refused_before_sending() -> None:
    handler, seen = script()
    rpc, _ = make(handler)
    with pytest.raises(Exception, match="model name"):
        rpc.execute("res.partner/../x", "read", [1])
    with pytest.raises(Exception, match="method name"):
        rpc.execute("res.partner", "_private", [1])
    assert seen == []
