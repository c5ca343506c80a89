"""Ids and safe paths: stable, portable, and never able to leave the vault."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vault_strategies import HOSTILE_TEXT

from employee.errors import UnsafeNameError
from employee.vault import approval_id_for, new_id, safe_path, task_id_for, validate_id

ULID_RE = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


def test_new_id_is_an_upper_case_ulid_and_unique() -> None:
    ids = [new_id() for _ in range(1000)]
    assert all(ULID_RE.fullmatch(i) for i in ids)
    assert len(set(ids)) == 1000
    assert validate_id(ids[0]) == ids[0]


def test_task_id_is_stable_and_shaped() -> None:
    first = task_id_for("email", "<CAB123@mail.example>")
    assert first == task_id_for("email", "<CAB123@mail.example>")
    assert first != task_id_for("email", "<CAB124@mail.example>")
    assert first != task_id_for("invoice", "<CAB123@mail.example>")
    assert re.fullmatch(r"email-[a-z2-7]{26}", first)


@given(kind=st.from_regex(r"[a-z][a-z0-9_]{0,31}", fullmatch=True), source=HOSTILE_TEXT)
def test_task_id_for_any_source_is_a_safe_id(kind: str, source: str) -> None:
    assert validate_id(task_id_for(kind, source))


@pytest.mark.parametrize("kind", ["", "Email", "1email", "e-mail", "a" * 33, "e/x", "é"])
def test_task_id_refuses_bad_kinds(kind: str) -> None:
    with pytest.raises(UnsafeNameError, match="invalid kind"):
        task_id_for(kind, "x")


def test_task_id_tolerates_lone_surrogates_from_decoded_mail() -> None:
    assert task_id_for("email", "bad \udcff byte") != task_id_for("email", "bad  byte")


def test_approval_id() -> None:
    assert approval_id_for("email-abc", "send_email") == "email-abc--send_email"
    assert approval_id_for("email-abc", "send_email", 1) == "email-abc--send_email"
    assert approval_id_for("email-abc", "send_email", 3) == "email-abc--send_email-3"
    for attempt in (0, -1, True, 1.5):
        with pytest.raises(UnsafeNameError, match="attempt"):
            approval_id_for("email-abc", "send_email", attempt)  # type: ignore[arg-type]
    with pytest.raises(UnsafeNameError):
        approval_id_for("../x", "send_email")
    with pytest.raises(UnsafeNameError):
        approval_id_for("x", "Send Email")


@pytest.mark.parametrize(
    "value", ["a", "A1", "email-abc", "x.y_z-1", "01JDC7W4Q3M8K2V6X9T0R5N1BZ", "a" * 128]
)
def test_validate_id_accepts(value: str) -> None:
    assert validate_id(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        ".",
        "..",
        "a..b",
        ".hidden",
        "-x",
        "_x",
        "a/b",
        "a\\b",
        "a b",
        "a\n",
        "a\x00",
        "é",
        "a" * 129,
        "x.",
        "CON",
        "nul.md",
        "com1",
        7,
        None,
    ],
)
def test_validate_id_refuses(value: object) -> None:
    with pytest.raises(UnsafeNameError, match="unsafe id"):
        validate_id(value)  # type: ignore[arg-type]


def test_safe_path_joins_inside(tmp_path: Path) -> None:
    assert safe_path(tmp_path, "Needs_Action/email/x.md") == tmp_path / "Needs_Action/email/x.md"
    assert safe_path(tmp_path, PurePosixPath("a/./b.md")) == tmp_path / "a" / "b.md"
    assert safe_path(tmp_path, ".") == tmp_path


@pytest.mark.parametrize(
    "rel", ["", "/etc/passwd", "../x", "a/../../x", "a/..", "a\\..\\x", "a\x00b", "a\nb"]
)
def test_safe_path_refuses(tmp_path: Path, rel: str) -> None:
    with pytest.raises(UnsafeNameError):
        safe_path(tmp_path, rel)


def test_safe_path_refuses_symlink_escape(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "Plans").symlink_to(outside)
    (root / "inner").symlink_to(root / "Plans" / "..")
    with pytest.raises(UnsafeNameError, match="outside the vault"):
        safe_path(root, "Plans/x.md")
    with pytest.raises(UnsafeNameError, match="outside the vault"):
        safe_path(root, "inner")
    (root / "Done").mkdir()
    (root / "alias").symlink_to(root / "Done")
    assert safe_path(root, "alias/x.md") == root / "alias" / "x.md"


@given(rel=HOSTILE_TEXT)
def test_safe_path_never_escapes(tmp_path_factory: pytest.TempPathFactory, rel: str) -> None:
    root = tmp_path_factory.getbasetemp() / "prop-root"
    root.mkdir(exist_ok=True)
    try:
        result = safe_path(root, rel)
    except UnsafeNameError:
        return
    real = os.path.realpath(result)
    assert real == os.path.realpath(root) or real.startswith(os.path.realpath(root) + os.sep)
