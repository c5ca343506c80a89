"""Protocol constants shared by every vault module: version, agents and domains."""

from __future__ import annotations

from typing import Literal

from employee.errors import UnsafeNameError

__all__ = [
    "AGENTS",
    "CLOUD_DOMAINS",
    "DOMAINS",
    "LOCAL_ONLY_DOMAINS",
    "PROTOCOL_VERSION",
    "Agent",
    "check_agent",
    "check_domain",
]

PROTOCOL_VERSION: int = 1

Agent = Literal["cloud", "local"]
AGENTS: tuple[Agent, ...] = ("cloud", "local")

CLOUD_DOMAINS: tuple[str, ...] = ("email", "social", "finance")
LOCAL_ONLY_DOMAINS: tuple[str, ...] = ("whatsapp", "payments")
DOMAINS: tuple[str, ...] = CLOUD_DOMAINS + LOCAL_ONLY_DOMAINS


def check_agent(agent: str) -> Agent:
    """Return ``agent`` typed as :data:`Agent`, or raise ``UnsafeNameError``."""
    if agent == "cloud":
        return "cloud"
    if agent == "local":
        return "local"
    raise UnsafeNameError(f"unknown agent {agent!r}; expected one of {AGENTS}", agent=agent)


def check_domain(domain: str) -> str:
    """Return ``domain`` if it is a protocol domain, else raise ``UnsafeNameError``."""
    if domain not in DOMAINS:
        raise UnsafeNameError(f"unknown domain {domain!r}; expected one of {DOMAINS}")
    return domain
