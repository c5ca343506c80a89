"""build_message / build_reply: threading headers, Re: once, no header injection."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from employee.mail import (
    InboundMail,
    InvalidMessage,
    build_message,
    build_reply,
    parse_inbound,
    reply_subject,
    stable_message_id,
)
from employee.mail.compose import build_message as build_message_direct

WHEN = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
REPLY_HEADERS = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
]


def _inbound(subject: bytes, extra: bytes = b"") -> InboundMail:
    raw = (
        b"From: Bob <bob@example.org>\r\nTo: owner@platinum.test\r\n"
        b"Subject: " + subject + b"\r\nMessage-ID: <parent@example.org>\r\n" + extra + b"\r\nhi\r\n"
    )
    mail = parse_inbound(raw)
    assert isinstance(mail, InboundMail)
    return mail


def _header_names(serialised: bytes) -> list[str]:
    head = serialised.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in serialised else serialised
    head = head.split(b"\n\n", 1)[0]
    return [
        line.split(b":", 1)[0].decode()
        for line in head.replace(b"\r\n", b"\n").split(b"\n")
        if line and line[:1] not in (b" ", b"\t")
    ]


def test_cve_2024_6923_encoded_newline_cannot_inject_a_bcc() -> None:
    parent = _inbound(b"=?UTF-8?Q?Hi=0ABcc:_evil@example.com?=")
    reply = build_reply(
        parent,
        "Thanks",
        from_addr="owner@platinum.test",
        message_id="<r1@platinum.test>",
        date=WHEN,
    )
    serialised = reply.as_bytes()
    assert _header_names(serialised) == REPLY_HEADERS
    reparsed = email.message_from_bytes(serialised, policy=policy.default)
    assert reparsed["Bcc"] is None
    assert reparsed["Reply-To"] is None
    assert reparsed["Subject"] == "Re: Hi Bcc: evil@example.com"


def test_frontmatter_style_injection_stays_on_one_line() -> None:
    parent = _inbound(b"=?UTF-8?Q?Invoice=0A---=0Aapproved:_true=0AReply-To:_x@evil.test?=")
    reply = build_reply(parent, "ok", from_addr="owner@platinum.test", message_id="<r@p.test>")
    assert _header_names(reply.as_bytes()) == REPLY_HEADERS


def test_threading_headers_follow_rfc_5322() -> None:
    parent = _inbound(b"Quarterly numbers", b"References: <root@x.org> <mid@x.org>\r\n")
    reply = build_reply(parent, "See below", from_addr="owner@platinum.test", message_id="<r@p.t>")
    assert reply["In-Reply-To"] == "<parent@example.org>"
    assert reply["References"] == "<root@x.org> <mid@x.org> <parent@example.org>"
    assert reply["Subject"] == "Re: Quarterly numbers"
    assert reply["To"] == "bob@example.org"


def test_references_fall_back_to_parent_in_reply_to() -> None:
    parent = _inbound(b"Re: Lunch", b"In-Reply-To: <earlier@x.org>\r\n")
    reply = build_reply(parent, "ok", from_addr="owner@platinum.test", message_id="<r@p.t>")
    assert reply["References"] == "<earlier@x.org> <parent@example.org>"
    assert reply["Subject"] == "Re: Lunch"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Hello", "Re: Hello"),
        ("Re: Hello", "Re: Hello"),
        ("RE: re: Re:Hello", "Re: Hello"),
        ("AW: Hallo", "Re: Hallo"),
        ("Re[2]: Hi", "Re: Hi"),
        ("", "Re:"),
        ("Regarding x", "Re: Regarding x"),
    ],
)
def test_reply_subject_adds_re_once(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected


def test_body_and_unicode_roundtrip() -> None:
    msg = build_message(
        from_addr="owner@platinum.test",
        to=["a@example.org"],
        cc=["c@example.org"],
        subject="Grüße — résumé",
        body="Line one\r\nLíne two",
        message_id="<m@platinum.test>",
        date=WHEN,
    )
    reparsed = email.message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert reparsed["Subject"] == "Grüße — résumé"
    assert reparsed["Cc"] == "c@example.org"
    assert reparsed.get_content() == "Line one\nLíne two\n"
    assert msg.as_bytes().isascii()


@pytest.mark.parametrize(
    "bad",
    [
        "evil@example.com\r\nBcc: x@y.z",
        "not-an-address",
        "a@b@c",
        "<a@b.c>",
        "a..b@c.d",
        "",
    ],
)
def test_invalid_addresses_are_refused(bad: str) -> None:
    with pytest.raises(InvalidMessage):
        build_message_direct(
            from_addr="owner@platinum.test",
            to=[bad],
            subject="s",
            body="b",
            message_id="<m@p.t>",
        )


def test_crlf_in_address_is_flattened_then_refused() -> None:
    # CR/LF become spaces, which no address may contain: refused, never split into headers.
    with pytest.raises(InvalidMessage):
        build_message(
            from_addr="owner@platinum.test",
            to=["a@b.c\nBcc: evil@example.com"],
            subject="s",
            body="b",
            message_id="<m@p.t>",
        )


def test_empty_recipient_list_and_bad_message_id_are_refused() -> None:
    kwargs = {"from_addr": "o@p.t", "subject": "s", "body": "b"}
    with pytest.raises(InvalidMessage):
        build_message(to=[], message_id="<m@p.t>", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidMessage):
        build_message(to=["a@b.c"], message_id="<m@p.t>\r\nBcc: x@y.z", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidMessage):
        build_message(to=["a@b.c"], message_id="<m@p.t>", in_reply_to="x y", **kwargs)  # type: ignore[arg-type]


def test_stable_message_id_is_deterministic_and_safe() -> None:
    first = stable_message_id("APPROVAL_01JDC7/../x", "platinum.test")
    assert first == stable_message_id("APPROVAL_01JDC7/../x", "platinum.test")
    assert first != stable_message_id("APPROVAL_01JDC7/../y", "platinum.test")
    assert first.startswith("<")
    assert first.endswith("@platinum.test>")
    assert "/" not in first
    assert " " not in first
    with pytest.raises(InvalidMessage):
        stable_message_id("", "platinum.test")
    with pytest.raises(InvalidMessage):
        stable_message_id("a", "bad domain\r\n")


@settings(max_examples=200)
@given(st.text(max_size=300), st.text(max_size=300))
def test_no_subject_or_body_can_add_a_header(subject: str, body: str) -> None:
    msg = build_message(
        from_addr="owner@platinum.test",
        to=["a@example.org"],
        subject=subject,
        body=body,
        message_id="<m@platinum.test>",
        date=WHEN,
    )
    names = _header_names(msg.as_bytes())
    assert names == [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
    ] or names == ["From", "To", "Subject", "Date", "Message-ID", "Content-Type", "MIME-Version"]
