"""Health of an agent: a loopback HTTP check, heartbeats in the private state folder, a supervisor.

- `HealthServer` answers ``GET /health`` with the agent's status as JSON (200 when healthy,
  503 when degraded) on 127.0.0.1.
- `Heartbeat` rewrites ``<state_dir>/heartbeat.json`` every few seconds (atomic replace), so a
  supervisor or an operator can tell a hung agent from a live one without a network call.
- `Supervisor` (``python -m employee supervise``) restarts a crashed agent with exponential
  backoff and a restart cap, and tells the agent's next incarnation why it was restarted.
"""

from __future__ import annotations

from employee.health.heartbeat import Heartbeat, read_heartbeat
from employee.health.server import HealthServer
from employee.health.supervisor import RestartPolicy, Supervisor

__all__ = ["HealthServer", "Heartbeat", "RestartPolicy", "Supervisor", "read_heartbeat"]
