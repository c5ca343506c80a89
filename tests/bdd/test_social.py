"""Scheduled social posts, bound from features/social.feature."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("social.feature")
