"""Approvals: approve, reject, edit, expiry, forgery, at most once (features/approvals.feature).

The expiry scenario needs an approval that expires within seconds, so its world runs with
``approval_ttl_hours=0.003`` (10.8 s); every other scenario keeps the default TTL so that a
slow run never turns into an expiry.
"""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

from harness.world import WorldOptions

scenarios("approvals.feature")

SHORT_TTL = WorldOptions(approval_ttl_hours=0.003)


@pytest.fixture
def world_options(request: pytest.FixtureRequest) -> WorldOptions:
    return SHORT_TTL if "expired" in request.node.name else WorldOptions()
