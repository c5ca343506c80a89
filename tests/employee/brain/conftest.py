"""Builders for mail facts used across the brain tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from employee.brain import MailFacts, header_map


def make_mail(**overrides: Any) -> MailFacts:
    """A plain personal mail; any field can be overridden (``headers`` as a dict)."""
    fields: dict[str, Any] = {
        "message_id": "<m1@client.example>",
        "from_addr": "jane.doe@client.example",
        "from_name": "Jane Doe",
        "to": ("owner@acme.example",),
        "subject": "Project timeline",
        "body_text": "Hello,\n\nCould you send me the updated project timeline by Friday?\n\nJane",
        "received": datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    }
    headers = overrides.pop("headers", None)
    fields.update(overrides)
    if headers is not None:
        fields["headers"] = header_map(headers)
    return MailFacts(**fields)


@pytest.fixture(scope="session")
def mail() -> Callable[..., MailFacts]:
    return make_mail
