"""Fault verbs over a running world, and the checks that go with them.

Faults go in from outside the agents, the way the real world would hand them out: SMTP and
IMAP replies from the fake mail server, the remote cut by removing both agents' links, raw
hostile bytes delivered to the mailbox. Every check reads the world (the SMTP server's
outbound record, the owner's Sent folder, the bare remote, ``/proc``), never what an agent
says about itself.
"""

from __future__ import annotations

import email
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from employee.vault import approval_id_for, parse_document, task_id_for
from fakes.mail import ImapFault, SmtpFault
from harness.actors import AgentHandle
from harness.errors import HarnessError
from harness.hostile import HostileMail
from harness.scenario import SeedMail
from harness.world import World, git

__all__ = [
    "Ingested",
    "Memory",
    "approval_outcome",
    "arm_smtp_fault",
    "break_next_fetch",
    "created_tasks",
    "customer_mail",
    "cut_remote",
    "dashboard_alert",
    "deliver_hostile",
    "first_version",
    "intent_times",
    "intents",
    "memory_of",
    "offline_with_queue",
    "outbox_entry",
    "parse_status_kb",
    "path_problems",
    "quarantine_problems",
    "restart_imap",
    "restore_remote",
    "sent_copies",
    "smtp_copies",
    "task_copies",
    "task_files",
    "wait_ingested",
]

_TASK_FILE = re.compile(r"^(?:Needs_Action/[^/]+|In_Progress/[^/]+|Done/[^/]+)/([^/]+)\.md$")


# -- mail faults ----------------------------------------------------------------------------------
def arm_smtp_fault(
    world: World, *, code: int | None = 451, drop_connection: bool = False, times: int = 1
) -> SmtpFault:
    """The next ``times`` SMTP DATA commands answer ``code`` (or drop after storing)."""
    fault = SmtpFault(stage="DATA", code=code, times=times, drop_connection=drop_connection)
    world.mail.api.inject_fault(fault)
    world.timeline.record("harness", "smtp_fault", f"DATA {code}", drop=drop_connection)
    return fault


def restart_imap(world: World) -> None:
    """Drop every IMAP connection, as a server restart does (the listener stays up)."""
    world.mail.api.drop_imap_connections()
    world.timeline.record("harness", "imap_restart")


def break_next_fetch(world: World, times: int = 1) -> ImapFault:
    """The next ``times`` FETCH commands are answered ``BYE`` (the server closes the session)."""
    fault = ImapFault(command="FETCH", reply="BYE", times=times)
    world.mail.api.inject_fault(fault)
    world.timeline.record("harness", "imap_fault", "FETCH BYE", times=times)
    return fault


def _message_ids(messages: Iterable[Any]) -> list[str]:
    ids = []
    for message in messages:
        parsed = email.message_from_bytes(message.raw)
        ids.append(str(parsed.get("In-Reply-To", "")).strip())
    return ids


def smtp_copies(world: World, in_reply_to: str) -> int:
    """How many messages the SMTP server accepted in reply to ``in_reply_to``."""
    replies = [str(out.message.get("In-Reply-To", "")).strip() for out in world.mail.outbound()]
    return replies.count(in_reply_to)


def sent_copies(world: World, in_reply_to: str) -> int:
    """How many replies to ``in_reply_to`` sit in the owner's Sent folder."""
    return _message_ids(world.mail.messages("Sent")).count(in_reply_to)


def customer_mail(name: str, subject: str) -> SeedMail:
    """A customer's question (the kind Cloud answers with a drafted reply), named ``name``."""
    return SeedMail(
        ref=name,
        from_addr=f"{name.replace('_', '.')}@customer.test",
        from_name=name.replace("_", " ").title(),
        subject=subject,
        body=(
            "Hello,\n\ncould you tell me whether the quoted price includes the onboarding "
            f"workshop? We would like to decide this week ({subject}).\n\nBest regards\n"
        ),
    )


def approval_outcome(world: World, task_id: str, action: str = "send_email") -> dict[str, Any]:
    """Frontmatter of the task's approval once filed in ``Done/`` (empty while not there)."""
    approval_id = approval_id_for(task_id, action)
    for path in world.remote.find("Done/", f"APPROVAL_{approval_id}"):
        return dict(parse_document(world.remote.read_text(path)).meta)
    return {}


def outbox_entry(world: World, task_id: str, action: str = "send_email") -> dict[str, Any]:
    """The task's ``outbox`` record of one approval, once the task is in ``Done/``."""
    approval_id = approval_id_for(task_id, action)
    for path in world.remote.find("Done/"):
        if path.endswith(f"/{task_id}.md"):
            outbox = parse_document(world.remote.read_text(path)).meta.get("outbox") or {}
            return dict(outbox.get(approval_id) or {})
    return {}


def intent_times(world: World, task_id: str, action: str = "send_email") -> list[datetime]:
    """When Local pushed each ``approval_intent`` for one approval (audit timestamps)."""
    approval_id = approval_id_for(task_id, action)
    return [
        datetime.fromisoformat(str(entry["timestamp"]))
        for entry in world.remote.audit_entries("local")
        if entry.get("action_type") == "approval_intent" and entry.get("target") == approval_id
    ]


def intents(world: World, task_id: str, action: str = "send_email") -> int:
    """How many ``approval_intent`` entries Local pushed for one approval."""
    return len(intent_times(world, task_id, action))


def dashboard_alert(world: World, task_id: str) -> bool:
    """Whether ``Dashboard.md`` on the remote shows an alert line naming ``task_id``."""
    if not world.remote.has("Dashboard.md"):
        return False
    text = world.remote.read_text("Dashboard.md")
    return any(task_id in line and "fail" in line.lower() for line in text.splitlines())


def created_tasks(world: World) -> Counter[str]:
    """Task id -> how many ``task_created`` entries Cloud pushed for it."""
    return Counter(
        str(entry.get("task_id"))
        for entry in world.remote.audit_entries("cloud")
        if entry.get("action_type") == "task_created"
    )


def offline_with_queue(agent: AgentHandle) -> bool:
    """The agent says it is offline with work queued (read from its health endpoint)."""
    health = agent.health()
    return not health.get("online") and int(health.get("queued", 0)) > 0


# -- the remote -----------------------------------------------------------------------------------
def cut_remote(world: World) -> None:
    """Both agents lose their path to the remote."""
    world.cloud.go_offline()
    world.local.go_offline()


def restore_remote(world: World) -> None:
    world.cloud.go_online()
    world.local.go_online()


def task_files(world: World) -> Counter[str]:
    """Task id -> how many task files (Needs_Action, In_Progress, Done) hold it on the remote."""
    found: Counter[str] = Counter()
    for path in world.remote.paths():
        match = _TASK_FILE.match(path)
        if match and not match.group(1).startswith(("PLAN_", "APPROVAL_")):
            found[match.group(1)] += 1
    return found


def task_copies(world: World, task_id: str) -> int:
    return task_files(world)[task_id]


def first_version(world: World, task_id: str) -> dict[str, Any]:
    """The frontmatter of a task as Cloud first pushed it (``Needs_Action/email/<id>.md``)."""
    path = f"Needs_Action/email/{task_id}.md"
    git_dir = f"--git-dir={world.remote_path}"
    shas = git(git_dir, "log", "--reverse", "--format=%H", "main", "--", path).split()
    if not shas:
        raise HarnessError(f"{path} was never on the remote")
    text = git(git_dir, "show", f"{shas[0]}:{path}")
    return dict(parse_document(text).meta)


# -- hostile mail ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ingested:
    """What the remote shows for one hostile mail, and how long it took to show it."""

    case: HostileMail
    path: str
    seconds: float


def deliver_hostile(world: World, case: HostileMail) -> float:
    """Deliver the raw bytes to the owner's INBOX; returns the monotonic delivery time."""
    # Straight to the mail server's API: ``MailActor.deliver(raw=...)`` parses the whole
    # message for its Message-ID, and the stdlib parser recurses out on deep MIME nesting.
    world.mail.api.deliver(case.raw, to=world.mail.owner)
    world.timeline.record("mail", "mail_delivered", case.message_id, subject=case.name)
    return time.monotonic()


def _on_remote(world: World, case: HostileMail) -> str | None:
    if case.expect == "quarantine":
        wanted = f"Updates/{case.task_id}--quarantined.md"
        paths = world.remote.paths()
        if wanted in paths:
            return wanted
        # the alert may already be consumed into the dashboard: the audit entry stays
        for entry in world.remote.audit_entries("cloud"):
            if (
                entry.get("action_type") == "mail_quarantined"
                and entry.get("task_id") == case.task_id
            ):
                return "Logs/cloud"
        return None
    return next((p for p in world.remote.paths() if p.endswith(f"/{case.task_id}.md")), None)


def wait_ingested(
    world: World, case: HostileMail, delivered: float, timeout: float = 90.0
) -> Ingested:
    """Wait for the case's task (or quarantine record) on the remote."""
    path = world.wait_for(
        lambda: _on_remote(world, case),
        timeout=timeout,
        describe=f"hostile mail {case.name} as a {case.expect} on the remote",
        interval=0.02,
        max_interval=0.2,
    )
    return Ingested(case, str(path), time.monotonic() - delivered)


def quarantine_problems(world: World, case: HostileMail) -> list[str]:
    """What is missing for a quarantined mail: audit entry, alert, private copy, no task."""
    problems = []
    audited = [
        e
        for e in world.remote.audit_entries("cloud")
        if e.get("action_type") == "mail_quarantined" and e.get("task_id") == case.task_id
    ]
    if len(audited) != 1:
        problems.append(f"{len(audited)} mail_quarantined entries for {case.name}")
    alert = f"Updates/{case.task_id}--quarantined.md"
    if not git(f"--git-dir={world.remote_path}", "log", "--format=%H", "main", "--", alert):
        problems.append(f"no alert {alert} was ever pushed")
    kept = world.cloud.state_dir / "quarantine" / f"{case.digest[:32]}.eml"
    if not kept.is_file() or kept.read_bytes() != case.raw:
        problems.append(f"the raw bytes are not kept in {kept}")
    if task_copies(world, task_id_for("email", case.message_id)):
        problems.append("a task was created as well")
    return problems


def path_problems(world: World) -> list[str]:
    """Remote paths that look like a traversal or an attachment written as a file."""
    return [
        path
        for path in world.remote.paths()
        if ".." in path.split("/") or "\\" in path or path.rsplit("/", 1)[-1] == "passwd"
    ]


# -- memory ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Memory:
    """Resident and peak-resident set size of a process, in KiB (``/proc/<pid>/status``)."""

    rss_kb: int
    peak_kb: int


def parse_status_kb(text: str) -> Memory:
    """``VmRSS``/``VmHWM`` from the text of ``/proc/<pid>/status``."""
    values: dict[str, int] = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    if "VmRSS" not in values:
        raise HarnessError("no VmRSS in the process status")
    return Memory(values["VmRSS"], values.get("VmHWM", values["VmRSS"]))


def memory_of(pid: int) -> Memory:
    return parse_status_kb(Path(f"/proc/{pid}/status").read_text(encoding="ascii"))
