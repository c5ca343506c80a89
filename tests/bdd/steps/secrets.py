"""Steps of features/secrets.feature: canaries, Cloud's processes and Cloud's MCP tools."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_bdd import given, then, when

from employee.config import load_config
from employee.errors import ConfigError, ToolError
from employee.mcp.client import ToolClient
from employee.sync import init_remote, scan_remote
from harness.canaries import (
    Canaries,
    blobs_holding,
    children_of,
    cloud_mcp_env,
    credentials_in,
    environ_of,
    force_push,
    paste_note,
    plant_canaries,
    secret_values,
)
from harness.remote import RemoteView
from harness.scenario import SeedMail
from harness.story import Story
from harness.world import World

CONTENT_RULES = ("path", "mode", "size", "secret")
ODOO_MCP = "employee.mcp.odoo --mode draft"
EXECUTIVE_TOOLS = ("send_email", "post_invoice", "register_payment", "publish_post")
INVOICE = SeedMail(
    ref="invoice",
    from_addr="purchasing@customer.test",
    from_name="Northwind Purchasing",
    subject="Invoice request: onboarding workshop",
    body="Hello,\n\ncould you send us an invoice for 3 x Onboarding workshop at 400 EUR each?\n"
    "\nThanks,\nNorthwind Purchasing\n",
)


@pytest.fixture
def canaries() -> Canaries:
    return Canaries.make("bdd")


@given("canary secrets planted in both agents' working trees")
def planted(world: World, canaries: Canaries) -> None:
    for agent in (world.cloud, world.local):
        plant_canaries(agent.vault_path, canaries, agent.secrets_dir / "mail_password")


@when("the owner pastes an API key into a new note in Local's inbox")
def paste(world: World, canaries: Canaries) -> None:
    paste_note(world.local.vault_path, canaries)


@then("Local's guard refused to commit the note holding an API key")
def note_blocked(world: World, canaries: Canaries) -> None:
    world.wait_for(
        lambda: [
            e for e in world.remote.audit_entries("local") if e["action_type"] == "secret_blocked"
        ],
        describe="Local's secret_blocked entry on the remote",
    )
    assert (world.local.vault_path / canaries.note[0]).exists()


@when("an intruder force-pushes every canary file to the remote as Cloud", target_fixture="forced")
def intruder(world: World, canaries: Canaries, tmp_path: Path) -> dict[str, str | None]:
    secret = world.cloud.secrets_dir / "mail_password"
    return force_push(world.remote_path, tmp_path / "intruder", canaries, secret, push_as="cloud")


@then("the remote refuses every forced canary push")
def all_refused(forced: dict[str, str | None], canaries: Canaries) -> None:
    assert set(forced) == {*canaries.every_file(), canaries.symlink}
    assert [path for path, refusal in forced.items() if refusal is None] == []
    for path, refusal in forced.items():  # refused for what the file is, not who pushed it
        assert refusal is not None
        assert "identity rule" not in refusal, (path, refusal)
        assert any(f"({rule} rule)" in refusal for rule in CONTENT_RULES), (path, refusal)


@then("no object of the remote holds a canary or any other secret")
def remote_clean(world: World, canaries: Canaries) -> None:
    secrets = [*canaries.values, *secret_values(world.cloud), *secret_values(world.local)]
    assert blobs_holding(world.remote.blobs(), secrets) == []
    report = scan_remote(world.remote_path, canaries.values)
    assert report.blobs > 0
    assert report.clean, (report.findings, report.outside_allow_list, report.quarantine_leftovers)


@then("the same canaries pushed to an unprotected remote are found by the same scan")
def positive_control(world: World, canaries: Canaries, tmp_path: Path) -> None:
    control = init_remote(tmp_path / "control.git", protect=False)
    secret = world.cloud.secrets_dir / "mail_password"
    forced = force_push(control, tmp_path / "control", canaries, secret, push_as="cloud")
    assert [path for path, refusal in forced.items() if refusal is not None] == []
    found = {f.finding.kind for f in scan_remote(control, canaries.values).findings}
    assert {f"canary {v!r}" for v in canaries.values} <= found
    assert blobs_holding(RemoteView(control).blobs(), canaries.values) == list(canaries.values)


# -- Cloud's configuration and processes ------------------------------------------------------


@when("a customer asks for an invoice and Cloud drafts it through its Odoo MCP server")
def invoice_drafted(story: Story, world: World) -> None:
    task_id = story.deliver(INVOICE.ref, INVOICE).task_id
    world.wait_for(
        lambda: world.remote.find("Pending_Approval/finance/", task_id),
        describe=f"Cloud's finance approvals for {task_id}",
    )
    world.wait_for(
        lambda: [c for c in children_of(world.cloud.pid()).values() if ODOO_MCP in c],
        describe="Cloud's Odoo MCP server running as its child",
    )


@then("Cloud's configuration file holds no Local-only secret and no SMTP setting")
def config_clean(world: World) -> None:
    text = world.cloud.config_path.read_text(encoding="utf-8")
    assert not [s for s in secret_values(world.local) if s in text]
    assert str(world.local.secrets_dir) not in text
    config = load_config(world.cloud.config_path)
    assert config.smtp is None
    assert all(p.parent == world.cloud.secrets_dir for p in config.secret_files())


@then("neither Cloud's process nor its children hold a Local-only credential")
def environ_clean(world: World) -> None:
    local = secret_values(world.local)
    assert world.cloud.process is not None
    children = children_of(world.cloud.pid())
    assert [c for c in children.values() if ODOO_MCP in c], children
    for pid in [world.cloud.process.pid, world.cloud.pid(), *children]:
        env = environ_of(pid) if pid is not None else None
        if env is None:  # a short-lived git child that already exited
            continue
        assert credentials_in(env, local) == [], (pid, credentials_in(env, local))
        assert env.get("ODOO_ROLE", "drafter") == "drafter"


@then("the same check finds the SMTP settings of Local's email MCP server")
def environ_control(world: World) -> None:
    local = secret_values(world.local)
    local_children = children_of(world.local.pid())
    email = [pid for pid, cmd in local_children.items() if "employee.mcp.email --mode send" in cmd]
    assert email, local_children
    assert "EMAIL_SMTP_HOST" in credentials_in(environ_of(email[0]) or {}, local)


@then("a Cloud configuration given Local's SMTP section is refused at load")
def smtp_refused(world: World, tmp_path: Path) -> None:
    data: dict[str, Any] = yaml.safe_load(world.cloud.config_path.read_text(encoding="utf-8"))
    data["smtp"] = yaml.safe_load(world.local.config_path.read_text(encoding="utf-8"))["smtp"]
    path = tmp_path / "cloud-with-smtp.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="send, posting, payment"):
        load_config(path)


# -- Cloud's MCP tools --------------------------------------------------------------------------


@pytest.fixture
def cloud_tool_clients() -> Iterator[dict[str, ToolClient]]:
    clients: dict[str, ToolClient] = {}
    yield clients
    for client in clients.values():
        client.close()


@when("Cloud's MCP servers are started in draft mode with Cloud's credentials")
def start_servers(world: World, cloud_tool_clients: dict[str, ToolClient]) -> None:
    for module, env in cloud_mcp_env(world).items():
        cloud_tool_clients[module] = ToolClient(module, ["--mode", "draft"], env=env)


@then("none of Cloud's MCP servers lists a send, post or pay tool")
def no_executive_tools(cloud_tool_clients: dict[str, ToolClient]) -> None:
    for module, client in cloud_tool_clients.items():
        tools = client.tools()
        assert tools, module
        assert not set(tools) & set(EXECUTIVE_TOOLS), (module, tools)


@then("a forced call to a send, post or pay tool is refused by each of them")
def forced_calls_refused(world: World, cloud_tool_clients: dict[str, ToolClient]) -> None:
    for client in cloud_tool_clients.values():
        for tool in EXECUTIVE_TOOLS:
            with pytest.raises(ToolError):
                client.call(tool, {"invoice_id": 1, "approval_id": "forced", "to": "x@y.test"})
    assert world.mail.outbound() == []
    assert world.social.posts() == []
