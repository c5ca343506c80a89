"""``python -m employee.mcp.odoo --mode draft|executive``: serve Odoo tools over stdio.

Odoo settings come from ODOO_URL, ODOO_DB, ODOO_LOGIN, ODOO_SECRET, ODOO_PROTOCOL.
``ODOO_ROLE`` names the credential's role; a draft server refuses an executive one.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

from employee.errors import ConfigError
from employee.mcp.odoo.server import build_server
from employee.odoo import OdooClient, OdooConfig

__all__ = ["check_startup", "main"]


def check_startup(mode: str, environ: Mapping[str, str]) -> OdooConfig:
    """The Odoo config for ``mode``; refuses a draft server holding an executive credential."""
    role = environ.get("ODOO_ROLE", "").strip().lower()
    if role not in ("", "drafter", "executive"):
        raise ConfigError("ODOO_ROLE must be 'drafter' or 'executive'", role=role)
    if mode == "draft" and role == "executive":
        raise ConfigError("a draft-only Odoo server must not hold an executive credential")
    return OdooConfig.from_env(environ)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m employee.mcp.odoo", description=__doc__)
    parser.add_argument("--mode", choices=("draft", "executive"), required=True)
    args = parser.parse_args(argv)
    try:
        config = check_startup(args.mode, os.environ)
    except ConfigError as exc:
        print(f"employee.mcp.odoo: {exc}", file=sys.stderr)
        return 2
    server = build_server(lambda: OdooClient(config), args.mode)
    try:
        server.run()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
