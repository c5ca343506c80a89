"""The environment each agent gives its MCP servers: Cloud's hold no send credential."""

from __future__ import annotations

from pathlib import Path

import pytest

from employee.config import AgentConfig
from employee.errors import ConfigError
from employee.mcp.servers import ServerPool, server_env


def config(tmp_path: Path, agent: str, **sections: object) -> AgentConfig:
    data: dict[str, object] = {
        "agent": agent,
        "vault": str(tmp_path / agent / "vault"),
        "state_dir": str(tmp_path / agent / "state"),
        "remote": str(tmp_path / "remote.git"),
        "mail_from": "owner@platinum.test",
        **sections,
    }
    return AgentConfig.from_mapping(data)


def mail(tmp_path: Path, port: int) -> dict[str, object]:
    secret = tmp_path / f"pw{port}"
    secret.write_text("pw\n")
    return {"host": "127.0.0.1", "port": port, "username": "owner@platinum.test",
            "password_file": str(secret)}  # fmt: skip


def test_cloud_email_server_is_draft_only_and_holds_no_smtp(tmp_path: Path) -> None:
    cloud = config(tmp_path, "cloud", imap=mail(tmp_path, 1143))
    env = server_env(cloud, "email")
    assert not [k for k in env if k.startswith("EMAIL_SMTP")]
    assert ServerPool(cloud).mode("email") == "draft"
    assert ServerPool(cloud).mode("odoo") == "draft"


def test_local_email_server_sends(tmp_path: Path) -> None:
    local = config(tmp_path, "local", imap=mail(tmp_path, 1143), smtp=mail(tmp_path, 1025))
    env = server_env(local, "email")
    assert env["EMAIL_SMTP_PORT"] == "1025"
    assert env["EMAIL_PASSWORD_FILE"].endswith("pw1025")
    assert ServerPool(local).mode("email") == "send"


@pytest.mark.parametrize("name", ["email", "odoo", "social"])
def test_an_unconfigured_server_is_a_clear_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError):
        server_env(config(tmp_path, "local"), name)  # type: ignore[arg-type]
