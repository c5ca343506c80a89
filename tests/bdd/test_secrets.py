"""Secrets never sync; Cloud holds no executive credential: features/secrets.feature."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("secrets.feature")
