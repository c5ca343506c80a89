"""Alerts the supervisor raises itself, through the (dead) agent's own replica."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from employee.config import AgentConfig
from employee.errors import EmployeeError
from employee.sync import Mutation, Replica, WriteOp
from employee.vault import layout, new_update

__all__ = ["alert_gave_up"]


def alert_gave_up(config: AgentConfig, history: list[dict[str, Any]]) -> bool:
    """Tell Local's dashboard the agent stays down; True when the alert was pushed or queued."""
    now = datetime.now(UTC)
    update_id = f"health-{config.agent}-gave-up-{now.strftime('%Y%m%dT%H%M%S')}"
    codes = ", ".join(str(h.get("exit_code")) for h in history[-5:])
    update = new_update(
        update_id=update_id,
        kind="alert",
        source=config.agent,
        created=now,
        title=f"{config.agent} agent keeps crashing; supervisor gave up after "
        f"{len(history)} exits ({codes})",
        body="An operator must look at the agent's logs and restart it.",
    )
    try:
        replica = Replica.open(config.vault, agent=config.agent, state_dir=config.state_dir)
        op = WriteOp(config.agent, Mutation.of({str(layout.update(update_id)): update}))
        result = replica.transact(op)
    except EmployeeError:
        return False
    return result.status in ("pushed", "queued")
