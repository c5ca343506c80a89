"""Dashboard: Updates/ merged by Local only; approvals, health, alerts (dashboard.feature)."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("dashboard.feature")
