"""Looking at approvals, the dashboard and quarantine from outside; forging what an attacker could.

Reads go to the bare remote (the arbiter) or an agent's folders, never to what an agent says:

- `filed_approvals(remote, task_id)`: the approval files of a task in ``Done/`` and their final
  ``status`` (executed, rejected, expired, failed);
- `approval_expires(remote, task_id)`: when a pending approval stops being executable;
- `DashboardView`: ``Dashboard.md`` split into its sections (alerts, health, wikilinks);
- `quarantined_files(agent)`: what an agent kept in its private quarantine folder;
- `updates_pushed_by(remote, author)`: the ``Updates/`` notes an agent's commits touched.

Writes model the outside world: `forge_commit` writes a commit straight into the bare remote
(objects, then a compare-and-swap ``update-ref``), the way someone with access to the server
would slip a file past the ``pre-receive`` hook; `push_as` pushes through the hook like an
agent; `restore_approval` is the human dragging an executed approval back into ``Approved/``;
`nested_mail` is a hostile message the mail parser must refuse.
"""

from __future__ import annotations

import email.utils
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from employee.sync.hook import notify_listeners
from employee.vault import parse_document
from harness.actors import AgentHandle
from harness.errors import HarnessError
from harness.remote import RemoteView

__all__ = [
    "DashboardView",
    "PushOutcome",
    "approval_expires",
    "filed_approvals",
    "forge_commit",
    "nested_mail",
    "push_as",
    "quarantined_files",
    "restore_approval",
    "updates_pushed_by",
]

_LINK = re.compile(r"\[\[([^\]|\\]+)")


def _git(*args: str, env: Mapping[str, str] | None = None, stdin: bytes | None = None) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    base.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    base.update(env or {})
    done = subprocess.run(["git", *args], env=base, input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        raise HarnessError(f"git {' '.join(args[:3])}: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode().strip()


def _meta(text: str) -> dict[str, Any]:
    return dict(parse_document(text).meta)


# -- reading approvals --------------------------------------------------------------------------
def filed_approvals(remote: RemoteView, task_id: str) -> dict[str, str]:
    """``Done/`` path → ``status`` of every approval file of ``task_id`` on the remote."""
    prefix = f"APPROVAL_{task_id}--"
    return {
        path: str(_meta(remote.read_text(path)).get("status", ""))
        for path in remote.find("Done/")
        if path.rsplit("/", 1)[-1].startswith(prefix)
    }


def approval_expires(remote: RemoteView, task_id: str, action: str = "send_email") -> datetime:
    """The ``expires`` of the pending approval of ``task_id`` on the remote (UTC)."""
    found = remote.find("Pending_Approval/", f"APPROVAL_{task_id}--{action}")
    if len(found) != 1:
        raise HarnessError(f"expected one pending {action} approval for {task_id}, got {found}")
    value = _meta(remote.read_text(found[0])).get("expires")
    when = value if isinstance(value, datetime) else None
    if when is None and value:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if when is None:
        raise HarnessError(f"approval {found[0]} has no expires")
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def quarantined_files(agent: AgentHandle) -> list[Path]:
    """Every file in the agent's private quarantine folder (``<state>/quarantine``)."""
    folder = agent.state_dir / "quarantine"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def updates_pushed_by(remote: RemoteView, author: str) -> list[str]:
    """Every ``Updates/`` path that a commit by ``author`` added, in history order."""
    added: list[str] = []
    for commit in remote.commits():
        if commit.author != author:
            continue
        added += [p for p in commit.paths if p.startswith("Updates/") and p not in added]
    return added


# -- the dashboard ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DashboardView:
    """``Dashboard.md`` as the human reads it, split by its ``## `` sections."""

    text: str

    @classmethod
    def of(cls, remote: RemoteView) -> DashboardView:
        return cls(remote.read_text("Dashboard.md") if remote.has("Dashboard.md") else "")

    def section(self, title: str) -> str:
        """The lines under ``## title`` up to the next section ("" when absent)."""
        match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", self.text, re.M | re.S)
        return match.group(1).strip() if match else ""

    @property
    def alerts(self) -> list[str]:
        return [ln[2:].strip() for ln in self.section("Alerts").splitlines() if ln.startswith("- ")]

    @property
    def health(self) -> dict[str, str]:
        """Component → status, from the Health table."""
        rows: dict[str, str] = {}
        for line in self.section("Health").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if len(cells) >= 2 and cells[0] not in ("Component", "") and "---" not in cells[0]:
                rows[cells[0]] = cells[1]
        return rows

    def links(self, title: str) -> list[str]:
        """Wikilink targets in one section."""
        return _LINK.findall(self.section(title))


# -- acting from outside ------------------------------------------------------------------------
@dataclass(frozen=True)
class PushOutcome:
    accepted: bool
    output: str


def push_as(
    remote: Path, agent: str, files: Mapping[str, str], *, message: str = "push"
) -> PushOutcome:
    """Commit ``files`` as ``agent`` in a scratch clone and push through the remote's hooks."""
    with tempfile.TemporaryDirectory(prefix="platinum-push-") as tmp:
        work = Path(tmp) / "work"
        _git("clone", "-q", str(remote), str(work))
        for rel, content in files.items():
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        who = {"GIT_AUTHOR_NAME": agent, "GIT_AUTHOR_EMAIL": f"{agent}@platinum.invalid"}
        who |= {"GIT_COMMITTER_NAME": agent, "GIT_COMMITTER_EMAIL": f"{agent}@platinum.invalid"}
        _git("-C", str(work), "add", "-f", "--", *files)
        _git("-C", str(work), "commit", "-q", "-m", message, env=who)
        base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        base.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
        done = subprocess.run(
            ["git", "-C", str(work), "push", "-o", f"agent={agent}", "origin", "HEAD:main"],
            env=base,
            capture_output=True,
            text=True,
            check=False,
        )
    return PushOutcome(done.returncode == 0, done.stdout + done.stderr)


def forge_commit(
    remote: Path,
    *,
    author: str,
    files: Mapping[str, str],
    message: str,
    attempts: int = 20,
) -> str:
    """Add ``files`` to ``main`` by a commit authored as ``author``, bypassing every hook.

    Objects are written into the bare repository and ``main`` moves by a compare-and-swap
    ``update-ref`` (retried if an agent pushed meanwhile); listeners are then notified as
    git's post-receive would. Returns the new commit's sha.
    """
    git_dir = f"--git-dir={remote}"
    who = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": f"{author}@platinum.invalid"}
    who |= {"GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": f"{author}@platinum.invalid"}
    blobs = {
        rel: _git(git_dir, "hash-object", "-w", "--stdin", stdin=text.encode("utf-8"))
        for rel, text in files.items()
    }
    for _ in range(attempts):
        tip = _git(git_dir, "rev-parse", "refs/heads/main")
        with tempfile.TemporaryDirectory(prefix="platinum-forge-") as tmp:
            index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            _git(git_dir, "read-tree", tip, env=index)
            for rel, blob in blobs.items():
                _git(
                    git_dir,
                    "update-index",
                    "--add",
                    "--cacheinfo",
                    f"100644,{blob},{rel}",
                    env=index,
                )
            tree = _git(git_dir, "write-tree", env=index)
        commit = _git(git_dir, "commit-tree", tree, "-p", tip, "-m", message, env=who)
        try:
            _git(git_dir, "update-ref", "refs/heads/main", commit, tip)
        except HarnessError:
            continue  # an agent pushed in between: rebuild on the new tip
        notify_listeners(remote, b"changed")
        return commit
    raise HarnessError(f"could not forge a commit on {remote} after {attempts} attempts")


def restore_approval(agent: AgentHandle, task_id: str, action: str = "send_email") -> Path:
    """The human copies a filed approval from ``Done/`` back into ``Approved/`` (Local's tree)."""
    done = sorted((agent.vault_path / "Done").glob(f"*/APPROVAL_{task_id}--{action}.md"))
    if len(done) != 1:
        raise HarnessError(f"expected one filed {action} approval for {task_id}, got {done}")
    target = agent.vault_path / "Approved" / done[0].name
    target.parent.mkdir(exist_ok=True)
    shutil.copyfile(done[0], target)
    return target


def nested_mail(*, sender: str, to: str, depth: int = 40) -> bytes:
    """A multipart message nested ``depth`` levels deep (the parser refuses depth > 20)."""
    head = [
        f"From: {sender}",
        f"To: {to}",
        "Subject: Invoice attached",
        f"Date: {email.utils.formatdate(localtime=False)}",
        f"Message-ID: {email.utils.make_msgid(domain='hostile.test')}",
        "MIME-Version: 1.0",
    ]
    lines = list(head)
    for level in range(depth):
        lines += [f'Content-Type: multipart/mixed; boundary="b{level}"', "", f"--b{level}"]
    lines += ["Content-Type: text/plain", "", "payload"]
    lines += [f"--b{level}--" for level in reversed(range(depth))]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")
