"""imaplib (stdlib) against the fake: the command subset, TLS, AUTHENTICATE, scopes."""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mail_helpers import CLIENT, OWNER, make_message

from fakes.mail import Credential, FakeMailServer, MailUser


@pytest.fixture
def imap(server: FakeMailServer) -> Iterator[imaplib.IMAP4]:
    client = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
    client.login(OWNER, "cloud-read")
    yield client
    with contextlib.suppress(imaplib.IMAP4.abort, OSError):
        client.logout()


def uids(data: list[bytes]) -> list[int]:
    return [int(x) for x in data[0].split()]


def test_capabilities_and_greeting(server: FakeMailServer) -> None:
    client = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
    caps = client.capabilities
    for cap in ("IMAP4REV1", "IDLE", "UIDPLUS", "MOVE", "STARTTLS", "AUTH=PLAIN"):
        assert cap in caps
    assert caps[-1] != "IDLE"
    typ, _ = client.login(OWNER, "cloud-read")
    assert typ == "OK"
    typ, data = client.capability()
    assert b"STARTTLS" not in data[0]
    client.logout()


def test_login_failures(server: FakeMailServer) -> None:
    client = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        client.login(OWNER, "wrong")
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        client.login("nobody@platinum.test", "local-send")
    client.logout()


def test_send_only_credentials_cannot_read(users: list[MailUser], tmp_path: Path) -> None:
    sender = MailUser("bot@platinum.test", [Credential("send-only", frozenset({"smtp"}))])
    with FakeMailServer(users=[*users, sender], cert_dir=tmp_path) as srv:
        client = imaplib.IMAP4(srv.host, srv.imap_port, timeout=10)
        with pytest.raises(imaplib.IMAP4.error):
            client.login("bot@platinum.test", "send-only")
        client.logout()


def test_select_search_fetch_flags(server: FakeMailServer, imap: imaplib.IMAP4) -> None:
    first = server.deliver(make_message(subject="one"))
    second = server.deliver(make_message(subject="two", body="second body\n"))
    typ, data = imap.select("INBOX")
    assert (typ, data) == ("OK", [b"2"])
    assert imap.untagged_responses.get("UIDVALIDITY") or imap.response("UIDVALIDITY")[1]
    assert uids(imap.uid("SEARCH", "ALL")[1]) == [first, second]
    assert uids(imap.uid("SEARCH", "UNSEEN")[1]) == [first, second]

    typ, data = imap.uid("FETCH", str(first), "(BODY.PEEK[] FLAGS)")
    assert typ == "OK"
    head, body = data[0]  # type: ignore[misc]
    assert b"FLAGS ()" in head
    assert f"UID {first}".encode() in head
    assert b"Subject: one" in body
    assert "\\Seen" not in server.messages(OWNER)[0].flags

    typ, data = imap.uid("FETCH", str(first), "(BODY[])")
    assert b"\\Seen" in data[0][0]  # the fetch that set \Seen reports it
    assert "\\Seen" in server.messages(OWNER)[0].flags
    assert uids(imap.uid("SEARCH", "UNSEEN")[1]) == [second]
    assert uids(imap.uid("SEARCH", "SEEN")[1]) == [first]

    typ, data = imap.uid("FETCH", f"{first}:*", "(RFC822.SIZE INTERNALDATE UID)")
    assert len(data) == 2
    assert re.search(rb"RFC822\.SIZE \d+", data[0])
    assert re.search(rb'INTERNALDATE "\d\d-\w{3}-\d{4} \d\d:\d\d:\d\d [+-]\d{4}"', data[0])

    typ, data = imap.uid("FETCH", str(second), "(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])")
    assert data[0][1] == f"From: {CLIENT}\r\nSubject: two\r\n\r\n".encode()

    typ, data = imap.fetch("2", "(RFC822)")
    assert b"second body" in data[0][1]
    assert b"\\Seen" in data[0][0]


def test_search_keys(server: FakeMailServer, imap: imaplib.IMAP4) -> None:
    a = server.deliver(make_message(subject="Quarterly numbers"))
    b = server.deliver(make_message(subject="Lunch?", sender="boss@example.org"))
    imap.select("INBOX")
    assert uids(imap.uid("SEARCH", "HEADER", "Subject", '"quarterly"')[1]) == [a]
    assert uids(imap.uid("SEARCH", "FROM", "boss")[1]) == [b]
    today = datetime.now(UTC).strftime("%d-%b-%Y")
    assert uids(imap.uid("SEARCH", "SINCE", today)[1]) == [a, b]
    assert uids(imap.uid("SEARCH", "BEFORE", "01-Jan-2000")[1]) == []
    assert uids(imap.uid("SEARCH", "UID", f"{b}:*")[1]) == [b]
    assert uids(imap.uid("SEARCH", "CHARSET", "UTF-8", "(NOT", "FROM", "boss)")[1]) == [a]
    assert uids(imap.uid("SEARCH", "OR", "FROM", "boss", "SUBJECT", "quarterly")[1]) == [a, b]
    assert uids(imap.search(None, "2")[1]) == [2]
    _typ, data = imap.search(None, "ALL")
    assert data == [b"1 2"]
    with pytest.raises(imaplib.IMAP4.error, match="unsupported search key"):
        imap.uid("SEARCH", "FROBNICATE")


def test_store_expunge_copy_move(server: FakeMailServer, imap: imaplib.IMAP4) -> None:
    a = server.deliver(make_message(subject="a"))
    b = server.deliver(make_message(subject="b"))
    c = server.deliver(make_message(subject="c"))
    imap.select("INBOX")
    typ, data = imap.uid("STORE", str(a), "+FLAGS", "(\\Flagged \\Answered)")
    assert data == [f"1 (UID {a} FLAGS (\\Answered \\Flagged))".encode()]
    imap.uid("STORE", str(a), "-FLAGS.SILENT", "(\\Answered)")
    assert server.messages(OWNER)[0].flags == {"\\Flagged"}

    typ, data = imap.uid("COPY", str(a), "Archive")
    assert typ == "OK"
    _validity, src, dst = imap.response("COPYUID")[1][0].split()  # type: ignore[union-attr]
    assert (int(src), int(dst)) == (a, 1)
    assert [m.flags for m in server.messages(OWNER, "Archive")] == [{"\\Flagged"}]

    typ, data = imap.uid("MOVE", str(b), "Archive")
    assert typ == "OK"
    assert imap.untagged_responses.pop("EXPUNGE") == [b"2"]
    assert [m.message["Subject"] for m in server.messages(OWNER)] == ["a", "c"]
    assert [m.message["Subject"] for m in server.messages(OWNER, "Archive")] == ["a", "b"]

    typ, data = imap.uid("COPY", str(c), "Nowhere")
    assert typ == "NO"
    assert b"TRYCREATE" in data[0]

    imap.store("2", "+FLAGS", "\\Deleted")  # sequence 2 is now c
    typ, data = imap.expunge()
    assert data == [b"2"]
    assert [m.uid for m in server.messages(OWNER)] == [a]


def test_append_status_list_create(server: FakeMailServer, imap: imaplib.IMAP4) -> None:
    raw = make_message(sender=OWNER, to=CLIENT, subject="sent copy").as_bytes()
    typ, data = imap.append("Sent", "(\\Seen)", imaplib.Time2Internaldate(datetime.now(UTC)), raw)
    assert typ == "OK"
    assert imap.response("APPENDUID")[1][0] is not None
    (sent,) = server.messages(OWNER, "Sent")
    assert sent.raw == raw.replace(b"\n", b"\r\n")  # imaplib sends CRLF line ends
    assert sent.flags == {"\\Seen"}

    typ, data = imap.status("Sent", "(MESSAGES UNSEEN UIDNEXT UIDVALIDITY)")
    assert re.search(rb"MESSAGES 1 UNSEEN 0 UIDNEXT 2 UIDVALIDITY \d+", data[0])

    typ, data = imap.create("Projects/Platinum")
    assert typ == "OK"
    typ, data = imap.list()
    names = [d.decode() for d in data]  # type: ignore[union-attr]
    assert any('"Projects/Platinum"' in n for n in names)
    assert any("\\Sent" in n and '"Sent"' in n for n in names)
    typ, data = imap.list('""', "%")
    assert not any("Projects/Platinum" in d.decode() for d in data)  # type: ignore[union-attr]
    typ, _ = imap.append("Missing", None, None, raw)
    assert typ == "NO"


def test_uidvalidity_is_stable_per_mailbox(server: FakeMailServer) -> None:
    def validity() -> bytes:
        client = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
        client.login(OWNER, "cloud-read")
        client.select("INBOX")
        value = client.response("UIDVALIDITY")[1][0]
        client.logout()
        assert value is not None
        return value

    first = validity()
    server.deliver(make_message())
    assert validity() == first


def test_examine_is_read_only(server: FakeMailServer, imap: imaplib.IMAP4) -> None:
    uid = server.deliver(make_message())
    typ, _ = imap.select("INBOX", readonly=True)
    assert typ == "OK"
    imap.uid("FETCH", str(uid), "(BODY[])")
    assert server.messages(OWNER)[0].flags == frozenset()
    typ, _data = imap.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")
    assert typ == "NO"


def test_noop_reports_new_mail_and_expunges(server: FakeMailServer, imap: imaplib.IMAP4) -> None:
    uid = server.deliver(make_message())
    imap.select("INBOX")
    server.deliver(make_message(subject="later"))
    server.store.delete(OWNER, "INBOX", [uid])
    imap.noop()
    assert imap.untagged_responses.get("EXPUNGE") == [b"1"]
    assert imap.untagged_responses.get("EXISTS")[-1] == b"1"  # type: ignore[index]


def test_starttls_and_imaps(server: FakeMailServer) -> None:
    assert server.ca_cert is not None
    assert server.imaps_port is not None
    context = ssl.create_default_context(cafile=server.ca_cert)
    client = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
    client.starttls(context)
    assert "STARTTLS" not in client.capabilities
    client.login(OWNER, "cloud-read")
    client.logout()
    secure = imaplib.IMAP4_SSL(server.host, server.imaps_port, ssl_context=context, timeout=10)
    assert "STARTTLS" not in secure.capabilities
    secure.login(OWNER, "cloud-read")
    assert secure.select("INBOX")[0] == "OK"
    secure.logout()


def test_authenticate_plain(server: FakeMailServer) -> None:
    client = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
    typ, _ = client.authenticate("PLAIN", lambda _: f"\0{OWNER}\0cloud-read".encode())
    assert typ == "OK"
    client.logout()
    client = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
    with pytest.raises(imaplib.IMAP4.error):
        client.authenticate("PLAIN", lambda _: f"\0{OWNER}\0bad".encode())
    client.logout()


def test_find_sent_copy_by_message_id(server: FakeMailServer, imap: imaplib.IMAP4) -> None:
    """The effectively-once check: look for a stable Message-ID in Sent before retrying."""
    mid = "<approval-01J@platinum.test>"
    imap.append("Sent", "(\\Seen)", None, make_message(sender=OWNER, message_id=mid).as_bytes())
    imap.select("Sent")
    assert uids(imap.uid("SEARCH", "HEADER", "Message-ID", f'"{mid}"')[1]) == [1]
    assert uids(imap.uid("SEARCH", "HEADER", "Message-ID", '"<other@x>"')[1]) == []
