"""Suite-wide settings: Hypothesis keeps no database in the repository tree."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "platinum",
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("platinum")
