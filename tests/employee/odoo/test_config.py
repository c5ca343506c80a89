"""OdooConfig validation and environment loading."""

from __future__ import annotations

import pytest

from employee.errors import ConfigError
from employee.odoo import OdooConfig

ENV = {
    "ODOO_URL": "http://127.0.0.1:8069/",
    "ODOO_DB": "platinum",
    "ODOO_LOGIN": "drafter",
    "ODOO_SECRET": "k3y",
}


def test_from_env_reads_prefix_and_defaults() -> None:
    cfg = OdooConfig.from_env(ENV)
    assert (cfg.base_url, cfg.db, cfg.login, cfg.protocol) == (
        "http://127.0.0.1:8069",
        "platinum",
        "drafter",
        "auto",
    )
    assert (cfg.timeout, cfg.retries) == (10.0, 3)
    other = OdooConfig.from_env(
        {f"X_{k[5:]}": v for k, v in ENV.items()} | {"X_PROTOCOL": "json2", "X_RETRIES": "0"},
        prefix="X_",
    )
    assert (other.protocol, other.retries) == ("json2", 0)


def test_secret_never_in_repr() -> None:
    assert "k3y" not in repr(OdooConfig.from_env(ENV))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"ODOO_URL": ""}, "missing"),
        ({"ODOO_URL": "ftp://x"}, "http"),
        ({"ODOO_PROTOCOL": "xmlrpc"}, "PROTOCOL"),
        ({"ODOO_TIMEOUT": "soon"}, "numbers"),
        ({"ODOO_TIMEOUT": "-1"}, "positive"),
        ({"ODOO_RETRIES": "99"}, "retries"),
        ({"ODOO_LOGIN": ""}, "login"),
    ],
)
def test_bad_settings_are_config_errors(change: dict[str, str], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        OdooConfig.from_env(ENV | change)


def test_json2_needs_no_login() -> None:
    cfg = OdooConfig.from_env(ENV | {"ODOO_LOGIN": "", "ODOO_PROTOCOL": "json2"})
    assert cfg.login == ""
