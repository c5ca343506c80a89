"""harness.erp against a real (in-process) fake Odoo: seeding, inspection, the backup drill."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from employee.odoo import OdooClient
from fakes.odoo import FakeOdoo, FakeOdooClient
from harness import erp
from harness.actors import OdooActor


@pytest.fixture
def odoo() -> Iterator[tuple[OdooActor, FakeOdoo]]:
    with FakeOdoo(version="19", db="platinum") as fake:
        yield OdooActor(fake.describe(), FakeOdooClient(fake.test_api_url)), fake


def seed(actor: OdooActor, key: str = "seed_1") -> dict[str, object]:
    return erp.seed_posted_invoice(
        actor,
        partner="Anna Keller",
        email="anna@customer.test",
        lines=[("Consulting day", 3, 800.0)],
        key=key,
    )


def test_a_seeded_invoice_is_posted_once_per_key(odoo: tuple[OdooActor, FakeOdoo]) -> None:
    actor, _ = odoo
    first = seed(actor)
    again = seed(actor)
    assert first["id"] == again["id"]
    assert first["state"] == "posted"
    assert str(first["name"]).startswith("INV/")
    assert first["amount_total"] == pytest.approx(2400.0)
    assert erp.invoice_named(actor, str(first["name"])) == erp.invoice_named_id(
        actor, int(str(first["id"]))
    )
    assert erp.invoice_for_task(actor, "seed_1")[0]["id"] == first["id"]
    assert erp.payments_on(actor, str(first["name"])) == []


def test_payments_are_found_by_the_invoice_name_in_their_memo(
    odoo: tuple[OdooActor, FakeOdoo],
) -> None:
    actor, _ = odoo
    invoice = seed(actor)
    other = seed(actor, key="seed_2")
    with erp.executive_client(actor) as client:
        assert isinstance(client, OdooClient)
        client.register_payment(int(str(invoice["id"])), None, idempotency_key="pay_1")
    paid = erp.payments_on(actor, str(invoice["name"]))
    assert len(paid) == 1
    assert erp.payments_on(actor, str(other["name"])) == []
    assert erp.invoice_named(actor, str(invoice["name"]))["payment_state"] == "paid"  # type: ignore[index]


def test_the_backup_drill_restores_every_invoice(odoo: tuple[OdooActor, FakeOdoo]) -> None:
    actor, _ = odoo
    seed(actor)
    seed(actor, key="seed_2")
    drill = erp.run_backup_drill(actor, actor.client.wipe)
    assert drill.intact, drill
    assert drill.backup_bytes > 0
    assert len(drill.after) == 2
    assert erp.database_exists(actor)


def test_a_drill_without_a_real_wipe_is_not_intact(odoo: tuple[OdooActor, FakeOdoo]) -> None:
    actor, _ = odoo
    seed(actor)
    drill = erp.run_backup_drill(actor, lambda: None)
    assert drill.existed_after_wipe
    assert not drill.intact


def test_a_wrong_master_password_is_refused(odoo: tuple[OdooActor, FakeOdoo]) -> None:
    actor, _ = odoo
    bad = OdooActor({**actor.ready, "master_password": "wrong"}, actor.client)
    with pytest.raises(erp.ErpError, match="backup refused"):
        erp.backup(bad)
    with pytest.raises(erp.ErpError, match="restore refused"):
        erp.restore(bad, erp.backup(actor))
