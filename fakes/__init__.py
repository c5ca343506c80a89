"""The outside world, faked faithfully: mail (SMTP + IMAP), Odoo, and a social-media API.

Each fake is a pure store, a protocol handler and a server with ``start()``/``stop()``/``with``
bound to 127.0.0.1 on a free port, sharing the same test verbs (``wait_for``, ``reset``,
``inject_fault``); each also runs as its own process (``python -m fakes.mail`` …).
"""

from __future__ import annotations

from fakes.errors import FakeError, FakeStartupError, FakeStoreError, FakeTimeout
from fakes.mail import FakeMailServer
from fakes.odoo import FakeOdoo
from fakes.social import FakeSocial

__all__ = [
    "FakeError",
    "FakeMailServer",
    "FakeOdoo",
    "FakeSocial",
    "FakeStartupError",
    "FakeStoreError",
    "FakeTimeout",
]
