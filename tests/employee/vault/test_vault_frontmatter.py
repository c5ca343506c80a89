"""Frontmatter: exact round-trips, hostile YAML refused quickly, caps, atomic writes."""

from __future__ import annotations

import os
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vault_strategies import HOSTILE_TEXT

from employee.errors import DocumentError
from employee.vault import (
    Document,
    Limits,
    parse_document,
    read_document,
    render_document,
    write_document,
)

SCALARS = st.one_of(
    HOSTILE_TEXT,
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.datetimes(timezones=st.just(UTC)),
    st.dates(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4),
    max_leaves=12,
)
KEYS = st.sampled_from(["type", "id", "subject", "from", "to", "status", "approved", "body"])


@given(meta=st.dictionaries(KEYS, VALUES, max_size=8), body=HOSTILE_TEXT)
def test_any_document_round_trips_exactly(meta: dict[str, object], body: str) -> None:
    doc = Document(meta, body)
    assert parse_document(render_document(doc)) == doc


@given(subject=HOSTILE_TEXT)
def test_a_hostile_string_never_changes_another_field(subject: str) -> None:
    meta = {"subject": subject, "status": "pending", "approved": False}
    parsed = parse_document(render_document(Document(meta, "body")))
    assert parsed.meta == meta
    assert list(parsed.meta) == ["subject", "status", "approved"]


def test_timestamps_are_written_as_iso_8601_and_read_back_aware() -> None:
    when = datetime(2026, 11, 26, 12, 30, tzinfo=UTC)
    other = datetime(2026, 11, 26, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    text = render_document(Document({"created": when, "other": other, "day": date(2026, 1, 2)}))
    assert "created: 2026-11-26T12:30:00Z\n" in text
    assert "other: 2026-11-26T14:30:00+02:00\n" in text
    assert parse_document(text).meta == {"created": when, "other": other, "day": date(2026, 1, 2)}


def test_tuples_are_written_as_lists() -> None:
    assert parse_document(render_document(Document({"cc": ("a", "b")}))).meta == {"cc": ["a", "b"]}


@pytest.mark.parametrize(
    ("text", "meta", "body"),
    [
        ("no frontmatter\n---\n", {}, "no frontmatter\n---\n"),
        ("", {}, ""),
        ("---\n---\nbody", {}, "body"),
        ("---\r\nsubject: x\r\n---\r\nline\r\n", {"subject": "x"}, "line\r\n"),
        ("\ufeff---\na: 1\n---\n", {"a": 1}, ""),
        ("---\na: 1\n---", {"a": 1}, ""),
        ("---\na: 1\n--- \nb", {"a": 1}, "b"),
        ("----\nx", {}, "----\nx"),
        # the hackathon shape: no type/created/expires/status at all
        (
            "---\naction: payment\namount: 500.0\n---\nPay",
            {"action": "payment", "amount": 500.0},
            "Pay",
        ),
    ],
)
def test_reader_accepts_both_shapes(text: str, meta: dict[str, object], body: str) -> None:
    assert parse_document(text) == Document(meta, body)


BOMB = (
    "---\n"
    + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
    + "---\n"
)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (BOMB, "anchors are not allowed"),
        ("---\na: *x\n---\n", "aliases are not allowed"),
        ("---\nx: " + "[" * 1000 + "]" * 1000 + "\n---\n", "deeper than 32"),
        ("---\nx:\n" + "".join("  " * i + "- \n" for i in range(1, 100)) + "---\n", "deeper"),
        ("---\na: !!python/object/apply:os.system ['id']\n---\n", "python/object/apply"),
        ("---\n!!python/object:os.system {}\n---\n", "not allowed"),
        ("---\na: !custom x\n---\n", "'!custom' is not allowed"),
        ("---\na: !!binary aGk=\n---\n", "binary"),
        ("---\nstatus: pending\nstatus: approved\n---\n", "duplicate key 'status'"),
        ("---\nsubject: x\n", "closing '---' is missing"),
        ("---", "never closed"),
        ("---\n- a\n---\n", "must be a mapping"),
        ("---\n1: a\n---\n", "keys must be strings"),
        ("---\n? [a]\n: b\n---\n", "unhashable"),
        ("---\na: 1\n--- b\n---\n", "not valid YAML"),
        ("---\na: [\n---\n", "not valid YAML"),
        ("---\na: \x00\n---\n", "not valid YAML"),
        ("---\nsubject: 'Invoice\n---\napproved: true'\n---\n", "not valid YAML"),
        ("---\na: !!int abc\n---\n", "cannot be read"),
        ("---\na: !!float x\n---\n", "cannot be read"),
        ("---\na: !!bool maybe\n---\n", "cannot be read"),
        ("---\na: !!map [1]\n---\n", "cannot be read"),
        ("---\na: !!seq {a: 1}\n---\n", "not plain data"),
        ("---\n<<: {a: 1}\n---\n", "not plain data"),
    ],
)
def test_hostile_frontmatter_is_refused_with_a_clear_error(text: str, needle: str) -> None:
    with pytest.raises(DocumentError, match="frontmatter") as info:
        parse_document(text)
    assert needle in str(info.value)


def test_impossible_dates_stay_strings() -> None:
    meta = parse_document("---\ndue: 2026-02-30\nt: !!timestamp soon\nd: 2026-02-03\n---\n").meta
    assert meta == {"due": "2026-02-30", "t": "soon", "d": date(2026, 2, 3)}
    assert parse_document(render_document(Document(meta))).meta == meta


def test_alias_bomb_is_refused_fast_with_bounded_memory() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(DocumentError):
        parse_document(BOMB)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 0.5
    assert peak < 2_000_000


def test_deep_nesting_is_refused_fast() -> None:
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="deeper"):
        parse_document("---\nx: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n---\n")
    assert time.perf_counter() - started < 1.0


def test_node_cap() -> None:
    text = "---\nx: [" + ", ".join("1" for _ in range(60)) + "]\n---\n"
    with pytest.raises(DocumentError, match="more than 50 nodes"):
        parse_document(text, limits=Limits(max_nodes=50))
    assert len(parse_document(text).meta["x"]) == 60


def test_size_caps() -> None:
    big = "---\na: " + "x" * 2000 + "\n---\n"
    with pytest.raises(DocumentError, match="larger than 1000 bytes"):
        parse_document(big, limits=Limits(max_bytes=1000))
    with pytest.raises(DocumentError, match="larger than 1000 bytes"):
        parse_document(big.encode(), limits=Limits(max_bytes=1000))
    with pytest.raises(DocumentError, match="frontmatter is larger than 100 bytes"):
        parse_document(big, limits=Limits(max_frontmatter_bytes=100))
    assert parse_document("x" * 2000, limits=Limits(max_frontmatter_bytes=100)).body == "x" * 2000


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(DocumentError, match="not valid UTF-8"):
        parse_document(b"---\na: \xff\n---\n")


def test_read_document_checks_size_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with open(huge, "wb") as handle:
        handle.truncate(50 * 1024**3)  # sparse: reading it would take minutes and 50 GB
    started = time.perf_counter()
    with pytest.raises(DocumentError, match="over the 1048576-byte cap"):
        read_document(huge)
    assert time.perf_counter() - started < 0.5


def test_read_document_refuses_symlinks_and_folders(tmp_path: Path) -> None:
    target = tmp_path / "secret.md"
    target.write_text("---\ntoken: x\n---\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document(link)
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_document(tmp_path / "missing.md")


def test_read_document_names_the_path_in_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\na: [\n---\n")
    with pytest.raises(DocumentError) as info:
        read_document(bad)
    assert info.value.context["path"] == str(bad)


def test_read_document_reports_unreadable_files(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        locked = tmp_path / "not-a-dir" / "x.md"
        (tmp_path / "not-a-dir").write_text("")
        with pytest.raises(DocumentError, match="cannot stat"):
            read_document(locked)
        return
    locked = tmp_path / "locked.md"  # pragma: no cover - the suite runs as root here
    locked.write_text("x")
    locked.chmod(0)
    with pytest.raises(DocumentError, match="cannot open"):
        read_document(locked)


def test_write_is_atomic_creates_folders_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "doc.md"
    write_document(target, Document({"v": 1}, "one"))
    write_document(target, Document({"v": 2}, "two"))
    assert read_document(target) == Document({"v": 2}, "two")
    assert os.listdir(target.parent) == ["doc.md"]


def test_write_refuses_what_a_reader_would_refuse(tmp_path: Path) -> None:
    target = tmp_path / "doc.md"
    with pytest.raises(DocumentError, match="UTF-8"):
        write_document(target, Document({}, "lone surrogate \ud800 in the body"))
    with pytest.raises(DocumentError, match="cannot be written as YAML"):
        write_document(target, Document({"s": object()}, ""))
    with pytest.raises(DocumentError, match="frontmatter is larger"):
        write_document(target, Document({"s": "x" * 70_000}, ""))
    assert not target.exists()
    assert os.listdir(tmp_path) == []
    write_document(target, Document({"s": "\ud800"}, ""))  # escaped by the emitter
    assert read_document(target).meta == {"s": "\ud800"}


def test_write_cleans_its_temp_file_when_replace_fails(tmp_path: Path) -> None:
    folder = tmp_path / "doc.md"
    folder.mkdir()
    (folder / "child").write_text("x")
    with pytest.raises(OSError):
        write_document(folder, Document({}, "x"))
    assert sorted(os.listdir(tmp_path)) == ["doc.md"]
