"""CloudAgent plumbing: one draft-mode Odoo server started ahead of need; Odoo refusals."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from employee.cloud.agent import CloudAgent
from employee.cloud.drafting import MAX_REFUSALS, DraftingError, is_refusal
from employee.cloud.ingest import ingest_op
from employee.config import AgentConfig, OdooEndpoint
from employee.errors import ToolError
from employee.mail import InboundMail, parse_inbound
from employee.mcp.client import ToolClient
from employee.runtime import open_replica as _open_replica
from employee.sync import init_remote
from employee.vault import layout
from fakes.odoo import FakeOdoo, OdooFault


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
    assert agent.servers._clients == {}
    with pytest.raises(DraftingError):
        agent._odoo_client()


def invoice_task(agent: CloudAgent, tmp_path: Path) -> tuple[str, int]:
    """An invoice request ingested and claimed on a real replica; returns (task id, epoch)."""
    init_remote(tmp_path / "remote.git")
    agent.replica = _open_replica(agent.config)
    msg = EmailMessage()
    msg["From"] = "Anna Keller <anna@customer.test>"
    msg["To"] = "owner@platinum.test"
    msg["Subject"] = "Invoice request"
    msg["Message-ID"] = "<inv1@customer.test>"
    msg.set_content("Please invoice 3 x Consulting day at 800 EUR.")
    raw = msg.as_bytes()
    mail = parse_inbound(raw)
    assert isinstance(mail, InboundMail)
    op = ingest_op(mail, raw, now=datetime.now(UTC))
    assert agent.replica.transact(op)
    claimed = agent.replica.claim("email", op.task_id, timedelta(minutes=5))
    return op.task_id, int(claimed.value.claim_epoch)


def test_odoo_refusing_a_draft_gives_up_with_an_alert(tmp_path: Path, odoo: FakeOdoo) -> None:
    agent = cloud(tmp_path, odoo)
    task_id, epoch = invoice_task(agent, tmp_path)
    odoo.inject_fault(
        OdooFault(kind="exception", model="res.partner", exception="odoo.exceptions.AccessError")
    )
    try:
        for attempt in range(1, MAX_REFUSALS + 1):
            agent._draft(task_id, epoch)
            assert agent.replica is not None
            meta = agent.replica.vault.read(layout.in_progress("cloud", task_id)).meta
            assert meta["status"] == ("done" if attempt == MAX_REFUSALS else "in_progress")
    finally:
        agent._odoo_client().close()
    assert agent.replica is not None
    (update,) = agent.replica.vault.list("Updates")
    note = agent.replica.vault.read(update)
    assert note.meta["kind"] == "alert"
    assert "Odoo refused it 3 times" in str(note.meta["title"])
    assert agent.replica.vault.list("Pending_Approval") == []
    assert task_id not in agent._retries


def test_odoo_being_down_never_gives_up(tmp_path: Path, odoo: FakeOdoo) -> None:
    agent = cloud(tmp_path, odoo)
    task_id, epoch = invoice_task(agent, tmp_path)
    odoo.down()
    try:
        for _ in range(MAX_REFUSALS + 1):
            agent._draft(task_id, epoch)
    finally:
        agent._odoo_client().close()
    assert agent.replica is not None
    meta = agent.replica.vault.read(layout.in_progress("cloud", task_id)).meta
    assert meta["status"] == "in_progress"
    assert agent._retries[task_id].attempts == MAX_REFUSALS + 1
    assert agent._retries[task_id].refusals == 0
    assert not is_refusal(ToolError("Odoo unavailable, nothing confirmed: Odoo refused (x)"))


def _worker(tmp_path: Path, name: str, remote: Path) -> CloudAgent:
    config = AgentConfig(
        agent="cloud",
        vault=tmp_path / name / "vault",
        state_dir=tmp_path / name / "state",
        remote=str(remote),
    )
    agent = CloudAgent(config)
    agent.replica = _open_replica(config)
    return agent


def test_a_worker_never_drafts_a_siblings_valid_claim(tmp_path: Path) -> None:
    remote = init_remote(tmp_path / "remote.git")
    first, second = _worker(tmp_path, "a", remote), _worker(tmp_path, "b", remote)
    msg = EmailMessage()
    msg["From"] = "Anna <anna@customer.test>"
    msg["To"] = "owner@platinum.test"
    msg["Subject"] = "A question"
    msg["Message-ID"] = "<q1@customer.test>"
    msg.set_content("Hello, does the discount apply to split deliveries?")
    mail = parse_inbound(msg.as_bytes())
    assert isinstance(mail, InboundMail)
    op = ingest_op(mail, msg.as_bytes(), now=datetime.now(UTC))
    assert first.replica is not None
    assert first.replica.transact(op)
    lease = timedelta(minutes=5)
    won = first.replica.claim("email", op.task_id, lease)
    assert won
    first.held.hold(op.task_id, won.value.claim_epoch)
    assert second.replica is not None
    second.replica.sync()
    second._resume("", op.task_id)  # the sibling's claim is valid: untouched
    task = second.replica.vault.read(layout.in_progress("cloud", op.task_id))
    assert task.meta["status"] == "in_progress"
    assert second.stats["drafted"] == 0
    first._resume("", op.task_id)  # its own claim: drafted
    assert first.stats["drafted"] == 1
    assert op.task_id not in first.held
    # What a worker holds survives its restart (the file is in its private state folder).
    first.held.hold("email-other", 3)
    assert _worker(tmp_path, "a", remote).held.epoch_of("email-other") == 3


def test_a_mail_whose_task_the_guard_refuses_is_quarantined_not_lost(tmp_path: Path) -> None:
    remote = init_remote(tmp_path / "remote.git")
    agent = _worker(tmp_path, "a", remote)
    msg = EmailMessage()
    msg["From"] = "ops@customer.test"
    msg["To"] = "owner@platinum.test"
    msg["Subject"] = "our config"
    msg["Message-ID"] = "<leak@customer.test>"
    msg.set_content("Here it is:\nSMTP_PASSWORD=hunter2hunter2\n")
    agent.ingest(1, msg.as_bytes())  # returns: the watcher may advance its cursor
    assert agent.stats["quarantined"] == 1
    assert agent.stats["tasks_created"] == 0
    assert agent.replica is not None
    (update,) = agent.replica.vault.list("Updates")
    assert agent.replica.vault.read(update).meta["kind"] == "alert"
    kept = list((tmp_path / "a" / "state" / "quarantine").glob("*.eml"))
    assert [p.read_bytes() for p in kept] == [msg.as_bytes()]
