"""The hostile mail catalogue: each case is what it claims, and the checks catch smuggling."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from employee.cloud.ingest import ingest_op
from employee.mail import InboundMail, Quarantined
from employee.mail.parse import parse_inbound
from employee.vault import parse_document, task_id_for
from harness.hostile import CASES, TASK_KEYS, build, catalogue, frontmatter_problems

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def created_meta(raw: bytes) -> dict[str, object]:
    """The frontmatter Cloud's ingest writes for ``raw``, read back through the vault parser."""
    mail = parse_inbound(raw)
    assert isinstance(mail, InboundMail)
    op = ingest_op(mail, raw, now=NOW)
    ((_, text),) = op.mutation.files
    return dict(parse_document(text).meta)


def test_catalogue_has_every_case_once_in_order() -> None:
    cases = catalogue("a")
    assert [c.name for c in cases] == list(CASES)
    assert len({c.message_id for c in cases}) == len(CASES)
    assert all(c.canary.encode() in c.raw for c in cases)


def test_builders_are_deterministic_and_tags_keep_worlds_apart() -> None:
    assert build("crlf_subject", "a").raw == build("crlf_subject", "a").raw
    assert build("crlf_subject", "a").message_id != build("crlf_subject", "b").message_id


def test_unknown_case_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown hostile case"):
        build("nope")


@pytest.mark.parametrize("name", CASES)
def test_parser_verdict_matches_expectation_within_bounded_time(name: str) -> None:
    case = build(name)
    started = time.monotonic()
    verdict = parse_inbound(case.raw)
    assert time.monotonic() - started < 10  # sanity bound; the real figure is ~0.3 s at most
    expected = Quarantined if case.expect == "quarantine" else InboundMail
    assert isinstance(verdict, expected), verdict


def test_sizes_are_what_the_issue_asks_for() -> None:
    assert len(build("huge_body").raw) >= 10 * 1024 * 1024
    assert build("deep_mime").raw.count(b"multipart/mixed") == 1001
    assert build("many_recipients").raw.count(b"@customer.test") == 50_000
    with pytest.raises(UnicodeDecodeError):
        build("non_utf8_headers").raw.decode("utf-8")


@pytest.mark.parametrize("name", [n for n in CASES if build(n).expect == "task"])
def test_cloud_ingest_writes_only_the_task_keys(name: str) -> None:
    case = build(name)
    meta = created_meta(case.raw)
    assert frontmatter_problems(meta, case) == []
    assert meta["id"] == case.task_id == task_id_for("email", case.message_id)


def test_quarantine_id_is_derived_from_the_bytes() -> None:
    case = build("deep_mime")
    assert case.task_id == task_id_for("quarantine", case.digest)


def test_smuggled_fields_and_line_breaks_are_problems() -> None:
    case = build("frontmatter_subject")
    meta = created_meta(case.raw)
    assert frontmatter_problems({**meta, "approved_by": "owner"}, case) == [
        "unexpected keys ['approved_by']"
    ]
    assert frontmatter_problems({**meta, "status": "approved"}, case) == [
        "status is 'approved', not 'pending'"
    ]
    broken = frontmatter_problems({**meta, "subject": "a\nstatus: approved"}, case)
    assert broken == ["subject holds a line break: 'a\\nstatus: approved'"]
    missing = {k: v for k, v in meta.items() if k != "message_id"}
    assert "missing keys ['message_id']" in frontmatter_problems(missing, case)


def test_path_like_attachment_names_are_problems() -> None:
    case = build("traversal_attachment")
    meta = created_meta(case.raw)
    assert meta["attachments"]
    assert frontmatter_problems({**meta, "attachments": ["../etc/passwd"]}, case) == [
        "attachment name '../etc/passwd' could be a path"
    ]


def test_task_keys_are_the_ones_cloud_writes_for_a_plain_mail() -> None:
    raw = (
        b"From: a@customer.test\r\nTo: owner@platinum.test\r\nSubject: hi\r\n"
        b"Message-ID: <plain@customer.test>\r\n\r\nhello\r\n"
    )
    assert set(created_meta(raw)) == TASK_KEYS
