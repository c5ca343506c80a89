"""Connection settings for one Odoo database, as a validated value object."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from employee.errors import ConfigError

__all__ = ["OdooConfig", "Protocol"]

Protocol = Literal["auto", "json2", "jsonrpc"]
_PROTOCOLS: tuple[Protocol, ...] = ("auto", "json2", "jsonrpc")


@dataclass(frozen=True)
class OdooConfig:
    """Where Odoo lives and who we are there.

    ``secret`` is the API key (JSON-2 bearer token; also accepted in place of the
    password over JSON-RPC). ``retries`` counts extra attempts after the first.
    """

    url: str
    db: str
    login: str
    secret: str
    protocol: Protocol = "auto"
    timeout: float = 10.0
    retries: int = 3

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError("Odoo url must be an absolute http(s) URL", url=self.url)
        if not self.db:
            raise ConfigError("Odoo database name is empty")
        if not self.secret:
            raise ConfigError("Odoo secret (API key or password) is empty", db=self.db)
        if self.protocol not in _PROTOCOLS:
            raise ConfigError(f"Odoo protocol must be one of {_PROTOCOLS}", protocol=self.protocol)
        if self.protocol != "json2" and not self.login:
            raise ConfigError("Odoo login is required for JSON-RPC", protocol=self.protocol)
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise ConfigError("Odoo timeout must be a positive number of seconds")
        if not 0 <= self.retries <= 10:
            raise ConfigError("Odoo retries must be between 0 and 10", retries=self.retries)

    @property
    def base_url(self) -> str:
        """The URL without a trailing slash."""
        return self.url.rstrip("/")

    def __repr__(self) -> str:
        return (
            f"OdooConfig(url={self.url!r}, db={self.db!r}, login={self.login!r}, "
            f"secret='***', protocol={self.protocol!r}, timeout={self.timeout}, "
            f"retries={self.retries})"
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str], prefix: str = "ODOO_") -> OdooConfig:
        """Read ``<prefix>`` + URL, DB, LOGIN, SECRET, PROTOCOL, TIMEOUT, RETRIES."""

        def get(name: str) -> str:
            return environ.get(prefix + name, "").strip()

        missing = [prefix + n for n in ("URL", "DB", "SECRET") if not get(n)]
        if missing:
            raise ConfigError("missing Odoo settings in the environment", missing=missing)
        protocol = get("PROTOCOL") or "auto"
        if protocol not in _PROTOCOLS:
            raise ConfigError(f"{prefix}PROTOCOL must be one of {_PROTOCOLS}", protocol=protocol)
        try:
            timeout = float(get("TIMEOUT") or 10.0)
            retries = int(get("RETRIES") or 3)
        except ValueError as exc:
            raise ConfigError(f"{prefix}TIMEOUT / {prefix}RETRIES must be numbers") from exc
        return cls(
            url=get("URL"),
            db=get("DB"),
            login=get("LOGIN"),
            secret=get("SECRET"),
            protocol=protocol,
            timeout=timeout,
            retries=retries,
        )
