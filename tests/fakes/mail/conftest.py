"""Fixtures: the users and a running FakeMailServer (helpers live in mail_helpers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mail_helpers import CLIENT, OWNER

from fakes.mail import Credential, FakeMailServer, MailUser


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
