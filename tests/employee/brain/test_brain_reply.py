"""Reply drafts: specific, threaded, signed, deterministic, free of placeholders."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from employee.brain import Draft, Handbook, MailFacts, RulesPolicy
from employee.vault.handbook import DEFAULT_HANDBOOK

PLACEHOLDERS = re.compile(r"\[[^\]]*\]|\{[^}]*\}|lorem|ipsum|todo|tbd|xxx|<name>", re.IGNORECASE)
HANDBOOK = Handbook.parse(DEFAULT_HANDBOOK)


def _draft(mail: MailFacts, handbook: Handbook = HANDBOOK) -> Draft:
    policy = RulesPolicy()
    draft = policy.draft_reply(mail, policy.triage(mail, handbook), handbook)
    assert draft is not None
    return draft


def test_reply_mentions_name_question_and_signature(mail: Callable[..., MailFacts]) -> None:
    draft = _draft(mail())
    assert draft.body.startswith("Dear Jane,\n")
    assert '"Could you send me the updated project timeline by Friday?"' in draft.body
    assert "within one business day" in draft.body
    assert draft.body.rstrip().endswith("Best regards,\nThe Owner\nExample Company")


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"from_name": "", "from_addr": "noreply@x.example"},
        {"body_text": ""},
        {"subject": ""},
        {"body_text": "please invoice 3 x Consulting day at 800 EUR"},
        {"body_text": "please invoice us for the audit"},
        {"subject": "URGENT", "body_text": "Need this asap. Can you call?"},
    ],
)
@pytest.mark.parametrize(
    "handbook", [HANDBOOK, Handbook.default(), Handbook.parse("## Tone\nfriendly")]
)
def test_no_placeholders(
    mail: Callable[..., MailFacts], overrides: dict[str, str], handbook: Handbook
) -> None:
    draft = _draft(mail(**overrides), handbook)
    assert not PLACEHOLDERS.search(draft.body), draft.body
    assert not PLACEHOLDERS.search(draft.subject)


def test_friendly_tone_and_missing_name(mail: Callable[..., MailFacts]) -> None:
    friendly = Handbook.parse("## Tone\nfriendly\n## Company\nName: Acme\n")
    draft = _draft(mail(from_name="", from_addr="info@client.example"), friendly)
    assert draft.body.startswith("Hi there,\n")
    assert draft.body.rstrip().endswith("Best wishes,\nAcme")
    assert _draft(mail(from_name="Doe, Jane"), friendly).body.startswith("Hi Jane,")
    assert _draft(mail(from_name="", from_addr="bob.smith@x.example")).body.startswith("Dear Bob,")


def test_invoice_reply_states_lines_total_and_next_step(mail: Callable[..., MailFacts]) -> None:
    draft = _draft(mail(body_text="Please invoice 3 x Consulting day at 800 EUR. Thanks!"))
    assert "3 x Consulting day at 800.00 EUR (total 2,400.00 EUR)" in draft.body
    assert "I will send it to jane.doe@client.example" in draft.body


def test_invoice_reply_asks_for_missing_amounts(mail: Callable[..., MailFacts]) -> None:
    draft = _draft(mail(body_text="Can you bill me for last month's work?"))
    assert "could you please confirm the items, quantities and unit prices" in draft.body


def test_quoted_history_and_signature_are_not_quoted_back(mail: Callable[..., MailFacts]) -> None:
    body = (
        "Hi,\n\nThanks. When can we meet?\n\n-- \nJane Doe, CTO. Why not?\n\n"
        "On Mon, 1 Mar 2026, Owner wrote:\n> Is it ready?\n"
    )
    draft = _draft(mail(body_text=body))
    assert 'You asked: "When can we meet?"' in draft.body
    assert "Is it ready" not in draft.body
    assert "Why not" not in draft.body


def test_statement_without_question_is_acknowledged(mail: Callable[..., MailFacts]) -> None:
    draft = _draft(mail(body_text="Hello,\nThe signed contract is attached. Regards, Jane"))
    assert 'You wrote: "The signed contract is attached."' in draft.body
    assert "I have noted this and will follow up" in draft.body


def test_threading_headers(mail: Callable[..., MailFacts]) -> None:
    draft = _draft(
        mail(
            subject="RE: Re: Quarterly numbers",
            message_id="<parent@x>",
            in_reply_to="<mid@x>",
            references=("<root@x>", "<mid@x>"),
        )
    )
    assert draft.subject == "Re: Quarterly numbers"
    assert draft.in_reply_to == "<parent@x>"
    assert draft.references == ("<root@x>", "<mid@x>", "<parent@x>")
    assert draft.to == ("jane.doe@client.example",)


def test_reply_goes_to_reply_to(mail: Callable[..., MailFacts]) -> None:
    draft = _draft(mail(reply_to="jane@client.example"))
    assert draft.to == ("jane@client.example",)


def test_deterministic(mail: Callable[..., MailFacts]) -> None:
    m = mail(body_text="Please invoice 2 x Audit at 450 EUR. When will it arrive?")
    first = RulesPolicy().triage(m, HANDBOOK)
    assert all(RulesPolicy().triage(m, HANDBOOK) == first for _ in range(3))
    assert len({_draft(m).body for _ in range(3)}) == 1
    assert len({RulesPolicy().plan(m, first) for _ in range(3)}) == 1


def test_from_inbound_accepts_parser_shapes() -> None:
    inbound = SimpleNamespace(
        message_id="<m@x>",
        from_addr="a@x.example",
        from_name="Ann",
        to=["b@y.example", "c@y.example"],
        subject="Hi",
        body_text="Question?",
        received=datetime(2026, 1, 1, tzinfo=UTC),
        in_reply_to=None,
        references="<r1@x> <r2@x>",
        attachments=[SimpleNamespace(filename="a.pdf"), "b.txt"],
        headers={"List-Id": "<l.x>", "Reply-To": "ann@z.example"},
    )
    facts = MailFacts.from_inbound(inbound)
    assert facts.to == ("b@y.example", "c@y.example")
    assert facts.references == ("<r1@x>", "<r2@x>")
    assert facts.attachments == ("a.pdf", "b.txt")
    assert facts.header("LIST-ID") == "<l.x>"
    assert facts.reply_to == "ann@z.example"
