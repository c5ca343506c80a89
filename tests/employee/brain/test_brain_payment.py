"""Payment notices: a customer says they paid one named invoice; the brain asks for approval."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from employee.brain import Handbook, MailFacts, RulesPolicy, parse_payment_notice


@pytest.mark.parametrize(
    ("body", "ref", "amount"),
    [
        ("We have paid invoice INV/2026/00001 (2,400.00 EUR) today.", "INV/2026/00001", "2400.00"),
        ("Invoice INV/2026/00042 has been paid: €1.200,50.", "INV/2026/00042", "1200.50"),
        ("Payment was made for INV/2026/11/0007 this morning.", "INV/2026/11/0007", None),
        ("I've settled INV/2025/00003 (300 USD) and 300 USD of fees.", "INV/2025/00003", "300"),
    ],
)
def test_a_payment_notice_names_the_invoice_and_the_amount(
    body: str, ref: str, amount: str | None
) -> None:
    notice = parse_payment_notice("Payment", body)
    assert notice is not None
    assert notice.invoice_ref == ref
    assert notice.amount == (None if amount is None else Decimal(amount))


@pytest.mark.parametrize(
    "body",
    [
        "please invoice 3 x Consulting day at 800 EUR",  # a request, nobody paid
        "We have paid invoices INV/2026/00001 and INV/2026/00002.",  # two invoices: ambiguous
        "We have paid the invoice you sent.",  # no invoice named
        "Is INV/2026/00001 still open?",  # no payment claimed
    ],
)
def test_not_a_payment_notice(body: str) -> None:
    assert parse_payment_notice("About the invoice", body) is None


def test_two_different_amounts_leave_the_amount_open() -> None:
    notice = parse_payment_notice("Paid", "We have paid INV/2026/00001: 100 EUR and 200 EUR.")
    assert notice is not None
    assert notice.amount is None
    assert notice.to_dict()["amount"] is None


def test_triage_files_a_payment_notice_before_an_invoice_request(
    mail: Callable[..., MailFacts],
) -> None:
    facts = mail(
        subject="Invoice INV/2026/00001",
        body_text="Hello,\n\nwe have paid invoice INV/2026/00001 (2,400.00 EUR) today.\n\nAnna",
    )
    policy = RulesPolicy()
    triage = policy.triage(facts, Handbook.parse(""))
    assert triage.category == "payment_notice"
    assert triage.payment is not None
    assert triage.payment.invoice_ref == "INV/2026/00001"
    assert triage.invoice is None
    assert not triage.wants_reply
    assert policy.draft_reply(facts, triage, Handbook.parse("")) is None
    assert "Register the payment in Odoo" in policy.plan(facts, triage)


def test_a_payment_notice_with_new_bank_details_is_escalated(
    mail: Callable[..., MailFacts],
) -> None:
    facts = mail(
        subject="Paid",
        body_text="We have paid INV/2026/00001. Please note our new bank details: IBAN DE00.",
    )
    triage = RulesPolicy().triage(facts, Handbook.parse(""))
    assert triage.category == "payment_notice"
    assert triage.escalation is not None
    assert "Escalate to the owner" in RulesPolicy().plan(facts, triage)
