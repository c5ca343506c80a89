"""Bring up a world on the ``processes`` backend: fakes, the remote, the seed vault, the agents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from employee.sync import init_remote
from fakes.mail import MailApiClient
from fakes.odoo import FakeOdooClient
from harness.actors import AgentHandle, HumanActor, MailActor, OdooActor, SocialActor

if TYPE_CHECKING:
    from harness.world import World

__all__ = ["bootstrap_world"]


def bootstrap_world(world: World) -> None:
    """Start every component of ``world`` in dependency order."""
    opts = world.options
    cloud_mail_pw = world.new_secret("cloud-read")
    local_mail_pw = world.new_secret("local-send")
    mail = world.spawn(
        "mail",
        world.python_module(
            "fakes.mail",
            "--smtp-port",
            "0",
            "--imap-port",
            "0",
            "--api-port",
            "0",
            "--user",
            f"{opts.owner}:{cloud_mail_pw}:imap",
            "--user",
            f"{opts.owner}:{local_mail_pw}:imap+smtp",
            "--auto-sent",
        ),
    )
    mail_ready = dict(mail.ready or {})
    world.mail = MailActor(
        MailApiClient(f"http://{mail_ready['host']}:{mail_ready['api_port']}"),
        owner=opts.owner,
        timeline=world.timeline,
        ready=mail_ready,
    )

    odoo = world.spawn(
        "odoo",
        world.python_module(
            "fakes.odoo",
            "--port",
            "0",
            "--odoo-version",
            opts.odoo_version,
            "--db",
            "platinum",
            "--data-dir",
            str(world.root / "odoo-data"),
        ),
    )
    odoo_ready = dict(odoo.ready or {})
    world.odoo = OdooActor(odoo_ready, FakeOdooClient(odoo_ready["test_api"]))

    cloud_social = world.new_secret("social-read")
    local_social = world.new_secret("social-publish")
    social = world.spawn(
        "social",
        world.python_module(
            "fakes.social",
            "--port",
            "0",
            "--token",
            f"cloud:{cloud_social}:read",
            "--token",
            f"local:{local_social}:publish",
        ),
    )
    world.social = SocialActor(dict(social.ready or {}))

    # The resident checker runs the pre-receive checks without a Python start per push.
    init_remote(world.remote_path, resident_checker=True)
    world.links.mkdir(parents=True, exist_ok=True)
    world.timeline.record("harness", "remote_ready", str(world.remote_path))

    handles = {}
    for name in ("cloud", "local"):
        token = cloud_social if name == "cloud" else local_social
        handles[name] = _prepare_agent(
            world, name, mail_ready, odoo_ready, cloud_mail_pw, local_mail_pw, token
        )
    world.cloud = handles["cloud"]
    world.local = handles["local"]
    world.human = HumanActor(world.local, world.timeline)
    for name in ("cloud", "local"):
        _start_agent(world, handles[name])


def _prepare_agent(
    world: World,
    name: str,
    mail_ready: dict[str, Any],
    odoo_ready: dict[str, Any],
    cloud_mail_pw: str,
    local_mail_pw: str,
    social_token: str,
) -> AgentHandle:
    opts = world.options
    home = world.root / name
    secrets_dir = home / "secrets"
    state_dir = home / "state"
    vault_path = home / "vault"
    link = world.links / f"{name}.git"
    if not link.is_symlink():
        link.symlink_to(world.remote_path)
    role = "drafter" if name == "cloud" else "executive"
    odoo_user = next(u for u in odoo_ready["users"] if u["role"] == role)
    odoo_secret = world.write_secret(secrets_dir / "odoo_api_key", odoo_user["api_key"])
    mail_pw = world.write_secret(
        secrets_dir / "mail_password", cloud_mail_pw if name == "cloud" else local_mail_pw
    )
    social_file = world.write_secret(secrets_dir / "social_token", social_token)
    imap: dict[str, Any] = {
        "host": mail_ready["host"],
        "port": mail_ready["imap_port"],
        "security": "starttls",
        "username": opts.owner,
        "password_file": str(mail_pw),
        "ca_file": mail_ready["ca_cert"],
    }
    config: dict[str, Any] = {
        "agent": name,
        "vault": str(vault_path),
        "state_dir": str(state_dir),
        "remote": str(link),
        "health": {"host": "127.0.0.1", "port": 0, "heartbeat_seconds": 1.0},
        "imap": imap,
        "odoo": {
            "url": odoo_ready["url"],
            "db": odoo_ready["db"],
            "login": odoo_user["login"],
            "secret_file": str(odoo_secret),
            "role": role,
        },
        "social": {"url": world.social.url, "token_file": str(social_file)},
        "mail_from": opts.owner,
        "message_id_domain": opts.message_id_domain,
        "timing": {
            "lease_seconds": opts.lease_seconds,
            "approval_ttl_hours": opts.approval_ttl_hours,
            "poll_seconds": opts.poll_seconds,
            "retry_base_seconds": 0.2,
            "retry_max_seconds": 2.0,
        },
    }
    if name == "local":
        config["smtp"] = {**imap, "port": mail_ready["smtp_port"], "sent_copy": "server"}
    config_path = world.write_config(home / "config.yaml", config)
    return AgentHandle(
        name=name,
        home=home,
        vault_path=vault_path,
        state_dir=state_dir,
        secrets_dir=secrets_dir,
        config_path=config_path,
        link=link,
        remote_path=world.remote_path,
        timeline=world.timeline,
    )


def _start_agent(world: World, handle: AgentHandle) -> None:
    command = "supervise" if world.options.supervise else handle.name
    argv = world.python_module("employee", command, "--config", str(handle.config_path))
    handle.process = world.spawn(handle.name, argv)
    handle.ready = dict(handle.process.ready or {})
