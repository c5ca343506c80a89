"""``python -m employee.mcp.email`` over stdio, configured only through the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from employee.errors import ConfigError
from employee.mcp.email import EmailMcpConfig
from fakes.mail import Credential, FakeMailServer, MailUser

pytestmark = pytest.mark.anyio
OWNER = "owner@platinum.test"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fake() -> Iterator[FakeMailServer]:
    users = [MailUser(OWNER, [Credential("pw-send", scopes=frozenset({"imap", "smtp"}))])]
    with FakeMailServer(users=users, tls=True) as server:
        yield server


def _env(fake: FakeMailServer, tmp_path: Path, *, smtp: bool = True) -> dict[str, str]:
    secret = tmp_path / "password"
    secret.write_text("pw-send\n", encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "EMAIL_IMAP_HOST": fake.host,
        "EMAIL_IMAP_PORT": str(fake.imap_port),
        "EMAIL_IMAP_SECURITY": "starttls",
        "EMAIL_USERNAME": OWNER,
        "EMAIL_PASSWORD_FILE": str(secret),
        "EMAIL_CA_FILE": str(fake.ca_cert),
        "EMAIL_FROM": OWNER,
        "EMAIL_MESSAGE_ID_DOMAIN": "platinum.test",
    }
    if smtp:
        env |= {
            "EMAIL_SMTP_HOST": fake.host,
            "EMAIL_SMTP_PORT": str(fake.smtps_port),
            "EMAIL_SMTP_SECURITY": "ssl",
        }
    return env


async def test_stdio_send_mode(fake: FakeMailServer, tmp_path: Path) -> None:
    env = _env(fake, tmp_path)
    assert "pw-send" not in env.values()
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "employee.mcp.email", "--mode", "send"],
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    async with Client(params) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "send_email" in names
        args = {
            "to": ["bob@example.org"],
            "subject": "Stdio",
            "body": "over stdio",
            "approval_id": "APR-STDIO",
        }
        first = await client.call_tool("send_email", args)
        second = await client.call_tool("send_email", args)
    assert first.structured_content is not None
    assert second.structured_content is not None
    assert first.structured_content["status"] == "sent"
    assert second.structured_content["status"] == "already_sent"
    assert len(fake.outbound) == 1
    assert len(fake.messages(OWNER, "Sent")) == 1


def test_draft_mode_refuses_to_start_with_smtp_settings(
    fake: FakeMailServer, tmp_path: Path
) -> None:
    env = _env(fake, tmp_path)
    with pytest.raises(ConfigError):
        EmailMcpConfig.from_env(env, "draft")
    done = subprocess.run(
        [sys.executable, "-m", "employee.mcp.email", "--mode", "draft"],
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "SMTP" in done.stderr
    assert "pw-send" not in done.stderr


def test_from_env_modes(fake: FakeMailServer, tmp_path: Path) -> None:
    draft = EmailMcpConfig.from_env(_env(fake, tmp_path, smtp=False), "draft")
    assert draft.smtp is None
    assert draft.imap.password == "pw-send"
    assert "pw-send" not in repr(draft)
    send = EmailMcpConfig.from_env(_env(fake, tmp_path), "send")
    assert send.smtp is not None
    assert send.smtp.security == "ssl"
    with pytest.raises(ConfigError):
        EmailMcpConfig.from_env(_env(fake, tmp_path, smtp=False), "send")
