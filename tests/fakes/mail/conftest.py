"""Fixtures: a running FakeMailServer with two users, and message builders."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from fakes.mail import Credential, FakeMailServer, MailUser

OWNER = "owner@platinum.test"
CLIENT = "client@example.org"


def make_message(
    subject: str = "Hello",
    body: str = "Hi there.\n",
    sender: str = CLIENT,
    to: str = OWNER,
    message_id: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or f"<{abs(hash((subject, body)))}@example.org>"
    msg.set_content(body)
    return msg


@pytest.fixture
def users() -> list[MailUser]:
    return [
        MailUser(
            OWNER,
            [
                Credential("cloud-read", scopes=frozenset({"imap"})),
                Credential("local-send", scopes=frozenset({"imap", "smtp"})),
            ],
        ),
        MailUser(CLIENT, [Credential("client-pw")]),
    ]


@pytest.fixture
def server(
    users: list[MailUser], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FakeMailServer]:
    with FakeMailServer(
        users=users, max_message_size=256 * 1024, cert_dir=tmp_path_factory.mktemp("tls")
    ) as srv:
        yield srv
