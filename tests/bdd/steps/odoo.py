"""Steps of the odoo feature: invoices drafted by Cloud, posted, emailed and paid by Local."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from employee.vault import approval_id_for
from fakes.odoo import OdooFault
from harness import erp
from harness.story import Story
from harness.world import World

INVOICE = "invoice_under_test"


@then(parsers.parse('Cloud drafts one invoice in Odoo for "{name}" and asks to post and send it'))
def drafts_invoice(story: Story, world: World, name: str) -> None:
    paths = story.wait_approval_on_remote(name, timeout=60)
    assert {p.rsplit("--", 1)[-1] for p in paths} >= {"post_invoice.md", "send_invoice.md"}
    (invoice,) = erp.invoice_for_task(world.odoo, story.ref(name).task_id)
    assert invoice["state"] == "draft"
    story.ref(name).extra["invoice_id"] = invoice["id"]


@when(parsers.parse('the human approves the finance action "{action}" for "{name}"'))
def approve_finance(story: Story, world: World, action: str, name: str) -> None:
    erp.approve_action(world, story.ref(name).task_id, action)


@then(parsers.parse('the invoice for "{name}" is posted in Odoo with an INV number'))
def invoice_posted(story: Story, world: World, name: str) -> None:
    task_id = story.ref(name).task_id
    (invoice,) = world.wait_for(
        lambda: [i for i in erp.invoice_for_task(world.odoo, task_id) if i["state"] == "posted"],
        describe=f"the invoice of {task_id} posted in Odoo",
    )
    assert str(invoice["name"]).startswith("INV/")
    assert invoice["amount_total"] == 2400.0
    story.ref(name).extra["invoice_name"] = invoice["name"]


@then(parsers.parse('the invoice for "{name}" is emailed as one threaded reply naming its number'))
def invoice_emailed(story: Story, name: str) -> None:
    story.wait_sent(name)
    story.check_threaded_reply(name)
    assert f"Invoice {story.ref(name).extra['invoice_name']}: 2400.00" in story.sent_body(name)
    story.check_sent_count(1)


@then(parsers.parse('the task for "{name}" is filed in Done with both finance approvals'))
def invoice_done(story: Story, world: World, name: str) -> None:
    story.wait_done(name, status="done")
    assert len(erp.copies_on_remote(world.remote, story.ref(name).task_id)[1]) == 2
    assert not world.remote.find("Pending_Approval/", story.ref(name).task_id)


@then(parsers.parse("Local's audit log holds the entries {actions}"))
def audit_records(world: World, actions: str) -> None:
    wanted = {a.strip() for a in actions.split(" and ")}
    world.wait_for(
        lambda: wanted <= {e["action_type"] for e in world.remote.audit_entries("local")},
        describe=f"{sorted(wanted)} in Local's audit log",
    )


@given(parsers.parse("a posted invoice of {amount:g} EUR for Anna Keller in Odoo"))
def seeded_invoice(world: World, amount: float) -> None:
    lines = [("Consulting day", 3, amount / 3)]
    invoice = erp.seed_posted_invoice(
        world.odoo, partner="Anna Keller", email="anna.keller@customer.test", lines=lines, key="s1"
    )
    world.timeline.record("odoo", "invoice_seeded", str(invoice["name"]))


@given(parsers.parse("Odoo will refuse the next payment with a UserError"))
def refuse_payment(world: World) -> None:
    world.odoo.client.inject_fault(
        OdooFault(
            kind="exception",
            model="account.payment.register",
            method="action_create_payments",
            exception="odoo.exceptions.UserError",
            message="The journal has no outstanding payment method (bank closed).",
            times=1,
        )
    )


@when("Odoo's faults are cleared")
def clear_faults(world: World) -> None:
    world.odoo.client.clear_faults()


@when(parsers.parse('Anna reports having paid that invoice as "{name}"'))
def reports_paid(story: Story, world: World, name: str) -> None:
    (invoice,) = erp.invoices(world.odoo)
    story.deliver(name, erp.payment_notice_mail(name, str(invoice["name"]), 2400.0))
    story.ref(name).extra.update(invoice_id=invoice["id"], invoice_name=invoice["name"])


@then(parsers.parse('Cloud asks to register a payment of {amount:g} on that invoice for "{name}"'))
def asks_payment(story: Story, world: World, amount: float, name: str) -> None:
    (path,) = story.wait_approval_on_remote(name, timeout=60)
    text = world.remote.read_text(path)
    assert path.endswith("--register_payment.md")
    assert f"invoice_id: {story.ref(name).extra['invoice_id']}" in text
    assert f"amount: {amount}" in text


@then("Odoo holds no payment on that invoice yet")
def no_payment_yet(world: World) -> None:
    (invoice,) = erp.invoices(world.odoo)
    assert erp.payments_on(world.odoo, str(invoice["name"])) == []
    assert invoice["payment_state"] == "not_paid"


@then("the invoice is paid in Odoo with exactly one payment")
def paid_once(world: World) -> None:
    world.wait_for(
        lambda: erp.invoices(world.odoo)[0]["payment_state"] in ("paid", "in_payment"),
        describe="the invoice paid in Odoo",
    )
    assert len(erp.payments_on(world.odoo, str(erp.invoices(world.odoo)[0]["name"]))) == 1


@then(parsers.parse('the payment approval for "{name}" is filed as failed with an alert'))
def payment_failed(story: Story, world: World, name: str) -> None:
    story.wait_done(name, status="failed")
    approval_id = approval_id_for(story.ref(name).task_id, "register_payment")
    world.wait_for(
        lambda: "register_payment for" in world.remote.read_text("Dashboard.md"),
        describe="the failed payment's alert on the dashboard",
    )
    assert "approval_failed" in {e["action_type"] for e in world.remote.audit_entries("local")}
    assert erp.attempts_of(world.remote, approval_id) == 1


@then(parsers.parse('the failed approval for "{name}" was attempted once and never paid'))
def attempted_once(story: Story, world: World, name: str) -> None:
    approval_id = approval_id_for(story.ref(name).task_id, "register_payment")
    assert erp.attempts_of(world.remote, approval_id) == 1
    done = [p for p in world.remote.find("Done/", f"APPROVAL_{approval_id}") if p.endswith(".md")]
    assert "status: failed" in world.remote.read_text(done[0])
