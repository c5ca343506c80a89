"""backup.sh and restore_drill.sh for real, against a private PostgreSQL cluster.

A passing drill means restored and fingerprinted, not listed: the negative control truncates
the dump (which still passes ``pg_restore --list``) and the drill must fail at the restore.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.deploy.pg_cluster import PgCluster

_ROWS = 20_000
_names = itertools.count()


def run(script: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=120
    )


def facts(output: str) -> dict[str, str]:
    """``key=value`` and ``check: verdict`` lines of a script's output."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        match = re.fullmatch(r"([\w.]+)(?:=|: )(.*)", line)
        if match:
            found[match[1]] = match[2]
    return found


def fingerprint(pg: PgCluster, db: str) -> str:
    return pg.psql(
        db,
        "SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r.id)), '')"
        " FROM public.account_move r",
    )


@pytest.fixture
def odoo_db(pg: PgCluster, tmp_path: Path) -> tuple[str, Path]:
    """A database with an ``account_move`` table and a filestore folder, like Odoo's."""
    db = f"odoo_{next(_names)}"
    pg.createdb(db)
    pg.psql(
        db,
        "CREATE TABLE account_move (id serial PRIMARY KEY, name text, partner text,"
        " amount_total numeric(12,2), state text, invoice_date date);"
        f"INSERT INTO account_move (name, partner, amount_total, state, invoice_date)"
        f" SELECT 'INV/2026/' || g, 'Partner ' || (g % 97), g * 1.25,"
        f" CASE WHEN g % 3 = 0 THEN 'draft' ELSE 'posted' END, date '2026-01-01' + g % 300"
        f" FROM generate_series(1, {_ROWS}) g;",
    )
    filestore = tmp_path / "filestore" / db
    for index in range(20):
        folder = filestore / f"{index:02x}"
        folder.mkdir(parents=True)
        (folder / f"{index:040x}").write_bytes(os.urandom(8192))
    return db, filestore


def backup(deploy_dir: Path, pg: PgCluster, db: str, filestore: Path, target: Path) -> Path:
    env = pg.env(db, BACKUP_DIR=str(target), FILESTORE_DIR=str(filestore))
    done = run(deploy_dir / "backup" / "backup.sh", env)
    assert done.returncode == 0, done.stderr
    return Path(facts(done.stdout)["backup"])


def drill(
    deploy_dir: Path, pg: PgCluster, db: str, target: Path
) -> subprocess.CompletedProcess[str]:
    return run(deploy_dir / "backup" / "restore_drill.sh", pg.env(db, BACKUP_DIR=str(target)))


def set_manifest(manifest: Path, key: str, value: str) -> None:
    lines = [
        f"{key}={value}" if line.startswith(f"{key}=") else line
        for line in manifest.read_text().splitlines()
    ]
    manifest.write_text("\n".join(lines) + "\n")


def databases(pg: PgCluster) -> set[str]:
    return set(pg.psql("postgres", "SELECT datname FROM pg_database").split())


def test_backup_then_drill_restores_and_fingerprints(
    deploy_dir: Path, pg: PgCluster, odoo_db: tuple[str, Path], tmp_path: Path
) -> None:
    db, filestore = odoo_db
    before = databases(pg)
    manifest = backup(deploy_dir, pg, db, filestore, tmp_path / "offhost")
    recorded = facts(manifest.read_text())
    assert recorded["fingerprint.account_move"] == fingerprint(pg, db)
    assert recorded["fingerprint.account_move"].startswith(f"{_ROWS}:")

    done = drill(deploy_dir, pg, db, tmp_path / "offhost")
    result = facts(done.stdout)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    for check in ("dump_sha256", "restore", "fingerprint.account_move", "filestore_tree"):
        assert result[check] == "ok", check
    assert result["drill"] == "pass"
    assert float(result["rto_seconds"]) >= 0
    assert databases(pg) == before  # the scratch database is dropped


def test_truncated_dump_lists_but_the_drill_fails_at_restore(
    deploy_dir: Path, pg: PgCluster, odoo_db: tuple[str, Path], tmp_path: Path
) -> None:
    db, filestore = odoo_db
    manifest = backup(deploy_dir, pg, db, filestore, tmp_path / "offhost")
    dump = manifest.with_suffix(".dump")
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    listed = subprocess.run(
        [str(pg.bin / "pg_restore"), "--list", str(dump)], capture_output=True, timeout=60
    )
    assert listed.returncode == 0  # the control: listing cannot tell
    # Make the checksum agree, so only the restore itself can catch the truncation.
    digest = subprocess.run(["sha256sum", str(dump)], capture_output=True, text=True, check=True)
    set_manifest(manifest, "dump_sha256", digest.stdout.split()[0])

    done = drill(deploy_dir, pg, db, tmp_path / "offhost")
    result = facts(done.stdout)
    assert done.returncode == 1, done.stdout
    assert result["dump_sha256"] == "ok"
    assert result["restore"].startswith("FAIL")
    assert result["drill"] == "fail"


def test_drill_detects_changed_rows_and_filestore(
    deploy_dir: Path, pg: PgCluster, odoo_db: tuple[str, Path], tmp_path: Path
) -> None:
    db, filestore = odoo_db
    manifest = backup(deploy_dir, pg, db, filestore, tmp_path / "offhost")
    pg.psql(db, "UPDATE account_move SET amount_total = amount_total + 1 WHERE id = 7")
    set_manifest(manifest, "fingerprint.account_move", fingerprint(pg, db))
    tarball = manifest.with_name(manifest.stem + ".filestore.tar.gz")
    (filestore / "00" / f"{0:040x}").write_bytes(b"tampered")
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(filestore, arcname=".")
    digest = subprocess.run(["sha256sum", str(tarball)], capture_output=True, text=True)
    set_manifest(manifest, "filestore_sha256", digest.stdout.split()[0])

    done = drill(deploy_dir, pg, db, tmp_path / "offhost")
    result = facts(done.stdout)
    assert done.returncode == 1
    assert result["restore"] == "ok"
    assert result["filestore_sha256"] == "ok"
    assert result["fingerprint.account_move"].startswith("FAIL")
    assert result["filestore_tree"].startswith("FAIL")


def test_retention_removes_old_sets_and_keeps_recent_ones(
    deploy_dir: Path, pg: PgCluster, odoo_db: tuple[str, Path], tmp_path: Path
) -> None:
    db, filestore = odoo_db
    target = tmp_path / "offhost"
    target.mkdir()
    old, recent, other = (
        f"{db}_20200101T000000Z",
        f"{db}_29991231T000000Z",
        "other_20200101T000000Z",
    )
    for base in (old, recent, other):
        for suffix in (".dump", ".manifest", ".filestore.tar.gz"):
            (target / f"{base}{suffix}").write_text("x")
    env = pg.env(db, BACKUP_DIR=str(target), FILESTORE_DIR=str(filestore), BACKUP_KEEP_DAYS="7")
    done = run(deploy_dir / "backup" / "backup.sh", env)
    assert done.returncode == 0, done.stderr
    left = {p.name.split(".")[0] for p in target.iterdir()}
    new = Path(facts(done.stdout)["backup"]).name.split(".")[0]
    assert left == {recent, other, new}
    assert facts(done.stdout)["removed_sets"] == "1"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"FINGERPRINT_TABLES": "account_move; DROP TABLE x"}, "unsafe table name"),
        ({"BACKUP_KEEP_DAYS": "two weeks"}, "whole number"),
        ({"FILESTORE_DIR": "/nonexistent/filestore"}, "not a directory"),
    ],
)
def test_backup_refuses_bad_settings(
    deploy_dir: Path, pg: PgCluster, tmp_path: Path, extra: dict[str, str], message: str
) -> None:
    env = pg.env("postgres", BACKUP_DIR=str(tmp_path / "offhost"), **extra)
    done = run(deploy_dir / "backup" / "backup.sh", env)
    assert done.returncode == 2
    assert message in done.stderr


def test_drill_refuses_a_folder_without_backups(
    deploy_dir: Path, pg: PgCluster, tmp_path: Path
) -> None:
    done = run(
        deploy_dir / "backup" / "restore_drill.sh", pg.env("postgres", BACKUP_DIR=str(tmp_path))
    )
    assert done.returncode == 2
    assert "no backup set" in done.stderr


def test_drill_never_drops_a_database_it_did_not_create(
    deploy_dir: Path, pg: PgCluster, odoo_db: tuple[str, Path], tmp_path: Path
) -> None:
    db, filestore = odoo_db
    backup(deploy_dir, pg, db, filestore, tmp_path / "offhost")
    pg.createdb("bystander")
    script = deploy_dir / "backup" / "restore_drill.sh"
    env = pg.env(db, BACKUP_DIR=str(tmp_path / "offhost"), DRILL_DB="bystander")
    done = run(script, env)
    assert done.returncode == 1
    assert facts(done.stdout)["restore"].startswith("FAIL (cannot create the scratch database")
    assert "bystander" in databases(pg)
    env["DRILL_DB"] = db
    refused = run(script, env)
    assert refused.returncode == 2
    assert "must not name the live database" in refused.stderr
    assert db in databases(pg)
