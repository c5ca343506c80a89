"""Crash recovery, Odoo outages and the Odoo backup drill, bound from features/health.feature."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("health.feature")
