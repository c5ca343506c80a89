"""``python -m fakes.mail``: the ready line, real clients against it, clean exit on signals."""

from __future__ import annotations

import imaplib
import json
import signal
import smtplib
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mail_helpers import CLIENT, OWNER, make_message

from fakes.mail import MailApiClient
from fakes.mail.__main__ import parse_user


@pytest.fixture
def process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, object]]]:
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "fakes.mail",
            "--smtp-port", "0", "--imap-port", "0", "--api-port", "0",
            "--user", f"{OWNER}:cloud-read:imap",
            "--user", f"{OWNER}:local-send:imap+smtp",
            "--user", f"{CLIENT}:pw",
            "--cert-dir", str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line, proc.stderr.read() if proc.stderr else ""
    yield proc, json.loads(line)
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_ready_line_clients_and_clean_exit(
    process: tuple[subprocess.Popen[str], dict[str, object]], sig: signal.Signals
) -> None:
    proc, ready = process
    assert ready["host"] == "127.0.0.1"
    assert {"smtp_port", "imap_port", "api_port", "smtps_port", "imaps_port"} <= ready.keys()
    ca = str(ready["ca_cert"])
    assert Path(ca).read_text().startswith("-----BEGIN CERTIFICATE-----")
    host = str(ready["host"])
    smtp_port, imap_port = int(str(ready["smtp_port"])), int(str(ready["imap_port"]))

    with smtplib.SMTP(host, smtp_port, timeout=10) as smtp:
        smtp.starttls(context=ssl.create_default_context(cafile=ca))
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login(OWNER, "cloud-read")
        smtp.login(OWNER, "local-send")
        smtp.send_message(make_message(sender=OWNER, to=CLIENT, subject="from cli"))

    imap = imaplib.IMAP4(host, imap_port, timeout=10)
    imap.login(CLIENT, "pw")
    imap.select("INBOX")
    _typ, data = imap.uid("FETCH", "1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert data[0][1] == b"Subject: from cli\r\n\r\n"  # type: ignore[index]
    imap.logout()

    api = MailApiClient(f"http://{host}:{ready['api_port']}")
    assert api.outbound()[0].message["Subject"] == "from cli"

    proc.send_signal(sig)
    assert proc.wait(15) == 0


def test_parse_user() -> None:
    user = parse_user("a@b.test:secret:imap")
    assert user.address == "a@b.test"
    assert [(c.password, c.scopes) for c in user.credentials] == [("secret", {"imap"})]
    assert parse_user("a@b.test:pa:ss").credentials[0].password == "pa:ss"
    assert parse_user("a@b.test:pw:smtp+imap").credentials[0].scopes == {"imap", "smtp"}


@pytest.mark.parametrize("spec", ["nobody", "a@b:", ":pw", "a@b::imap"])
def test_bad_user_spec_is_a_usage_error(spec: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fakes.mail", "--user", spec],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--user" in result.stderr
