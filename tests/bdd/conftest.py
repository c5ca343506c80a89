"""Fixtures shared by every feature: a world per scenario and the seeded mails.

Step definitions live in ``tests/bdd/steps/``; the root ``conftest.py`` loads them as plugins
so every feature's test module sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.scenario import SeedMail, load_scenario
from harness.world import World, WorldOptions

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def seeded_mail() -> dict[str, SeedMail]:
    """Every mail seeded by any scenario file, by ref."""
    mails: dict[str, SeedMail] = {}
    for path in sorted(SCENARIOS.glob("*.yaml")):
        for mail in load_scenario(path).seed.mail:
            mails.setdefault(mail.ref, mail)
    return mails


@pytest.fixture
def world_options() -> WorldOptions:
    return WorldOptions()


@pytest.fixture
def world(tmp_path: Path, world_options: WorldOptions) -> Iterator[World]:
    with World(tmp_path / "world", options=world_options) as w:
        yield w
