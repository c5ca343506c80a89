"""Hostile mail, bound from features/bad_input.feature."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("bad_input.feature")
