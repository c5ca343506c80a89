"""Approvals: approve, reject, edit, expiry, forgery, at most once (features/approvals.feature).

The expiry scenario needs an approval that expires within seconds, so its world runs with
``approval_ttl_hours=0.003`` (10.8 s); every other scenario keeps the default TTL so that a
slow run never turns into an expiry.

Local's configuration says the mail provider files the Sent copy (``sent_copy: server``, as
Gmail does), which ``fakes.mail`` only does with ``--auto-sent``; the bootstrap does not pass
it yet, so these worlds are `SentWitnessWorld`s (a no-op once it does). Without the Sent
copy, the "killed at the send" scenario sends the reply twice: the at-most-once check has
nothing to find.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_bdd import scenarios

from harness.faults import SentWitnessWorld
from harness.world import World, WorldOptions

scenarios("approvals.feature")

SHORT_TTL = WorldOptions(approval_ttl_hours=0.003)


@pytest.fixture
def world_options(request: pytest.FixtureRequest) -> WorldOptions:
    return SHORT_TTL if "expired" in request.node.name else WorldOptions()


@pytest.fixture
def world(tmp_path: Path, world_options: WorldOptions) -> Iterator[World]:
    with SentWitnessWorld(tmp_path / "world", options=world_options) as w:
        yield w
