"""ImapClient against the fake IMAP server: search, append, fetch_since, IDLE, faults."""

from __future__ import annotations

import threading
import time

import pytest
from mail_hostile import OWNER, inbound

from employee.mail.imap import ImapClient, ImapConfig, ImapError, quote_astring
from fakes.mail import FakeMailServer, ImapFault


def test_fetch_since_is_bounded_ordered_and_peeks(
    mail_server: FakeMailServer, imap_config: ImapConfig
) -> None:
    for n in range(5):
        mail_server.deliver(inbound(n))
    with ImapClient(imap_config) as client:
        first = client.fetch_since(0, limit=3)
        assert [uid for uid, _ in first] == [1, 2, 3]
        assert first[0][1] == inbound(0)
        assert [uid for uid, _ in client.fetch_since(3)] == [4, 5]
        assert client.fetch_since(5) == []  # "6:*" still matches UID 5 on the wire
    assert all("\\Seen" not in m.flags for m in mail_server.messages(OWNER))


def test_find_by_message_id_and_append(
    mail_server: FakeMailServer, imap_config: ImapConfig
) -> None:
    with ImapClient(imap_config) as client:
        assert client.find_by_message_id("Sent", "<s1@platinum.test>") is None
        uid = client.append("Sent", b"From: o@p.t\r\nMessage-ID: <s1@platinum.test>\r\n\r\nx\r\n")
        assert uid is not None
        assert client.find_by_message_id("Sent", "<s1@platinum.test>") == uid
        assert client.find_by_message_id("Sent", "<s1@platinum.tes>") is None
    (stored,) = mail_server.messages(OWNER, "Sent")
    assert "\\Seen" in stored.flags


def test_uidvalidity_is_stable_per_mailbox(imap_config: ImapConfig) -> None:
    with ImapClient(imap_config) as first, ImapClient(imap_config) as second:
        assert first.uidvalidity() == second.uidvalidity()


def test_idle_wakes_on_delivery(mail_server: FakeMailServer, imap_config: ImapConfig) -> None:
    with ImapClient(imap_config) as client:
        client.select("INBOX")
        idling = threading.Event()
        delivered_at: list[float] = []

        def deliver() -> None:
            assert idling.wait(5.0)
            delivered_at.append(time.monotonic())
            mail_server.deliver(inbound(1))

        helper = threading.Thread(target=deliver)
        helper.start()
        woke = client.idle(10.0, idling=idling)
        woke_at = time.monotonic()
        helper.join(5)
        assert woke
        assert not idling.is_set()
        assert woke_at - delivered_at[0] < 1.0
        assert [uid for uid, _ in client.fetch_since(0)] == [1]


def test_idle_returns_false_on_timeout_and_connection_stays_usable(
    imap_config: ImapConfig,
) -> None:
    with ImapClient(imap_config) as client:
        client.select("INBOX")
        assert client.idle(0.3) is False
        client.noop()
        assert client.fetch_since(0) == []


def test_idle_stops_when_asked(imap_config: ImapConfig) -> None:
    with ImapClient(imap_config) as client:
        client.select("INBOX")
        started = time.monotonic()
        assert client.idle(30.0, should_stop=lambda: True) is False
        assert time.monotonic() - started < 2.0


def test_fetch_bye_and_no_faults_raise_imap_error(
    mail_server: FakeMailServer, imap_config: ImapConfig
) -> None:
    mail_server.deliver(inbound(1))
    mail_server.inject_fault(ImapFault(command="FETCH", reply="NO"))
    with ImapClient(imap_config) as client, pytest.raises(ImapError):
        client.fetch_since(0)
    mail_server.inject_fault(ImapFault(command="FETCH", reply="BYE"))
    with ImapClient(imap_config) as client, pytest.raises(ImapError):
        client.fetch_since(0)
    with ImapClient(imap_config) as client:
        assert len(client.fetch_since(0)) == 1


def test_wrong_password_and_untrusted_ca_fail_cleanly(imap_config: ImapConfig) -> None:
    bad = ImapConfig(imap_config.host, imap_config.port, OWNER, "nope", "ssl", imap_config.ca_file)
    with pytest.raises(ImapError, match="login failed"):
        ImapClient(bad).connect()
    untrusted = ImapConfig(imap_config.host, imap_config.port, OWNER, "pw-read", "ssl", None)
    with pytest.raises(ImapError):
        ImapClient(untrusted).connect()


def test_starttls_on_the_plain_port(mail_server: FakeMailServer) -> None:
    assert mail_server.imap_port is not None
    config = ImapConfig(
        mail_server.host, mail_server.imap_port, OWNER, "pw-read", "starttls", mail_server.ca_cert
    )
    with ImapClient(config) as client:
        assert client.uidvalidity() > 0


@pytest.mark.parametrize("value", ['a"b', "a\r\nb", "a\\b", "é"])
def test_quote_astring_refuses_unsafe_values(value: str) -> None:
    with pytest.raises(ImapError):
        quote_astring(value)
