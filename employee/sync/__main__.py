"""Operator CLI: ``python -m employee.sync init-remote|clone|status|sync|scan-remote``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from employee.errors import EmployeeError, SyncError
from employee.sync.policy import AGENTS, DEFAULT_SIZE_CAP
from employee.sync.remote import init_remote
from employee.sync.replica import Replica
from employee.sync.scan import scan_remote

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m employee.sync", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("init-remote", help="create the protected bare remote")
    p.add_argument("path", type=Path)
    p.add_argument("--size-cap", type=int, default=DEFAULT_SIZE_CAP)
    p = sub.add_parser("clone", help="clone a replica for one agent")
    p.add_argument("remote")
    p.add_argument("path", type=Path)
    p.add_argument("--agent", required=True, choices=AGENTS)
    p.add_argument("--state-dir", type=Path, help="private state (default: PATH.state)")
    for name, text in (("status", "show tip, queue and online state"), ("sync", "sync now")):
        p = sub.add_parser(name, help=text)
        p.add_argument("path", type=Path)
        p.add_argument("--state-dir", type=Path)
    p = sub.add_parser("scan-remote", help="scan every object of a remote for secrets")
    p.add_argument("path", type=Path)
    p.add_argument("--canary", action="append", default=[])
    return parser


def _state_dir(path: Path, given: Path | None) -> Path:
    return given if given is not None else path.with_name(path.name + ".state")


def _open(path: Path, state_dir: Path | None) -> Replica:
    from employee.sync._git import Git, hermetic_env

    if not (path / ".git").exists():
        raise SyncError("not a replica (no .git)", path=str(path))
    git = Git(path, hermetic_env(path))
    agent = git.run("config", "--get", "platinum.agent", check=False).stdout.decode().strip()
    return Replica.open(path, agent=agent, state_dir=_state_dir(path, state_dir))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (1 on findings or errors)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "init-remote":
            print(init_remote(args.path, size_cap=args.size_cap))
        elif args.command == "clone":
            state = _state_dir(args.path, args.state_dir)
            rep = Replica.clone(args.remote, args.path, agent=args.agent, state_dir=state)
            print(f"{rep.agent} replica at {rep.path} (state {rep.state_dir}) tip {rep.tip()}")
        elif args.command in ("status", "sync"):
            rep = _open(args.path, args.state_dir)
            if args.command == "sync":
                result = rep.sync()
                print(
                    f"online={result.online} replayed={len(result.replayed)} "
                    f"conflicts={len(result.conflicts)} quarantined={result.quarantined}"
                )
            print(
                f"agent={rep.agent} tip={rep.tip()} queued={len(rep.queue)} remote={rep.remote_url}"
            )
        else:
            report = scan_remote(args.path, args.canary)
            print(f"{report.objects} objects, {report.blobs} blobs scanned")
            for finding in report.findings:
                print(f"finding: {finding}")
            for path in report.outside_allow_list:
                print(f"outside allow-list: {path}")
            for name in report.quarantine_leftovers:
                print(f"quarantine leftover: {name}")
            return 0 if report.clean else 1
    except (EmployeeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
