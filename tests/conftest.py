"""Suite-wide settings: Hypothesis keeps no database in the repository tree; BDD steps load.

Every module in ``tests/bdd/steps/`` is a pytest plugin, so each feature's test module sees
every step definition (one module per area; shared steps in ``common``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

pytest.register_assert_rewrite("tests.bdd.steps")

pytest_plugins = [
    f"tests.bdd.steps.{path.stem}"
    for path in sorted((Path(__file__).parent / "bdd" / "steps").glob("*.py"))
    if not path.name.startswith("_")
]

settings.register_profile(
    "platinum",
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("platinum")
