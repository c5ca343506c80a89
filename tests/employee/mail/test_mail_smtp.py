"""employee.mail.smtp.send against a real aiosmtpd server: every outcome class."""

from __future__ import annotations

import email
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from employee.errors import ConfigError
from employee.mail import build_message
from employee.mail.smtp import SmtpConfig, classify_code, send


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sink:
    data_reply: str = "250 OK queued"
    rcpt_reply: str | None = None
    drop_after_data: bool = False
    drop_at_rcpt: bool = False
    received: list[bytes] = field(default_factory=list)
    rcpts: list[list[str]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.drop_at_rcpt:
            server.transport.abort()
            return "250 OK"
        if self.rcpt_reply and address.startswith("bounce"):
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply.startswith("250"):
            self.received.append(envelope.content)
            self.rcpts.append(list(envelope.rcpt_tos))
        if self.drop_after_data:
            server.transport.abort()
        return self.data_reply


def _auth(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"owner", b"pw-send")
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[tuple[Sink, int]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    sink = Sink()
    port = _free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=_auth,
        auth_required=True,
    )
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def _config(port: int, ca_file: str | None, password: str = "pw-send") -> SmtpConfig:
    return SmtpConfig("127.0.0.1", port, "owner", password, "starttls", ca_file, timeout=5.0)


def _message(to: tuple[str, ...] = ("alice@example.org",)) -> Any:
    return build_message(
        from_addr="owner@platinum.test",
        to=list(to),
        subject="Hello",
        body="Body line\n.leading dot line\n",
        message_id="<m1@platinum.test>",
    )


def test_accepted_over_starttls_with_auth(server: tuple[Sink, int], ca_file: str) -> None:
    sink, port = server
    outcome = send(_config(port, ca_file), _message())
    assert (outcome.status, outcome.code) == ("accepted", 250)
    (raw,) = sink.received
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Message-ID"] == "<m1@platinum.test>"
    assert parsed.get_content().replace("\r\n", "\n") == "Body line\n.leading dot line\n"
    assert sink.rcpts == [["alice@example.org"]]


def test_data_451_is_transient(server: tuple[Sink, int], ca_file: str) -> None:
    sink, port = server
    sink.data_reply = "451 4.3.0 Try later"
    outcome = send(_config(port, ca_file), _message())
    assert (outcome.status, outcome.code) == ("transient", 451)
    assert sink.received == []


def test_data_550_is_permanent(server: tuple[Sink, int], ca_file: str) -> None:
    sink, port = server
    sink.data_reply = "550 5.7.1 Rejected"
    assert send(_config(port, ca_file), _message()).status == "permanent"


def test_drop_after_data_is_ambiguous(server: tuple[Sink, int], ca_file: str) -> None:
    sink, port = server
    sink.drop_after_data = True
    outcome = send(_config(port, ca_file), _message())
    assert outcome.status == "ambiguous"
    assert outcome.code is None
    assert len(sink.received) == 1  # the server did take it: exactly the RFC 1047 window


def test_drop_before_data_is_transient(server: tuple[Sink, int], ca_file: str) -> None:
    sink, port = server
    sink.drop_at_rcpt = True
    outcome = send(_config(port, ca_file), _message())
    assert outcome.status == "transient"
    assert "before end of DATA" in outcome.detail


def test_partial_and_total_recipient_refusal(server: tuple[Sink, int], ca_file: str) -> None:
    sink, port = server
    sink.rcpt_reply = "550 5.1.1 No such user"
    partial = send(_config(port, ca_file), _message(("alice@example.org", "bounce@example.org")))
    assert partial.status == "accepted"
    assert partial.refused == {"bounce@example.org": (550, "5.1.1 No such user")}
    total = send(_config(port, ca_file), _message(("bounce@example.org",)))
    assert (total.status, total.code) == ("permanent", 550)
    assert len(sink.received) == 1


def test_bad_password_is_permanent_535(server: tuple[Sink, int], ca_file: str) -> None:
    _, port = server
    outcome = send(_config(port, ca_file, password="wrong"), _message())
    assert (outcome.status, outcome.code) == ("permanent", 535)


def test_untrusted_certificate_is_permanent(server: tuple[Sink, int]) -> None:
    _, port = server
    outcome = send(_config(port, None), _message())
    assert outcome.status == "permanent"
    assert "TLS" in outcome.detail


def test_connection_refused_is_transient() -> None:
    outcome = send(_config(_free_port(), None), _message())
    assert (outcome.status, outcome.code) == ("transient", None)


def test_classify_code() -> None:
    assert [classify_code(c) for c in (250, 421, 451, 535, 550, 999)] == [
        "accepted",
        "transient",
        "transient",
        "permanent",
        "permanent",
        "permanent",
    ]


def test_from_env_reads_password_from_file(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n", encoding="utf-8")
    config = SmtpConfig.from_env(
        {
            "EMAIL_SMTP_HOST": "127.0.0.1",
            "EMAIL_SMTP_PORT": "2525",
            "EMAIL_SMTP_SECURITY": "ssl",
            "EMAIL_USERNAME": "owner",
            "EMAIL_PASSWORD_FILE": str(secret),
        }
    )
    assert (config.port, config.security, config.password) == (2525, "ssl", "s3cret")
    assert "s3cret" not in repr(config)
    with pytest.raises(ConfigError):
        SmtpConfig.from_env({"EMAIL_SMTP_HOST": "h", "EMAIL_SMTP_SECURITY": "tls"})
    with pytest.raises(ConfigError):
        SmtpConfig.from_env({"EMAIL_SMTP_HOST": "h", "EMAIL_SMTP_PORT": "70000"})
    with pytest.raises(ConfigError):
        SmtpConfig.from_env({"EMAIL_SMTP_HOST": "h", "EMAIL_USERNAME": "u"})
