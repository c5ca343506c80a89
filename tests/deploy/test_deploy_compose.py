"""deploy/compose.yaml, the Caddyfile and odoo.conf, checked statically (no engine here).

Every rule is also run on a doctored copy, so each check is shown able to fail.
"""

from __future__ import annotations

import configparser
import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy import compose_rules as rules


@pytest.fixture(scope="module")
def compose(deploy_dir: Path) -> dict[str, Any]:
    data = yaml.safe_load((deploy_dir / "compose.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_the_cloud_vm_has_its_five_services(compose: dict[str, Any]) -> None:
    assert set(rules.services(compose)) == {"postgres", "odoo", "caddy", "backup", "cloud-agent"}


def test_every_image_is_pinned(compose: dict[str, Any]) -> None:
    assert rules.unpinned_images(compose) == []
    images = {name: s["image"] for name, s in rules.services(compose).items()}
    assert images["odoo"].endswith("odoo:19.0")
    assert re.search(r"postgres:\d+\.\d+", images["postgres"])
    doctored = copy.deepcopy(compose)
    doctored["services"]["odoo"]["image"] = "odoo:latest"
    doctored["services"]["caddy"]["image"] = "docker.io/library/caddy"
    assert sorted(rules.unpinned_images(doctored)) == ["caddy", "odoo"]


@pytest.mark.parametrize("key", ["healthcheck", "restart"])
def test_every_service_has_a_healthcheck_and_a_restart_policy(
    compose: dict[str, Any], key: str
) -> None:
    assert rules.missing(compose, key) == []
    doctored = copy.deepcopy(compose)
    del doctored["services"]["backup"][key]
    assert rules.missing(doctored, key) == ["backup"]


def test_only_caddy_publishes_ports_and_only_80_443(compose: dict[str, Any]) -> None:
    published = rules.published_ports(compose)
    assert list(published) == ["caddy"]
    assert {p.split("/")[0] for p in published["caddy"]} == {"80:80", "443:443"}
    assert all("expose" not in s for s in rules.services(compose).values())


def test_no_secret_literal_in_any_environment(compose: dict[str, Any]) -> None:
    assert rules.secret_literals(compose) == []
    doctored = copy.deepcopy(compose)
    doctored["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"] = "odoo"
    doctored["services"]["cloud-agent"]["environment"]["NOTE"] = "q8Xv2LmZ9rT4kW7pB3nY-e"
    assert sorted(rules.secret_literals(doctored)) == [
        "cloud-agent.NOTE",
        "postgres.POSTGRES_PASSWORD",
    ]


def test_secrets_are_files_and_every_used_secret_is_declared(
    compose: dict[str, Any], deploy_dir: Path
) -> None:
    declared = compose["secrets"]
    for name, spec in declared.items():
        assert set(spec) == {"file"}, name
        assert (deploy_dir / spec["file"]).parent == deploy_dir / "secrets"
    for service in rules.services(compose).values():
        for ref in service.get("secrets", []):
            assert ref in declared
        for key, value in rules.environment(service).items():
            if value.startswith("/run/secrets/"):
                assert value.removeprefix("/run/secrets/") in service["secrets"], key


def test_the_cloud_agent_has_no_send_or_payment_secret(compose: dict[str, Any]) -> None:
    agent = compose["services"]["cloud-agent"]
    assert set(agent["secrets"]) == {"imap_password", "odoo_drafter_key", "vault_deploy_key"}
    assert agent["command"] == ["supervise", "--config", "/etc/platinum/cloud.yaml"]
    assert agent["build"] == {"context": "..", "dockerfile": "deploy/Containerfile"}


def test_volumes_are_named_or_read_only_binds(compose: dict[str, Any]) -> None:
    named = set(compose["volumes"])
    for name, service in rules.services(compose).items():
        for volume in service.get("volumes", []):
            if isinstance(volume, dict):
                assert volume["type"] == "tmpfs", name
                continue
            split = volume.index("}") + 1 if volume.startswith("${") else volume.index(":")
            source = volume[:split]
            target, _, mode = volume[split + 1 :].partition(":")
            if source.startswith(("./", "${")):
                # binds: project files read-only; the off-host backup target is the exception
                assert mode == "ro" or target == "/backups", (name, volume)
            else:
                assert source in named, (name, volume)


def test_the_database_network_is_internal(compose: dict[str, Any]) -> None:
    assert compose["networks"]["db"] == {"internal": True}
    assert compose["services"]["postgres"]["networks"] == ["db"]
    assert compose["services"]["backup"]["networks"] == ["db"]


def test_odoo_health_checks_the_database_too(compose: dict[str, Any]) -> None:
    test = " ".join(compose["services"]["odoo"]["healthcheck"]["test"])
    assert "/web/health?db_server_status=1" in test


def test_the_mounted_project_files_exist(compose: dict[str, Any], deploy_dir: Path) -> None:
    for service in rules.services(compose).values():
        for volume in service.get("volumes", []):
            if isinstance(volume, str) and volume.startswith("./"):
                assert (deploy_dir / volume.split(":")[0]).exists(), volume
    for name, spec in compose["configs"].items():
        if name != "known_hosts":  # the operator's own file
            assert (deploy_dir / spec["file"]).is_file(), name


# -- odoo.conf -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def odoo_conf(deploy_dir: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",))
    parser.read(deploy_dir / "odoo" / "odoo.conf")
    return parser["options"]


def test_odoo_conf_is_hardened(odoo_conf: configparser.SectionProxy) -> None:
    assert odoo_conf.getboolean("proxy_mode") is True
    assert odoo_conf.getboolean("list_db") is False
    assert odoo_conf["dbfilter"] == f"^{odoo_conf['db_name']}$"
    assert int(odoo_conf["workers"]) >= 2
    assert odoo_conf["gevent_port"] == "8072"
    for limit in ("limit_memory_soft", "limit_memory_hard", "limit_time_cpu", "limit_time_real"):
        assert int(odoo_conf[limit]) > 0, limit
    assert int(odoo_conf["limit_memory_hard"]) > int(odoo_conf["limit_memory_soft"])
    assert odoo_conf["db_user"] not in ("postgres", "")
    assert odoo_conf["without_demo"] == "all"


def test_odoo_conf_holds_no_secret(odoo_conf: configparser.SectionProxy) -> None:
    assert "admin_passwd" not in odoo_conf
    assert "db_password" not in odoo_conf


def test_odoo_conf_is_mounted_read_only_and_matches_postgres_init(
    compose: dict[str, Any], odoo_conf: configparser.SectionProxy
) -> None:
    odoo = compose["services"]["odoo"]
    assert "./odoo/odoo.conf:/etc/odoo/odoo.conf:ro" in odoo["volumes"]
    postgres_env = rules.environment(compose["services"]["postgres"])
    assert postgres_env["ODOO_DB"] == odoo_conf["db_name"]
    assert postgres_env["ODOO_DB_USER"] == odoo_conf["db_user"]
    assert rules.environment(compose["services"]["backup"])["PGDATABASE"] == odoo_conf["db_name"]


# -- Caddyfile -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def caddyfile(deploy_dir: Path) -> str:
    return (deploy_dir / "caddy" / "Caddyfile").read_text()


def test_caddy_proxies_odoo_and_its_websocket(caddyfile: str) -> None:
    assert re.search(r"^\s*reverse_proxy /websocket\* odoo:8072\s*$", caddyfile, re.M)
    assert re.search(r"^\s*reverse_proxy odoo:8069\b", caddyfile, re.M)


def test_caddy_blocks_the_database_manager(caddyfile: str) -> None:
    matcher = re.search(r"^\s*@(\w+) path (.+)$", caddyfile, re.M)
    assert matcher is not None
    assert {"/web/database", "/web/database/*"} <= set(matcher[2].split())
    assert re.search(rf"^\s*respond @{matcher[1]} .*\b40[34]\s*$", caddyfile, re.M)


def test_caddy_sends_hsts_and_limits_bodies(caddyfile: str) -> None:
    assert re.search(r'Strict-Transport-Security "max-age=(\d+)', caddyfile)
    assert re.search(r"max_size \d+MB", caddyfile)
