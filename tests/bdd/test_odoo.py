"""Odoo accounting through approvals, bound from features/odoo.feature."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("odoo.feature")
