"""`Story`: the tier's moments as verbs over a `World`, shared by scenarios and BDD steps.

Each verb acts through the world or waits on a condition *of the world* (the remote's tip,
the SMTP server's outbound record), never on what an agent says about itself, and remembers
when it saw things so latencies are measured between the harness's own observations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from employee.vault import task_id_for
from harness.errors import HarnessError
from harness.scenario import SeedMail
from harness.world import World

__all__ = ["MailRef", "Story", "sent_replies"]


@dataclass
class MailRef:
    """What the story learned about one delivered mail."""

    name: str
    mail: SeedMail
    message_id: str = ""
    task_id: str = ""
    delivered: float = 0.0
    on_remote: float = 0.0
    approved: float = 0.0
    sent: float = 0.0
    done: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def sent_replies(world: World, message_id: str) -> list[Any]:
    """Messages the SMTP server accepted whose In-Reply-To is ``message_id``."""
    found = []
    for out in world.mail.outbound():
        if str(out.message.get("In-Reply-To", "")).strip() == message_id:
            found.append(out)
    return found


class Story:
    """Verbs over one world; ``refs`` maps a mail's name to what was observed about it."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.refs: dict[str, MailRef] = {}

    def ref(self, name: str) -> MailRef:
        if name not in self.refs:
            raise HarnessError(f"mail {name!r} has not been delivered yet")
        return self.refs[name]

    def latencies(self) -> dict[str, float]:
        lat: dict[str, float] = {}
        for name, ref in self.refs.items():
            if ref.on_remote and ref.delivered:
                lat[f"{name}: email → approval on remote"] = _span(ref.delivered, ref.on_remote)
            if ref.sent and ref.approved:
                lat[f"{name}: approval → accepted by SMTP"] = _span(ref.approved, ref.sent)
            if ref.done and ref.approved:
                lat[f"{name}: approval → task in Done"] = _span(ref.approved, ref.done)
        return lat

    # -- acting ------------------------------------------------------------------------------
    def deliver(self, name: str, mail: SeedMail) -> MailRef:
        message_id = self.world.mail.deliver(
            sender=mail.from_addr,
            sender_name=mail.from_name,
            subject=mail.subject,
            body=mail.body,
            to=mail.to,
            headers=mail.headers_dict(),
        )
        ref = MailRef(name, mail, message_id, task_id_for("email", message_id))
        ref.delivered = time.monotonic()
        self.refs[name] = ref
        return ref

    def _await_pending(self, ref: MailRef, timeout: float) -> None:
        human = self.world.human
        self.world.wait_for(
            lambda: human.pending_approvals(ref.task_id),
            timeout=timeout,
            describe=f"the approval for {ref.task_id} in Local's working tree",
        )

    def approve(self, name: str, *, edit: str | None = None, timeout: float = 30.0) -> str:
        ref = self.ref(name)
        self._await_pending(ref, timeout)
        draft = self.world.human.read(ref.task_id).body
        moved = self.world.human.approve(ref.task_id, edit=edit)
        ref.approved = time.monotonic()
        ref.extra["approved_body"] = edit if edit is not None else draft
        if edit is not None:
            ref.extra["edit"] = edit
        return f"{moved.parent.name}/{moved.name}"

    def reject(self, name: str, *, timeout: float = 30.0) -> str:
        ref = self.ref(name)
        self._await_pending(ref, timeout)
        moved = self.world.human.reject(ref.task_id)
        ref.approved = time.monotonic()
        return f"{moved.parent.name}/{moved.name}"

    # -- waiting -------------------------------------------------------------------------------
    def wait_approval_on_remote(self, name: str, timeout: float = 30.0) -> list[str]:
        ref = self.ref(name)
        paths: list[str] = self.world.wait_for(
            lambda: self.world.remote.find("Pending_Approval/", f"APPROVAL_{ref.task_id}--"),
            timeout=timeout,
            describe=f"an approval request for {ref.task_id} on the remote",
            interval=0.005,
            max_interval=0.02,
        )
        ref.on_remote = time.monotonic()
        return paths

    def wait_sent(self, name: str, timeout: float = 30.0) -> Any:
        ref = self.ref(name)
        sent = self.world.wait_for(
            lambda: sent_replies(self.world, ref.message_id),
            timeout=timeout,
            describe=f"a reply to {ref.message_id} at the SMTP server",
            interval=0.005,
            max_interval=0.02,
        )
        ref.sent = time.monotonic()
        return sent[0]

    def done_paths(self, name: str) -> list[str]:
        task_id = self.ref(name).task_id
        return [p for p in self.world.remote.find("Done/") if p.endswith(f"/{task_id}.md")]

    def wait_done(self, name: str, timeout: float = 30.0, *, status: str = "") -> str:
        ref = self.ref(name)

        def done() -> str | None:
            for path in self.done_paths(name):
                if not status or f"status: {status}" in self.world.remote.read_text(path):
                    return path
            return None

        path = self.world.wait_for(
            done,
            timeout=timeout,
            describe=f"task {ref.task_id} in Done/ on the remote"
            + (f" with status {status}" if status else ""),
            interval=0.005,
            max_interval=0.05,
        )
        ref.done = time.monotonic()
        return str(path)

    # -- checking --------------------------------------------------------------------------------
    def check_sent_count(self, expected: int) -> int:
        count = len(self.world.mail.outbound())
        if count != expected:
            raise HarnessError(f"{count} messages reached SMTP, expected {expected}")
        return count

    def check_not_sent(self, name: str) -> None:
        ref = self.ref(name)
        sent = sent_replies(self.world, ref.message_id)
        if sent:
            raise HarnessError(f"{len(sent)} reply(ies) to {ref.message_id} were sent")

    def sent_body(self, name: str) -> str:
        ref = self.ref(name)
        sent = sent_replies(self.world, ref.message_id)
        if len(sent) != 1:
            raise HarnessError(f"{len(sent)} replies to {ref.message_id}, expected exactly 1")
        body = sent[0].message.get_body(preferencelist=("plain",))
        text = str(body.get_content()) if body is not None else ""
        return text.replace("\r\n", "\n")  # CRLF is the wire form of a text line

    def check_threaded_reply(self, name: str) -> None:
        """Exactly one reply: to the sender, ``Re:`` subject, In-Reply-To and References."""
        ref = self.ref(name)
        sent = sent_replies(self.world, ref.message_id)
        if len(sent) != 1:
            raise HarnessError(f"{len(sent)} replies to {ref.message_id}, expected exactly 1")
        msg = sent[0].message
        references = str(msg.get("References", "")).split()
        problems = []
        if not references or references[-1] != ref.message_id:
            problems.append(f"References {references} does not end with the parent id")
        if str(msg.get("Subject", "")) != f"Re: {ref.mail.subject}":
            problems.append(f"subject {msg.get('Subject')!r}")
        if [a.lower() for a in sent[0].rcpt_tos] != [ref.mail.from_addr.lower()]:
            problems.append(f"recipients {sent[0].rcpt_tos}")
        if problems:
            raise HarnessError("; ".join(problems))

    def check_audit(self, agent: str, action: str) -> None:
        entries = self.world.remote.audit_entries(agent)
        if not any(e.get("action_type") == action for e in entries):
            raise HarnessError(f"no {action!r} in {agent}'s audit log")


def _span(a: float, b: float) -> float:
    return round((b - a) * 1000, 1)
