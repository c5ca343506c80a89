"""``python -m fakes.mail``: run the fake mail server until SIGTERM/SIGINT.

Prints one JSON line when ready: host, ports and the CA certificate path.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from fakes.errors import FakeError
from fakes.mail.server import FakeMailServer
from fakes.mail.store import Credential, MailUser

__all__ = ["main", "parse_user"]


def parse_user(spec: str) -> MailUser:
    """``NAME:PASSWORD[:imap|smtp|imap+smtp]`` -> a MailUser with one credential."""
    name, sep, rest = spec.partition(":")
    if not sep or not name or not rest:
        raise argparse.ArgumentTypeError(f"expected NAME:PASSWORD[:SCOPES], got {spec!r}")
    password, scopes = rest, "imap+smtp"
    head, sep, tail = rest.rpartition(":")
    if sep and tail in ("imap", "smtp", "imap+smtp", "smtp+imap"):
        password, scopes = head, tail
    if not password:
        raise argparse.ArgumentTypeError(f"empty password in {spec!r}")
    return MailUser(name, [Credential(password, frozenset(scopes.split("+")))])


def _port(value: str) -> int | None:
    if value.lower() == "off":
        return None
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("port must be 0..65535 or 'off'")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m fakes.mail", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "localhost"])
    for name, default in (("smtp", "0"), ("imap", "0"), ("smtps", "0"), ("imaps", "0")):
        parser.add_argument(
            f"--{name}-port",
            type=_port,
            default=_port(default),
            help="0 = any free port, off = disabled",
        )
    parser.add_argument("--api-port", type=_port, default=None, help="0 = any free port")
    parser.add_argument(
        "--user", type=parse_user, action="append", default=[], metavar="NAME:PASSWORD[:SCOPES]"
    )
    parser.add_argument("--no-tls", action="store_true", help="no STARTTLS, no implicit TLS ports")
    parser.add_argument("--cert-dir", type=Path, default=None, help="where to write the CA PEM")
    parser.add_argument("--max-message-size", type=int, default=10 * 1024 * 1024)
    parser.add_argument("--no-smtp-auth", action="store_true", help="accept mail without AUTH")
    parser.add_argument(
        "--auto-sent",
        action="store_true",
        help="file accepted mail in the sender's Sent folder, as Gmail does",
    )
    parser.add_argument(
        "--auth-require-tls", action="store_true", help="offer SMTP AUTH only after STARTTLS"
    )
    parser.add_argument("--fault-seed", type=int, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = FakeMailServer(
        users=args.user,
        host=args.host,
        smtp_port=args.smtp_port,
        imap_port=args.imap_port,
        smtps_port=args.smtps_port,
        imaps_port=args.imaps_port,
        api_port=args.api_port,
        tls=not args.no_tls,
        max_message_size=args.max_message_size,
        smtp_auth_required=not args.no_smtp_auth,
        auth_require_tls=args.auth_require_tls,
        fault_seed=args.fault_seed,
        cert_dir=args.cert_dir,
        auto_sent=args.auto_sent,
    )
    try:
        server.start()
    except FakeError as exc:
        print(json.dumps({"error": str(exc)}), file=sys.stderr, flush=True)
        return 1
    try:
        ready = {
            "host": server.host,
            "smtp_port": server.smtp_port,
            "imap_port": server.imap_port,
            "smtps_port": server.smtps_port,
            "imaps_port": server.imaps_port,
            "api_port": server.api_port,
            "ca_cert": server.ca_cert,
        }
        print(json.dumps(ready), flush=True)
        stop.wait()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
