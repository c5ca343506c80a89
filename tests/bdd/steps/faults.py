"""Steps of features/faults.feature: SMTP/IMAP faults and a remote gone for both agents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytest_bdd import given, parsers, then, when

from harness import faults
from harness.story import Story
from harness.world import World


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


@given(parsers.parse("the SMTP server answers {code:d} to the next DATA"))
def smtp_transient(world: World, code: int) -> None:
    faults.arm_smtp_fault(world, code=code)


@given("the SMTP server drops the connection after the next DATA")
def smtp_drop(world: World) -> None:
    faults.arm_smtp_fault(world, code=None, drop_connection=True)


@given(parsers.parse("the SMTP server refuses the next DATA with {code:d}"))
def smtp_permanent(world: World, code: int) -> None:
    faults.arm_smtp_fault(world, code=code)


@then(parsers.parse('the owner\'s Sent folder holds exactly one reply to "{name}"'))
def one_in_sent(story: Story, world: World, name: str) -> None:
    assert faults.sent_copies(world, story.ref(name).message_id) == 1


@then(parsers.parse('the owner\'s Sent folder holds no reply to "{name}"'))
def none_in_sent(story: Story, world: World, name: str) -> None:
    assert faults.sent_copies(world, story.ref(name).message_id) == 0


@then(parsers.parse('the reply to "{name}" went out on attempt {n:d}, behind {k:d} pushed intents'))
def attempts(story: Story, world: World, name: str, n: int, k: int) -> None:
    story.wait_done(name)
    assert faults.outbox_entry(world, story.ref(name).task_id).get("attempts") == n
    assert faults.intents(world, story.ref(name).task_id) == k


@then(parsers.parse('the approval for "{name}" is filed in Done as {status}'))
def filed_as(story: Story, world: World, name: str, status: str) -> None:
    task_id = story.ref(name).task_id
    meta = world.wait_for(lambda: faults.approval_outcome(world, task_id), describe="approval")
    assert meta.get("status") == status, meta


@then(parsers.parse('Dashboard.md on the remote carries an alert about "{name}"'))
def dashboard_alert(story: Story, world: World, name: str) -> None:
    task_id = story.ref(name).task_id
    world.wait_for(
        lambda: faults.dashboard_alert(world, task_id), describe=f"an alert for {task_id}"
    )


@when(parsers.parse('the task for "{name}" is on the remote'))
def task_on_remote(story: Story, world: World, name: str) -> None:
    task_id = story.ref(name).task_id
    world.wait_for(lambda: faults.task_copies(world, task_id), describe=f"task {task_id}")


@when("the IMAP server restarts")
def imap_restart(world: World) -> None:
    faults.restart_imap(world)


@when("the IMAP server answers BYE to the next FETCH")
def imap_bye(world: World) -> None:
    faults.break_next_fetch(world)


@when(parsers.parse('the customer "{name}" writes about "{subject}"'))
def customer_writes(story: Story, name: str, subject: str) -> None:
    story.deliver(name, faults.customer_mail(name, subject))


@then(parsers.parse('each of "{names}" has exactly one task on the remote'))
def one_task_each(story: Story, world: World, names: str) -> None:
    ids = [story.ref(name).task_id for name in _names(names)]
    world.wait_for(lambda: all(faults.task_copies(world, t) for t in ids), describe=f"tasks {ids}")
    assert {t: faults.task_copies(world, t) for t in ids} == dict.fromkeys(ids, 1)


@then(parsers.parse('Cloud created each of "{names}" exactly once'))
def created_once(story: Story, world: World, names: str) -> None:
    created = faults.created_tasks(world)
    assert {n: created[story.ref(n).task_id] for n in _names(names)} == dict.fromkeys(
        _names(names), 1
    )


@when(parsers.parse('the approval request for "{name}" reaches the human'))
def reaches_human(story: Story, world: World, name: str) -> None:
    task_id = story.ref(name).task_id
    world.wait_for(lambda: world.human.pending_approvals(task_id), describe="approval at Local")


@when("the remote becomes unreachable for both agents")
def remote_gone(world: World) -> None:
    faults.cut_remote(world)


@when(parsers.parse('the human approves the reply to "{name}" while the remote is unreachable'))
def approve_offline(story: Story, world: World, name: str) -> None:
    assert not world.local.online
    assert not world.cloud.online
    story.approve(name)


@then(parsers.parse('Cloud holds the mail of "{name}" in its offline queue'))
def cloud_queued(story: Story, world: World, name: str) -> None:
    world.wait_for(lambda: faults.offline_with_queue(world.cloud), describe="Cloud's queue")
    assert not faults.task_copies(world, story.ref(name).task_id)


@then("Local executed nothing while offline")
def local_idle(world: World) -> None:
    world.wait_for(lambda: not world.local.health()["online"], describe="Local offline")
    assert world.mail.outbound() == []
    assert world.local.health()["stats"]["executed"] == 0


@when("the remote is reachable again for both agents", target_fixture="restored_at")
def remote_back(world: World) -> datetime:
    faults.restore_remote(world)
    return datetime.now(UTC)


@then(parsers.parse('Local pushed its intent for "{name}" only after the remote returned'))
def intent_after(story: Story, world: World, name: str, restored_at: datetime) -> None:
    times = faults.intent_times(world, story.ref(name).task_id)
    assert times
    assert min(times) >= restored_at - timedelta(seconds=1), (times, restored_at)


@then(parsers.parse('the reply to "{name}" reaches the SMTP server exactly once'))
def sent_once(story: Story, world: World, name: str) -> None:
    story.wait_sent(name, timeout=60)
    story.wait_done(name, timeout=60)
    assert faults.smtp_copies(world, story.ref(name).message_id) == 1
    assert faults.sent_copies(world, story.ref(name).message_id) == 1


@then("the remote holds one copy of every task")
def one_copy(world: World) -> None:
    copies = faults.task_files(world)
    assert copies
    assert set(copies.values()) == {1}, copies
