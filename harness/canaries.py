"""Secrets in a world: canaries to plant, forced pushes that must be refused, process readers.

The planted canaries and the forced pushes go in the way a careless human or an attacker
would (files in a working tree, ``git add -f``, ``--no-verify``); the checks read every object
of the remote and the environment of every process Cloud runs.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from employee.config import load_config
from employee.mcp.servers import ServerName, server_env
from harness.actors import AgentHandle
from harness.errors import HarnessError
from harness.world import World

__all__ = [
    "FORBIDDEN_VARIABLES",
    "Canaries",
    "blobs_holding",
    "children_of",
    "cloud_mcp_env",
    "credentials_in",
    "environ_of",
    "force_push",
    "paste_note",
    "plant_canaries",
    "secret_values",
]


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
    names: tuple[ServerName, ...] = ("odoo", "email", "social")
    return {f"employee.mcp.{name}": server_env(cfg, name) for name in names}
