"""The MCP servers an agent talks to, started on first use and shared by its threads.

Each server runs as its own subprocess over stdio (`ToolClient`), with only the settings it
needs in its environment (built here from the agent's configuration; secrets as file paths
where the server supports it). The mode follows the agent: Cloud's servers are draft-only,
Local's can send, post and pay.
"""

from __future__ import annotations

import threading
from typing import Literal

from employee.config import AgentConfig, read_secret
from employee.errors import ConfigError
from employee.mcp.client import ToolClient

__all__ = ["ServerName", "ServerPool", "server_env"]

ServerName = Literal["email", "odoo", "social"]

_MODES: dict[str, dict[ServerName, str]] = {
    "cloud": {"email": "draft", "odoo": "draft", "social": "draft"},
    "local": {"email": "send", "odoo": "executive", "social": "executive"},
}


def server_env(config: AgentConfig, name: ServerName) -> dict[str, str]:
    """The environment of the ``name`` server for this agent; `ConfigError` if unconfigured."""
    if name == "odoo":
        odoo = config.odoo
        if odoo is None:
            raise ConfigError("no Odoo configured", agent=config.agent)
        return {
            "ODOO_URL": odoo.url,
            "ODOO_DB": odoo.db,
            "ODOO_LOGIN": odoo.login,
            "ODOO_SECRET": read_secret(odoo.secret_file),
            "ODOO_PROTOCOL": odoo.protocol,
            "ODOO_ROLE": odoo.role,
        }
    if name == "social":
        social = config.social
        if social is None:
            raise ConfigError("no social API configured", agent=config.agent)
        return {"SOCIAL_API_URL": social.url, "SOCIAL_TOKEN_FILE": str(social.token_file)}
    imap = config.imap
    if imap is None:
        raise ConfigError("no IMAP configured", agent=config.agent)
    env = {
        "EMAIL_IMAP_HOST": imap.host,
        "EMAIL_IMAP_PORT": str(imap.port),
        "EMAIL_IMAP_SECURITY": imap.security,
        "EMAIL_USERNAME": imap.username,
        "EMAIL_PASSWORD_FILE": str(imap.password_file),
        "EMAIL_FROM": config.mail_from or imap.username,
        "EMAIL_MESSAGE_ID_DOMAIN": config.message_id_domain,
    }
    if imap.ca_file is not None:
        env["EMAIL_CA_FILE"] = str(imap.ca_file)
    smtp = config.smtp
    if _MODES[config.agent]["email"] == "send":
        if smtp is None:
            raise ConfigError("sending mail needs an smtp section", agent=config.agent)
        env.update(
            EMAIL_SMTP_HOST=smtp.host,
            EMAIL_SMTP_PORT=str(smtp.port),
            EMAIL_SMTP_SECURITY=smtp.security,
            EMAIL_USERNAME=smtp.username,
            EMAIL_PASSWORD_FILE=str(smtp.password_file),
            EMAIL_SENT_COPY=smtp.sent_copy,
        )
        if smtp.ca_file is not None:
            env["EMAIL_CA_FILE"] = str(smtp.ca_file)
    return env


class ServerPool:
    """One `ToolClient` per server, created on first use from any thread."""

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self._clients: dict[ServerName, ToolClient] = {}
        self._lock = threading.Lock()

    def mode(self, name: ServerName) -> str:
        return _MODES[self.config.agent][name]

    def get(self, name: ServerName) -> ToolClient:
        with self._lock:
            if name not in self._clients:
                env = server_env(self.config, name)
                module = f"employee.mcp.{name}"
                self._clients[name] = ToolClient(module, ["--mode", self.mode(name)], env=env)
            return self._clients[name]

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()
