"""Pure checks over a parsed compose file (a dict from ``yaml.safe_load``).

Each returns the offending items (empty when the file is fine), so a test can show both that
the real compose passes and that a doctored copy is caught.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

__all__ = [
    "environment",
    "looks_like_secret",
    "missing",
    "published_ports",
    "secret_literals",
    "services",
    "unpinned_images",
]

_SECRET_NAME = re.compile(r"pass(word|wd)?|secret|token|api_?key|private|credential", re.I)
_REFERENCE = re.compile(r"^/run/secrets/[\w.-]+$|^\$\{[A-Z_]+(:?[-?][^}]*)?\}$")


def services(compose: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose.get("services") or {})


def unpinned_images(compose: Mapping[str, Any]) -> list[str]:
    """Services whose image has no tag or digest, or uses ``latest``."""
    bad = []
    for name, service in services(compose).items():
        image = str(service.get("image", ""))
        last = image.rsplit("/", 1)[-1]
        if "@sha256:" in image:
            continue
        if ":" not in last or last.endswith(":latest") or last.split(":", 1)[1] == "":
            bad.append(name)
    return bad


def missing(compose: Mapping[str, Any], key: str) -> list[str]:
    """Services without ``key`` (e.g. ``healthcheck``, ``restart``), or with it disabled."""
    bad = []
    for name, service in services(compose).items():
        value = service.get(key)
        disabled = value == "no" or (isinstance(value, dict) and bool(value.get("disable")))
        if not value or disabled:
            bad.append(name)
    return bad


def published_ports(compose: Mapping[str, Any]) -> dict[str, list[str]]:
    """Published ports per service (``ports:``; ``expose:`` is internal and ignored)."""
    return {
        name: [str(port) for port in service["ports"]]
        for name, service in services(compose).items()
        if service.get("ports")
    }


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's environment as a dict, from either the mapping or the list form."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) if "=" in item else (item, "") for item in env)
        return {key: value for key, value in pairs}
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def looks_like_secret(value: str) -> bool:
    """A long, high-entropy token-like string (16+ chars, no spaces or path/URL shape)."""
    if len(value) < 16 or " " in value or value.startswith(("/", "http://", "https://")):
        return False
    counts = Counter(value)
    entropy = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    classes = sum(
        bool(re.search(pattern, value)) for pattern in ("[a-z]", "[A-Z]", "[0-9]", r"[^\w]")
    )
    return entropy >= 3.5 and classes >= 3


def secret_literals(compose: Mapping[str, Any]) -> list[str]:
    """``service.VAR`` entries that put a secret in the environment instead of a file.

    A variable named like a password/token/key must point at ``/run/secrets/...`` (or be a
    ``${...}`` substitution); any value that looks like a secret is refused whatever its name.
    """
    bad = []
    for name, service in services(compose).items():
        for key, value in environment(service).items():
            suspicious = bool(_SECRET_NAME.search(key)) or looks_like_secret(value)
            if suspicious and not _REFERENCE.match(value):
                bad.append(f"{name}.{key}")
    return bad
