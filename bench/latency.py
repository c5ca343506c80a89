"""End-to-end latencies on a running world: email → approval on the remote → SMTP.

One mail at a time (each sample runs to the task's filing in ``Done/`` before the next mail
is delivered, so samples do not overlap): the customer's mail goes into the fake mail server,
the benchmark watches the remote's ``main`` for ``Pending_Approval/…/APPROVAL_<task>--…``,
waits until the request is in Local's working tree, moves it to ``Approved/`` as the human
does, and takes the SMTP server's own acceptance time of the reply (``received_at``).

- email → approval: from just before the delivery call to the approval seen on the remote;
- approval → SMTP: from the human's move to the fake SMTP server's ``received_at``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bench.probe import RemoteProbe
from employee.vault import task_id_for
from harness.story import sent_replies
from harness.world import World

__all__ = ["LatencySamples", "deliver_sample", "measure_latency"]

BODY = """Hello,

thank you for the Q4 proposal you sent last week. Before we sign, could you tell me
whether the 12% volume discount also applies if we split the order into two
deliveries (October and December)?

Best regards,
Anna Keller
"""


@dataclass
class LatencySamples:
    """Milliseconds per sample for the two legs of the gate."""

    email_to_approval_ms: list[float] = field(default_factory=list)
    approval_to_smtp_ms: list[float] = field(default_factory=list)


def deliver_sample(world: World, n: int) -> str:
    """Deliver a customer question Cloud answers with a reply draft; returns its Message-ID."""
    return world.mail.deliver(
        sender=f"anna.keller+{n}@customer.test",
        sender_name="Anna Keller",
        subject=f"Question about the Q4 proposal ({n})",
        body=BODY,
    )


def measure_latency(world: World, samples: int, timeout: float = 60.0) -> LatencySamples:
    """Run ``samples`` mails through the gate one after the other on a started ``world``."""
    probe = RemoteProbe(world.remote)
    out = LatencySamples()
    for n in range(samples):
        to_approval, to_smtp = _one_sample(world, probe, n, timeout)
        out.email_to_approval_ms.append(to_approval)
        out.approval_to_smtp_ms.append(to_smtp)
    return out


def _one_sample(world: World, probe: RemoteProbe, n: int, timeout: float) -> tuple[float, float]:
    t_deliver = time.time()
    message_id = deliver_sample(world, n)
    task_id = task_id_for("email", message_id)
    world.wait_for(
        lambda: probe.find("Pending_Approval/", f"APPROVAL_{task_id}--"),
        timeout=timeout,
        describe=f"the approval for {task_id} on the remote",
        interval=0.002,
        max_interval=0.005,
    )
    to_approval = (time.time() - t_deliver) * 1000
    world.wait_for(
        lambda: world.human.pending_approvals(task_id),
        timeout=timeout,
        describe=f"the approval for {task_id} in Local's working tree",
        interval=0.002,
        max_interval=0.01,
    )
    t_approve = time.time()
    world.human.approve(task_id)
    sent = world.wait_for(
        lambda: sent_replies(world, message_id),
        timeout=timeout,
        describe=f"the reply to {message_id} at the SMTP server",
        interval=0.005,
        max_interval=0.02,
    )
    to_smtp = (sent[0].received_at.timestamp() - t_approve) * 1000
    world.wait_for(
        lambda: probe.find("Done/", f"/{task_id}.md"),
        timeout=timeout,
        describe=f"task {task_id} filed in Done/ on the remote",
        interval=0.005,
        max_interval=0.05,
    )
    return to_approval, to_smtp
