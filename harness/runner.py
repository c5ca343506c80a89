"""Run a scenario's steps against a `World` and produce a `RunReport`.

Each step verb (see `harness.scenario.VERBS`) maps to one small method that acts through the
world's verbs or waits on a condition *of the world* (the remote's tip, the SMTP server's
outbound record), never on what an agent says about itself. Latencies are measured by the
harness between its own observations: delivery → approval request on the remote, the human's
approval → message accepted by SMTP, and the whole run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from employee.vault import task_id_for
from harness.errors import HarnessError, WaitTimeout
from harness.report import RunReport, Step
from harness.scenario import Scenario, ScenarioStep
from harness.world import World

__all__ = ["ScenarioRunner", "sent_replies"]

Progress = Callable[[str], None]


@dataclass
class _Ref:
    """What the runner learned about one seeded mail."""

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


class ScenarioRunner:
    """Executes ``scenario`` on ``world`` step by step; stops at the first failing step."""

    def __init__(self, world: World, scenario: Scenario, progress: Progress | None = None) -> None:
        self.world = world
        self.scenario = scenario
        self.progress = progress or (lambda line: None)
        self.refs: dict[str, _Ref] = {}
        self._t0 = time.monotonic()

    def _ms(self, since: float | None = None) -> float:
        return round((time.monotonic() - (self._t0 if since is None else since)) * 1000, 1)

    def run(self, *, started: datetime | None = None, t0: float | None = None) -> RunReport:
        self._t0 = t0 if t0 is not None else time.monotonic()
        steps: list[Step] = []
        notes: list[str] = []
        for step in self.scenario.steps:
            self.progress(f"… {step.label}")
            try:
                detail = self._do(step)
                ok = True
            except (HarnessError, AssertionError, OSError) as exc:
                ok, detail = False, _short(exc)
            steps.append(Step(step.label, ok, self._ms(), detail or ""))
            self.progress(f"{'✔' if ok else '✘'} {step.label} ({self._ms():.0f} ms) {detail or ''}")
            if not ok:
                notes.append(f"stopped at step {step.index + 1}: {step.label}")
                break
        self.world.collect_audit()
        return RunReport(
            title=f"Platinum scenario: {self.scenario.name}",
            steps=steps,
            latencies_ms=self.latencies(),
            events=self.world.timeline.events(),
            sent_messages=[_message_dict(m) for m in self.world.mail.outbound()],
            vault_tree=_remote_tree(self.world),
            started=started or datetime.now(UTC),
            wall_ms=self._ms(),
            notes=notes,
        )

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

    # -- verbs ------------------------------------------------------------------------------
    def _do(self, step: ScenarioStep) -> str:
        handler = getattr(self, "_" + step.verb.replace(".", "_"), None)
        if handler is None:
            raise HarnessError(f"no handler for verb {step.verb!r}")
        result: str = handler(step)
        return result

    def _ref(self, step: ScenarioStep) -> _Ref:
        name = step.ref or ""
        if name not in self.refs:
            raise HarnessError(f"mail {name!r} has not been delivered yet")
        return self.refs[name]

    def _timeout(self, step: ScenarioStep, default: float = 30.0) -> float:
        return float(step.args.get("timeout") or default)

    def _local_go_offline(self, step: ScenarioStep) -> str:
        self.world.local.go_offline()
        return "Local's link to the remote removed"

    def _local_go_online(self, step: ScenarioStep) -> str:
        self.world.local.go_online()
        return "Local's link to the remote restored"

    def _mail_deliver(self, step: ScenarioStep) -> str:
        mail = self.scenario.mail(step.ref or "")
        message_id = self.world.mail.deliver(
            sender=mail.from_addr,
            sender_name=mail.from_name,
            subject=mail.subject,
            body=mail.body,
            to=mail.to,
            headers=mail.headers_dict(),
        )
        ref = _Ref(message_id=message_id, task_id=task_id_for("email", message_id))
        ref.delivered = time.monotonic()
        self.refs[mail.ref] = ref
        return f"{message_id} → task {ref.task_id}"

    def _wait_approval_on_remote(self, step: ScenarioStep) -> str:
        ref = self._ref(step)
        paths = self.world.wait_for(
            lambda: self.world.remote.find("Pending_Approval/", f"APPROVAL_{ref.task_id}--"),
            timeout=self._timeout(step),
            describe=f"an approval request for {ref.task_id} on the remote",
            interval=0.005,
            max_interval=0.02,
        )
        ref.on_remote = time.monotonic()
        return ", ".join(paths)

    def _human_approve(self, step: ScenarioStep) -> str:
        ref = self._ref(step)
        human = self.world.human
        self.world.wait_for(
            lambda: human.pending_approvals(ref.task_id),
            timeout=self._timeout(step),
            describe=f"the approval for {ref.task_id} in Local's working tree",
        )
        edit = step.args.get("edit")
        moved = human.approve(ref.task_id, edit=edit if isinstance(edit, str) else None)
        ref.approved = time.monotonic()
        if isinstance(edit, str):
            ref.extra["edit"] = edit
        return f"moved to {moved.parent.name}/{moved.name}"

    def _human_reject(self, step: ScenarioStep) -> str:
        ref = self._ref(step)
        human = self.world.human
        self.world.wait_for(
            lambda: human.pending_approvals(ref.task_id),
            timeout=self._timeout(step),
            describe=f"the approval for {ref.task_id} in Local's working tree",
        )
        moved = human.reject(ref.task_id)
        ref.approved = time.monotonic()
        return f"moved to {moved.parent.name}/{moved.name}"

    def _wait_sent(self, step: ScenarioStep) -> str:
        ref = self._ref(step)
        sent = self.world.wait_for(
            lambda: sent_replies(self.world, ref.message_id),
            timeout=self._timeout(step),
            describe=f"a reply to {ref.message_id} at the SMTP server",
            interval=0.005,
            max_interval=0.02,
        )
        ref.sent = time.monotonic()
        return f"{sent[0].message_id} to {', '.join(sent[0].rcpt_tos)}"

    def _done_path(self, ref: _Ref) -> list[str]:
        return [p for p in self.world.remote.find("Done/") if p.endswith(f"/{ref.task_id}.md")]

    def _wait_done(self, step: ScenarioStep) -> str:
        ref = self._ref(step)
        paths = self.world.wait_for(
            lambda: self._done_path(ref),
            timeout=self._timeout(step),
            describe=f"task {ref.task_id} in Done/ on the remote",
            interval=0.005,
            max_interval=0.05,
        )
        ref.done = time.monotonic()
        return paths[0]

    def _wait_rejected(self, step: ScenarioStep) -> str:
        ref = self._ref(step)

        def rejected() -> str | None:
            for path in self._done_path(ref):
                if "status: rejected" in self.world.remote.read_text(path):
                    return path
            return None

        path = self.world.wait_for(
            rejected, timeout=self._timeout(step), describe=f"task {ref.task_id} rejected"
        )
        ref.done = time.monotonic()
        return str(path)

    def _crash(self, step: ScenarioStep) -> str:
        pid = self.world.crash(str(step.args["agent"]))
        return f"killed pid {pid}"

    def _expect_sent_count(self, step: ScenarioStep) -> str:
        count = len(self.world.mail.outbound())
        expected = int(step.args["count"])
        if count != expected:
            raise HarnessError(f"{count} messages reached SMTP, expected {expected}")
        return f"{count} message(s) at SMTP"

    def _expect_not_sent(self, step: ScenarioStep) -> str:
        ref = self._ref(step)
        sent = sent_replies(self.world, ref.message_id)
        if sent:
            raise HarnessError(f"{len(sent)} reply(ies) to {ref.message_id} were sent")
        return "nothing sent"

    def _expect_sent_body_contains(self, step: ScenarioStep) -> str:
        ref = self._ref(step)
        text = str(step.args["text"]).strip()
        for out in sent_replies(self.world, ref.message_id):
            body = out.message.get_body(preferencelist=("plain",))
            if body is not None and text in body.get_content():
                return "found in the sent body"
        raise HarnessError(f"no reply to {ref.message_id} contains {text[:60]!r}")

    def _expect_sent_in_reply_to(self, step: ScenarioStep) -> str:
        ref = self._ref(step)
        mail = self.scenario.mail(step.ref or "")
        sent = sent_replies(self.world, ref.message_id)
        if len(sent) != 1:
            raise HarnessError(f"{len(sent)} replies to {ref.message_id}, expected exactly 1")
        msg = sent[0].message
        references = str(msg.get("References", "")).split()
        problems = []
        if not references or references[-1] != ref.message_id:
            problems.append(f"References {references} does not end with the parent id")
        if str(msg.get("Subject", "")) != f"Re: {mail.subject}":
            problems.append(f"subject {msg.get('Subject')!r}")
        if [a.lower() for a in sent[0].rcpt_tos] != [mail.from_addr.lower()]:
            problems.append(f"recipients {sent[0].rcpt_tos}")
        if problems:
            raise HarnessError("; ".join(problems))
        return "In-Reply-To, References, Re: subject and recipient are right"

    def _expect_audit(self, step: ScenarioStep) -> str:
        agent, action = str(step.args["agent"]), str(step.args["action"])
        entries = self.world.remote.audit_entries(agent)
        if not any(e.get("action_type") == action for e in entries):
            raise HarnessError(f"no {action!r} in {agent}'s audit log")
        return f"{agent} logged {action}"


def _span(a: float, b: float) -> float:
    return round((b - a) * 1000, 1)


def _short(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, WaitTimeout):
        text = text.split("\n", 1)[0]
    return text[:300]


def _message_dict(out: Any) -> dict[str, Any]:
    msg = out.message
    body = msg.get_body(preferencelist=("plain",))
    return {
        "envelope_from": out.mail_from,
        "envelope_to": list(out.rcpt_tos),
        "headers": {k: str(v) for k, v in msg.items()},
        "body": body.get_content() if body is not None else "",
    }


def _remote_tree(world: World) -> str:
    """The final vault as on the remote (the arbiter), drawn like ``tree``."""
    paths = world.remote.paths()
    if not paths:
        return "(empty)"
    lines: list[str] = []
    shown: set[tuple[str, ...]] = set()
    for path in paths:
        parts = tuple(path.split("/"))
        for depth in range(len(parts)):
            key = parts[: depth + 1]
            if key in shown:
                continue
            shown.add(key)
            suffix = "/" if depth < len(parts) - 1 else ""
            lines.append("    " * depth + parts[depth] + suffix)
    return "\n".join(lines)
