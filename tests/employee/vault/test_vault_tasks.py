"""Task documents: untrusted source fields round-trip exactly; file names stay safe."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vault_fixtures import NOW
from vault_strategies import HOSTILE_TEXT

from employee.errors import DocumentError, UnsafeNameError
from employee.vault import (
    TASK_STATUSES,
    Vault,
    needs_action,
    new_task,
    parse_document,
    task_id_for,
    task_status,
)


def test_new_task_fields_in_spec_order() -> None:
    doc = new_task(
        task_id="email-x",
        type="email",
        domain="email",
        created=NOW,
        body="b",
        priority="high",
        subject="s",
        from_="a@b",
        extra=1,
    )
    assert list(doc.meta) == [
        "type",
        "id",
        "domain",
        "status",
        "created",
        "from",
        "subject",
        "priority",
        "extra",
    ]
    assert doc.meta["status"] == "pending"
    assert task_status(doc.meta) == "pending"


def test_new_task_refuses_bad_input() -> None:
    base = {"task_id": "email-x", "type": "email", "domain": "email", "created": NOW, "body": ""}
    with pytest.raises(DocumentError, match="protocol fields"):
        new_task(**base, status="done")  # type: ignore[arg-type]
    with pytest.raises(DocumentError, match="protocol fields"):
        new_task(**base, claimed_by="cloud")  # type: ignore[arg-type]
    with pytest.raises(DocumentError, match="either"):
        new_task(**base, from_="a", **{"from": "b"})  # type: ignore[arg-type]
    with pytest.raises(UnsafeNameError):
        new_task(**{**base, "domain": "mail"})  # type: ignore[arg-type]
    with pytest.raises(UnsafeNameError):
        new_task(**{**base, "task_id": "../x"})  # type: ignore[arg-type]
    with pytest.raises(UnsafeNameError):
        new_task(**{**base, "type": "Email Reply"})  # type: ignore[arg-type]


def test_task_status_reader() -> None:
    assert TASK_STATUSES[0] == "pending"
    assert task_status({"status": "failed"}) == "failed"
    assert task_status({"status": "approved"}) is None
    assert task_status({}) is None


@given(subject=HOSTILE_TEXT, sender=HOSTILE_TEXT, message_id=HOSTILE_TEXT, body=HOSTILE_TEXT)
def test_any_subject_and_sender_round_trip_through_a_task_file(
    tmp_path_factory: pytest.TempPathFactory,
    subject: str,
    sender: str,
    message_id: str,
    body: str,
) -> None:
    vault = Vault(tmp_path_factory.getbasetemp() / "tasks-prop")
    task_id = task_id_for("email", message_id)
    rel = needs_action("email", task_id)
    doc = new_task(
        task_id=task_id,
        type="email",
        domain="email",
        created=NOW,
        body=body,
        from_=sender,
        subject=subject,
        message_id=message_id,
    )
    vault.write(rel, doc)
    path = vault.path(rel)
    assert path.parent == vault.root / "Needs_Action" / "email"
    assert path.name == f"{task_id}.md"
    back = vault.read(rel)
    assert back == doc
    assert back.meta["status"] == "pending"
    assert set(back.meta) == {
        "type",
        "id",
        "domain",
        "status",
        "created",
        "from",
        "subject",
        "message_id",
    }
    Path(path).unlink()


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_fail_cleanly(data: bytes) -> None:

    with contextlib.suppress(DocumentError):
        parse_document(b"---\n" + data + b"\n---\n" + data)
