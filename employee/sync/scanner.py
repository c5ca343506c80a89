"""Secret scanner shared by the client guard, the remote's hook and ``scan_remote``.

Two layers over the same bytes: explicit patterns (private keys, cloud and OAuth tokens,
chat-session files, banking credentials, planted canaries) and Yelp's ``detect-secrets``
line plugins (its entropy plugins are left out: vault Markdown is full of ids that look
random, and the patterns already cover the formats we care about).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["PATTERNS", "Finding", "scan_bytes"]

PATTERNS: dict[str, re.Pattern[bytes]] = {
    "private key": re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----"),
    "aws access key": re.compile(rb"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "github token": re.compile(rb"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "slack token": re.compile(rb"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "google api key": re.compile(rb"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "google oauth token": re.compile(rb"\bya29\.[0-9A-Za-z_\-]{20,}"),
    "openai-style key": re.compile(rb"\bsk-(proj-|live-|test-)?[A-Za-z0-9_\-]{20,}"),
    "oauth token file": re.compile(rb"\"(refresh_token|access_token|client_secret)\"\s*:"),
    "jwt": re.compile(rb"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"),
    "whatsapp session": re.compile(rb"WABrowserId|WASecretBundle|WAToken[12]|\"noiseKey\""),
    "credential assignment": re.compile(
        rb"(?i)(?<![A-Za-z0-9])(?:(?:[A-Za-z0-9]+[_-])*"
        rb"(?:password|passwd|pwd|secret|api[_-]?key|auth[_-]?token|pin)"
        rb"|(?:[A-Za-z0-9]+[_-])+token)\b\s*[:=]\s*"
        rb"[\"']?[^\s\"'<>]{6,}"
    ),
    "bank credential": re.compile(rb"(?i)\b(iban|account[_ ]number|routing[_ ]number)\b\s*[:=]"),
}

_PLUGINS = [
    {"name": name}
    for name in (
        "ArtifactoryDetector",
        "AWSKeyDetector",
        "AzureStorageKeyDetector",
        "BasicAuthDetector",
        "DiscordBotTokenDetector",
        "GitHubTokenDetector",
        "JwtTokenDetector",
        "KeywordDetector",
        "MailchimpDetector",
        "PrivateKeyDetector",
        "SendGridDetector",
        "SlackDetector",
        "SquareOAuthDetector",
        "StripeDetector",
        "TwilioKeyDetector",
    )
]
_LOCK = threading.Lock()  # detect-secrets keeps its settings in a process-wide object
_MAX_SCAN = 4 * 1024 * 1024


@dataclass(frozen=True)
class Finding:
    """One reason to believe a blob holds a secret."""

    kind: str
    line: int

    def __str__(self) -> str:
        return f"{self.kind} (line {self.line})"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _detect_secrets(text: str) -> Iterable[Finding]:
    # imported on first scan: a process that never scans (an agent's watcher, a CLI) skips it
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import transient_settings

    with _LOCK, transient_settings({"plugins_used": _PLUGINS}):
        for number, line in enumerate(text.splitlines(), start=1):
            for secret in scan_line(line):
                yield Finding(f"detect-secrets: {secret.type}", number)


def scan_bytes(data: bytes, canaries: Sequence[str] = ()) -> list[Finding]:
    """Every finding in ``data`` (empty list = clean). Pure apart from detect-secrets' lock."""
    data = data[:_MAX_SCAN]
    found: list[Finding] = []
    for canary in canaries:
        if canary and (at := data.find(canary.encode())) >= 0:
            found.append(Finding(f"canary {canary!r}", _line_of(data, at)))
    for kind, pattern in PATTERNS.items():
        if match := pattern.search(data):
            found.append(Finding(kind, _line_of(data, match.start())))
    if b"\0" not in data[:8192]:
        found.extend(_detect_secrets(data.decode("utf-8", "replace")))
    return found
