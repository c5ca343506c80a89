"""imap-tools against the fake: login, fetch with/without mark_seen, flag, move, append, idle."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessageFlags
from mail_helpers import OWNER, make_message

from fakes.mail import FakeMailServer


@pytest.fixture
def mailbox(server: FakeMailServer) -> Iterator[MailBoxUnencrypted]:
    with MailBoxUnencrypted(server.host, server.imap_port, timeout=10).login(
        OWNER, "cloud-read"
    ) as box:
        yield box


def test_fetch_without_and_with_mark_seen(
    server: FakeMailServer, mailbox: MailBoxUnencrypted
) -> None:
    server.deliver(make_message(subject="peek"))
    (msg,) = list(mailbox.fetch(AND(seen=False), mark_seen=False))
    assert msg.subject == "peek"
    assert msg.flags == ()
    assert server.messages(OWNER)[0].flags == frozenset()
    (msg,) = list(mailbox.fetch(mark_seen=True))
    assert "\\Seen" in msg.flags
    assert server.messages(OWNER)[0].flags == {"\\Seen"}
    assert list(mailbox.fetch(AND(seen=False))) == []


def test_bulk_headers_only(server: FakeMailServer, mailbox: MailBoxUnencrypted) -> None:
    for n in range(3):
        server.deliver(make_message(subject=f"m{n}"))
    msgs = list(mailbox.fetch(headers_only=True, bulk=True, mark_seen=False))
    assert [m.subject for m in msgs] == ["m0", "m1", "m2"]
    assert all(m.text == "" for m in msgs)
    assert all(m.size > 0 for m in msgs)


def test_flag_move_append(server: FakeMailServer, mailbox: MailBoxUnencrypted) -> None:
    uid = str(server.deliver(make_message(subject="to archive")))
    mailbox.flag(uid, MailMessageFlags.ANSWERED, True)
    assert server.messages(OWNER)[0].flags == {"\\Answered"}
    mailbox.move(uid, "Archive")
    assert server.messages(OWNER) == []
    (archived,) = server.messages(OWNER, "Archive")
    assert archived.message["Subject"] == "to archive"
    assert "UID MOVE" in " ".join(server.imap_commands)

    sent = make_message(sender=OWNER, to="client@example.org", subject="reply")
    mailbox.append(
        sent.as_bytes(), "Sent", dt=datetime(2026, 11, 26, 10, 0, tzinfo=UTC), flag_set=["\\Seen"]
    )
    (copy,) = server.messages(OWNER, "Sent")
    assert copy.message_id == sent["Message-ID"]
    assert copy.flags == {"\\Seen"}
    assert copy.internal_date == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_folders(server: FakeMailServer, mailbox: MailBoxUnencrypted) -> None:
    names = {f.name for f in mailbox.folder.list()}
    assert {"INBOX", "Sent", "Drafts", "Archive"} <= names
    mailbox.folder.create("Clients")
    assert mailbox.folder.exists("Clients")
    server.deliver(make_message())
    status = mailbox.folder.status("INBOX")
    assert status["MESSAGES"] == 1
    assert status["UNSEEN"] == 1


def test_idle_is_woken_by_delivery(server: FakeMailServer, mailbox: MailBoxUnencrypted) -> None:
    mailbox.idle.start()
    server.deliver(make_message(subject="wake up"))
    responses = mailbox.idle.poll(timeout=5)
    mailbox.idle.stop()
    assert any(b"EXISTS" in r for r in responses)
    assert [m.subject for m in mailbox.fetch(mark_seen=False)] == ["wake up"]


def test_login_utf8_starttls_and_imaps(server: FakeMailServer) -> None:
    assert server.ca_cert is not None
    context = ssl.create_default_context(cafile=server.ca_cert)
    with MailBoxUnencrypted(server.host, server.imap_port).login_utf8(OWNER, "cloud-read") as box:
        assert box.folder.get() == "INBOX"
    with MailBoxStartTls(server.host, server.imap_port, ssl_context=context).login(
        OWNER, "cloud-read"
    ) as box:
        assert box.folder.get() == "INBOX"
    with MailBox(server.host, server.imaps_port, ssl_context=context).login(
        OWNER, "cloud-read"
    ) as box:
        server.deliver(make_message(subject="secure"))
        assert [m.subject for m in box.fetch(mark_seen=False)] == ["secure"]
