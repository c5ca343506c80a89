"""The Platinum gate, bound from features/platinum_demo.feature."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("platinum_demo.feature")
