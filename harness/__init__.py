"""The stage: builds a world of fakes, a git remote and agents, drives scenarios, writes reports."""

from __future__ import annotations

from harness.errors import HarnessError, ScenarioError, WaitTimeout, WorldStartupError
from harness.report import RunReport, path_tree, vault_tree, write_report
from harness.scenario import Scenario, load_scenario
from harness.story import Story
from harness.wait import wait_until
from harness.world import World, WorldOptions

__all__ = [
    "HarnessError",
    "RunReport",
    "Scenario",
    "ScenarioError",
    "Story",
    "WaitTimeout",
    "World",
    "WorldOptions",
    "WorldStartupError",
    "load_scenario",
    "path_tree",
    "vault_tree",
    "wait_until",
    "write_report",
]
