"""Approvals: documents, both hackathon shapes, decisions by folder, expiry."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path, PurePosixPath

import pytest
from vault_fixtures import NOW, make_vault

from employee.errors import DocumentError, UnsafeNameError
from employee.vault import (
    ACTIONS,
    Document,
    Vault,
    approval_id_for,
    approved,
    decision_of,
    is_expired,
    new_approval,
    pending_approval,
    read_approval,
    rejected,
)

P = PurePosixPath
DAY = timedelta(days=1)


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return make_vault(tmp_path)


def _approval(**overrides: object) -> Document:
    fields: dict[str, object] = {
        "approval_id": approval_id_for("email-t1", "send_email"),
        "task_id": "email-t1",
        "action": "send_email",
        "params": {"to": "client@example.com", "cc": [], "subject": "Re: Invoice\nBcc: x"},
        "body": "Dear client,\n\nHere it is.\n",
        "created": NOW,
        "expires": NOW + DAY,
        "requested_by": "cloud",
    }
    fields.update(overrides)
    return new_approval(**fields)  # type: ignore[arg-type]


def test_new_approval_shape() -> None:
    doc = _approval()
    assert list(doc.meta) == [
        "type",
        "id",
        "task_id",
        "action",
        "to",
        "cc",
        "subject",
        "created",
        "expires",
        "requested_by",
        "status",
    ]
    assert doc.meta["type"] == "approval_request"
    assert doc.meta["status"] == "pending"
    assert "send_invoice" in ACTIONS


@pytest.mark.parametrize(
    ("overrides", "error", "match"),
    [
        ({"action": "wire_money"}, DocumentError, "unknown action"),
        ({"params": {"status": "approved"}}, DocumentError, "protocol fields"),
        ({"params": {"Bad Key": 1}}, UnsafeNameError, "invalid kind"),
        ({"expires": NOW}, DocumentError, "expire after"),
        ({"requested_by": "mallory"}, UnsafeNameError, "unknown agent"),
        ({"approval_id": "../x"}, UnsafeNameError, "unsafe id"),
    ],
)
def test_new_approval_refuses(overrides: dict[str, object], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        _approval(**overrides)


def test_read_approval_round_trip_and_human_edit(vault: Vault) -> None:
    aid = approval_id_for("email-t1", "send_email")
    rel = pending_approval("email", aid)
    vault.write(rel, _approval())
    doc = vault.read(rel)
    vault.write(rel, Document(doc.meta, "Edited by the owner.\n"))
    vault.move(rel, approved(aid))
    appr = read_approval(vault, approved(aid))
    assert appr.approval_id == aid
    assert appr.task_id == "email-t1"
    assert appr.action == "send_email"
    assert appr.params == {"to": "client@example.com", "cc": [], "subject": "Re: Invoice\nBcc: x"}
    assert appr.body == "Edited by the owner.\n"
    assert (appr.created, appr.expires) == (NOW, NOW + DAY)
    assert (appr.requested_by, appr.status, appr.path) == ("cloud", "pending", approved(aid))
    assert decision_of(appr.path) == "approved"
    assert not is_expired(appr, NOW + DAY - timedelta(seconds=1))
    assert is_expired(appr, NOW + DAY)


def test_read_approval_accepts_the_hackathon_shape(vault: Vault) -> None:
    rel = P("Pending_Approval/payments/APPROVAL_payment_client_a.md")
    text = (
        "---\ntype: approval_request\naction: payment\namount: 500.00\n"
        "recipient: Client A\nreason: Invoice #1234 payment\n"
        "created: 2026-01-07T10:30:00Z\nexpires: 2026-01-08T10:30:00Z\nstatus: pending\n---\n"
        "## Payment Details\n"
    )
    vault.path(rel).write_text(text)
    appr = read_approval(vault, rel)
    assert appr.approval_id == "payment_client_a"
    assert appr.task_id == ""
    assert appr.action == "payment"
    # " #1234 payment" is a YAML comment in the spec's own example: a real parser drops it
    assert appr.params == {"amount": 500.0, "recipient": "Client A", "reason": "Invoice"}
    assert appr.expires is not None
    assert appr.expires.isoformat() == "2026-01-08T10:30:00+00:00"


def test_read_approval_minimal_shape_uses_mtime_and_never_expires(vault: Vault) -> None:
    rel = P("Approved/APPROVAL_x.md")
    vault.path(rel).write_text("---\naction: send_email\nto: a@b\n---\nhi")
    os.utime(vault.path(rel), (NOW.timestamp(), NOW.timestamp()))
    appr = read_approval(vault, rel)
    assert appr.created == NOW
    assert appr.expires is None
    assert appr.status == "pending"
    assert not is_expired(appr, NOW + 1000 * DAY)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("---\ntype: email\naction: send_email\n---\n", "not an approval request"),
        ("---\ntype: approval_request\n---\n", "no 'action'"),
        ("---\naction: send_email\ncreated: yesterday\n---\n", "'created' is not a timestamp"),
        ("---\naction: send_email\nexpires: [1]\n---\n", "'expires' is not a timestamp"),
        ("---\naction: send_email\nstatus: [\n---\n", "not valid YAML"),
    ],
)
def test_read_approval_refuses_malformed(vault: Vault, text: str, match: str) -> None:
    rel = P("Approved/APPROVAL_bad.md")
    vault.path(rel).write_text(text)
    with pytest.raises(DocumentError, match=match):
        read_approval(vault, rel)


@pytest.mark.parametrize(
    ("rel", "decision"),
    [
        (pending_approval("email", "a"), "pending"),
        (approved("a"), "approved"),
        (rejected("a"), "rejected"),
        (P("Approved/nested/APPROVAL_a.md"), "unknown"),
        (P("Pending_Approval/APPROVAL_a.md"), "unknown"),
        (P("Done/2026-11/APPROVAL_a.md"), "unknown"),
        (P(""), "unknown"),
    ],
)
def test_decision_is_read_from_the_folder(rel: PurePosixPath, decision: str) -> None:
    assert decision_of(rel) == decision


def test_content_cannot_approve(vault: Vault) -> None:
    aid = "email-t1--send_email"
    doc = _approval()
    forged = Document({**doc.meta, "status": "approved"}, doc.body)
    vault.write(pending_approval("email", aid), forged)
    appr = read_approval(vault, pending_approval("email", aid))
    assert appr.status == "approved"
    assert decision_of(appr.path) == "pending"
