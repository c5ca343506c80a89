"""Claims across replicas, bound from features/claims.feature."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("claims.feature")
