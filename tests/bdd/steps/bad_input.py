"""Steps of features/bad_input.feature: the hostile mail catalogue against the Cloud agent."""

from __future__ import annotations

import os
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from harness import faults, hostile
from harness.story import Story
from harness.world import World


@pytest.fixture
def hostile_run() -> dict[str, Any]:
    """What the bad-input steps learn along the way (pid, cases, delivery times)."""
    return {}


@given("the Cloud agent's pid is noted")
def note_pid(world: World, hostile_run: dict[str, Any]) -> None:
    hostile_run["pid"] = world.cloud.pid()


@when("these hostile mails arrive:")
def hostile_arrive(world: World, hostile_run: dict[str, Any], datatable: list[list[str]]) -> None:
    tag = os.urandom(4).hex()
    cases = [hostile.build(case, tag) for case, _ in datatable[1:]]
    assert [c.expect for c in cases] == [outcome for _, outcome in datatable[1:]]
    hostile_run["cases"] = [(c, faults.deliver_hostile(world, c)) for c in cases]


@then(parsers.parse("each hostile mail reaches the remote as its outcome within {bound:d} seconds"))
def each_outcome(world: World, hostile_run: dict[str, Any], bound: int) -> None:
    seen = [faults.wait_ingested(world, c, at) for c, at in hostile_run["cases"]]
    hostile_run["seconds"] = {s.case.name: round(s.seconds, 2) for s in seen}
    world.timeline.record("harness", "hostile_ingested", "catalogue", **hostile_run["seconds"])
    assert max(s.seconds for s in seen) < bound, hostile_run["seconds"]


@then("each quarantined mail is audited, alerted and kept only in Cloud's private quarantine")
def quarantined(world: World, hostile_run: dict[str, Any]) -> None:
    for case in (c for c, _ in hostile_run["cases"] if c.expect == "quarantine"):
        assert faults.quarantine_problems(world, case) == [], case.name


@then("no quarantined mail's bytes reach any object of the remote")
def no_leak(world: World, hostile_run: dict[str, Any]) -> None:
    canaries = [c.canary.encode() for c, _ in hostile_run["cases"] if c.expect == "quarantine"]
    assert not [c for blob in world.remote.blobs() for c in canaries if c in blob]


@then("each handled mail became a task with exactly the task's frontmatter keys")
def handled(world: World, hostile_run: dict[str, Any]) -> None:
    for case in (c for c, _ in hostile_run["cases"] if c.expect == "task"):
        meta = faults.first_version(world, case.task_id)
        assert hostile.frontmatter_problems(meta, case) == [], case.name


@then("no attachment name became a path in the vault")
def no_traversal(world: World, hostile_run: dict[str, Any]) -> None:
    assert faults.path_problems(world) == []
    case = next(c for c, _ in hostile_run["cases"] if c.name == "traversal_attachment")
    names = faults.first_version(world, case.task_id)["attachments"]
    assert len(names) == len(hostile.TRAVERSAL_FILENAMES)
    assert "passwd" in names  # the basename survives, the path does not


@then(
    parsers.parse(
        "the Cloud agent is the same process, healthy, and its peak memory stayed under {mb:d} MB"
    )
)
def still_running(world: World, hostile_run: dict[str, Any], mb: int) -> None:
    assert world.cloud.pid() == hostile_run["pid"]
    assert world.cloud.health()["status"] == "ok"
    hostile_run["memory"] = memory = faults.memory_of(hostile_run["pid"])
    world.timeline.record("harness", "memory", "cloud", rss=memory.rss_kb, peak=memory.peak_kb)
    assert hostile_run["memory"].peak_kb < mb * 1024, hostile_run["memory"]


@then(parsers.parse('the approval request for "{name}" reaches the remote'))
def approval_reaches(story: Story, name: str) -> None:
    story.wait_approval_on_remote(name, timeout=60)
