"""Extra replicas and workers on a world's remote: claim races, stale leases, planted secrets.

Everything here acts from *outside* the agents, on the world's own remote and processes:

- :func:`start_cloud_worker` starts a second Cloud process (its own clone, state folder, link
  and health endpoint; same mailbox) so two workers really race for the same mail;
- :func:`attach_replica` clones an :class:`~employee.sync.Replica` of the world's remote
  behind its own link (so it can go offline alone), with a settable :class:`ManualClock`;
- :func:`race` runs one callable per replica released together by a barrier;
- :func:`plant_canaries`, :func:`force_push` and :func:`blobs_holding` plant secrets in a
  working tree, push them past every client guard, and look for them in every object;
- :func:`environ_of`, :func:`children_of` and :func:`cloud_mcp_env` read what Cloud's
  processes hold and build the environment Cloud gives its MCP servers.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from employee.config import load_config, read_secret
from employee.sync import Mutation, Replica, TxResult, WriteOp
from employee.vault import layout, new_id, new_task, parse_document
from harness.actors import AgentHandle
from harness.errors import HarnessError
from harness.world import World

__all__ = [
    "FORBIDDEN_VARIABLES",
    "Canaries",
    "CloudWorker",
    "Contest",
    "ManualClock",
    "ReplicaHandle",
    "attach_replica",
    "audit_of",
    "blobs_holding",
    "children_of",
    "claim_commits",
    "cloud_mcp_env",
    "contest",
    "credentials_in",
    "environ_of",
    "force_push",
    "held_on_remote",
    "paste_note",
    "plant_canaries",
    "race",
    "secret_values",
    "seed_task",
    "start_cloud_worker",
]


class ManualClock:
    """A settable UTC clock for leases (starts at the real time; git keeps its own)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


# -- replicas ----------------------------------------------------------------------------------


@dataclass
class ReplicaHandle:
    """A harness-driven replica of the world's remote, reached through its own link."""

    name: str
    replica: Replica
    link: Path
    remote_path: Path
    clock: ManualClock
    results: list[TxResult] = field(default_factory=list)

    @property
    def online(self) -> bool:
        return self.link.is_symlink()

    def go_offline(self) -> None:
        if self.link.is_symlink():
            self.link.unlink()

    def go_online(self) -> None:
        if not self.link.is_symlink():
            self.link.symlink_to(self.remote_path)

    def run(self, op: Callable[[Replica], TxResult]) -> TxResult:
        """Run one transaction and remember its result."""
        result = op(self.replica)
        self.results.append(result)
        return result


def attach_replica(
    world: World, name: str, agent: str, clock: ManualClock | None = None
) -> ReplicaHandle:
    """Clone the world's remote for ``agent`` under ``<root>/replicas/<name>``, own link."""
    home = world.root / "replicas" / name
    if home.exists():
        raise HarnessError(f"replica {name!r} already exists at {home}")
    link = _link(world, f"replica-{name}")
    clock = clock or ManualClock()
    replica = Replica.clone(
        str(link), home / "vault", agent=agent, state_dir=home / "state", clock=clock
    )
    world.timeline.record("harness", "replica_attached", name, agent=agent)
    return ReplicaHandle(name, replica, link, world.remote_path, clock)


def seed_task(handle: ReplicaHandle, domain: str, kind: str = "invoice_request") -> str:
    """Push a new pending task into ``Needs_Action/<domain>/``; returns its id."""
    task_id = new_id()
    doc = new_task(
        task_id=task_id,
        type=kind,
        domain=domain,
        created=handle.clock(),
        body="Seeded by the harness.\n",
    )
    rel = str(layout.needs_action(domain, task_id))
    note = f"seed {task_id}"
    result = handle.run(lambda r: r.transact(WriteOp(r.agent, Mutation.of({rel: doc}), note=note)))
    if result.status != "pushed":
        raise HarnessError(f"seeding task {task_id} failed: {result.status} {result.verdict}")
    return task_id


def race(handles: Sequence[ReplicaHandle], op: Callable[[Replica], TxResult]) -> list[TxResult]:
    """Run ``op`` on every replica at once (threads released by one barrier), in order."""
    barrier = threading.Barrier(len(handles))
    results: list[TxResult | None] = [None] * len(handles)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = handles[index].run(op)
        except BaseException as exc:  # re-raised below, in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(handles))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors or any(t.is_alive() for t in threads):
        raise HarnessError(f"a racing replica failed: {errors!r}")
    return [r for r in results if r is not None]


@dataclass
class Contest:
    """Two harness replicas and the one task they contend for (``last``: latest result)."""

    task_id: str
    domain: str
    first: ReplicaHandle
    second: ReplicaHandle
    last: TxResult | None = None

    def marker(self, who: str) -> str:
        return f"drafted by {who} for {self.task_id}"

    def plan(self, who: str) -> Mutation:
        """The plan a holder would write from its claim (marked so it can be traced)."""
        rel = str(layout.plan(self.domain, self.task_id))
        return Mutation.of({rel: f"---\ntype: plan\n---\n{self.marker(who)}\n"})


def contest(
    world: World,
    first: tuple[str, str],
    second: tuple[str, str],
    *,
    domain: str = "finance",
) -> Contest:
    """Attach replicas ``(name, agent)`` twice, seed one task, let both see it."""
    a = attach_replica(world, *first)
    b = attach_replica(world, *second)
    task_id = seed_task(a, domain)
    b.replica.sync()
    return Contest(task_id, domain, a, b)


def held_on_remote(world: World, task_id: str) -> list[tuple[str, str, int]]:
    """``(path, claimed_by, claim_epoch)`` for every copy of ``task_id`` under ``In_Progress/``."""
    held = []
    for path in world.remote.find("In_Progress/", f"/{task_id}.md"):
        meta = parse_document(world.remote.read_text(path)).meta
        held.append((path, str(meta.get("claimed_by")), int(meta.get("claim_epoch", 0))))
    return held


# -- a second Cloud worker ------------------------------------------------------------------------


@dataclass
class CloudWorker:
    """A second Cloud process on the world's remote and mailbox."""

    name: str
    handle: AgentHandle

    def stats(self) -> dict[str, int]:
        data = self.handle.health().get("stats", {})
        return {str(k): int(v) for k, v in data.items()}


def start_cloud_worker(world: World, name: str = "cloud2") -> CloudWorker:
    """Start ``python -m employee cloud`` with a copy of Cloud's config on fresh paths."""
    home = world.root / name
    config = yaml.safe_load(world.cloud.config_path.read_text(encoding="utf-8"))
    link = _link(world, name)
    config.update(vault=str(home / "vault"), state_dir=str(home / "state"), remote=str(link))
    config_path = world.write_config(home / "config.yaml", config)
    handle = AgentHandle(
        name=name,
        home=home,
        vault_path=home / "vault",
        state_dir=home / "state",
        secrets_dir=world.cloud.secrets_dir,
        config_path=config_path,
        link=link,
        remote_path=world.remote_path,
        timeline=world.timeline,
    )
    argv = world.python_module("employee", "cloud", "--config", str(config_path))
    handle.process = world.spawn(name, argv)
    handle.ready = dict(handle.process.ready or {})
    return CloudWorker(name, handle)


def _link(world: World, name: str) -> Path:
    link = world.links / f"{name}.git"
    if link.exists() or link.is_symlink():
        raise HarnessError(f"link {link} already exists")
    link.symlink_to(world.remote_path)
    return link


# -- reading the remote -------------------------------------------------------------------------


def audit_of(world: World, agent: str, task_id: str, action: str = "") -> list[dict[str, Any]]:
    """``agent``'s audit entries about ``task_id`` on the remote (of ``action`` if given)."""
    return [
        e
        for e in world.remote.audit_entries(agent)
        if task_id in (e.get("task_id"), e.get("target"))
        and (not action or e.get("action_type") == action)
    ]


def claim_commits(world: World, task_id: str) -> list[str]:
    """Subjects of the commits on ``main`` that recorded a claim of ``task_id``."""
    return [c.subject for c in world.remote.commits() if c.subject.startswith(f"claim {task_id} ")]


# -- secrets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Canaries:
    """Unique secret-looking values and the files that carry them (paths relative to a vault).

    ``note`` is the human's inbox note with a pasted API key: Local tries to take it in.
    """

    values: tuple[str, ...]
    files: Mapping[str, bytes]
    note: tuple[str, bytes]
    symlink: str = "Plans/email/secret-link.md"

    @classmethod
    def make(cls, tag: str, *, oversized: int = 2 * 1024 * 1024) -> Canaries:
        """One canary per kind of leak; each file also matches a scanner pattern."""
        token = secrets.token_hex(8)
        v = [f"CANARY{n}{tag}{token}" for n in range(7)]
        files = {
            ".env": f"SMTP_PASSWORD={v[0]}\n",
            "token.json": json.dumps({"refresh_token": v[1], "client_secret": v[1]}),
            "whatsapp-session/session.json": json.dumps({"WABrowserId": v[2], "noiseKey": v[2]}),
            "banking/credentials.txt": f"IBAN: DE89{v[3]}\npin = {v[3]}\n",
            "Clients/Acme/.env": f"PAYMENT_TOKEN={v[4]}\n",
            "Big notes.md": "x" * oversized + f"\npassword: {v[5]}\n",
        }
        note = ("Needs_Action/social/launch post.md", f"Launch post.\n\napi_key = sk-live-{v[6]}\n")
        return cls(tuple(v), {k: t.encode() for k, t in files.items()}, (note[0], note[1].encode()))

    def every_file(self) -> dict[str, bytes]:
        return {**self.files, self.note[0]: self.note[1]}


def plant_canaries(vault: Path, canaries: Canaries, secret_file: Path) -> list[Path]:
    """Write the canary files (not the note) into a working tree, plus a symlink to a secret."""
    planted = [_write(vault / rel, data) for rel, data in canaries.files.items()]
    link = vault / canaries.symlink
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret_file)
    return [*planted, link]


def paste_note(vault: Path, canaries: Canaries) -> Path:
    """The owner drops a note holding an API key into the inbox (``Needs_Action/``)."""
    return _write(vault / canaries.note[0], canaries.note[1])


def _write(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def force_push(
    remote: Path, workdir: Path, canaries: Canaries, secret_file: Path, *, push_as: str
) -> dict[str, str | None]:
    """Push each canary file (and the symlink) from a plain clone past every client guard.

    Commits are authored as ``push_as`` (so only the content and path rules can refuse them):
    ``git add -f``, ``commit --no-verify``, ``push -o agent=<push_as>``, one file per push.
    Returns, per path, ``None`` when the remote accepted it, else the remote's refusal.
    """
    clone = workdir / "clone"
    _git(workdir, "clone", "-q", str(remote), str(clone))
    who = {"user.name": push_as, "user.email": f"{push_as}@platinum.invalid"}
    for key, value in who.items():
        _git(clone, "config", key, value)
    files = canaries.every_file()
    outcome: dict[str, str | None] = {}
    for rel in [*files, canaries.symlink]:
        for _attempt in range(20):  # the agents keep pushing: a lost race is retried
            done = _commit_and_push(clone, rel, files.get(rel), secret_file, push_as)
            if done.returncode == 0 or not any(m in done.stderr for m in _RACE):
                break
        refusals = [ln for ln in done.stderr.splitlines() if "refused" in ln or "rejected" in ln]
        outcome[rel] = None if done.returncode == 0 else "\n".join(refusals) or done.stderr
    return outcome


_RACE = ("fetch first", "non-fast-forward")


def _commit_and_push(
    clone: Path, rel: str, data: bytes | None, secret_file: Path, push_as: str
) -> subprocess.CompletedProcess[str]:
    """At the remote's tip: force-add ``rel`` (a symlink when ``data`` is None), commit, push."""
    _git(clone, "fetch", "-q", "origin")
    _git(clone, "reset", "-q", "--hard", "origin/main")
    target = clone / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if data is None:
        target.symlink_to(secret_file)
    else:
        target.write_bytes(data)
    _git(clone, "add", "-f", "--", rel)
    _git(clone, "commit", "-q", "--no-verify", "-m", f"add {rel}")
    push = ["push", "-q", "-o", f"agent={push_as}", "origin", "HEAD:refs/heads/main"]
    return _git(clone, *push, check=False)


def blobs_holding(blobs: Iterable[bytes], values: Iterable[str]) -> list[str]:
    """The ``values`` found in any of ``blobs`` (each listed once)."""
    data = list(blobs)
    return [v for v in values if any(v.encode() in blob for blob in data)]


def secret_values(agent: AgentHandle) -> list[str]:
    """The contents of every file in an agent's secrets folder."""
    return [p.read_text(encoding="utf-8").strip() for p in sorted(agent.secrets_dir.iterdir())]


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        HOME=str(cwd),
    )
    cwd.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise HarnessError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done


# -- what Cloud's processes hold -----------------------------------------------------------------


def environ_of(pid: int) -> dict[str, str] | None:
    """The environment of a process from ``/proc/<pid>/environ`` (``None`` once it is gone)."""
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return None
    pairs = (item.decode("utf-8", "replace").partition("=") for item in raw.split(b"\0") if item)
    return {name: value for name, _, value in pairs}


def children_of(pid: int) -> dict[int, str]:
    """Every live descendant of ``pid`` and its command line (parents from ``/proc/*/stat``)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2 :].split()
        parents[int(stat.parent.name)] = int(fields[1])
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child in [c for c, ppid in parents.items() if ppid == parent]:
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except (FileNotFoundError, ProcessLookupError):
                continue
            found[child] = cmdline.replace(b"\0", b" ").decode("utf-8", "replace").strip()
            frontier.append(child)
    return found


#: Variable-name fragments of send, posting, payment, WhatsApp or banking settings.
FORBIDDEN_VARIABLES = ("SMTP", "WHATSAPP", "BANK", "PAYMENT", "PUBLISH")


def credentials_in(env: Mapping[str, str], secrets_held: Iterable[str]) -> list[str]:
    """Variables of ``env`` named like an executive setting or holding one of ``secrets_held``."""
    values = [s for s in secrets_held if s]
    return sorted(
        name
        for name, value in env.items()
        if any(word in name.upper() for word in FORBIDDEN_VARIABLES)
        or any(secret in value for secret in values)
    )


def cloud_mcp_env(world: World) -> dict[str, dict[str, str]]:
    """The environment Cloud gives each MCP server it may run (module → variables)."""
    cfg = load_config(world.cloud.config_path)
    if cfg.imap is None or cfg.odoo is None or cfg.social is None:
        raise HarnessError("Cloud's configuration lacks imap, odoo or social")
    imap, odoo = cfg.imap, cfg.odoo
    return {
        "employee.mcp.odoo": {
            "ODOO_URL": odoo.url,
            "ODOO_DB": odoo.db,
            "ODOO_LOGIN": odoo.login,
            "ODOO_SECRET": read_secret(odoo.secret_file),
            "ODOO_PROTOCOL": odoo.protocol,
            "ODOO_ROLE": odoo.role,
        },
        "employee.mcp.email": {
            "EMAIL_IMAP_HOST": imap.host,
            "EMAIL_IMAP_PORT": str(imap.port),
            "EMAIL_IMAP_SECURITY": imap.security,
            "EMAIL_USERNAME": imap.username,
            "EMAIL_PASSWORD_FILE": str(imap.password_file),
            "EMAIL_CA_FILE": str(imap.ca_file or ""),
            "EMAIL_FROM": cfg.mail_from,
            "EMAIL_MESSAGE_ID_DOMAIN": cfg.message_id_domain,
        },
        "employee.mcp.social": {
            "SOCIAL_API_URL": cfg.social.url,
            "SOCIAL_TOKEN_FILE": str(cfg.social.token_file),
        },
    }
