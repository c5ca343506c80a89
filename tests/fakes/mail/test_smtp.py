"""smtplib against the fake: plain, STARTTLS, SMTPS, AUTH scopes, size, SMTPUTF8, faults."""

from __future__ import annotations

import email.policy
import smtplib
import socket
import ssl
import time
from pathlib import Path

import pytest
from mail_helpers import CLIENT, OWNER, make_message

from fakes.mail import FakeMailServer, MailUser, SmtpFault


def tls_context(server: FakeMailServer) -> ssl.SSLContext:
    assert server.ca_cert is not None
    return ssl.create_default_context(cafile=server.ca_cert)


def send(
    server: FakeMailServer, password: str = "local-send", **kwargs: object
) -> dict[str, tuple[int, bytes]]:
    with smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp:
        smtp.login(OWNER, password)
        return smtp.send_message(make_message(sender=OWNER, to=CLIENT, **kwargs))  # type: ignore[arg-type]


def test_plain_smtp_with_auth_records_envelope_and_raw(server: FakeMailServer) -> None:
    msg = make_message(sender=OWNER, to=CLIENT, subject="Invoice")
    with smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp:
        smtp.login(OWNER, "local-send")
        wire = msg.as_bytes(policy=email.policy.SMTP)
        refused = smtp.sendmail(OWNER, [CLIENT, "someone@elsewhere.test"], wire)
    assert refused == {}
    (record,) = server.outbound
    assert record.mail_from == OWNER
    assert record.rcpt_tos == (CLIENT, "someone@elsewhere.test")
    assert record.raw == wire
    assert record.message["Subject"] == "Invoice"
    assert record.login == OWNER
    # the known recipient got it in INBOX; the unknown one exists only in the outbound record
    (stored,) = server.messages(CLIENT)
    assert stored.message_id == msg["Message-ID"]


def test_known_recipient_matched_case_insensitively(server: FakeMailServer) -> None:
    with smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp:
        smtp.login("OWNER@Platinum.Test", "local-send")
        smtp.sendmail(OWNER, ["Client@EXAMPLE.org"], make_message().as_bytes())
    assert len(server.messages(CLIENT)) == 1


def test_starttls_then_auth(server: FakeMailServer) -> None:
    with smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("starttls")
        smtp.starttls(context=tls_context(server))
        smtp.ehlo()
        assert not smtp.has_extn("starttls")
        smtp.login(OWNER, "local-send")
        smtp.send_message(make_message(sender=OWNER, to=CLIENT, subject="over tls"))
    assert server.outbound[0].message["Subject"] == "over tls"


def test_smtps_implicit_tls(server: FakeMailServer) -> None:
    assert server.smtps_port is not None
    with smtplib.SMTP_SSL(
        server.host, server.smtps_port, context=tls_context(server), timeout=10
    ) as smtp:
        smtp.login(OWNER, "local-send")
        smtp.send_message(make_message(sender=OWNER, to=CLIENT, subject="smtps"))
    assert server.outbound[0].message["Subject"] == "smtps"


def test_read_only_credential_is_refused_at_auth(server: FakeMailServer) -> None:
    with smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError) as info:
            smtp.login(OWNER, "cloud-read")
        assert info.value.smtp_code == 535
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            smtp.sendmail(OWNER, [CLIENT], make_message().as_bytes())
        assert refused.value.smtp_code == 530
    assert server.outbound == []


def test_wrong_password_and_unknown_user_get_535(server: FakeMailServer) -> None:
    for user, password in ((OWNER, "nope"), ("ghost@platinum.test", "local-send")):
        with smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp:
            with pytest.raises(smtplib.SMTPAuthenticationError) as info:
                smtp.login(user, password)
            assert info.value.smtp_code == 535


def test_auth_login_mechanism(server: FakeMailServer) -> None:
    with smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        smtp.user, smtp.password = OWNER, "local-send"
        code, _ = smtp.auth("LOGIN", smtp.auth_login, initial_response_ok=False)
        assert code == 235


def test_size_limit_answers_552(server: FakeMailServer) -> None:
    big = make_message(sender=OWNER, to=CLIENT, body="x" * (300 * 1024))
    with smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp:
        smtp.login(OWNER, "local-send")
        with pytest.raises(smtplib.SMTPSenderRefused) as info:
            smtp.send_message(big)
        assert info.value.smtp_code == 552
    # without the SIZE parameter the limit bites at DATA, and the connection stays usable
    with socket.create_connection((server.host, server.smtp_port), timeout=10) as raw_sock:
        f = raw_sock.makefile("rwb")
        f.readline()
        for line in (
            b"EHLO x",
            b"AUTH PLAIN AG93bmVyQHBsYXRpbnVtLnRlc3QAbG9jYWwtc2VuZA==",
            b"MAIL FROM:<owner@platinum.test>",
            b"RCPT TO:<client@example.org>",
            b"DATA",
        ):
            f.write(line + b"\r\n")
            f.flush()
            reply = f.readline()
            while reply[3:4] == b"-":
                reply = f.readline()
        assert reply.startswith(b"354")
        f.write(b"Subject: big\r\n\r\n" + (b"y" * 998 + b"\r\n") * 300 + b".\r\n")
        f.flush()
        assert f.readline().startswith(b"552")
        f.write(b"NOOP\r\n")
        f.flush()
        assert f.readline().startswith(b"250")
    assert server.outbound == []


def test_smtputf8_address(server: FakeMailServer) -> None:
    msg = make_message(sender=OWNER, to="björn@exämple.org", subject="Grüße")
    with smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp:
        smtp.login(OWNER, "local-send")
        smtp.send_message(msg, mail_options=["SMTPUTF8"])
    assert server.outbound[0].rcpt_tos == ("björn@exämple.org",)


def test_mail_without_auth_is_refused(server: FakeMailServer) -> None:
    with (
        smtplib.SMTP(server.host, server.smtp_port, timeout=10) as smtp,
        pytest.raises(smtplib.SMTPSenderRefused) as info,
    ):
        smtp.sendmail(OWNER, [CLIENT], make_message().as_bytes())
    assert info.value.smtp_code == 530


@pytest.mark.parametrize(
    ("stage", "error"),
    [
        ("MAIL", smtplib.SMTPSenderRefused),
        ("RCPT", smtplib.SMTPRecipientsRefused),
        ("DATA", smtplib.SMTPDataError),
    ],
)
def test_fault_code_for_next_n_commands(
    server: FakeMailServer, stage: str, error: type[Exception]
) -> None:
    server.inject_fault(SmtpFault(stage=stage, code=451, message="4.3.0 try later", times=2))  # type: ignore[arg-type]
    for _ in range(2):
        with pytest.raises(error) as info:
            send(server)
        assert "451" in str(info.value)
    assert server.outbound == []
    send(server)  # the third attempt goes through
    assert len(server.outbound) == 1


def test_auth_fault(server: FakeMailServer) -> None:
    # smtplib tries PLAIN, then LOGIN: both attempts hear the fault
    server.inject_fault(SmtpFault(stage="AUTH", code=454, message="4.7.0 unavailable", times=2))
    with pytest.raises(smtplib.SMTPAuthenticationError) as info:
        send(server)
    assert info.value.smtp_code == 454
    send(server)


def test_probability_faults_are_seeded_and_clearable(users: list[MailUser], tmp_path: Path) -> None:
    outcomes = []
    for _ in range(2):
        with FakeMailServer(users=users, fault_seed=7, cert_dir=tmp_path) as srv:
            srv.inject_fault(SmtpFault(stage="RCPT", code=450, times=None, probability=0.5))
            run = []
            for _ in range(12):
                try:
                    send(srv)
                    run.append(True)
                except smtplib.SMTPRecipientsRefused:
                    run.append(False)
            outcomes.append(run)
            srv.clear_faults()
            send(srv)
    assert outcomes[0] == outcomes[1]
    assert True in outcomes[0]
    assert False in outcomes[0]


def test_drop_after_data_stores_but_never_replies(server: FakeMailServer) -> None:
    server.inject_fault(SmtpFault(stage="DATA", drop_connection=True))
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send(server, subject="ambiguous")
    (record,) = server.outbound
    assert record.message["Subject"] == "ambiguous"
    assert server.messages(CLIENT)[0].message["Subject"] == "ambiguous"


def test_delay_fault_slows_the_reply(server: FakeMailServer) -> None:
    server.inject_fault(SmtpFault(stage="MAIL", code=None, delay=0.3))
    start = time.monotonic()
    send(server)
    assert time.monotonic() - start >= 0.3
    assert len(server.outbound) == 1


def test_fault_arguments_are_validated() -> None:
    with pytest.raises(ValueError, match="stage"):
        SmtpFault(stage="HELO")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="code"):
        SmtpFault(stage="DATA", code=250)
    with pytest.raises(ValueError, match="probability"):
        SmtpFault(stage="DATA", probability=2.0)


def smtp_wire(server: FakeMailServer) -> tuple[socket.socket, object]:
    sock = socket.create_connection((server.host, server.smtp_port), timeout=10)
    f = sock.makefile("rwb")
    assert f.readline().startswith(b"220")
    return sock, f


def test_bad_smtp_input_gets_replies_and_the_server_lives(server: FakeMailServer) -> None:
    sock, f = smtp_wire(server)
    for junk in (b"\xff\xfe\x00 HELO", b"FROB", b"MAIL FROM:<\xff@x>", b"RCPT TO:", b"A" * 5000):
        f.write(junk + b"\r\n")  # type: ignore[attr-defined]
        f.flush()  # type: ignore[attr-defined]
        reply = f.readline()  # type: ignore[attr-defined]
        assert reply[:1] in (b"5", b"4"), reply
    f.write(b"NOOP\r\n")  # type: ignore[attr-defined]
    f.flush()  # type: ignore[attr-defined]
    assert f.readline().startswith(b"250")  # type: ignore[attr-defined]
    sock.close()
    send(server)
    assert len(server.outbound) == 1


@pytest.mark.parametrize("stage", ["MAIL", "RCPT", "AUTH"])
def test_drop_before_data_stores_nothing(server: FakeMailServer, stage: str) -> None:
    server.inject_fault(SmtpFault(stage=stage, drop_connection=True))  # type: ignore[arg-type]
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send(server)
    assert server.outbound == []
    send(server)
    assert len(server.outbound) == 1


def test_smtp_connection_limit(users: list[MailUser], tmp_path: Path) -> None:
    with FakeMailServer(users=users, tls=False, max_connections=1, cert_dir=tmp_path) as srv:
        first = smtplib.SMTP(srv.host, srv.smtp_port, timeout=10)
        with pytest.raises(smtplib.SMTPConnectError) as info:
            smtplib.SMTP(srv.host, srv.smtp_port, timeout=10)
        assert info.value.smtp_code == 421
        first.quit()
        # the slot frees when the server sees the close; each retry is a real connection
        for _ in range(1000):
            try:
                again = smtplib.SMTP(srv.host, srv.smtp_port, timeout=10)
            except smtplib.SMTPConnectError:
                continue
            assert again.noop()[0] == 250
            again.quit()
            break
        else:
            pytest.fail("the connection slot was never released")


def test_delay_fault_at_auth(server: FakeMailServer) -> None:
    server.inject_fault(SmtpFault(stage="AUTH", code=None, delay=0.2))
    start = time.monotonic()
    send(server)
    assert time.monotonic() - start >= 0.2
    assert server.faults.active() == []
