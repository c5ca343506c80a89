"""The pure IMAP syntax layer: tokens, literals, sequence sets, search keys, fetch items."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakes.mail.imap_fetch import parse_fetch_items, render_fetch, sets_seen
from fakes.mail.imap_parser import (
    ImapSyntaxError,
    literal_at_end,
    parse_command,
    parse_internal_date,
    sequence_set,
)
from fakes.mail.imap_search import Candidate, parse_search
from fakes.mail.store import StoredMessage

RAW = b"From: a@example.org\r\nSubject: Hello World\r\nX-Tag: one\r\n\r\nBody text\r\n"


def test_command_tokens() -> None:
    cmd = parse_command(
        b'a1 uid fetch 1:* (BODY.PEEK[HEADER.FIELDS (FROM TO)] FLAGS) "q \\" s"\r\n'
    )
    assert (cmd.tag, cmd.name) == ("a1", "UID FETCH")
    assert cmd.args == ["1:*", ["BODY.PEEK[HEADER.FIELDS (FROM TO)]", "FLAGS"], 'q " s']


def test_literals_inline_and_framing() -> None:
    assert literal_at_end(b"a1 APPEND INBOX {12}\r\n") == (12, True)
    assert literal_at_end(b"a1 APPEND INBOX {12+}\r\n") == (12, False)
    assert literal_at_end(b"a1 NOOP\r\n") is None
    cmd = parse_command(b"a1 APPEND INBOX (\\Seen) {5}\r\nhello\r\n")
    assert cmd.args == ["INBOX", ["\\Seen"], b"hello"]
    with pytest.raises(ImapSyntaxError, match="shorter"):
        parse_command(b"a1 APPEND INBOX {50}\r\nhello\r\n")


@pytest.mark.parametrize(
    ("spec", "largest", "expected"),
    [
        ("1", 5, {1}),
        ("1:3,5", 5, {1, 2, 3, 5}),
        ("4:2", 5, {2, 3, 4}),
        ("3:*", 5, {3, 4, 5}),
        ("*", 5, {5}),
        ("9:*", 5, {5, 6, 7, 8, 9}),
        ("1:*", 0, {1}),
    ],
)
def test_sequence_sets(spec: str, largest: int, expected: set[int]) -> None:
    assert sequence_set(spec, largest) == expected


@pytest.mark.parametrize("spec", ["", "a", "1:", ",1", "1,,2", "0", "1:2:3"])
def test_bad_sequence_sets(spec: str) -> None:
    with pytest.raises(ImapSyntaxError):
        sequence_set(spec, 5)


def test_huge_range_is_bounded() -> None:
    assert sequence_set("1:4294967295", 3) == {1, 2, 3}


@given(st.binary(max_size=200))
def test_parser_never_fails_with_anything_but_syntax_errors(data: bytes) -> None:
    with contextlib.suppress(ImapSyntaxError):
        parse_command(data)


@given(st.text(alphabet="0123456789:*,", max_size=20), st.integers(0, 50))
def test_sequence_set_total(spec: str, largest: int) -> None:
    try:
        numbers = sequence_set(spec, largest)
    except ImapSyntaxError:
        return
    assert all(n >= 1 for n in numbers)


def candidate(flags: frozenset[str] = frozenset(), uid: int = 7) -> Candidate:
    msg = StoredMessage(uid, flags, datetime(2026, 11, 26, 9, 0, tzinfo=UTC), RAW)
    return Candidate(seq=2, msg=msg, max_seq=3, max_uid=9)


@pytest.mark.parametrize(
    ("keys", "flags", "expected"),
    [
        (["ALL"], frozenset(), True),
        (["SEEN"], frozenset({"\\Seen"}), True),
        (["UNSEEN"], frozenset({"\\Seen"}), False),
        ([["UNSEEN"]], frozenset(), True),
        (["CHARSET", "US-ASCII", ["UNSEEN"]], frozenset(), True),
        (["HEADER", "X-Tag", "ONE"], frozenset(), True),
        (["HEADER", "X-Missing", ""], frozenset(), False),
        (["SUBJECT", "world"], frozenset(), True),
        (["BODY", "body text"], frozenset(), True),
        (["BODY", "Hello"], frozenset(), False),
        (["TEXT", "Hello"], frozenset(), True),
        (["SINCE", "26-Nov-2026"], frozenset(), True),
        (["SINCE", "27-Nov-2026"], frozenset(), False),
        (["BEFORE", "27-Nov-2026"], frozenset(), True),
        (["ON", "26-nov-2026"], frozenset(), True),
        (["UID", "5:7"], frozenset(), True),
        (["UID", "8:*"], frozenset(), False),
        (["2"], frozenset(), True),
        (["NOT", "FLAGGED"], frozenset({"\\Flagged"}), False),
        (["OR", "FLAGGED", "DRAFT"], frozenset({"\\Draft"}), True),
        (["LARGER", "10"], frozenset(), True),
        (["KEYWORD", "$Label"], frozenset({"$Label"}), True),
    ],
)
def test_search_keys(keys: list[object], flags: frozenset[str], expected: bool) -> None:
    assert parse_search(keys)(candidate(flags)) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "keys",
    [
        [],
        ["CHARSET", "KOI8-R", "ALL"],
        ["SINCE", "yesterday"],
        ["NOT"],
        ["LARGER", "x"],
        ["OR", "ALL"],
    ],
)
def test_bad_search_keys(keys: list[object]) -> None:
    with pytest.raises(ImapSyntaxError):
        parse_search(keys)  # type: ignore[arg-type]


def test_fetch_items_and_render() -> None:
    items = parse_fetch_items(["UID", "FLAGS", "BODY.PEEK[HEADER.FIELDS (Subject)]", "RFC822.SIZE"])
    assert not sets_seen(items)
    assert sets_seen(parse_fetch_items("BODY[]"))
    assert sets_seen(parse_fetch_items("RFC822"))
    assert not sets_seen(parse_fetch_items("FAST"))
    msg = StoredMessage(7, frozenset({"\\Seen"}), datetime(2026, 11, 26, tzinfo=UTC), RAW)
    out = render_fetch(3, msg, items, flags_changed=False)
    assert out == (
        b"* 3 FETCH (UID 7 FLAGS (\\Seen) RFC822.SIZE %d BODY[HEADER.FIELDS (Subject)] {30}\r\n"
        b"Subject: Hello World\r\n\r\n)\r\n" % len(RAW)
    ).replace(b"{30}", b"{%d}" % len(b"Subject: Hello World\r\n\r\n"))
    partial = render_fetch(1, msg, parse_fetch_items("BODY.PEEK[TEXT]<0.4>"), flags_changed=True)
    assert partial == b"* 1 FETCH (UID 7 FLAGS (\\Seen) BODY[TEXT]<0> {4}\r\nBody)\r\n"


@pytest.mark.parametrize("item", ["ENVELOPE", "BODY[1.MIME]", "BODY[HEADER.FIELDS ()]", b"lit"])
def test_unsupported_fetch_items(item: object) -> None:
    with pytest.raises(ImapSyntaxError):
        parse_fetch_items(item)  # type: ignore[arg-type]


def test_internal_date() -> None:
    assert parse_internal_date("26-Nov-2026 10:55:28 +0100").utcoffset() is not None
    with pytest.raises(ImapSyntaxError):
        parse_internal_date("yesterday")
