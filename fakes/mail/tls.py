"""TLS material for the fake: a trustme CA, a server certificate, and SSL contexts."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme

__all__ = ["TlsMaterial", "client_context"]


@dataclass(frozen=True)
class TlsMaterial:
    """A generated CA (its PEM written to ``ca_cert``) and a server context for ``hosts``."""

    ca_cert: Path
    server_context: ssl.SSLContext

    @classmethod
    def generate(
        cls, directory: Path, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    ) -> TlsMaterial:
        """Create a CA and a leaf certificate; write the CA PEM into ``directory``."""
        ca = trustme.CA()
        leaf = ca.issue_cert(*hosts)
        directory.mkdir(parents=True, exist_ok=True)
        ca_path = directory / "fake-mail-ca.pem"
        ca.cert_pem.write_to_path(str(ca_path))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        leaf.configure_cert(context)
        return cls(ca_path, context)


def client_context(ca_cert: Path | str) -> ssl.SSLContext:
    """A client context that trusts the fake's CA (for tests and tools)."""
    return ssl.create_default_context(cafile=str(ca_cert))
