"""Handbook parsing: the documented format, loose headings, defaults, the vault's default file."""

from __future__ import annotations

from employee.brain import Handbook
from employee.brain.handbook import DEFAULT_URGENT_WORDS
from employee.vault.handbook import DEFAULT_HANDBOOK

FULL = """\
---
type: handbook
---
# Company Handbook

## Company
- **Name**: Acme Consulting Ltd
- Owner: Jane Smith
- Currency: gbp

## Tone of voice
We are friendly and warm.

## Signature
Cheers,
Jane
Acme Consulting Ltd

## VIP senders
- CEO Big Client <CEO@BigClient.example>
- @partner.example
- supplier.example

## Urgent words
- Outage
- right now

## Rules of Engagement
- Always be polite.
- Flag payments over 500
  for approval.
"""


def test_full_handbook() -> None:
    hb = Handbook.parse(FULL)
    assert hb.tone == "friendly"
    assert hb.company_name == "Acme Consulting Ltd"
    assert hb.owner_name == "Jane Smith"
    assert hb.currency == "GBP"
    assert hb.signature == "Cheers,\nJane\nAcme Consulting Ltd"
    assert hb.vip_senders == ("ceo@bigclient.example", "@partner.example", "supplier.example")
    assert hb.urgent_words == ("outage", "right now")
    assert hb.rules == ("Always be polite.", "Flag payments over 500 for approval.")


def test_vip_matching() -> None:
    hb = Handbook.parse(FULL)
    assert hb.is_vip("ceo@bigclient.example")
    assert hb.is_vip("CEO@BIGCLIENT.EXAMPLE")
    assert not hb.is_vip("cfo@bigclient.example")
    assert hb.is_vip("anyone@partner.example")
    assert hb.is_vip("a@eu.supplier.example")
    assert not hb.is_vip("a@notsupplier.example")


def test_empty_handbook_defaults() -> None:
    hb = Handbook.parse("")
    assert hb == Handbook.default()
    assert (hb.tone, hb.signature, hb.currency, hb.vip_senders) == ("formal", None, "EUR", ())
    assert hb.urgent_words == DEFAULT_URGENT_WORDS
    assert hb.sign_off() == "Kind regards,"


def test_sign_off_built_from_names_when_no_signature() -> None:
    hb = Handbook.parse("## Company\nName: Acme\nOwner: Jane Smith\n## Tone\ncasual\n")
    assert hb.sign_off() == "Best wishes,\nJane Smith\nAcme"


def test_garbage_is_tolerated() -> None:
    hb = Handbook.parse("## Tone\n\x00\x01???\n## Company\nCurrency: euros!!\n##\n#### x\n")
    assert hb.tone == "formal"
    assert hb.currency == "EUR"


def test_signature_in_fenced_block() -> None:
    hb = Handbook.parse("## Signature\nEnd every mail with:\n```\nRegards,\nAcme\n```\n")
    assert hb.signature == "Regards,\nAcme"


def test_vault_default_handbook() -> None:
    hb = Handbook.parse(DEFAULT_HANDBOOK)
    assert hb.tone == "formal"
    assert hb.signature == "Best regards,\nThe Owner\nExample Company"
    assert any("legal action" in rule for rule in hb.rules)
    assert any("bank details" in rule for rule in hb.rules)
    assert hb.vip_senders == ()


def test_exports() -> None:
    import employee.brain

    assert all(hasattr(employee.brain, name) for name in employee.brain.__all__)
