"""A FakeMailServer with one owner account (read-only and send credentials) per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from employee.mail.imap import ImapConfig
from fakes.mail import Credential, FakeMailServer, MailUser

OWNER = "owner@platinum.test"


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


def inbound(n: int, subject: str = "hello") -> bytes:
    return (
        f"From: Bob <bob@example.org>\r\nTo: {OWNER}\r\nSubject: {subject} {n}\r\n"
        f"Message-ID: <in-{n}@example.org>\r\n\r\nbody {n}\r\n"
    ).encode()
