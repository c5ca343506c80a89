"""Steps shared by every feature: thin, synchronous, each a call or two on the World/Story."""

from __future__ import annotations

import json

from pytest_bdd import given, parsers, then, when

from harness.scenario import SeedMail
from harness.story import Story
from harness.world import World

EDITED = (
    "Dear Anna,\n\nYes: the 12% discount also applies to split deliveries, and the onboarding "
    "workshop is included.\n\nKind regards,\nThe owner (edited by hand)\n"
)
SPEC_FIELDS = {
    "timestamp",
    "action_type",
    "actor",
    "target",
    "parameters",
    "approval_status",
    "approved_by",
    "result",
}


@given("a Platinum world on the processes backend", target_fixture="story")
def a_world(world: World) -> Story:
    return Story(world)


@given("Local is offline")
def local_offline(world: World) -> None:
    world.local.go_offline()


@when(parsers.parse('the customer mail "{name}" arrives'))
def arrives(story: Story, seeded_mail: dict[str, SeedMail], name: str) -> None:
    story.deliver(name, seeded_mail[name])


@then(
    parsers.parse(
        'the approval request for "{name}" reaches the remote while Local is still offline'
    )
)
def reaches_remote_offline(story: Story, world: World, name: str) -> None:
    story.wait_approval_on_remote(name)
    assert not world.local.online
    assert not world.human.pending_approvals(story.ref(name).task_id)


@when("Local comes back online")
def comes_online(world: World) -> None:
    world.local.go_online()


@when(parsers.parse('the human approves the reply to "{name}"'))
def approve(story: Story, name: str) -> None:
    story.approve(name)


@when(parsers.parse('the human rejects the reply to "{name}"'))
def reject(story: Story, name: str) -> None:
    story.reject(name)


@when(parsers.parse('the human edits the reply to "{name}" and approves it'))
def edit_and_approve(story: Story, name: str) -> None:
    story.approve(name, edit=EDITED)


@then("exactly one message reaches the SMTP server")
def one_message(story: Story, world: World) -> None:
    world.wait_for(lambda: world.mail.outbound(), describe="a message at SMTP")
    story.check_sent_count(1)


@then(parsers.parse('it is a threaded reply to "{name}" whose body is the approved draft'))
def threaded_reply(story: Story, name: str) -> None:
    story.check_threaded_reply(name)
    approved = str(story.ref(name).extra["approved_body"])
    assert story.sent_body(name).strip() == approved.strip()


@then(parsers.parse('the task, plan and approval for "{name}" are in Done'))
def in_done(story: Story, world: World, name: str) -> None:
    story.wait_done(name)
    task_id = story.ref(name).task_id
    done = world.remote.find("Done/")
    assert any(p.endswith(f"/{task_id}.md") for p in done)
    assert any(p.endswith(f"/PLAN_{task_id}.md") for p in done)
    assert any(f"/APPROVAL_{task_id}--" in p for p in done)
    assert not world.remote.find("Pending_Approval/", task_id)
    assert not world.remote.find("In_Progress/", task_id)


@then("both agents' audit logs carry the spec's eight fields")
def audit_fields(world: World) -> None:
    for agent in ("cloud", "local"):
        entries = world.remote.audit_entries(agent)
        assert entries, f"{agent} logged nothing"
        for entry in entries:
            missing = SPEC_FIELDS - set(entry)
            assert not missing, f"{agent} entry {entry.get('action_type')} lacks {missing}"
    actions = {e["action_type"] for e in world.remote.audit_entries("local")}
    assert "email_sent" in actions


@then("Dashboard.md was only ever committed by Local")
def dashboard_only_local(world: World) -> None:
    authors = world.wait_for(
        lambda: (found := world.remote.authors_of("Dashboard.md")) and "local" in found and found,
        describe="a Dashboard.md commit by Local",
    )
    assert authors <= {"local", "platinum"}, authors


@then("no object of the remote holds a secret of either agent")
def no_secret(world: World) -> None:
    secrets = [
        p.read_text().strip()
        for agent in (world.cloud, world.local)
        for p in agent.secrets_dir.iterdir()
    ]
    assert secrets
    blobs = world.remote.blobs()
    assert blobs
    for blob in blobs:
        for secret in secrets:
            assert secret.encode() not in blob


@then(parsers.parse('the task for "{name}" is closed as rejected'))
def closed_rejected(story: Story, name: str) -> None:
    story.wait_done(name, status="rejected")


@then(parsers.parse('no reply to "{name}" reaches the SMTP server'))
def not_sent(story: Story, world: World, name: str) -> None:
    story.check_not_sent(name)
    assert world.mail.outbound() == []


@then(parsers.parse('the reply to "{name}" carries the human\'s text, not the draft'))
def sent_as_edited(story: Story, world: World, name: str) -> None:
    story.wait_sent(name)
    body = story.sent_body(name)
    assert body.strip() == EDITED.strip()
    assert json.dumps(body)  # the body is text, not bytes
