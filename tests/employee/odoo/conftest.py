"""Fixtures: a FakeOdoo per Odoo version, and clients for its executive and drafter users."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from employee.odoo import OdooClient, OdooConfig
from fakes.odoo import FakeOdoo

ClientMaker = Callable[..., OdooClient]


@pytest.fixture(params=["19", "18", "17"])
def odoo(request: pytest.FixtureRequest) -> Iterator[FakeOdoo]:
    with FakeOdoo(version=request.param, db="platinum") as fake:
        yield fake


@pytest.fixture
def delays() -> list[float]:
    """Backoff delays the clients asked for (they never really sleep in tests)."""
    return []


@pytest.fixture
def make_client(odoo: FakeOdoo, delays: list[float]) -> Iterator[ClientMaker]:
    made: list[OdooClient] = []

    def make(role: str = "executive", **overrides: object) -> OdooClient:
        user = odoo.executive if role == "executive" else odoo.drafter
        settings: dict[str, object] = {
            "url": odoo.url,
            "db": odoo.db,
            "login": user.login,
            "secret": user.api_key,
        }
        settings.update(overrides)
        client = OdooClient(OdooConfig(**settings), sleep=delays.append)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
