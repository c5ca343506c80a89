"""Faults in the world outside the agents, bound from features/faults.feature.

The Sent folder is the send witness: like Gmail, the fake mail server files every message
accepted over SMTP in the sender's Sent (``--auto-sent``), which Local's configuration
(``sent_copy: server``) relies on. The world below makes sure the fake runs that way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_bdd import scenarios

from harness.faults import SentWitnessWorld
from harness.world import World, WorldOptions

scenarios("faults.feature")


@pytest.fixture
def world(tmp_path: Path, world_options: WorldOptions) -> Iterator[World]:
    with SentWitnessWorld(tmp_path / "world", options=world_options) as w:
        yield w
