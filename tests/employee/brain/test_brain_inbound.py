"""MailFacts from the mail parser's real InboundMail (and the raw bytes for rule headers)."""

from __future__ import annotations

from datetime import UTC, datetime

from employee.brain import Handbook, MailFacts, RulesPolicy, rule_headers
from employee.mail.model import InboundMail
from employee.mail.parse import parse_inbound

RAW = (
    b"From: Weekly News <news@letters.example>\r\n"
    b"To: owner@acme.example\r\n"
    b"Subject: This week in widgets\r\n"
    b"Date: Mon, 02 Mar 2026 09:30:00 +0000\r\n"
    b"Message-ID: <n1@letters.example>\r\n"
    b"Reply-To: Desk <desk@letters.example>\r\n"
    b"List-Unsubscribe: <mailto:unsub@letters.example>\r\n"
    b"Precedence: bulk\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Precedence: not-a-header\r\n\r\nHello readers, what is new?\r\n"
)


def test_from_parsed_inbound_mail_with_raw_headers() -> None:
    inbound = parse_inbound(RAW)
    assert isinstance(inbound, InboundMail)
    facts = MailFacts.from_inbound(inbound, raw=RAW)
    assert facts.message_id == inbound.message_id
    assert facts.received == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert facts.reply_to == "desk@letters.example"
    assert facts.header("precedence") == "bulk"
    triage = RulesPolicy().triage(facts, Handbook.default())
    assert triage.category == "newsletter"
    assert "List-Unsubscribe header" in triage.reasons


def test_rule_headers_ignores_the_body_and_other_headers() -> None:
    headers = rule_headers(RAW)
    assert ("precedence", "bulk") in headers
    assert ("precedence", "not-a-header") not in headers
    assert {name for name, _ in headers} == {"reply-to", "list-unsubscribe", "precedence"}
    assert rule_headers(b"\xff\xfe garbage with no headers") == ()


def test_without_raw_the_bulk_markers_are_invisible() -> None:
    inbound = parse_inbound(RAW)
    assert isinstance(inbound, InboundMail)
    facts = MailFacts.from_inbound(inbound)
    assert facts.headers == ()
    assert RulesPolicy().triage(facts, Handbook.default()).category == "reply_needed"
