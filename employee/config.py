"""Agent configuration: one YAML file per agent, secrets only as *file paths* outside the vault.

A configuration is a frozen value built explicitly (`load_config(path)`,
`AgentConfig.from_mapping`); nothing is read at import time. Cloud's configuration is
checked against the tier's rule that Cloud never holds a send, posting, payment, WhatsApp or
banking credential: such keys are refused at load with a `ConfigError` naming them.

Example (Local)::

    agent: local
    vault: /srv/platinum/local/vault          # this agent's own clone (working tree)
    state_dir: /srv/platinum/local/state      # private, never synced (cursors, queues, quarantine)
    remote: /srv/platinum/links/local.git     # git remote URL (a path on the embedded default)
    health: {host: 127.0.0.1, port: 0}
    imap: {host: 127.0.0.1, port: 1143, security: starttls, username: owner@x, password_file: ...}
    smtp: {host: 127.0.0.1, port: 1025, security: starttls, username: owner@x, password_file: ...}
    odoo: {url: http://127.0.0.1:8069, db: platinum, login: admin, secret_file: ...,
           role: executive}
    social: {url: http://127.0.0.1:8080, token_file: ...}
    mail_from: owner@x
    message_id_domain: platinum.local
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from employee.errors import ConfigError

__all__ = [
    "FORBIDDEN_CLOUD_KEYS",
    "AgentConfig",
    "HealthConfig",
    "MailEndpoint",
    "OdooEndpoint",
    "SocialEndpoint",
    "Timing",
    "load_config",
    "read_secret",
]

Agent = Literal["cloud", "local"]
Security = Literal["starttls", "ssl", "plain"]

#: Keys (anywhere in Cloud's configuration, at any depth) that would hand Cloud a credential it
#: must never hold. Matching is on normalised key names (lower case, '-' → '_').
FORBIDDEN_CLOUD_KEYS = frozenset(
    {
        "smtp",
        "smtp_password",
        "smtp_password_file",
        "send_password",
        "whatsapp",
        "whatsapp_session",
        "whatsapp_token",
        "banking",
        "bank",
        "bank_credentials",
        "payment",
        "payments",
        "payment_token",
        "social_publish_token",
    }
)

_MAX_CONFIG_BYTES = 256 * 1024


@dataclass(frozen=True)
class HealthConfig:
    host: str = "127.0.0.1"
    port: int = 0
    heartbeat_seconds: float = 5.0


@dataclass(frozen=True)
class MailEndpoint:
    host: str
    port: int
    username: str
    password_file: Path
    security: Security = "starttls"
    ca_file: Path | None = None
    mailbox: str = "INBOX"
    timeout: float = 10.0
    #: For SMTP: who files the sent copy. ``server`` when the provider copies SMTP-submitted
    #: mail into Sent itself (Gmail); ``append`` when the client must APPEND it.
    sent_copy: Literal["append", "server"] = "append"


@dataclass(frozen=True)
class OdooEndpoint:
    url: str
    db: str
    login: str
    secret_file: Path
    role: Literal["drafter", "executive"] = "drafter"
    protocol: Literal["auto", "json2", "jsonrpc"] = "auto"


@dataclass(frozen=True)
class SocialEndpoint:
    url: str
    token_file: Path


@dataclass(frozen=True)
class Timing:
    """Protocol timings; defaults suit a real deployment, the harness shortens some."""

    lease_seconds: float = 300.0
    approval_ttl_hours: float = 72.0
    poll_seconds: float = 2.0
    idle_seconds: float = 300.0
    retry_base_seconds: float = 0.5
    retry_max_seconds: float = 30.0


@dataclass(frozen=True)
class AgentConfig:
    agent: Agent
    vault: Path
    state_dir: Path
    remote: str
    health: HealthConfig = field(default_factory=HealthConfig)
    imap: MailEndpoint | None = None
    smtp: MailEndpoint | None = None
    odoo: OdooEndpoint | None = None
    social: SocialEndpoint | None = None
    mail_from: str = ""
    message_id_domain: str = "platinum.local"
    timing: Timing = field(default_factory=Timing)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, base: Path | None = None) -> AgentConfig:
        """Build and validate a configuration; relative paths resolve against ``base``."""
        if not isinstance(data, Mapping):
            raise ConfigError("configuration must be a mapping")
        agent = data.get("agent")
        if agent not in ("cloud", "local"):
            raise ConfigError("'agent' must be 'cloud' or 'local'", value=agent)
        if agent == "cloud":
            _refuse_cloud_credentials(data)
        root = base or Path.cwd()

        def path(value: Any, key: str) -> Path:
            if not isinstance(value, str | os.PathLike) or not str(value):
                raise ConfigError(f"'{key}' must be a path", key=key)
            p = Path(value)
            return p if p.is_absolute() else root / p

        known = {
            "agent",
            "vault",
            "state_dir",
            "remote",
            "health",
            "imap",
            "smtp",
            "odoo",
            "social",
            "mail_from",
            "message_id_domain",
            "timing",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError("unknown configuration keys", keys=unknown)
        for required in ("vault", "state_dir", "remote"):
            if required not in data:
                raise ConfigError(f"'{required}' is required", agent=agent)
        odoo = _section(data, "odoo", OdooEndpoint, path)
        if agent == "cloud" and odoo is not None and odoo.role != "drafter":
            raise ConfigError("Cloud may only hold a drafting Odoo credential", role=odoo.role)
        vault = path(data["vault"], "vault")
        state_dir = path(data["state_dir"], "state_dir")
        if _is_within(state_dir, vault):
            raise ConfigError("state_dir must be outside the vault", state_dir=str(state_dir))
        config = cls(
            agent=cast(Agent, agent),
            vault=vault,
            state_dir=state_dir,
            remote=str(data["remote"]),
            health=_section(data, "health", HealthConfig, path) or HealthConfig(),
            imap=_section(data, "imap", MailEndpoint, path),
            smtp=_section(data, "smtp", MailEndpoint, path),
            odoo=odoo,
            social=_section(data, "social", SocialEndpoint, path),
            mail_from=str(data.get("mail_from", "")),
            message_id_domain=str(data.get("message_id_domain", "platinum.local")),
            timing=_section(data, "timing", Timing, path) or Timing(),
        )
        for secret in config.secret_files():
            if _is_within(secret, vault):
                raise ConfigError("secret files must live outside the vault", path=str(secret))
        return config

    def secret_files(self) -> list[Path]:
        """Every secret file this configuration points to."""
        files: list[Path] = []
        for endpoint in (self.imap, self.smtp):
            if endpoint is not None:
                files.append(endpoint.password_file)
        if self.odoo is not None:
            files.append(self.odoo.secret_file)
        if self.social is not None:
            files.append(self.social.token_file)
        return files


def load_config(path: Path) -> AgentConfig:
    """Read an agent's YAML configuration file (safe loader, size-capped)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ConfigError("cannot read configuration", path=str(path), error=str(exc)) from exc
    if size > _MAX_CONFIG_BYTES:
        raise ConfigError("configuration file too large", path=str(path), size=size)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError("configuration is not valid YAML", path=str(path)) from exc
    return AgentConfig.from_mapping(data or {}, base=path.parent)


def read_secret(path: Path) -> str:
    """Read a one-line secret file (refusing group/world-readable files is left to deployment)."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError("cannot read secret file", path=str(path)) from exc


def _refuse_cloud_credentials(data: Any, trail: str = "") -> None:
    if isinstance(data, Mapping):
        for key, value in data.items():
            name = str(key).lower().replace("-", "_")
            where = f"{trail}.{name}" if trail else name
            if name in FORBIDDEN_CLOUD_KEYS:
                raise ConfigError(
                    "Cloud's configuration may not hold send, posting, payment, WhatsApp or "
                    "banking credentials",
                    key=where,
                )
            _refuse_cloud_credentials(value, where)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            _refuse_cloud_credentials(item, f"{trail}[{index}]")


def _section(data: Mapping[str, Any], key: str, kind: type[Any], path: Any) -> Any:
    raw = data.get(key)
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ConfigError(f"'{key}' must be a mapping", key=key)
    fields = getattr(kind, "__dataclass_fields__", {})
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        raise ConfigError(f"unknown keys in '{key}'", keys=unknown)
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name.endswith("_file") or name == "ca_file":
            values[name] = None if value is None else path(value, f"{key}.{name}")
        else:
            values[name] = value
    try:
        return kind(**values)
    except TypeError as exc:
        raise ConfigError(f"invalid '{key}' section: {exc}", key=key) from exc


def _is_within(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True
