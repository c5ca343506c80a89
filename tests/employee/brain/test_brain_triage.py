"""Table-driven triage: each rule fires on its own input and names itself in the reasons."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from employee.brain import Handbook, MailFacts, RulesConfig, RulesPolicy

HANDBOOK = Handbook.parse(
    "## VIP senders\n- ceo@bigclient.example\n- @partner.example\n\n## Company\nCurrency: GBP\n"
)

CASES: list[tuple[str, dict[str, Any], str, str, str]] = [
    # id, overrides, category, priority, a reason that must appear
    ("plain question", {}, "reply_needed", "normal", "no rule matched"),
    (
        "list-unsubscribe",
        {"headers": {"List-Unsubscribe": "<mailto:u@news.example>"}, "subject": "Weekly digest"},
        "newsletter",
        "low",
        "List-Unsubscribe header",
    ),
    (
        "precedence bulk",
        {"headers": {"Precedence": "Bulk"}, "subject": "Our offers"},
        "newsletter",
        "low",
        "Precedence: bulk",
    ),
    (
        "you won + ip link",
        {
            "subject": "Congratulations",
            "body_text": "You won a prize! Claim at http://192.168.4.4/claim now.",
        },
        "spam",
        "low",
        "spam phrase 'you won'",
    ),
    (
        "all caps + reply-to mismatch",
        {
            "subject": "IMPORTANT ACCOUNT NOTICE",
            "reply_to": "collect@elsewhere.example",
            "body_text": "Please confirm your details.",
        },
        "spam",
        "low",
        "Reply-To domain differs from From domain",
    ),
    (
        "shortener alone is not spam",
        {"body_text": "Here are the slides: https://bit.ly/abc. Can we meet Tuesday?"},
        "reply_needed",
        "normal",
        "spam score 1 below threshold 2",
    ),
    (
        "urgent word",
        {"subject": "Server down", "body_text": "This is urgent: can you call me?"},
        "reply_needed",
        "high",
        "urgent word 'urgent'",
    ),
    (
        "vip sender",
        {"from_addr": "ceo@bigclient.example", "from_name": "Big Boss"},
        "reply_needed",
        "high",
        "VIP sender (handbook)",
    ),
    (
        "vip domain beats newsletter headers",
        {"from_addr": "ann@partner.example", "headers": {"List-Id": "<team.partner.example>"}},
        "reply_needed",
        "high",
        "VIP sender (handbook)",
    ),
    (
        "invoice with amounts",
        {
            "subject": "Invoice for March",
            "body_text": "Hi,\nplease invoice 3 x Consulting day at 800 EUR.\nThanks, Jane",
        },
        "invoice_request",
        "normal",
        "invoice lines parsed from the body: 1",
    ),
    (
        "invoice without amounts",
        {"subject": "Billing", "body_text": "Can you bill me for last month's work?"},
        "invoice_request",
        "normal",
        "no amounts found: needs human input",
    ),
    (
        "incoming bill is not an invoice request",
        {
            "subject": "Invoice 2291",
            "body_text": "Attached is our invoice. Payment is due in 30 days.",
        },
        "reply_needed",
        "normal",
        "incoming bill",
    ),
    (
        "urgent quote",
        {"subject": "Quote ASAP", "body_text": "We need a quote for 2 x workshop at $1,500 each."},
        "invoice_request",
        "high",
        "urgent word 'asap'",
    ),
    (
        "legal action escalates",
        {"subject": "Final notice", "body_text": "We will start legal action unless you reply."},
        "reply_needed",
        "high",
        "escalate to the owner: legal matter",
    ),
    (
        "bank detail change escalates",
        {"body_text": "Please note we have new bank details; use IBAN DE00 1234 from now on."},
        "reply_needed",
        "high",
        "escalate to the owner: possible fraud",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "category", "priority", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_triage_table(
    mail: Callable[..., MailFacts],
    overrides: dict[str, Any],
    category: str,
    priority: str,
    reason: str,
) -> None:
    triage = RulesPolicy().triage(mail(**overrides), HANDBOOK)
    assert (triage.category, triage.priority) == (category, priority), triage.reasons
    assert any(reason in r for r in triage.reasons), triage.reasons


def test_invoice_request_carries_partner_lines_and_currency(mail: Callable[..., MailFacts]) -> None:
    triage = RulesPolicy().triage(
        mail(
            body_text="Please invoice 3 x Consulting day at 800 EUR and 2 x Travel day at 250 EUR."
        ),
        HANDBOOK,
    )
    invoice = triage.invoice
    assert invoice is not None
    assert (invoice.partner_name, invoice.partner_email) == ("Jane Doe", "jane.doe@client.example")
    assert [tuple(line) for line in invoice.lines] == [
        ("Consulting day", Decimal(3), Decimal(800)),
        ("Travel day", Decimal(2), Decimal(250)),
    ]
    assert invoice.currency == "EUR"
    assert invoice.total == Decimal(2900)
    assert not invoice.needs_human_input


def test_invoice_without_currency_uses_handbook_default(mail: Callable[..., MailFacts]) -> None:
    triage = RulesPolicy().triage(mail(body_text="Please invoice 4 x Licence at 50."), HANDBOOK)
    assert triage.invoice is not None
    assert triage.invoice.currency == "GBP"
    assert any("handbook default GBP" in r for r in triage.reasons)


def test_spam_threshold_is_configurable(mail: Callable[..., MailFacts]) -> None:
    shouty = mail(subject="PLEASE READ THIS NOW")
    assert RulesPolicy().triage(shouty, HANDBOOK).category == "reply_needed"
    strict = RulesPolicy(RulesConfig(spam_threshold=1))
    assert strict.triage(shouty, HANDBOOK).category == "spam"


def test_newsletter_and_spam_get_no_draft(mail: Callable[..., MailFacts]) -> None:
    policy = RulesPolicy()
    news = mail(headers={"List-Unsubscribe": "<https://news.example/u>"})
    triage = policy.triage(news, HANDBOOK)
    assert policy.draft_reply(news, triage, HANDBOOK) is None
    assert "newsletters get no reply draft" in triage.reasons
    assert "Archive: newsletter, no reply" in policy.plan(news, triage)


def test_escalated_mail_gets_no_draft_and_a_plan_step(mail: Callable[..., MailFacts]) -> None:
    policy = RulesPolicy()
    complaint = mail(subject="Formal complaint", body_text="I want to file a complaint. Why?")
    triage = policy.triage(complaint, HANDBOOK)
    assert triage.escalation == "complaint"
    assert not triage.wants_reply
    assert policy.draft_reply(complaint, triage, HANDBOOK) is None
    assert "- [ ] Escalate to the owner (complaint); no draft reply" in policy.plan(
        complaint, triage
    )
