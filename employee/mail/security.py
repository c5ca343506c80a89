"""Connection settings shared by the SMTP and IMAP adapters: TLS mode, CA file, secrets."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from employee.errors import ConfigError

__all__ = ["Security", "parse_port", "parse_security", "read_secret_file", "tls_context"]

Security = Literal["starttls", "ssl", "plain"]
_SECURITIES: tuple[Security, ...] = ("starttls", "ssl", "plain")


def parse_security(value: str, *, variable: str) -> Security:
    """``starttls`` / ``ssl`` / ``plain`` or a ``ConfigError`` naming the variable."""
    text = value.strip().lower()
    if text not in _SECURITIES:
        raise ConfigError(f"{variable} must be one of {', '.join(_SECURITIES)}", value=value)
    return text


def parse_port(value: str, *, variable: str) -> int:
    """A TCP port 1..65535 or a ``ConfigError``."""
    try:
        port = int(value)
    except ValueError:
        raise ConfigError(f"{variable} is not a number", value=value) from None
    if not 0 < port < 65536:
        raise ConfigError(f"{variable} is out of range", value=value)
    return port


def read_secret_file(environ: Mapping[str, str], variable: str) -> str:
    """The first line of the file named by ``environ[variable]`` (the secret never sits in env)."""
    name = environ.get(variable, "").strip()
    if not name:
        raise ConfigError(f"{variable} is not set")
    try:
        text = Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {variable}", path=name, error=type(exc).__name__) from None
    secret = text.splitlines()[0] if text else ""
    if not secret:
        raise ConfigError(f"{variable} names an empty file", path=name)
    return secret


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """A verifying client context; trusts ``ca_file`` instead of the system store when given."""
    context = (
        ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
    )
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
