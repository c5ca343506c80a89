"""``python -m harness.demo``: bring up a world, run a scenario, print progress, write a report.

The default scenario is the tier's gate (``scenarios/platinum_demo.yaml``): an email arrives
while Local is offline, Cloud drafts a reply and an approval request, Local comes back, the
human approves, Local sends through the email MCP server, logs, and files the task in Done/.
Exit status 0 only when every step passed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from harness.errors import HarnessError
from harness.report import render_console_table, write_report
from harness.runner import ScenarioRunner
from harness.scenario import load_scenario
from harness.world import World, WorldOptions

__all__ = ["DEFAULT_SCENARIO", "main", "run_demo"]

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "platinum_demo.yaml"


def run_demo(scenario_path: Path, report_dir: Path, *, quiet: bool = False) -> int:
    """Run one scenario end to end; returns the process exit status."""

    def say(line: str) -> None:
        if not quiet:
            print(line, flush=True)

    scenario = load_scenario(scenario_path)
    started = datetime.now(UTC)
    t0 = time.monotonic()
    say(f"Platinum demo: {scenario.name}")
    say(f"  {scenario.description.strip()}")
    say("Starting the world (fake mail, fake Odoo, git remote, Cloud and Local agents)…")
    try:
        with World(options=WorldOptions()) as world:
            say(f"  world up in {(time.monotonic() - t0) * 1000:.0f} ms at {world.root}")
            report = ScenarioRunner(world, scenario, progress=lambda s: say("  " + s)).run(
                started=started, t0=t0
            )
    except HarnessError as exc:
        say(f"✘ the world did not come up: {exc}")
        return 1
    files = write_report(report, report_dir)
    say("")
    say(render_console_table(report.latencies_ms))
    say(f"total wall time: {report.wall_ms / 1000:.2f} s")
    say(f"report: {files.get('report.md', report_dir)}")
    say("PASSED" if report.passed else "FAILED")
    return 0 if report.passed else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.demo", description=__doc__)
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        help="where to write report.md, events.json, summary.json (default: ./reports/<time>)",
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    report_dir = args.report_dir or Path("reports") / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return run_demo(args.scenario, report_dir, quiet=args.quiet)


if __name__ == "__main__":
    sys.exit(main())
