"""Run a scenario's steps against a `World` and produce a `RunReport`.

Each step verb (see `harness.scenario.VERBS`) is a thin adapter over a `Story` verb. The run
stops at the first failing step; the report carries the steps, the latencies the story
measured, the timeline (harness events plus both agents' audit logs), the sent messages and
the final vault tree as on the remote.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from harness.errors import HarnessError, WaitTimeout
from harness.report import RunReport, Step, path_tree
from harness.scenario import Scenario, ScenarioStep
from harness.story import Story
from harness.world import World

__all__ = ["ScenarioRunner"]

Progress = Callable[[str], None]


class ScenarioRunner:
    """Executes ``scenario`` on ``world`` step by step; stops at the first failing step."""

    def __init__(self, world: World, scenario: Scenario, progress: Progress | None = None) -> None:
        self.world = world
        self.scenario = scenario
        self.story = Story(world)
        self.progress = progress or (lambda line: None)
        self._t0 = time.monotonic()

    def _ms(self) -> float:
        return round((time.monotonic() - self._t0) * 1000, 1)

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
            steps.append(Step(step.label, ok, self._ms(), detail))
            self.progress(f"{'✔' if ok else '✘'} {step.label} ({self._ms():.0f} ms) {detail}")
            if not ok:
                notes.append(f"stopped at step {step.index + 1}: {step.label}")
                break
        self.world.collect_audit()
        return RunReport(
            title=f"Platinum scenario: {self.scenario.name}",
            steps=steps,
            latencies_ms=self.story.latencies(),
            events=self.world.timeline.events(),
            sent_messages=[_message_dict(m) for m in self.world.mail.outbound()],
            vault_tree=remote_tree(self.world),
            started=started or datetime.now(UTC),
            wall_ms=self._ms(),
            notes=notes,
        )

    def _do(self, step: ScenarioStep) -> str:
        story, args, name = self.story, step.args, step.ref or ""
        timeout = float(args.get("timeout") or 30.0)
        verb = step.verb
        if verb == "local.go_offline":
            self.world.local.go_offline()
            return "Local's link to the remote removed"
        if verb == "local.go_online":
            self.world.local.go_online()
            return "Local's link to the remote restored"
        if verb == "mail.deliver":
            ref = story.deliver(name, self.scenario.mail(name))
            return f"{ref.message_id} → task {ref.task_id}"
        if verb == "wait.approval_on_remote":
            return ", ".join(story.wait_approval_on_remote(name, timeout))
        if verb == "human.approve":
            edit = args.get("edit")
            return "moved to " + story.approve(
                name, edit=edit if isinstance(edit, str) else None, timeout=timeout
            )
        if verb == "human.reject":
            return "moved to " + story.reject(name, timeout=timeout)
        if verb == "wait.sent":
            out = story.wait_sent(name, timeout)
            return f"{out.message_id} to {', '.join(out.rcpt_tos)}"
        if verb == "wait.done":
            return story.wait_done(name, timeout)
        if verb == "wait.rejected":
            return story.wait_done(name, timeout, status="rejected")
        if verb == "crash":
            return f"killed pid {self.world.crash(str(args['agent']))}"
        if verb == "expect.sent_count":
            return f"{story.check_sent_count(int(args['count']))} message(s) at SMTP"
        if verb == "expect.not_sent":
            story.check_not_sent(name)
            return "nothing sent"
        if verb == "expect.sent_body_contains":
            text = str(args["text"]).strip()
            if text not in story.sent_body(name):
                raise HarnessError(f"the reply to {name} does not contain {text[:60]!r}")
            return "found in the sent body"
        if verb == "expect.sent_in_reply_to":
            story.check_threaded_reply(name)
            return "In-Reply-To, References, Re: subject and recipient are right"
        if verb == "expect.audit":
            story.check_audit(str(args["agent"]), str(args["action"]))
            return f"{args['agent']} logged {args['action']}"
        raise HarnessError(f"no handler for verb {verb!r}")


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


def remote_tree(world: World) -> str:
    """The final vault as on the remote (the arbiter), drawn like ``tree``."""
    return path_tree(world.remote.paths())
