"""The deploy shell scripts: syntax (and shellcheck where installed), then behaviour.

render-config.sh, generate.sh and schedule.sh run for real with their paths pointed into
``tmp_path``; schedule.sh runs one full backup + drill cycle against a private cluster.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.deploy.pg_cluster import PgCluster

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SCRIPTS = sorted(DEPLOY.rglob("*.sh"))


def test_the_scripts_are_found() -> None:
    names = {path.name for path in SCRIPTS}
    assert {"backup.sh", "restore_drill.sh", "schedule.sh", "render-config.sh"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_bash_syntax(script: Path) -> None:
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert script.read_text().startswith("#!/usr/bin/env bash\n")
    assert script.stat().st_mode & stat.S_IXUSR, "compose runs these directly: keep them +x"


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shellcheck(script: Path) -> None:
    done = subprocess.run(
        ["shellcheck", "--shell=bash", str(script)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout


# -- render-config.sh ----------------------------------------------------------------------


def render(
    tmp_path: Path, admin: str, db: str, base: Path | None = None
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "admin").write_text(admin + "\n")
    (tmp_path / "db").write_text(db + "\n")
    env = {
        "PATH": os.environ["PATH"],
        "ODOO_BASE_CONF": str(base or DEPLOY / "odoo" / "odoo.conf"),
        "ODOO_ADMIN_PASSWD_FILE": str(tmp_path / "admin"),
        "ODOO_DB_PASSWORD_FILE": str(tmp_path / "db"),
        "ODOO_RENDERED_CONF": str(tmp_path / "run" / "odoo.conf"),
        "ODOO_ENTRYPOINT": "printenv",
    }
    return subprocess.run(
        ["bash", str(DEPLOY / "odoo" / "render-config.sh"), "ODOO_RC"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_render_config_appends_the_secrets_and_hands_over(tmp_path: Path) -> None:
    done = render(tmp_path, "Adm1n-Master-Passphrase-xyz", "db-Password-0123456789")
    assert done.returncode == 0, done.stderr
    rendered = tmp_path / "run" / "odoo.conf"
    assert done.stdout.strip() == str(rendered)  # ODOO_RC, as the next program sees it
    text = rendered.read_text()
    assert text.startswith((DEPLOY / "odoo" / "odoo.conf").read_text())
    assert "admin_passwd = Adm1n-Master-Passphrase-xyz\n" in text
    assert "db_password = db-Password-0123456789\n" in text
    assert stat.S_IMODE(rendered.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("admin", "db", "message"),
    [
        ("admin", "db-Password-0123456789", "too weak"),
        ("Adm1n-Master-Passphrase-xyz", "short", "too weak"),
    ],
)
def test_render_config_refuses_weak_secrets(
    tmp_path: Path, admin: str, db: str, message: str
) -> None:
    done = render(tmp_path, admin, db)
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "run" / "odoo.conf").exists()


def test_render_config_refuses_a_base_config_with_a_secret(tmp_path: Path) -> None:
    base = tmp_path / "odoo.conf"
    base.write_text("[options]\nadmin_passwd = admin\n")
    done = render(tmp_path, "Adm1n-Master-Passphrase-xyz", "db-Password-0123456789", base)
    assert done.returncode == 2
    assert "must not hold admin_passwd" in done.stderr


# -- secrets/generate.sh -------------------------------------------------------------------


def test_generate_makes_random_secrets_once(tmp_path: Path) -> None:
    target = tmp_path / "secrets"
    script = DEPLOY / "secrets" / "generate.sh"
    first = subprocess.run(["bash", str(script), str(target)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    values = {}
    for name in ("postgres_password", "odoo_db_password", "odoo_admin_passwd"):
        path = target / name
        values[name] = path.read_text()
        assert len(values[name]) >= 40
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert len(set(values.values())) == 3
    assert "missing   imap_password" in first.stdout
    again = subprocess.run(["bash", str(script), str(target)], capture_output=True, text=True)
    assert again.returncode == 0
    assert {name: (target / name).read_text() for name in values} == values
    assert "kept      postgres_password" in again.stdout


# -- backup/schedule.sh --------------------------------------------------------------------


def schedule_check(status_dir: Path) -> int:
    env = {"PATH": os.environ["PATH"], "BACKUP_DIR": str(status_dir)}
    return subprocess.run(
        ["bash", str(DEPLOY / "backup" / "schedule.sh"), "check"],
        env=env,
        capture_output=True,
        timeout=30,
    ).returncode


def test_schedule_check_follows_the_last_success(tmp_path: Path) -> None:
    assert schedule_check(tmp_path) == 1  # nothing yet
    stamp = tmp_path / ".last_success"
    stamp.touch()
    assert schedule_check(tmp_path) == 0
    three_days_ago = time.time() - 3 * 86400
    os.utime(stamp, (three_days_ago, three_days_ago))
    assert schedule_check(tmp_path) == 1


def read_until(process: subprocess.Popen[bytes], marker: str, timeout: float) -> list[str]:
    """Lines of ``process``'s stdout up to the one holding ``marker``; fails at the deadline."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    buffer, lines = b"", []
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            *complete, buffer = buffer.split(b"\n")
            for line in complete:
                lines.append(line.decode())
                if marker in lines[-1]:
                    return lines
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                pytest.fail(f"no {marker!r} within {timeout}s; output: {lines[-20:]}")
            chunk = os.read(fd, 65536)
            if not chunk:
                pytest.fail(f"schedule.sh ended before {marker!r}; output: {lines[-20:]}")
            buffer += chunk


def test_schedule_runs_a_backup_and_drill_then_waits(pg: PgCluster, tmp_path: Path) -> None:
    pg.createdb("scheduled")
    pg.psql(
        "scheduled",
        "CREATE TABLE account_move (id serial PRIMARY KEY, name text);"
        "INSERT INTO account_move (name) SELECT 'INV/' || g FROM generate_series(1, 500) g",
    )
    target = tmp_path / "offhost"
    env = pg.env("scheduled", BACKUP_DIR=str(target), BACKUP_INTERVAL_SECONDS="3600")
    process = subprocess.Popen(
        ["bash", str(DEPLOY / "backup" / "schedule.sh")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        lines = read_until(process, "schedule: backup and drill", timeout=60)
        assert "drill=pass" in lines
        assert "restore: ok" in lines
        assert lines[-1].startswith("schedule: backup and drill ok"), lines
        assert schedule_check(target) == 0
        process.send_signal(signal.SIGTERM)
        # bash runs the trap once the interval's `wait` is interrupted
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
