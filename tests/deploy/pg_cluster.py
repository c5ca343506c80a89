"""A private, throwaway PostgreSQL cluster on a Unix socket, for the backup/restore drill.

The server binaries come from ``/usr/lib/postgresql/<version>/bin`` (Debian's
``postgresql-<version>`` package). PostgreSQL refuses to run as root, so under root the
server runs as the ``postgres`` system user in a folder that user owns.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgCluster", "find_server_bin", "private_cluster"]

_PG_ROOT = Path("/usr/lib/postgresql")


def find_server_bin(root: Path = _PG_ROOT) -> Path | None:
    """The newest ``.../<version>/bin`` holding ``initdb`` and ``pg_ctl``, or None."""
    found: list[tuple[int, Path]] = []
    if root.is_dir():
        for child in root.iterdir():
            binary = child / "bin"
            numbered = re.fullmatch(r"\d+", child.name)
            if numbered and (binary / "initdb").exists() and (binary / "pg_ctl").exists():
                found.append((int(child.name), binary))
    return max(found)[1] if found else None


@dataclass(frozen=True)
class PgCluster:
    """A running cluster: ``env()`` gives the libpq variables that reach it."""

    bin: Path
    socket_dir: Path
    superuser: str

    def env(self, database: str, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(
            PATH=f"{self.bin}{os.pathsep}{env.get('PATH', '')}",
            PGHOST=str(self.socket_dir),
            PGUSER=self.superuser,
            PGDATABASE=database,
            LC_ALL="C",
        )
        env.update(extra)
        return env

    def psql(self, database: str, sql: str, *, user: str | None = None) -> str:
        """Run one SQL text; return its unaligned, tuples-only output (raises on error)."""
        env = self.env(database)
        if user is not None:
            env["PGUSER"] = user
        done = subprocess.run(
            [str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise subprocess.CalledProcessError(done.returncode, "psql", done.stdout, done.stderr)
        return done.stdout.strip()

    def createdb(self, name: str) -> None:
        subprocess.run(
            [str(self.bin / "createdb"), name],
            env=self.env("postgres"),
            check=True,
            timeout=60,
            capture_output=True,
        )


def _as_server_user(argv: Sequence[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *argv] if user else list(argv)


def _run(argv: Sequence[str], env: Mapping[str, str] | None = None) -> None:
    subprocess.run(argv, check=True, timeout=120, capture_output=True, env=env)


@contextmanager
def private_cluster(bin_dir: Path) -> Iterator[PgCluster]:
    """Start a cluster (trust auth, socket only, no fsync) and stop and remove it after."""
    server_user = None
    if os.geteuid() == 0:
        server_user = "postgres"
        try:
            account = pwd.getpwnam(server_user)
        except KeyError:
            server_user, account = "nobody", pwd.getpwnam("nobody")
    # Under root, pytest's tmp_path (0700, root) is unreachable for the server user.
    top = Path(tempfile.mkdtemp(prefix="platinum-pg-"))
    try:
        if server_user is not None:
            os.chown(top, account.pw_uid, account.pw_gid)
        data, log = top / "data", top / "server.log"
        _run(
            _as_server_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                    "--locale=C",
                ],
                server_user,
            )
        )
        options = f"-c listen_addresses='' -c unix_socket_directories={top} -c fsync=off"
        pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data)]
        _run(_as_server_user([*pg_ctl, "-o", options, "-l", str(log), "-w", "start"], server_user))
        try:
            yield PgCluster(bin=bin_dir, socket_dir=top, superuser="postgres")
        finally:
            _run(_as_server_user([*pg_ctl, "-m", "immediate", "-w", "stop"], server_user))
    finally:
        shutil.rmtree(top, ignore_errors=True)
