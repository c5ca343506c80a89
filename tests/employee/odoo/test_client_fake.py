"""OdooClient against FakeOdoo 17, 18 (JSON-RPC) and 19 (JSON-2)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from employee.errors import OdooError, OdooRemoteError, OdooTransientError
from employee.odoo import InvoiceLine, OdooClient, OdooConfig
from fakes.odoo import FakeOdoo, OdooFault

ClientMaker = Callable[..., OdooClient]

LINES = [InvoiceLine("Consulting", 2, 100.0), InvoiceLine("Travel", 1, 42.5)]


def test_protocol_detected_from_version(odoo: FakeOdoo, make_client: ClientMaker) -> None:
    client = make_client()
    expected = "json2" if odoo.version == "19" else "jsonrpc"
    assert client.wire == expected
    assert client.server_version is not None
    assert client.server_version.startswith(odoo.version)
    health = client.health()
    assert (health.ok, health.protocol) == (True, expected)


def test_generic_orm_calls(make_client: ClientMaker) -> None:
    client = make_client()
    pid = client.create("res.partner", {"name": "Rpc Test", "email": "rpc@example.com"})
    assert client.write("res.partner", [pid], {"phone": "+1 555"}) is True
    [row] = client.read("res.partner", [pid], ["name", "phone"])
    assert (row["id"], row["name"], row["phone"]) == (pid, "Rpc Test", "+1 555")
    found = client.search_read("res.partner", [["email", "=", "rpc@example.com"]], ["id"])
    assert found == [{"id": pid}]
    assert client.execute("res.partner", "search_count", [["id", "=", pid]]) == 1


def test_find_or_create_partner_is_stable(odoo: FakeOdoo, make_client: ClientMaker) -> None:
    client = make_client()
    first = client.find_or_create_partner("Acme Ltd", "AP@acme.example")
    again = client.find_or_create_partner("Acme Limited", "ap@acme.example")
    assert first == again
    assert len(odoo.records("res.partner", [("email", "=ilike", "ap@acme.example")])) == 1


def test_idempotent_create_draft_invoice(odoo: FakeOdoo, make_client: ClientMaker) -> None:
    client = make_client(role="drafter")
    partner = client.find_or_create_partner("Globex", "billing@globex.example")
    first = client.create_draft_invoice(partner, LINES, ref="REQ-1", idempotency_key="task-1")
    second = client.create_draft_invoice(partner, LINES, ref="REQ-1", idempotency_key="task-1")
    assert first == second
    assert len(odoo.records("account.move", [("move_type", "=", "out_invoice")])) == 1
    other = client.create_draft_invoice(partner, LINES, ref="REQ-1", idempotency_key="task-2")
    assert other != first
    invoice = client.get_invoice(first)
    assert (invoice.state, invoice.name, invoice.partner_id) == ("draft", None, partner)
    assert invoice.amount_total == pytest.approx(242.5)
    assert invoice.ref == "REQ-1"
    assert client.find_invoice_by_key("task-1") == first
    assert client.find_invoice_by_key("task-3") is None
    assert [i.id for i in client.list_invoices(state="draft")] == [other, first]


def test_read_retried_once_after_injected_502(
    odoo: FakeOdoo, make_client: ClientMaker, delays: list[float]
) -> None:
    client = make_client()
    client.connect()
    before = client.transport.attempts
    odoo.inject_fault(OdooFault(kind="http_status", status=502, times=1))
    assert client.search_read("res.partner", [["id", "=", 0]], ["id"]) == []
    assert client.transport.attempts - before == 2
    assert len(delays) == 1


def test_create_survives_502_without_duplicating(odoo: FakeOdoo, make_client: ClientMaker) -> None:
    client = make_client(role="drafter")
    partner = client.find_or_create_partner("Initech", "ap@initech.example")
    path = "/json/2/account.move/create" if odoo.version == "19" else "/jsonrpc"
    odoo.inject_fault(OdooFault(kind="http_status", status=502, times=1, path=path))
    invoice = client.create_draft_invoice(partner, LINES, ref="R", idempotency_key="k-502")
    assert client.create_draft_invoice(partner, LINES, ref="R", idempotency_key="k-502") == invoice
    assert len(odoo.records("account.move", [("invoice_origin", "=", "platinum:k-502")])) == 1


def test_user_error_is_not_retried(odoo: FakeOdoo, make_client: ClientMaker) -> None:
    client = make_client()
    partner = client.find_or_create_partner("Umbrella", None)
    invoice = client.create_draft_invoice(partner, LINES, ref="R", idempotency_key="k-ue")
    odoo.inject_fault(
        OdooFault(kind="exception", model="account.move", method="action_post", times=1)
    )
    before = client.transport.attempts
    with pytest.raises(OdooRemoteError) as info:
        client.execute("account.move", "action_post", [invoice])
    assert info.value.name == "odoo.exceptions.UserError"
    assert client.transport.attempts - before == 1
    assert client.get_invoice(invoice).state == "draft"


def test_business_rule_surfaces_as_user_error(make_client: ClientMaker) -> None:
    client = make_client()
    partner = client.find_or_create_partner("Empty Co", None)
    invoice = client.create_draft_invoice(partner, LINES, ref="R", idempotency_key="k-twice")
    client.post_invoice(invoice)
    with pytest.raises(OdooRemoteError) as info:
        client.execute("account.move", "action_post", [invoice])
    assert info.value.name == "odoo.exceptions.UserError"


def test_post_and_pay_life_cycle(odoo: FakeOdoo, make_client: ClientMaker) -> None:
    client = make_client()
    partner = client.find_or_create_partner("Hooli", "ap@hooli.example")
    invoice_id = client.create_draft_invoice(partner, LINES, ref="R", idempotency_key="k-life")
    posted = client.post_invoice(invoice_id)
    assert posted.state == "posted"
    assert posted.name
    assert client.post_invoice(invoice_id) == posted  # effectively once
    payment = client.register_payment(invoice_id, idempotency_key="pay-life")
    assert client.register_payment(invoice_id, idempotency_key="pay-life") == payment
    paid = client.get_invoice(invoice_id)
    assert paid.payment_state in ("paid", "in_payment")
    assert paid.amount_residual == pytest.approx(0.0)
    assert len(odoo.records("account.payment", [])) == 1
    with pytest.raises(OdooError, match="already"):
        client.register_payment(invoice_id, idempotency_key="pay-other")


def test_drafter_cannot_post_or_pay(make_client: ClientMaker) -> None:
    drafter = make_client(role="drafter")
    partner = drafter.find_or_create_partner("Stark", None)
    invoice = drafter.create_draft_invoice(partner, LINES, ref="R", idempotency_key="k-draft")
    with pytest.raises(OdooRemoteError) as info:
        drafter.post_invoice(invoice)
    assert info.value.name == "odoo.exceptions.AccessError"
    assert drafter.get_invoice(invoice).state == "draft"


def test_wrong_secret_is_refused(odoo: FakeOdoo, make_client: ClientMaker) -> None:
    client = make_client(secret="not-the-key")
    with pytest.raises(OdooRemoteError) as info:
        client.search_read("res.partner", [], ["id"], limit=1)
    if odoo.version == "19":
        assert info.value.code == 401
    else:
        assert info.value.name == "odoo.exceptions.AccessDenied"


def test_odoo_down_is_transient_and_health_says_so(
    odoo: FakeOdoo, make_client: ClientMaker, delays: list[float]
) -> None:
    client = make_client(retries=2)
    client.connect()
    odoo.down()
    try:
        with pytest.raises(OdooTransientError):
            client.search_read("res.partner", [], ["id"])
        assert len(delays) == 2
        assert client.health().ok is False
    finally:
        odoo.up()
    assert client.health().ok is True


@pytest.fixture
def odoo19() -> Iterator[FakeOdoo]:
    with FakeOdoo(version="19", db="platinum") as fake:
        yield fake


def test_payment_with_unknown_outcome_is_found_not_doubled(odoo19: FakeOdoo) -> None:
    user = odoo19.executive
    config = OdooConfig(odoo19.url, odoo19.db, user.login, user.api_key, timeout=0.5)
    with OdooClient(config, sleep=lambda _: None) as client:
        partner = client.find_or_create_partner("Slow Bank Co", None)
        invoice = client.create_draft_invoice(partner, LINES, ref="R", idempotency_key="k-slow")
        client.post_invoice(invoice)
        path = "/json/2/account.payment.register/action_create_payments"
        odoo19.inject_fault(OdooFault(kind="delay", seconds=1.5, times=1, path=path))
        with pytest.raises(OdooTransientError, match="outcome unknown"):
            client.register_payment(invoice, idempotency_key="pay-slow")
        # Odoo finishes the call after the client gave up.
        odoo19.wait_for(
            lambda o: o.records("account.payment", []), timeout=5, describe="the late payment"
        )
        payment = client.register_payment(invoice, idempotency_key="pay-slow")
        [only] = odoo19.records("account.payment", [])
        assert payment == only["id"]
        assert client.get_invoice(invoice).payment_state in ("paid", "in_payment")
