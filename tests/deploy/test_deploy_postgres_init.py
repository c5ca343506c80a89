"""deploy/postgres/10-odoo-role.sh for real: Odoo's role is neither superuser nor owner."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.deploy.pg_cluster import PgCluster


def init_role(
    deploy_dir: Path, pg: PgCluster, tmp_path: Path, password: str, db: str
) -> subprocess.CompletedProcess[str]:
    secret = tmp_path / "odoo_db_password"
    secret.write_text(password + "\n")
    env = pg.env(
        "postgres",
        POSTGRES_USER=pg.superuser,
        ODOO_DB=db,
        ODOO_DB_USER=f"{db}_odoo",
        ODOO_DB_PASSWORD_FILE=str(secret),
    )
    return subprocess.run(
        ["bash", str(deploy_dir / "postgres" / "10-odoo-role.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_odoo_role_is_not_superuser_nor_owner_yet_can_build_its_schema(
    deploy_dir: Path, pg: PgCluster, tmp_path: Path
) -> None:
    db, role = "platinum_a", "platinum_a_odoo"
    for _ in range(2):  # a rerun alters, never fails
        done = init_role(deploy_dir, pg, tmp_path, "s3cure-Random-Passphrase-42", db)
        assert done.returncode == 0, done.stderr
    flags = pg.psql(
        "postgres",
        f"SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles"
        f" WHERE rolname = '{role}'",
    )
    assert flags == "f|f|f|t"
    owner = pg.psql(
        "postgres",
        f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '{db}'",
    )
    assert owner != role
    pg.psql(db, "CREATE TABLE res_partner (id serial PRIMARY KEY, name text)", user=role)
    pg.psql(db, "INSERT INTO res_partner (name) VALUES ('Acme')", user=role)
    assert pg.psql(db, "SELECT count(*) FROM res_partner", user=role) == "1"
    for where, sql in [(db, "CREATE DATABASE sneaky"), ("postgres", "CREATE TABLE t (id int)")]:
        with pytest.raises(subprocess.CalledProcessError) as refused:
            pg.psql(where, sql, user=role)
        assert "permission denied" in refused.value.stderr


def test_a_short_password_is_refused(deploy_dir: Path, pg: PgCluster, tmp_path: Path) -> None:
    done = init_role(deploy_dir, pg, tmp_path, "odoo", "platinum_b")
    assert done.returncode == 2
    assert ">= 16 characters" in done.stderr
    assert (
        pg.psql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'platinum_b_odoo'")
        == "0"
    )
