"""The outside world, faked faithfully: mail (SMTP + IMAP) and Odoo."""

from __future__ import annotations

from fakes.errors import FakeError, FakeTimeout

__all__ = ["FakeError", "FakeTimeout"]
