"""``python -m fakes.social --port 0 --token NAME:TOKEN:read|publish ...``.

Prints one JSON ready line ``{"url": ..., "tokens": [{"name", "scope", "token"}]}`` and serves
until SIGTERM or SIGINT. An empty TOKEN (``NAME::publish``) gets a generated secret.
"""

from __future__ import annotations

import argparse
import json
import secrets
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from fakes.social.server import FakeSocial
from fakes.social.store import Token

__all__ = ["main", "parse_token"]


def parse_token(spec: str) -> Token:
    """Parse ``NAME:TOKEN:SCOPE``; raises ``argparse.ArgumentTypeError`` on bad input."""
    parts = spec.split(":")
    if len(parts) != 3 or not parts[0] or parts[2] not in ("read", "publish"):
        raise argparse.ArgumentTypeError(f"expected NAME:TOKEN:read|publish, got {spec!r}")
    name, secret, scope = parts
    return Token(
        name, secret or secrets.token_urlsafe(24), "read" if scope == "read" else "publish"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the fake until a termination signal arrives."""
    parser = argparse.ArgumentParser(prog="python -m fakes.social", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-chars", type=int, default=280)
    parser.add_argument("--token", type=parse_token, action="append", default=[])
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with FakeSocial(args.token, max_chars=args.max_chars, host=args.host, port=args.port) as fake:
        tokens = [{"name": t.name, "scope": t.scope, "token": t.secret} for t in args.token]
        print(json.dumps({"url": fake.url, "tokens": tokens}), flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
