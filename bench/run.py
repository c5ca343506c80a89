"""``python -m bench.run``: measure DESIGN.md §5 on the embedded default, print, write JSON.

    python -m bench.run [--only NAME ...] [--samples N] [--burst N] [--out DIR]
                        [--resident-checker]

Benchmarks (``--only`` picks some; default all): ``propagation`` (two replicas on a protected
bare remote, no agents), ``latency`` (a whole world; one mail at a time through the gate) and
``burst`` (a whole world plus a second Cloud worker; N mails at once). The table shows p50,
p95 and max in milliseconds against the targets; ``<out>/bench.json`` holds the figures, the
raw samples, the burst's invariant checks and the load average before and after each run.
Exit status 1 when a target is missed or an invariant broke.

``--resident-checker`` makes the propagation benchmark's remote use
:mod:`employee.sync.checker` (the same push checks in a resident process). Worlds (the embedded
default) always use it since their bootstrap asks for it; the JSON records what was measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.burst import run_burst
from bench.latency import measure_latency
from bench.propagation import measure_propagation
from bench.stats import Summary, render_table, summarise
from employee.sync.checker import stop_checker
from employee.sync.remote import hook_script
from harness.world import World, WorldOptions

__all__ = ["BENCHMARKS", "TARGETS_MS", "main", "run_benchmarks"]

BENCHMARKS = ("propagation", "latency", "burst")
TARGETS_MS = {
    "git propagation: push → other working tree": 500.0,
    "email → approval file on the remote": 1000.0,
    "approval → mail accepted by SMTP": 1000.0,
}


def loadavg() -> str:
    """The first three fields of ``/proc/loadavg`` ("" where there is none)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


def _timed(results: dict[str, Any], name: str, body: Callable[[], Any]) -> Any:
    before, t0 = loadavg(), time.monotonic()
    value = body()
    results["runs"][name] = {
        "loadavg_before": before,
        "loadavg_after": loadavg(),
        "wall_s": round(time.monotonic() - t0, 2),
    }
    return value


@contextlib.contextmanager
def _world(root: Path, resident_checker: bool) -> Iterator[World]:
    with World(root, options=WorldOptions()) as world:
        if not resident_checker:
            yield world
            return
        hook = world.remote_path / "hooks" / "pre-receive"
        hook.write_text(hook_script("pre-receive", resident_checker=True))
        try:
            yield world
        finally:
            stop_checker(world.remote_path)


def run_benchmarks(
    only: Sequence[str],
    samples: int,
    burst: int,
    out: Path,
    say: Callable[[str], None],
    *,
    resident_checker: bool = False,
) -> tuple[list[Summary], dict[str, Any]]:
    """Run the chosen benchmarks; returns the summaries and the JSON document."""
    results: dict[str, Any] = {
        "runs": {},
        "samples_ms": {},
        "summaries": [],
        "burst": None,
        "resident_checker": resident_checker,
    }
    summaries: list[Summary] = []

    def add(name: str, samples_ms: list[float], target: float | None = None) -> None:
        summaries.append(summarise(name, samples_ms, target))
        results["samples_ms"][name] = [round(s, 2) for s in samples_ms]

    if "propagation" in only:
        say(f"propagation: {samples} pushes between two replicas…")
        prop = _timed(
            results,
            "propagation",
            lambda: measure_propagation(samples, out, resident_checker=resident_checker),
        )
        name = "git propagation: push → other working tree"
        add(name, prop.end_to_end_ms, TARGETS_MS[name])
        add("  of which the writer's transaction", prop.transaction_ms)
        add("  of which push accepted → visible", prop.after_push_ms)
    if "latency" in only:
        say(f"latency: {samples} mails through the gate, one at a time…")

        def latency() -> Any:
            t0 = time.monotonic()
            with _world(out / "world-latency", resident_checker) as world:
                results["runs"]["latency_world_up_s"] = round(time.monotonic() - t0, 2)
                return measure_latency(world, samples)

        lat = _timed(results, "latency", latency)
        name = "email → approval file on the remote"
        add(name, lat.email_to_approval_ms, TARGETS_MS[name])
        name = "approval → mail accepted by SMTP"
        add(name, lat.approval_to_smtp_ms, TARGETS_MS[name])
    if "burst" in only:
        say(f"burst: {burst} mails, two Cloud workers…")

        def run() -> Any:
            with _world(out / "world-burst", resident_checker) as world:
                return run_burst(world, burst)

        report = _timed(results, "burst", run)
        results["burst"] = report.as_dict()
    results["summaries"] = [s.as_dict() for s in summaries]
    return summaries, results


def _counts(burst: dict[str, Any] | None) -> dict[str, object]:
    if burst is None:
        return {}
    keys = ("mails", "tasks", "approvals", "lost", "double_claims", "misplaced")
    counts: dict[str, object] = {f"burst {k}": burst[k] for k in keys}
    counts["burst extra approvals / audit mismatches"] = (
        f"{burst['extra_approvals']} / {burst['audit_mismatch']}"
    )
    counts["burst drain"] = f"{burst['drain_s']} s ({burst['mails_per_s']} mails/s)"
    counts["burst drafts by worker"] = burst["claims_by_worker"]
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--only", action="append", choices=BENCHMARKS, default=None)
    parser.add_argument("--samples", type=int, default=50, help="samples per latency (50)")
    parser.add_argument("--burst", type=int, default=1000, help="mails in the burst (1000)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (./bench-out)")
    parser.add_argument(
        "--resident-checker",
        action="store_true",
        help="measure the remote with the resident pre-receive checker (not the default)",
    )
    args = parser.parse_args(argv)
    if args.samples < 1 or args.burst < 1:
        parser.error("--samples and --burst must be at least 1")
    out: Path = (args.out or Path("bench-out")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name in ("world-latency", "world-burst"):
        if (out / name).exists():
            parser.error(f"{out / name} exists: choose an empty --out folder")
    only = tuple(args.only or BENCHMARKS)
    print(f"load average at start: {loadavg()} ({os.cpu_count()} CPUs)", flush=True)
    if args.resident_checker:
        print("remote: resident pre-receive checker (not the embedded default)", flush=True)
    summaries, results = run_benchmarks(
        only,
        args.samples,
        args.burst,
        out,
        lambda s: print(s, flush=True),
        resident_checker=args.resident_checker,
    )
    results["argv"] = list(sys.argv if argv is None else argv)
    results["cpus"] = os.cpu_count()
    (out / "bench.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(render_table(summaries, _counts(results["burst"])))
    for name, run in results["runs"].items():
        if isinstance(run, dict):
            print(
                f"{name}: {run['wall_s']} s, load {run['loadavg_before']} → {run['loadavg_after']}"
            )
    print(f"written: {out / 'bench.json'}")
    missed = [s.name for s in summaries if s.met is False]
    problems = (results["burst"] or {}).get("problems", [])
    for line in [*(f"target missed: {m}" for m in missed), *problems]:
        print(line)
    return 1 if missed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
