"""Update documents."""

from __future__ import annotations

import pytest
from vault_fixtures import NOW

from employee.errors import DocumentError, UnsafeNameError
from employee.vault import UPDATE_KINDS, new_update, parse_document, render_document


def test_new_update() -> None:
    doc = new_update(
        update_id="01JDC7W4Q3M8K2V6X9T0R5N1BZ",
        kind="approval_pending",
        source="cloud",
        created=NOW,
        title="Reply drafted",
        body="See the approval.",
        task_id="email-t1",
    )
    assert doc.meta == {
        "type": "update",
        "id": "01JDC7W4Q3M8K2V6X9T0R5N1BZ",
        "kind": "approval_pending",
        "source": "cloud",
        "created": NOW,
        "title": "Reply drafted",
        "task_id": "email-t1",
    }
    assert parse_document(render_document(doc)) == doc
    assert (
        "task_id"
        not in new_update(update_id="u1", kind="info", source="local", created=NOW, title="t").meta
    )
    assert set(UPDATE_KINDS) == {"info", "alert", "health", "approval_pending"}


def test_new_update_refuses() -> None:
    with pytest.raises(DocumentError, match="unknown update kind"):
        new_update(update_id="u", kind="gossip", source="cloud", created=NOW, title="t")  # type: ignore[arg-type]
    with pytest.raises(UnsafeNameError):
        new_update(update_id="u/1", kind="info", source="cloud", created=NOW, title="t")
    with pytest.raises(UnsafeNameError):
        new_update(update_id="u", kind="info", source="x", created=NOW, title="t")  # type: ignore[arg-type]
    with pytest.raises(UnsafeNameError):
        new_update(update_id="u", kind="info", source="cloud", created=NOW, title="t", task_id="..")
