"""A FakeMailServer with one owner account (read-only and send credentials) per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mail_hostile import OWNER

from employee.mail.imap import ImapConfig
from fakes.mail import Credential, FakeMailServer, MailUser


@pytest.fixture
def mail_server() -> Iterator[FakeMailServer]:
    users = [
        MailUser(
            OWNER,
            [
                Credential("pw-read", scopes=frozenset({"imap"})),
                Credential("pw-send", scopes=frozenset({"imap", "smtp"})),
            ],
        )
    ]
    with FakeMailServer(users=users, tls=True) as server:
        yield server


@pytest.fixture
def imap_config(mail_server: FakeMailServer) -> ImapConfig:
    assert mail_server.imaps_port is not None
    return ImapConfig(
        mail_server.host,
        mail_server.imaps_port,
        OWNER,
        "pw-read",
        "ssl",
        mail_server.ca_cert,
        timeout=5.0,
    )
