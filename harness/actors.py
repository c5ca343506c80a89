"""The verbs of a world: the mail world, Odoo, each agent, and the human at Local's laptop.

Each actor acts from *outside* the agents, the way the real world would: mail is delivered to
the mail server, the network to the remote is cut by removing the agent's link to it, the human
moves files in Local's working tree (as Obsidian does), a crash is a SIGKILL.
"""

from __future__ import annotations

import email.utils
import json
import os
import signal
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path, PurePosixPath
from typing import Any

from employee.local.inbox import note_task_id
from employee.mail.precheck import peek_message_id
from employee.vault import Document, Vault, parse_document, render_document
from harness.errors import HarnessError
from harness.process import ManagedProcess
from harness.timeline import Timeline

__all__ = ["AgentHandle", "HumanActor", "MailActor", "OdooActor", "SocialActor"]


class MailActor:
    """The outside mail world: customers writing in, and what reached the SMTP server."""

    def __init__(self, api: Any, *, owner: str, timeline: Timeline, ready: dict[str, Any]) -> None:
        self.api = api
        self.owner = owner
        self.ready = ready
        self._timeline = timeline
        self._counter = 0

    def deliver(
        self,
        *,
        sender: str,
        subject: str,
        body: str,
        sender_name: str = "",
        to: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> str:
        """Deliver a mail to the owner's INBOX; returns its Message-ID."""
        if raw is None:
            self._counter += 1
            msg = EmailMessage()
            msg["From"] = email.utils.formataddr((sender_name, sender)) if sender_name else sender
            msg["To"] = to or self.owner
            msg["Subject"] = subject
            msg["Date"] = email.utils.formatdate(localtime=False)
            msg["Message-ID"] = email.utils.make_msgid(domain="customer.test")
            for name, value in (headers or {}).items():
                msg[name] = value
            msg.set_content(body)
            raw = msg.as_bytes()
            message_id = str(msg["Message-ID"])
        else:
            message_id = peek_message_id(raw) or ""
        self.api.deliver(raw, to=to or self.owner)
        self._timeline.record("mail", "mail_delivered", message_id, subject=subject[:80])
        return message_id

    def outbound(self) -> list[Any]:
        """Every message the SMTP server accepted (envelope + raw), oldest first."""
        return list(self.api.outbound())

    def messages(self, mailbox: str = "INBOX", user: str | None = None) -> list[Any]:
        return list(self.api.messages(user or self.owner, mailbox))


class OdooActor:
    """The fake Odoo's test API (records, faults, down/up) plus its connection facts."""

    def __init__(self, ready: dict[str, Any], client: Any) -> None:
        self.ready = ready
        self.url: str = ready["url"]
        self.db: str = ready["db"]
        self.client = client

    def user(self, role: str) -> dict[str, Any]:
        for user in self.ready.get("users", []):
            if user.get("role") == role:
                return dict(user)
        raise HarnessError(f"fake Odoo has no {role} user")

    def records(self, model: str, domain: list[Any] | None = None) -> list[dict[str, Any]]:
        return list(self.client.records(model, domain or []))


class SocialActor:
    """The fake social API: its URL and what was published (read over its own HTTP API)."""

    def __init__(self, ready: dict[str, Any]) -> None:
        self.ready = ready
        self.url: str = ready["url"]
        self._tokens = {t["name"]: t["token"] for t in ready.get("tokens", [])}

    def posts(self) -> list[dict[str, Any]]:
        """Every post the API holds, as the publishing token sees them."""
        request = urllib.request.Request(  # noqa: S310 - loopback http
            f"{self.url}/v1/posts", headers={"Authorization": f"Bearer {self._tokens['local']}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            data = json.loads(response.read())
        posts: list[dict[str, Any]] = data.get("data", [])
        return posts


@dataclass
class AgentHandle:
    """One agent as the world sees it: its folders, its process, its link to the remote."""

    name: str
    home: Path
    vault_path: Path
    state_dir: Path
    secrets_dir: Path
    config_path: Path
    link: Path
    remote_path: Path
    timeline: Timeline
    process: ManagedProcess | None = None
    ready: dict[str, Any] = field(default_factory=dict)

    @property
    def vault(self) -> Vault:
        return Vault(self.vault_path)

    def pid(self) -> int:
        """The agent's own pid (the supervised child, not the supervisor)."""
        sup = self.state_dir / "supervisor.json"
        try:
            child = json.loads(sup.read_text()).get("child_pid")
        except (OSError, ValueError):
            child = None
        if isinstance(child, int):
            return child
        if self.process is None or self.process.pid is None:
            raise HarnessError(f"{self.name} is not running")
        return self.process.pid

    def health(self) -> dict[str, Any]:
        """GET the agent's health endpoint (its port is in its heartbeat file)."""
        beat = json.loads((self.state_dir / "heartbeat.json").read_text())
        url = str(beat["health_url"])
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback http
                data: dict[str, Any] = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            data = json.loads(exc.read())
        return data

    def crash(self) -> int:
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)
        self.timeline.record("harness", "crash", self.name, pid=pid)
        return pid

    @property
    def online(self) -> bool:
        return self.link.is_symlink()

    def go_offline(self) -> None:
        """Cut this agent's path to the remote (its remote URL points through ``link``)."""
        if self.link.is_symlink():
            self.link.unlink()
        self.timeline.record(self.name, "offline")

    def go_online(self) -> None:
        if not self.link.is_symlink():
            self.link.symlink_to(self.remote_path)
        self.timeline.record(self.name, "online")


class HumanActor:
    """The owner at Local's laptop, moving approval files in Local's working tree."""

    def __init__(self, local: AgentHandle, timeline: Timeline) -> None:
        self.local = local
        self._timeline = timeline

    def pending_approvals(self, task_id: str = "") -> list[Path]:
        root = self.local.vault_path / "Pending_Approval"
        if not root.is_dir():
            return []
        return sorted(p for p in root.glob("*/APPROVAL_*.md") if task_id in p.name)

    def _one(self, task_id: str, action: str) -> Path:
        matches = [p for p in self.pending_approvals(task_id) if f"--{action}" in p.name]
        if len(matches) != 1:
            found = [p.name for p in self.pending_approvals()]
            raise HarnessError(
                f"expected one pending {action} approval for {task_id}, found {found}"
            )
        return matches[0]

    def read(self, task_id: str, action: str = "send_email") -> Document:
        return parse_document(self._one(task_id, action).read_text(encoding="utf-8"))

    def approve(self, task_id: str, *, action: str = "send_email", edit: str | None = None) -> Path:
        """Move the approval into ``Approved/`` (after editing the draft body, if asked)."""
        source = self._one(task_id, action)
        if edit is not None:
            doc = parse_document(source.read_text(encoding="utf-8"))
            source.write_text(render_document(Document(doc.meta, edit)), encoding="utf-8")
            self._timeline.record("human", "draft_edited", source.name)
        return self._move(source, "Approved", "approved")

    def reject(self, task_id: str, *, action: str = "send_email") -> Path:
        return self._move(self._one(task_id, action), "Rejected", "rejected")

    def request_post(
        self,
        topic: str,
        *,
        scheduled_for: datetime | None = None,
        key_points: tuple[str, ...] = (),
        hashtags: tuple[str, ...] = (),
        note_name: str = "post request",
    ) -> str:
        """Drop a note asking for a post into ``Needs_Action/social/``; returns its task id."""
        meta: dict[str, Any] = {"type": "social_post", "topic": topic}
        if scheduled_for is not None:
            meta["scheduled_for"] = scheduled_for
        if hashtags:
            meta["hashtags"] = list(hashtags)
        body = "".join(f"- {point}\n" for point in key_points)
        text = render_document(Document(meta, body))
        rel = PurePosixPath("Needs_Action/social") / f"{note_name}.md"
        target = self.local.vault_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self._timeline.record("human", "post_requested", topic[:60])
        return note_task_id(rel, text)

    def _move(self, source: Path, folder: str, verb: str) -> Path:
        target_dir = self.local.vault_path / folder
        target_dir.mkdir(exist_ok=True)
        target = target_dir / source.name
        os.rename(source, target)
        self._timeline.record("human", verb, source.name)
        return target
