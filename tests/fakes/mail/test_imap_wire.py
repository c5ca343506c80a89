"""The IMAP wire under bad input and injected faults: protocol replies, never a dead server."""

from __future__ import annotations

import imaplib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mail_helpers import OWNER, make_message

from fakes.mail import FakeMailServer, ImapFault, MailUser


class Wire:
    """A raw IMAP connection for sending exactly the bytes a test wants."""

    def __init__(self, server: FakeMailServer) -> None:
        assert server.imap_port is not None
        self.sock = socket.create_connection((server.host, server.imap_port), timeout=10)
        self.file = self.sock.makefile("rwb")
        self.greeting = self.file.readline()

    def send(self, data: bytes) -> None:
        self.file.write(data)
        self.file.flush()

    def line(self) -> bytes:
        return self.file.readline()

    def until(self, tag: bytes) -> list[bytes]:
        lines = []
        while True:
            line = self.file.readline()
            if not line:
                return lines
            lines.append(line)
            if line.startswith(tag + b" "):
                return lines

    def command(self, data: bytes) -> list[bytes]:
        tag = data.split(b" ", 1)[0]
        self.send(data + b"\r\n")
        return self.until(tag)

    def close(self) -> None:
        self.file.close()
        self.sock.close()


@pytest.fixture
def wire(server: FakeMailServer) -> Iterator[Wire]:
    conn = Wire(server)
    yield conn
    conn.close()


def login(wire: Wire) -> None:
    assert wire.command(b'a0 LOGIN owner@platinum.test "cloud-read"')[-1].startswith(b"a0 OK")


def test_greeting_advertises_capabilities(wire: Wire) -> None:
    assert wire.greeting.startswith(b"* OK [CAPABILITY IMAP4rev1 ")
    assert not wire.greeting.split(b"]")[0].endswith(b"IDLE")


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"a1",
        b"a1 FROBNICATE",
        b"a1 SELECT (unclosed",
        b'a1 LOGIN "unterminated',
        b"a1 LOGIN ) x",
        b"a1 UID",
        b"a1 NOOP [unbalanced",
        b"\xff\xfe\x00 LOGIN x y",
        b"a1 LOGIN \xc3\x28 \xff",
        b"* NOOP",
    ],
)
def test_malformed_commands_get_bad_and_connection_survives(wire: Wire, junk: bytes) -> None:
    wire.send(junk + b"\r\n")
    reply = wire.line()
    assert b" BAD " in reply or b" NO " in reply
    assert wire.command(b"z1 NOOP")[-1] == b"z1 OK NOOP completed\r\n"


def test_state_is_enforced(wire: Wire) -> None:
    assert wire.command(b"a1 SELECT INBOX")[-1].startswith(b"a1 BAD")
    login(wire)
    assert wire.command(b"a2 FETCH 1 (FLAGS)")[-1].startswith(b"a2 BAD")
    assert wire.command(b"a3 SELECT INBOX")[-1].startswith(b"a3 OK [READ-WRITE]")
    assert wire.command(b"a4 FETCH 1 (FLAGS)")[-1].startswith(b"a4 BAD")  # no message 1
    assert wire.command(b"a5 FETCH 1:* (ENVELOPE)")[-1].startswith(b"a5 BAD")


def test_literal_that_lies_about_its_size(server: FakeMailServer, wire: Wire) -> None:
    login(wire)
    # announces 10 octets but sends 5 + CRLF: the next command is swallowed into the literal
    wire.send(b"a1 APPEND INBOX {10}\r\n")
    assert wire.line().startswith(b"+ ")
    wire.send(b"short\r\na2 NOOP\r\n")
    assert wire.line().startswith(b"a1 BAD")
    # announces 3 octets and sends more: the rest is garbage after the literal
    wire.send(b"a3 APPEND INBOX {3}\r\n")
    assert wire.line().startswith(b"+ ")
    wire.send(b"abcdef\r\n")
    assert wire.line().startswith(b"a3 BAD")
    assert wire.command(b"a4 NOOP")[-1].startswith(b"a4 OK")
    assert server.messages(OWNER) == []


def test_literal_with_non_utf8_is_stored_verbatim(server: FakeMailServer, wire: Wire) -> None:
    login(wire)
    body = b"Subject: caf\xe9\r\n\r\n\xff\xfe binary \x00 bytes\r\n"
    wire.send(b"a1 APPEND INBOX {%d}\r\n" % len(body))
    assert wire.line().startswith(b"+ ")
    wire.send(body + b"\r\n")
    assert wire.until(b"a1")[-1].startswith(b"a1 OK [APPENDUID ")
    assert server.messages(OWNER)[0].raw == body
    lines = wire.command(b"a2 SELECT \xff\xfe")
    assert lines[-1].startswith(b"a2 NO")


def test_oversized_literal_is_refused_without_reading_it(
    server: FakeMailServer, wire: Wire
) -> None:
    login(wire)
    wire.send(b"a1 APPEND INBOX {999999999}\r\n")
    assert wire.line().startswith(b"a1 NO [TOOBIG]")
    assert wire.command(b"a2 NOOP")[-1].startswith(b"a2 OK")
    # a non-synchronizing literal that is too big cannot be skipped: BYE, and the server lives on
    wire.send(b"a3 APPEND INBOX {999999999+}\r\n")
    assert wire.line().startswith(b"* BYE")
    other = Wire(server)
    assert other.command(b"b1 NOOP")[-1].startswith(b"b1 OK")
    other.close()


def test_overlong_line_gets_bye_and_server_survives(server: FakeMailServer, wire: Wire) -> None:
    wire.send(b"a1 NOOP " + b"x" * 200_000 + b"\r\n")
    assert wire.line().startswith(b"* BYE")
    other = Wire(server)
    assert other.command(b"b1 CAPABILITY")[-1].startswith(b"b1 OK")
    other.close()


def test_pipelined_commands_in_one_packet(server: FakeMailServer, wire: Wire) -> None:
    server.deliver(make_message())
    wire.send(
        b'a1 LOGIN owner@platinum.test "cloud-read"\r\na2 SELECT INBOX\r\na3 UID SEARCH ALL\r\n'
    )
    lines = wire.until(b"a3")
    assert b"* SEARCH 1\r\n" in lines
    assert lines[-1].startswith(b"a3 OK")


def test_authenticate_plain_with_initial_response_and_cancel(wire: Wire) -> None:
    wire.send(b"a1 AUTHENTICATE PLAIN\r\n")
    assert wire.line() == b"+ \r\n"
    wire.send(b"*\r\n")
    assert wire.line().startswith(b"a1 BAD")
    assert wire.command(b"a2 AUTHENTICATE PLAIN !!notbase64")[-1].startswith(b"a2 BAD")
    token = b"AG93bmVyQHBsYXRpbnVtLnRlc3QAY2xvdWQtcmVhZA=="  # \0owner@platinum.test\0cloud-read
    assert wire.command(b"a3 AUTHENTICATE PLAIN " + token)[-1].startswith(b"a3 OK")


def test_move_and_uid_expunge_wire_format(server: FakeMailServer, wire: Wire) -> None:
    for n in range(3):
        server.deliver(make_message(subject=f"m{n}"))
    login(wire)
    wire.command(b"a1 SELECT INBOX")
    lines = wire.command(b"a2 UID MOVE 1,3 Archive")
    assert lines[0].startswith(b"* OK [COPYUID ")
    assert lines[1:3] == [b"* 1 EXPUNGE\r\n", b"* 2 EXPUNGE\r\n"]
    wire.command(b"a3 UID STORE 2 +FLAGS.SILENT (\\Deleted)")
    assert wire.command(b"a4 UID EXPUNGE 1:*")[0] == b"* 1 EXPUNGE\r\n"
    assert server.messages(OWNER) == []


@pytest.mark.parametrize(("reply", "expected"), [("NO", b"a2 NO"), ("BAD", b"a2 BAD")])
def test_injected_no_and_bad(
    server: FakeMailServer, wire: Wire, reply: str, expected: bytes
) -> None:
    server.inject_fault(ImapFault(command="SELECT", reply=reply, message="[UNAVAILABLE] try later"))  # type: ignore[arg-type]
    login(wire)
    assert wire.command(b"a2 SELECT INBOX")[-1].startswith(expected)
    assert wire.command(b"a3 SELECT INBOX")[-1].startswith(b"a3 OK")


def test_injected_bye_on_uid_fetch_with_imaplib(server: FakeMailServer) -> None:
    uid = server.deliver(make_message())
    server.inject_fault(ImapFault(command="FETCH", reply="BYE", message="Server shutting down"))
    client = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
    client.login(OWNER, "cloud-read")
    client.select("INBOX")
    with pytest.raises(imaplib.IMAP4.abort, match="shutting down"):
        client.uid("FETCH", str(uid), "(FLAGS)")
    client.shutdown()
    again = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
    again.login(OWNER, "cloud-read")
    again.select("INBOX")
    assert again.uid("FETCH", str(uid), "(FLAGS)")[0] == "OK"
    again.logout()


def test_drop_every_connection_then_reconnect(server: FakeMailServer) -> None:
    clients = []
    for _ in range(3):
        client = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
        client.login(OWNER, "cloud-read")
        clients.append(client)
    server.drop_imap_connections()
    for client in clients:
        with pytest.raises((imaplib.IMAP4.abort, OSError)):
            client.noop()
        client.shutdown()
    fresh = imaplib.IMAP4(server.host, server.imap_port, timeout=10)
    assert fresh.login(OWNER, "cloud-read")[0] == "OK"
    fresh.logout()


def test_connection_limit(users: list[MailUser], tmp_path: Path) -> None:
    with FakeMailServer(users=users, tls=False, max_connections=2, cert_dir=tmp_path) as srv:
        first, second = Wire(srv), Wire(srv)
        third = Wire(srv)
        assert third.greeting.startswith(b"* BYE")
        for conn in (first, second, third):
            conn.close()


def test_delay_fault_then_normal_reply(server: FakeMailServer, wire: Wire) -> None:
    server.inject_fault(ImapFault(command="NOOP", reply=None, delay=0.2))
    start = time.monotonic()
    assert wire.command(b"a1 NOOP")[-1].startswith(b"a1 OK")
    assert time.monotonic() - start >= 0.2


def test_idle_pushes_exists_and_expunge_and_survives_a_drop(server: FakeMailServer) -> None:
    server.deliver(make_message(subject="old"))
    wire = Wire(server)
    login(wire)
    wire.command(b"a1 SELECT INBOX")
    wire.send(b"a2 IDLE\r\n")
    assert wire.line() == b"+ idling\r\n"
    server.deliver(make_message(subject="new"))
    assert wire.line() == b"* 2 EXISTS\r\n"
    server.store.delete(OWNER, "INBOX", [1])
    assert wire.line() == b"* 1 EXPUNGE\r\n"
    wire.send(b"DONE\r\n")
    assert wire.line() == b"a2 OK IDLE terminated\r\n"
    wire.send(b"a3 IDLE\r\n")
    assert wire.line() == b"+ idling\r\n"
    server.drop_imap_connections()
    assert wire.line() == b""  # EOF: the client must reconnect
    wire.close()
    again = Wire(server)
    login(again)
    assert b"* 1 EXISTS\r\n" in again.command(b"b1 SELECT INBOX")
    again.close()
