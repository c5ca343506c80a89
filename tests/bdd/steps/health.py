"""Steps of the health feature: a killed Cloud, an Odoo outage, an Odoo backup drill."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness import erp
from harness.scenario import SeedMail
from harness.story import Story
from harness.world import World

#: The burst, and how many approval requests each mail must end with (an invoice asks twice).
BURST = {"burst1": 1, "invoice": 2, "burst2": 1, "burst3": 1, "burst4": 1}


@when("a burst of customer mails with an invoice request arrives")
def burst(story: Story, seeded_mail: dict[str, SeedMail]) -> None:
    for name in BURST:
        story.deliver(name, seeded_mail[name])


@when(
    "Cloud is killed as soon as the first approval request reaches the remote",
    target_fixture="killed_pid",
)
def kill_cloud(world: World) -> tuple[int, int]:
    """Returns the killed pid and how many approval requests the remote held then."""
    drafted = world.wait_for(lambda: world.remote.find("Pending_Approval/"), interval=0.005)
    return world.crash("cloud"), len(drafted)


@then("the supervisor restarts Cloud with a new pid")
def restarted(world: World, killed_pid: tuple[int, int]) -> None:
    assert killed_pid[1] < sum(BURST.values()), (
        "Cloud had drafted the whole burst before it was killed"
    )
    world.wait_for(
        lambda: world.cloud.health()["pid"] not in (killed_pid[0], None),
        timeout=60,
        describe="Cloud answering its health endpoint from a new pid",
    )


@then("the restart is reported on the dashboard")
def restart_reported(world: World) -> None:
    world.wait_for(
        lambda: "restarted by its supervisor (restart 1" in world.remote.read_text("Dashboard.md"),
        timeout=60,
        describe="Cloud's restart in the Health table of Dashboard.md",
    )


@then("every mail of the burst has exactly one task and its approval requests once")
def none_lost(story: Story, world: World) -> None:
    for name in BURST:
        story.wait_approval_on_remote(name, timeout=60)
    for name, expected in BURST.items():
        tasks, approvals = erp.copies_on_remote(world.remote, story.ref(name).task_id)
        assert (len(tasks), len(approvals)) == (1, expected), (name, tasks, approvals)
    assert len(erp.invoice_for_task(world.odoo, story.ref("invoice").task_id)) == 1


@given("Odoo is down")
def odoo_down(world: World) -> None:
    world.odoo.client.down()


@then(parsers.parse('Cloud holds the task for "{name}" and retries while Odoo is down'))
def holds_and_retries(story: Story, world: World, name: str) -> None:
    task_id = story.ref(name).task_id
    world.wait_for(lambda: task_id in world.cloud.health()["retrying"], timeout=60)
    first = erp.claim_on_remote(world.remote, task_id)
    assert first is not None
    renewed = world.wait_for(
        lambda: [
            c
            for c in [erp.claim_on_remote(world.remote, task_id)]
            if c and c.lease_until > first.lease_until
        ],
        describe=f"Cloud renewing its lease on {task_id} while it retries",
    )[0]
    assert (renewed.claimed_by, renewed.claim_epoch) == ("cloud", first.claim_epoch)
    assert not world.remote.find("Pending_Approval/", task_id)


@when("Odoo comes back up")
def odoo_up(world: World) -> None:
    world.odoo.client.up()


@when("Odoo is backed up, wiped and restored", target_fixture="drill")
def backup_drill(world: World) -> erp.BackupDrill:
    return erp.run_backup_drill(world.odoo, world.odoo.client.wipe)


@then("every invoice is back with the same ids, numbers, totals and states")
def drill_intact(drill: erp.BackupDrill) -> None:
    assert not drill.existed_after_wipe
    assert drill.before, "no invoice to protect"
    assert drill.after == drill.before
