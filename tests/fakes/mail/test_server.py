"""The FakeMailServer facade: deliver, messages, wait_for, reset, lifecycle, exports."""

from __future__ import annotations

import smtplib
import threading

import pytest
from mail_helpers import CLIENT, OWNER, make_message

import fakes.mail
from fakes.errors import FakeStartupError, FakeStoreError, FakeTimeout
from fakes.mail import FakeMailServer, MailUser, SmtpFault


def test_exports() -> None:
    assert set(fakes.mail.__all__) == {
        "Credential",
        "FakeMailServer",
        "ImapFault",
        "MailApiClient",
        "MailStore",
        "MailUser",
        "OutboundMessage",
        "SmtpFault",
        "StoredMessage",
    }
    for name in fakes.mail.__all__:
        assert getattr(fakes.mail, name)


def test_deliver_message_object_infers_recipient(server: FakeMailServer) -> None:
    msg = make_message(to=f"Someone <x@else.test>, The Owner <{OWNER.upper()}>", subject="hi")
    uid = server.deliver(msg)
    (stored,) = server.messages(OWNER)
    assert stored.uid == uid
    assert stored.message["Subject"] == "hi"
    assert stored.message_id == msg["Message-ID"]
    assert stored.internal_date.tzinfo is not None
    assert server.deliver(msg.as_bytes(), to=CLIENT, mailbox="Archive") == 1
    with pytest.raises(FakeStoreError, match="no known recipient"):
        server.deliver(make_message(to="x@else.test"))


def test_wait_for_returns_the_first_truthy_value_from_another_thread(
    server: FakeMailServer,
) -> None:
    def send_later() -> None:
        with smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp:
            smtp.login(OWNER, "local-send")
            smtp.send_message(make_message(sender=OWNER, to=CLIENT, subject="awaited"))

    worker = threading.Thread(target=send_later)
    worker.start()
    record = server.wait_for(lambda s: s.outbound and s.outbound[0], timeout=10)
    worker.join()
    assert record.message["Subject"] == "awaited"


def test_wait_for_timeout_says_what_and_last_value(server: FakeMailServer) -> None:
    with pytest.raises(FakeTimeout, match=r"a reply in Sent; last value: \[\]"):
        server.wait_for(
            lambda s: s.messages(OWNER, "Sent"), timeout=0.05, describe="a reply in Sent"
        )


def test_reset_clears_mail_outbound_and_faults(server: FakeMailServer) -> None:
    server.deliver(make_message())
    server.inject_fault(SmtpFault(stage="DATA", times=None))
    server.store.create_mailbox(OWNER, "Temp")
    server.reset()
    assert server.messages(OWNER) == []
    assert server.outbound == []
    assert server.faults.active() == []
    assert "Temp" not in server.store.mailboxes(OWNER)


def test_loopback_only_and_double_start(users: list[MailUser]) -> None:
    with pytest.raises(FakeStartupError):
        FakeMailServer(users=users, host="0.0.0.0")
    srv = FakeMailServer(users=users, tls=False, smtps_port=None, imaps_port=None)
    with srv:
        assert srv.ca_cert is None
        assert srv.smtps_port is None
        with pytest.raises(FakeStartupError):
            srv.start()
    assert srv.smtp_port is not None  # ports stay readable after stop


def test_busy_port_is_a_startup_error(server: FakeMailServer, users: list[MailUser]) -> None:
    clash = FakeMailServer(users=users, tls=False, imap_port=server.imap_port)
    with pytest.raises(FakeStartupError, match="failed to start"):
        clash.start()


def test_no_threads_left_after_stop(users: list[MailUser]) -> None:
    before = {t.name for t in threading.enumerate()}
    with FakeMailServer(users=users, api_port=0, tls=False):
        pass
    after = {t.name for t in threading.enumerate()}
    assert not {"fake-mail", "fake-mail-api"} & (after - before)


def test_auto_sent_files_submitted_mail_in_the_senders_sent_folder() -> None:
    import smtplib
    from email.message import EmailMessage

    from fakes.mail import Credential, FakeMailServer, MailUser

    user = MailUser("owner@platinum.test", [Credential("pw", scopes=frozenset({"imap", "smtp"}))])
    with FakeMailServer(users=[user], tls=False, auto_sent=True) as srv:
        msg = EmailMessage()
        msg["From"] = "owner@platinum.test"
        msg["To"] = "anna@customer.test"
        msg["Subject"] = "Re: hello"
        msg["Message-ID"] = "<stable.1@platinum.test>"
        msg.set_content("hi")
        with smtplib.SMTP(srv.host, srv.smtp_port, timeout=10) as client:
            client.login("owner@platinum.test", "pw")
            client.send_message(msg)
        sent = srv.messages("owner@platinum.test", "Sent")
        assert [m.message_id for m in sent] == ["<stable.1@platinum.test>"]
        assert "\\Seen" in sent[0].flags
