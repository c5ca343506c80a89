"""``python -m fakes.odoo``: run a fake Odoo until SIGTERM, printing one JSON line when ready."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from fakes.odoo.server import VERSIONS, FakeOdoo

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, serve, exit 0 on SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="python -m fakes.odoo", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="Odoo port (0: a free one)")
    parser.add_argument("--control-port", type=int, default=0, help="test API port (0: free)")
    parser.add_argument("--odoo-version", choices=VERSIONS, default="19")
    parser.add_argument("--db", default="platinum", help="database name")
    parser.add_argument("--data-dir", default=None, help="where the SQLite file lives (kept)")
    parser.add_argument("--master-password", default=None)
    parser.add_argument("--payment-state", choices=("paid", "in_payment"), default="paid")
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    fake = FakeOdoo(
        version=args.odoo_version,
        db=args.db,
        port=args.port,
        data_dir=args.data_dir,
        master_password=args.master_password,
        payment_state_on_payment=args.payment_state,
        control_port=args.control_port,
    )
    with fake:
        sys.stdout.write(json.dumps(fake.describe()) + "\n")
        sys.stdout.flush()
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
