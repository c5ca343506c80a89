"""The HTTP JSON API and MailApiClient: the same verbs as the in-process facade."""

from __future__ import annotations

import imaplib
import json
import smtplib
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from mail_helpers import CLIENT, OWNER, make_message

from fakes.errors import FakeStoreError, FakeTimeout
from fakes.mail import FakeMailServer, ImapFault, MailApiClient, MailUser, SmtpFault


@pytest.fixture
def api_server(users: list[MailUser], tmp_path: Path) -> Iterator[FakeMailServer]:
    with FakeMailServer(users=users, api_port=0, cert_dir=tmp_path) as srv:
        yield srv


@pytest.fixture
def api(api_server: FakeMailServer) -> MailApiClient:
    return MailApiClient(f"http://{api_server.host}:{api_server.api_port}")


def test_health_names_the_ports(api_server: FakeMailServer, api: MailApiClient) -> None:
    health = api.health()
    assert health["ok"] is True
    assert health["smtp_port"] == api_server.smtp_port
    assert health["imap_port"] == api_server.imap_port
    assert health["ca_cert"] == api_server.ca_cert


def test_deliver_list_raw_delete(api: MailApiClient) -> None:
    msg = make_message(subject="über API")
    uid = api.deliver(msg, to=OWNER)
    (stored,) = api.messages(OWNER)
    assert stored.uid == uid
    assert stored.message["Subject"] == "über API"
    assert api.raw(OWNER, "INBOX", uid) == stored.raw
    api.delete(OWNER, "INBOX", uid)
    assert api.messages(OWNER) == []
    with pytest.raises(FakeStoreError):
        api.delete(OWNER, "INBOX", uid)
    with pytest.raises(FakeStoreError):
        api.messages("ghost@platinum.test")
    assert api.deliver(msg.as_bytes(), to=OWNER, mailbox="Sent") >= 1
    assert len(api.messages(OWNER, "Sent")) == 1


def test_outbound_faults_reset(api_server: FakeMailServer, api: MailApiClient) -> None:
    api.inject_fault(SmtpFault(stage="RCPT", code=550, message="5.1.1 no such user"))
    api.inject_fault(ImapFault(command="UID FETCH", reply="BYE"))
    assert len(api_server.faults.active()) == 2
    with smtplib.SMTP(api_server.host, api_server.smtp_port, timeout=10) as smtp:
        smtp.login(OWNER, "local-send")
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            smtp.send_message(make_message(sender=OWNER, to=CLIENT))
        smtp.send_message(make_message(sender=OWNER, to=CLIENT, subject="second try"))
    (record,) = api.outbound()
    assert record.message["Subject"] == "second try"
    assert record.rcpt_tos == (CLIENT,)
    api.clear_faults()
    assert api_server.faults.active() == []
    api.reset()
    assert api.outbound() == []


def test_wait_for_long_polls_without_sleeping(
    api_server: FakeMailServer, api: MailApiClient
) -> None:
    worker = threading.Thread(target=api_server.deliver, args=(make_message(subject="late"),))
    worker.start()
    msgs = api.wait_for(lambda c: c.messages(OWNER), timeout=10, describe="mail")
    worker.join()
    assert msgs[0].message["Subject"] == "late"
    with pytest.raises(FakeTimeout, match="nothing"):
        api.wait_for(lambda c: c.messages(OWNER, "Sent"), timeout=0.1, describe="nothing")


def test_drop_imap_connections_over_http(api_server: FakeMailServer, api: MailApiClient) -> None:
    client = imaplib.IMAP4(api_server.host, api_server.imap_port, timeout=10)
    client.login(OWNER, "cloud-read")
    api.drop_imap_connections()
    with pytest.raises((imaplib.IMAP4.abort, OSError)):
        client.noop()
    client.shutdown()


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/nope", None, 404),
        ("POST", "/deliver", b"not json", 400),
        ("POST", "/deliver", b"[]", 400),
        ("POST", "/deliver", b'{"raw_b64": "!!!"}', 400),
        ("POST", "/faults", b'{"kind": "smtp", "stage": "HELO"}', 400),
        ("POST", "/faults", b'{"kind": "pop3"}', 400),
        ("POST", "/faults", b'{"kind": "imap", "bogus": 1}', 400),
        ("GET", "/users/x/mailboxes/INBOX/messages/abc/raw", None, 400),
    ],
)
def test_bad_requests_get_http_errors(
    api_server: FakeMailServer, method: str, path: str, body: bytes | None, status: int
) -> None:
    request = urllib.request.Request(
        f"http://{api_server.host}:{api_server.api_port}{path}", data=body, method=method
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code == status
    assert "error" in json.loads(info.value.read())
    assert MailApiClient(f"http://{api_server.host}:{api_server.api_port}").health()["ok"]
