"""The embedded remote's hooks: ``python -m employee.sync.hook pre-receive|post-receive``.

``pre-receive`` refuses a push unless every new commit passes :func:`check_push`: the pushing
agent is known (push option ``agent=NAME``, or ``PLATINUM_AGENT`` set by the SSH forced
command on a real server), only ``refs/heads/main`` moves, no merge commits, the commit author
is the pushing agent, and each changed path passes :func:`employee.sync.policy.check_changes`.
git keeps the pushed objects in a quarantine directory until this hook accepts, so a refused
secret never lands in the remote's object store.

``post-receive`` sends one UDP datagram to every listener registered under
``<remote>/platinum/listeners/`` so replicas fetch at once instead of polling.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from employee.sync._git import Git
from employee.sync.policy import (
    AGENTS,
    DEFAULT_SIZE_CAP,
    Violation,
    blob_reader,
    check_changes,
    parse_raw_diff,
)

__all__ = [
    "LISTENERS",
    "check_push",
    "main",
    "notify_listeners",
    "pre_receive",
    "pushing_agent",
]

LISTENERS = Path("platinum") / "listeners"
_ZERO = "0" * 40


def pushing_agent(env: Mapping[str, str]) -> str | None:
    """The agent a push claims to come from; ``None`` when missing or contradictory."""
    count = env.get("GIT_PUSH_OPTION_COUNT", "0")
    total = int(count) if count.isdigit() else 0
    options = [env.get(f"GIT_PUSH_OPTION_{i}", "") for i in range(total)]
    named = {o.split("=", 1)[1] for o in options if o.startswith("agent=")}
    forced = env.get("PLATINUM_AGENT")
    if forced:
        return forced if named <= {forced} else None
    return named.pop() if len(named) == 1 else None


def check_push(
    git: Git, agent: str | None, updates: Sequence[tuple[str, str, str]], size_cap: int
) -> list[Violation]:
    """Every reason to refuse ``updates`` (old, new, ref) pushed by ``agent``."""
    if agent not in AGENTS:
        return [Violation("identity", "", f"missing or unknown agent push option ({agent!r})")]
    found: list[Violation] = []
    for old, new, ref in updates:
        if ref != "refs/heads/main":
            found.append(Violation("path", ref, "only refs/heads/main may be pushed"))
            continue
        if new == _ZERO:
            found.append(Violation("path", ref, "deleting main is not allowed"))
            continue
        span = [new, "--not", "--all"] if old == _ZERO else [f"{old}..{new}"]
        log = git.out("log", "--reverse", "--format=%H%x00%P%x00%an", *span)
        for line in filter(None, log.splitlines()):
            commit, parents, author = [*line.split("\0"), "", ""][:3]
            found += check_commit(git, agent, commit, size_cap, parents.split(), author)
    return found


def check_commit(
    git: Git,
    agent: str,
    commit: str,
    size_cap: int,
    parents: Sequence[str] | None = None,
    author: str | None = None,
) -> list[Violation]:
    """Reasons to refuse one commit pushed by ``agent`` (parents/author read if not given)."""
    if parents is None or author is None:
        header = git.out("log", "-1", "--format=%P%x00%an", commit).split("\0")
        parents, author = header[0].split(), header[1] if len(header) > 1 else ""
    found: list[Violation] = []
    if len(parents) > 1:
        found.append(Violation("path", "", "merge commits are not allowed", commit))
    if author != agent:
        found.append(
            Violation("identity", "", f"author {author!r} is not pusher {agent!r}", commit)
        )
    raw = git.run("diff-tree", "-r", "--raw", "-z", "--no-renames", "--root", commit).stdout
    # diff-tree prints the commit id first for a single commit argument
    raw = raw.split(b"\0", 1)[1] if raw[:40] == commit.encode() else raw
    changes = parse_raw_diff(raw)
    read = blob_reader(changes, git.blobs, git.blob)
    violations = check_changes(agent, changes, read, size_cap=size_cap)
    return found + [Violation(v.kind, v.path, v.detail, commit) for v in violations]


def notify_listeners(git_dir: Path, message: bytes) -> int:
    """Send ``message`` to every registered listener; return how many were reached."""
    reached = 0
    folder = git_dir / LISTENERS
    if not folder.is_dir():
        return 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for entry in folder.iterdir():
            try:
                port = int(entry.read_text().strip())
                sock.sendto(message, ("127.0.0.1", port))
                reached += 1
            except (OSError, ValueError):
                continue
    return reached


def _size_cap(git: Git) -> int:
    proc = git.run("config", "--get", "platinum.sizeCap", check=False)
    text = proc.stdout.decode().strip()
    return int(text) if text.isdigit() else DEFAULT_SIZE_CAP


def pre_receive(env: Mapping[str, str], cwd: Path, stdin: str) -> tuple[int, list[str]]:
    """The ``pre-receive`` verdict for a push: exit status and the lines to print."""
    git = Git(cwd, dict(env))
    lines = [ln.split() for ln in stdin.splitlines() if ln.strip()]
    updates = [(ln[0], ln[1], ln[2]) for ln in lines if len(ln) == 3]
    violations = check_push(git, pushing_agent(env), updates, _size_cap(git))
    return (1 if violations else 0), [f"platinum: refused: {v}" for v in violations]


def main(argv: Sequence[str] | None = None, stdin: str | None = None) -> int:
    """Entry point for the hook scripts; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = sys.stdin.read() if stdin is None else stdin
    if args[:1] == ["pre-receive"]:
        status, messages = pre_receive(os.environ, Path.cwd(), text)
        for line in messages:
            print(line, file=sys.stderr)
        return status
    if args[:1] == ["post-receive"]:
        git = Git(Path.cwd(), dict(os.environ))
        notify_listeners(Path(git.out("rev-parse", "--absolute-git-dir")), b"changed")
        return 0
    print("usage: python -m employee.sync.hook pre-receive|post-receive", file=sys.stderr)
    return 2


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # skip interpreter teardown: a push waits for this hook
