"""``python -m employee.mcp.email --mode draft|send``: serve the email tools over stdio.

Settings come from EMAIL_IMAP_HOST, EMAIL_IMAP_PORT, EMAIL_IMAP_SECURITY, EMAIL_USERNAME,
EMAIL_PASSWORD_FILE, EMAIL_CA_FILE, EMAIL_FROM, EMAIL_MESSAGE_ID_DOMAIN and, in send mode
only, EMAIL_SMTP_HOST, EMAIL_SMTP_PORT, EMAIL_SMTP_SECURITY. A draft server refuses to
start when any SMTP setting is present.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from employee.errors import ConfigError
from employee.mcp.email.config import EmailMcpConfig, Mode
from employee.mcp.email.server import build_server

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m employee.mcp.email", description=__doc__)
    parser.add_argument("--mode", choices=("draft", "send"), required=True)
    args = parser.parse_args(argv)
    mode: Mode = "send" if args.mode == "send" else "draft"
    try:
        config = EmailMcpConfig.from_env(os.environ, mode)
        server = build_server(config, mode)
    except ConfigError as exc:
        print(f"employee.mcp.email: {exc}", file=sys.stderr)
        return 2
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
