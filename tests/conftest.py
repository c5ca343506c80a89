"""Suite-wide settings: Hypothesis keeps no database in the repository tree; BDD steps load."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

pytest_plugins = ["tests.bdd.steps.common"]

settings.register_profile(
    "platinum",
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("platinum")
