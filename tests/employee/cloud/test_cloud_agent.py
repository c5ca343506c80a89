"""CloudAgent plumbing: one draft-mode Odoo server per process, started ahead of need."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from employee.cloud.agent import CloudAgent
from employee.cloud.drafting import DraftingError
from employee.config import AgentConfig, OdooEndpoint
from employee.mcp.client import ToolClient
from fakes.odoo import FakeOdoo


@pytest.fixture
def odoo() -> Iterator[FakeOdoo]:
    with FakeOdoo(version="19") as fake:
        yield fake


def cloud(tmp_path: Path, odoo: FakeOdoo | None) -> CloudAgent:
    endpoint = None
    if odoo is not None:
        secret = tmp_path / "odoo_api_key"
        secret.write_text(odoo.drafter.api_key + "\n")
        endpoint = OdooEndpoint(
            url=odoo.url, db=odoo.db, login=odoo.drafter.login, secret_file=secret
        )
    config = AgentConfig(
        agent="cloud",
        vault=tmp_path / "vault",
        state_dir=tmp_path / "state",
        remote=str(tmp_path / "remote.git"),
        odoo=endpoint,
    )
    return CloudAgent(config)


def test_the_warm_up_starts_the_one_draft_server(tmp_path: Path, odoo: FakeOdoo) -> None:
    agent = cloud(tmp_path, odoo)
    clients: list[ToolClient] = []
    threads = [
        threading.Thread(target=lambda: clients.append(agent._odoo_client())) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len({id(c) for c in clients}) == 1
    try:
        agent._warm_up()
        assert agent._last_error == ""
        assert "create_draft_invoice" in clients[0].tools()
        assert "register_payment" not in clients[0].tools()
    finally:
        clients[0].close()


def test_without_odoo_the_warm_up_does_nothing(tmp_path: Path) -> None:
    agent = cloud(tmp_path, None)
    agent._warm_up()
    assert agent._odoo is None
    with pytest.raises(DraftingError):
        agent._odoo_client()
