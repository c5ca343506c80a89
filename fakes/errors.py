"""Errors raised by the fakes' Python test API (faults on the wire are protocol replies).

::

    FakeError
    ├── FakeTimeout         wait_for() gave up; says what was awaited and the last value seen
    ├── FakeStartupError    a server could not bind or start
    └── FakeStoreError      a test API call referred to something that does not exist
"""

from __future__ import annotations

__all__ = ["FakeError", "FakeStartupError", "FakeStoreError", "FakeTimeout"]


class FakeError(Exception):
    """Root of every error the fakes raise in Python."""


class FakeTimeout(FakeError, TimeoutError):
    """A wait_for() condition did not hold before its timeout."""


class FakeStartupError(FakeError):
    """A fake server failed to start."""


class FakeStoreError(FakeError, LookupError):
    """The test API was asked about a user, mailbox or record that does not exist."""
