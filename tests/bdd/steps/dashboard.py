"""Steps of the dashboard area: thin calls on the World and ``harness.inspect``."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from harness.inspect import DashboardView, nested_mail, updates_pushed_by
from harness.story import Story
from harness.world import World


@then("every update Cloud pushed has been consumed by Local")
def updates_consumed(world: World) -> None:
    pushed = world.wait_for(lambda: updates_pushed_by(world.remote, "cloud"), describe="an update")
    world.wait_for(
        lambda: not world.remote.find("Updates/"), describe="Updates/ empty on the remote"
    )
    for path in pushed:
        assert world.remote.authors_of(path) == {"cloud", "local"}, path


@when(parsers.parse("a hostile mail nested {depth:d} MIME levels deep arrives"))
def hostile_arrives(world: World, depth: int) -> None:
    world.mail.deliver(
        sender="",
        subject="",
        body="",
        raw=nested_mail(sender="x@hostile.test", to=world.mail.owner, depth=depth),
    )


@then(parsers.parse('Dashboard.md on the remote links the pending approval of "{name}"'))
def links_pending(story: Story, world: World, name: str) -> None:
    task_id = story.ref(name).task_id
    world.wait_for(
        lambda: [
            link
            for link in DashboardView.of(world.remote).links("Pending approvals")
            if link == f"Pending_Approval/email/APPROVAL_{task_id}--send_email"
        ],
        describe=f"a wikilink to the pending approval of {task_id} on Dashboard.md",
    )


@when("the Cloud agent is killed and its supervisor restarts it")
def cloud_restarts(world: World) -> None:
    killed = world.crash("cloud")
    world.wait_for(lambda: world.cloud.pid() != killed, describe="a new Cloud process")


@then(parsers.parse('Dashboard.md on the remote reports Cloud as "{cloud}" and Local as "{local}"'))
def health_rows(world: World, cloud: str, local: str) -> None:
    want = {"cloud": cloud, "local": local}
    world.wait_for(
        lambda: (
            {k: v for k, v in DashboardView.of(world.remote).health.items() if k in want} == want
        ),
        describe=f"the Health table of Dashboard.md showing {want}",
    )
