"""Steps of features/claims.feature: extra workers and replicas on the world's remote."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytest_bdd import given, parsers, then, when

from harness.replicas import (
    CloudWorker,
    Contest,
    audit_of,
    claim_commits,
    contest,
    held_on_remote,
    start_cloud_worker,
)
from harness.story import Story
from harness.world import World

LEASE = timedelta(seconds=30)
LOSER_ACTIONS = ("duplicate", "claim_lost")


@given("a second Cloud worker on the same remote and mailbox", target_fixture="second_worker")
def second_worker(world: World) -> CloudWorker:
    return start_cloud_worker(world, "cloud2")


@then(parsers.parse('both Cloud workers have handled the mail "{name}"'))
def both_handled(story: Story, world: World, second_worker: CloudWorker, name: str) -> None:
    story.wait_approval_on_remote(name)
    task_id = story.ref(name).task_id
    world.wait_for(
        lambda: (
            world.cloud.health()["stats"]["mail_seen"] + second_worker.stats()["mail_seen"] >= 2
            and any(audit_of(world, "cloud", task_id, action) for action in LOSER_ACTIONS)
        ),
        describe=f"both workers saw {task_id} and the loser's entry reached the remote",
    )


@then(
    parsers.parse('the remote accepted exactly one creation, one claim and one draft of "{name}"')
)
def one_claim(story: Story, world: World, second_worker: CloudWorker, name: str) -> None:
    task_id = story.ref(name).task_id
    assert len(claim_commits(world, task_id)) == 1, claim_commits(world, task_id)
    assert len(audit_of(world, "cloud", task_id, "claim_won")) == 1
    assert len(audit_of(world, "cloud", task_id, "task_created")) == 1
    stats = world.wait_for(
        lambda: (
            (both := [world.cloud.health()["stats"], second_worker.stats()])
            and sum(s["drafted"] for s in both) >= 1
            and both
        ),
        describe="the winner's report of its draft",
    )
    assert sum(s["tasks_created"] for s in stats) == 1, stats
    assert sum(s["drafted"] for s in stats) == 1, stats
    assert len(audit_of(world, "cloud", task_id, "completed")) == 1


@then(parsers.parse('the remote holds one claimed task and one approval request for "{name}"'))
def one_task(story: Story, world: World, name: str) -> None:
    task_id = story.ref(name).task_id
    assert [h[0] for h in held_on_remote(world, task_id)] == [f"In_Progress/cloud/{task_id}.md"]
    assert not world.remote.find("Needs_Action/", task_id)
    assert len(world.remote.find("Pending_Approval/", f"APPROVAL_{task_id}--")) == 1


@then(
    parsers.parse(
        "the losing worker's duplicate or lost claim of \"{name}\" is in Cloud's audit log"
    )
)
def loser_logged(story: Story, world: World, second_worker: CloudWorker, name: str) -> None:
    task_id = story.ref(name).task_id
    lost = [e for a in LOSER_ACTIONS for e in audit_of(world, "cloud", task_id, a)]
    assert lost
    assert all(e["result"] == "lost" for e in lost), lost
    stats = [world.cloud.health()["stats"], second_worker.stats()]
    assert sum(s["duplicates"] + s["claims_lost"] for s in stats) >= 1, stats


# -- an offline claim ---------------------------------------------------------------------------


@given(
    "an offline Cloud replica and an online Local replica both see a pending task",
    target_fixture="contest",
)
def offline_and_online(world: World) -> Contest:
    race = contest(world, ("offline", "cloud"), ("online", "local"))
    race.first.go_offline()
    return race


@when("the offline replica claims the task and drafts a plan from its claim")
def offline_claims(contest: Contest) -> None:
    claim = contest.first.run(lambda r: r.claim(contest.domain, contest.task_id, LEASE))
    assert claim.status == "queued", claim
    epoch = int(claim.value.claim_epoch)
    plan = contest.plan("the offline replica")
    drafted = contest.first.run(lambda r: r.complete(contest.task_id, epoch, plan))
    assert drafted.status == "queued", drafted


@when("the online replica claims the task")
def online_claims(contest: Contest) -> None:
    won = contest.second.run(lambda r: r.claim(contest.domain, contest.task_id, LEASE))
    assert won.status == "pushed", won


@when("the offline replica comes back online")
def offline_returns(contest: Contest) -> None:
    contest.first.go_online()
    replayed = contest.first.replica.sync().replayed
    contest.first.results.extend(replayed)


@then(parsers.parse('the offline claim is dropped and logged as "{code}"'))
def offline_dropped(contest: Contest, world: World, code: str) -> None:
    claim = contest.first.results[-2]
    assert (claim.op.kind, claim.status, claim.verdict.code) == ("claim", "lost", code)
    assert audit_of(world, "cloud", contest.task_id, code)
    assert not contest.first.replica.queue.items()


@then("the plan drafted from the offline claim is fenced and never reaches the remote")
def offline_plan_fenced(contest: Contest, world: World) -> None:
    complete = contest.first.results[-1]
    assert (complete.op.kind, complete.status, complete.verdict.code) == (
        "complete",
        "lost",
        "fenced",
    )
    assert audit_of(world, "cloud", contest.task_id, "fenced")
    assert not world.remote.find("Plans/", contest.task_id)
    marker = contest.marker("the offline replica").encode()
    assert not [blob for blob in world.remote.blobs() if marker in blob]


@then("the remote shows the task held by the online replica alone")
def online_holds(contest: Contest, world: World) -> None:
    path = f"In_Progress/local/{contest.task_id}.md"
    assert held_on_remote(world, contest.task_id) == [(path, "local", 1)]
    assert len(claim_commits(world, contest.task_id)) == 1


# -- stale leases -------------------------------------------------------------------------------


@given("the world's own Cloud worker is paused")
def cloud_paused(world: World, request: pytest.FixtureRequest) -> None:
    pause = world.paused("cloud")
    pause.__enter__()
    request.addfinalizer(lambda: pause.__exit__(None, None, None))


@given(
    "two Cloud replicas see a task the first one claimed with a 30-second lease",
    target_fixture="contest",
)
def claimed_with_lease(world: World) -> Contest:
    race = contest(world, ("worker1", "cloud"), ("worker2", "cloud"))
    claim = race.first.run(lambda r: r.claim(race.domain, race.task_id, LEASE))
    assert claim.status == "pushed", claim
    race.second.clock.now = race.first.clock.now
    race.second.replica.sync()
    return race


@when("the second replica tries to reclaim it while the lease is valid")
def early_reclaim(contest: Contest) -> None:
    contest.last = contest.second.run(lambda r: r.reclaim(contest.task_id, LEASE, timedelta(0)))


@then(parsers.parse('the reclaim is refused as "{code}"'))
def reclaim_refused(contest: Contest, world: World, code: str) -> None:
    assert contest.last is not None
    assert (contest.last.status, contest.last.verdict.code) == ("lost", code)
    assert held_on_remote(world, contest.task_id)[0][1:] == ("cloud", 1)


@when(parsers.parse("{seconds:d} seconds pass on the second replica's clock and it reclaims again"))
def late_reclaim(contest: Contest, seconds: int) -> None:
    contest.second.clock.advance(seconds)
    contest.last = contest.second.run(lambda r: r.reclaim(contest.task_id, LEASE, timedelta(0)))
    assert contest.last.status == "pushed", contest.last


@then(parsers.parse("the remote records the task held at epoch {epoch:d}"))
def held_at_epoch(contest: Contest, world: World, epoch: int) -> None:
    path = f"In_Progress/cloud/{contest.task_id}.md"
    assert held_on_remote(world, contest.task_id) == [(path, "cloud", epoch)]
    assert audit_of(world, "cloud", contest.task_id, "reclaimed")


@when("the first replica completes the task at its old epoch")
def stale_complete(contest: Contest) -> None:
    plan = contest.plan("the stale holder")
    contest.last = contest.first.run(lambda r: r.complete(contest.task_id, 1, plan))


@then(parsers.parse('the completion is rejected as "{code}"'))
def completion_rejected(contest: Contest, world: World, code: str) -> None:
    assert contest.last is not None
    assert (contest.last.status, contest.last.verdict.code) == ("lost", code)
    contest.first.replica.sync()  # pushes the follow-up log entry
    assert audit_of(world, "cloud", contest.task_id, code)


@then("nothing from the stale completion reaches the remote")
def stale_not_on_remote(contest: Contest, world: World) -> None:
    assert not world.remote.find("Plans/", contest.task_id)
    marker = contest.marker("the stale holder").encode()
    assert not [blob for blob in world.remote.blobs() if marker in blob]
    path = f"In_Progress/cloud/{contest.task_id}.md"
    assert held_on_remote(world, contest.task_id) == [(path, "cloud", 2)]
