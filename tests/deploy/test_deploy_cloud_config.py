"""deploy/config/cloud.yaml loads with the agent's own loader and holds no forbidden key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from employee.config import FORBIDDEN_CLOUD_KEYS, load_config
from employee.errors import ConfigError


def keys(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key).lower().replace("-", "_")
            yield from keys(value)
    elif isinstance(data, list):
        for item in data:
            yield from keys(item)


def localised(deploy_dir: Path, tmp_path: Path, extra: dict[str, Any] | None = None) -> Path:
    """The deployed config with its VM paths moved under ``tmp_path``."""
    text = (deploy_dir / "config" / "cloud.yaml").read_text()
    text = text.replace("/var/lib/platinum", str(tmp_path / "lib"))
    text = text.replace("/run/secrets", str(tmp_path / "secrets"))
    data = yaml.safe_load(text)
    data.update(extra or {})
    path = tmp_path / "cloud.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_cloud_config_loads_with_the_agents_loader(deploy_dir: Path, tmp_path: Path) -> None:
    config = load_config(localised(deploy_dir, tmp_path))
    assert config.agent == "cloud"
    assert config.smtp is None
    assert config.social is None
    assert config.odoo is not None
    assert config.odoo.role == "drafter"
    assert config.vault == tmp_path / "lib" / "vault"
    assert config.state_dir == tmp_path / "lib" / "state"
    assert all(secret.parent == tmp_path / "secrets" for secret in config.secret_files())


def test_the_cloud_config_holds_no_forbidden_key(deploy_dir: Path) -> None:
    data = yaml.safe_load((deploy_dir / "config" / "cloud.yaml").read_text())
    assert set(keys(data)) & FORBIDDEN_CLOUD_KEYS == set()


@pytest.mark.parametrize(
    "extra",
    [
        {"smtp": {"host": "smtp.example.com", "port": 465, "username": "o", "password_file": "p"}},
        {"payments": {"token_file": "/run/secrets/bank"}},
    ],
)
def test_the_loader_refuses_the_config_with_a_send_or_payment_key(
    deploy_dir: Path, tmp_path: Path, extra: dict[str, Any]
) -> None:
    with pytest.raises(ConfigError, match="may not hold"):
        load_config(localised(deploy_dir, tmp_path, extra))


def test_secret_paths_match_the_compose_secrets(deploy_dir: Path) -> None:
    data = yaml.safe_load((deploy_dir / "config" / "cloud.yaml").read_text())
    compose = yaml.safe_load((deploy_dir / "compose.yaml").read_text())
    mounted = {f"/run/secrets/{name}" for name in compose["services"]["cloud-agent"]["secrets"]}
    files = {data["imap"]["password_file"], data["odoo"]["secret_file"]}
    assert files <= mounted


def test_health_port_matches_the_container_healthchecks(deploy_dir: Path) -> None:
    data = yaml.safe_load((deploy_dir / "config" / "cloud.yaml").read_text())
    url = f"http://{data['health']['host']}:{data['health']['port']}/health"
    compose = yaml.safe_load((deploy_dir / "compose.yaml").read_text())
    assert compose["services"]["cloud-agent"]["environment"]["PLATINUM_HEALTH_URL"] == url
    assert f"PLATINUM_HEALTH_URL={url}" in (deploy_dir / "Containerfile").read_text()
    assert data["health"]["host"] == "127.0.0.1"
