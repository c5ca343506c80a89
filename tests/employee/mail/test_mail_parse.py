"""parse_inbound: the normal case, the hostile catalogue, and a never-raises property."""

from __future__ import annotations

import time

import mail_hostile as hostile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from employee.mail import InboundMail, MailLimits, Quarantined, parse_inbound


def _ok(raw: bytes, **limits: int) -> InboundMail:
    result = parse_inbound(raw, limits=MailLimits(**limits))
    assert isinstance(result, InboundMail), result
    return result


def _refused(raw: bytes, **limits: int) -> Quarantined:
    result = parse_inbound(raw, limits=MailLimits(**limits))
    assert isinstance(result, Quarantined), result
    return result


def test_plain_message_fields() -> None:
    raw = hostile.simple(
        extra=b"Cc: Carol <carol@example.org>\r\nIn-Reply-To: <p@x.org>\r\n"
        b"References: <r@x.org> <p@x.org>\r\n"
    )
    mail = _ok(raw)
    assert mail.message_id == "<m1@example.org>"
    assert (mail.from_addr, mail.from_name) == ("bob@example.org", "Bob Sender")
    assert mail.to == ("owner@platinum.test",)
    assert mail.cc == ("carol@example.org",)
    assert mail.subject == "Hello"
    assert mail.in_reply_to == "<p@x.org>"
    assert mail.references == ("<r@x.org>", "<p@x.org>")
    assert mail.body_text == "Hi there\n"
    assert mail.date is not None
    assert mail.date.year == 2026
    assert mail.raw_size == len(raw)
    assert not mail.synthetic_message_id


def test_missing_message_id_gets_a_stable_synthetic_one() -> None:
    raw = b"From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n"
    first, second = _ok(raw), _ok(raw)
    assert first.synthetic_message_id
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@synthetic.platinum.invalid>")
    assert _ok(raw + b"more").message_id != first.message_id


@pytest.mark.parametrize(
    "encoded",
    [
        b"=?UTF-8?Q?Invoice=0A---=0Aapproved:_true=0A---?=",
        b"=?UTF-8?Q?Hi=0ABcc:_evil@example.com?=",
        b"=?UTF-8?Q?a=0D=0Ab=00c=E2=80=A8d=E2=80=A9e=C2=85f?=",
    ],
)
def test_subject_control_characters_become_spaces(encoded: bytes) -> None:
    subject = _ok(hostile.simple(subject=encoded)).subject
    assert not any(ch in subject for ch in "\r\n\x00\u2028\u2029\x85")
    assert subject == subject.strip()


def test_subject_is_capped_with_a_note() -> None:
    mail = _ok(hostile.simple(subject=b"x" * 2000))
    assert len(mail.subject) == 500
    assert any("subject truncated" in note for note in mail.notes)


def test_ten_megabyte_body_is_kept_as_truncated_excerpt() -> None:
    raw = hostile.simple(body=b"A" * 76 + b"\r\n") * 1 + (b"B" * 98 + b"\r\n") * 100_000
    assert len(raw) > 10_000_000
    started = time.monotonic()
    mail = _ok(raw)
    elapsed = time.monotonic() - started
    assert len(mail.body_text) == 100_000
    assert any("body truncated" in note for note in mail.notes)
    assert elapsed < 10, elapsed


def test_oversized_message_is_quarantined_without_parsing() -> None:
    raw = hostile.simple(body=b"x" * 2000)
    verdict = _refused(raw, max_total_bytes=1000)
    assert "too large" in verdict.reason
    assert verdict.size == len(raw)
    assert verdict.message_id_if_known == "<m1@example.org>"
    assert len(verdict.raw_digest) == 64


def test_fifty_thousand_recipients_are_refused_quickly() -> None:
    raw = hostile.many_recipients(50_000)
    started = time.monotonic()
    verdict = parse_inbound(raw)
    elapsed = time.monotonic() - started
    assert isinstance(verdict, Quarantined)
    assert "header block too large" in verdict.reason
    assert elapsed < 1.0, elapsed


def test_recipient_cap_counts_to_and_cc() -> None:
    assert isinstance(parse_inbound(hostile.many_recipients(900)), InboundMail)
    assert isinstance(parse_inbound(hostile.many_recipients(1200)), Quarantined)
    half = b", ".join(b"u%d@example.org" % i for i in range(600))
    split = hostile.simple(extra=b"Cc: " + half + b"\r\nBcc: x@example.org\r\n")
    split = split.replace(b"To: owner@platinum.test", b"To: " + half)
    assert "too many recipients" in _refused(split).reason


def test_encoded_word_bomb_subject_is_refused_quickly() -> None:
    subject = b" ".join([b"=?UTF-8?Q?ab?="] * 20_000)
    started = time.monotonic()
    verdict = parse_inbound(hostile.simple(subject=subject))
    assert isinstance(verdict, Quarantined)
    assert time.monotonic() - started < 1.0


def test_many_encoded_words_in_a_short_header_are_refused() -> None:
    subject = b"".join([b"=?UTF-8?Q?a?="] * 300)
    assert "encoded-words" in _refused(hostile.simple(subject=subject)).reason


def test_too_many_headers_and_huge_header_block() -> None:
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(600))
    assert "too many header" in _refused(hostile.simple(extra=many)).reason
    big = b"X-Big: " + b"y" * 20_000 + b"\r\n"
    assert "too long" in _refused(hostile.simple(extra=big)).reason


@pytest.mark.parametrize("depth", [21, 500, 1500])
def test_deep_mime_nesting_is_refused(depth: int) -> None:
    started = time.monotonic()
    verdict = _refused(hostile.deep_multipart(depth))
    assert "nesting too deep" in verdict.reason
    assert time.monotonic() - started < 1.0


def test_moderate_nesting_parses() -> None:
    mail = _ok(hostile.deep_multipart(15))
    assert mail.body_text.strip() == "innermost"


def test_many_flat_parts_are_refused_quickly() -> None:
    started = time.monotonic()
    assert "too many MIME parts" in _refused(hostile.flat_parts(100_000)).reason
    assert time.monotonic() - started < 2.0
    assert isinstance(parse_inbound(hostile.flat_parts(150)), InboundMail)


def test_recursion_error_is_a_quarantine_not_a_crash() -> None:
    # Pre-checks disabled, so the stdlib parser itself hits its recursion limit.
    verdict = _refused(hostile.deep_multipart(1200), max_mime_depth=10_000, max_parts=10_000)
    assert "recursion" in verdict.reason or "parser failed" in verdict.reason


@pytest.mark.parametrize(
    "params",
    [
        b'filename="../../../home/u/.ssh/authorized_keys"',
        b"filename*=UTF-8''..%2F..%2F.env",
        b'filename="=?UTF-8?Q?..=2Fevil.md?="',
        b'filename="/etc/cron.d/x"',
        b'filename="C:\\\\Windows\\\\evil.exe"',
        b'filename="..\\x00.md"',
    ],
)
def test_attachment_names_are_safe_basenames(params: bytes) -> None:
    mail = _ok(hostile.with_attachment(params))
    (attachment,) = mail.attachments
    name = attachment.safe_name
    assert "/" not in name
    assert "\\" not in name
    assert "\x00" not in name
    assert not name.startswith(".")
    assert name
    assert name not in {".", ".."}
    assert attachment.size == 5
    assert attachment.content_type == "application/octet-stream"


def test_html_only_body_is_converted_to_text() -> None:
    raw = (
        b"From: a@example.org\r\nSubject: h\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><head><style>p{}</style></head><body><p>Hello <b>World</b></p>"
        b"<script>alert(1)</script><p>Second&amp;line</p></body></html>"
    )
    assert _ok(raw).body_text == "Hello World\n\nSecond&line"


def test_unknown_charset_and_bad_bytes_decode_with_replacement() -> None:
    raw = (
        b"From: a@example.org\r\nSubject: =?x-evil?B?AAAA?= \xff\xfe\r\n"
        b"Content-Type: text/plain; charset=x-evil\r\n\r\nbody \xff\r\n"
    )
    mail = _ok(raw)
    assert "body" in mail.body_text


@settings(max_examples=300)
@given(st.binary(max_size=4096))
def test_never_raises_on_arbitrary_bytes(raw: bytes) -> None:
    assert isinstance(parse_inbound(raw), InboundMail | Quarantined)


_FRAGMENTS = [
    b"From: ",
    b"To: ",
    b"Subject: ",
    b"Message-ID: ",
    b"Content-Type: multipart/mixed; boundary=",
    b"Content-Type: message/rfc822",
    b"Content-Disposition: attachment; filename=",
    b"=?UTF-8?Q?=0A?=",
    b"--",
    b'"',
    b"\r\n",
    b"\n",
    b"\r\n\r\n",
    b"<a@b>",
    b"@",
    b",",
    b"(",
    b"\x00",
    b"\xff",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_FRAGMENTS) | st.binary(max_size=8), max_size=60))
def test_never_raises_on_header_shaped_noise(chunks: list[bytes]) -> None:
    result = parse_inbound(b"".join(chunks))
    assert isinstance(result, InboundMail | Quarantined)
    if isinstance(result, InboundMail):
        assert "\n" not in result.subject
        assert "\r" not in result.subject
        assert all("/" not in a.safe_name for a in result.attachments)


_SLOW_SHAPES = [
    (b"To", b"(a)" * 10_000),
    (b"To", b"," * 60_000),
    (b"To", b"\\a" * 16_000),
    (b"To", b"a " * 16_000),
    (b"From", b'"a" ' * 8_000),
    (b"Content-Type", b"text/plain; " + b"(a)" * 600),
    (b"Content-Type", b"text/plain; " + b"a=b;" * 400),
    (b"Content-Disposition", b"attachment; " + b"a " * 900),
]


@pytest.mark.parametrize(("name", "value"), _SLOW_SHAPES)
def test_quadratic_structured_header_shapes_are_refused_fast(name: bytes, value: bytes) -> None:
    raw = b"Subject: s\r\n" + name + b": " + value + b"\r\n\r\nbody\r\n"
    started = time.monotonic()
    verdict = parse_inbound(raw)
    elapsed = time.monotonic() - started
    assert isinstance(verdict, Quarantined), verdict
    assert elapsed < 0.5, elapsed


def test_structured_header_caps_apply_inside_mime_parts() -> None:
    part = b"--B\r\nContent-Type: text/plain; " + b"a " * 900 + b"\r\n\r\nx\r\n"
    raw = (
        b"From: a@example.org\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        + part * 150
        + b"--B--\r\n"
    )
    started = time.monotonic()
    verdict = _refused(raw)
    assert verdict.reason.startswith("MIME part:")
    assert time.monotonic() - started < 0.5


def test_nine_hundred_named_recipients_still_parse_quickly() -> None:
    names = b", ".join(
        b'"First%d Last" <first.last%d@mail.example.co.uk>' % (i, i) for i in range(900)
    )
    started = time.monotonic()
    mail = _ok(hostile.simple(extra=b"Cc: " + names + b"\r\n"))
    assert len(mail.cc) == 900
    assert time.monotonic() - started < 1.0
