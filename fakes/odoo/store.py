"""The fake Odoo's database: records as JSON rows in one SQLite file, thread-safe.

Every RPC call runs inside :meth:`OdooStore.transaction` (one lock, one SQLite
transaction): it commits on success and rolls back on error, as Odoo does per request.
"""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fakes.errors import FakeStoreError

__all__ = ["OdooStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    model TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (model, id));
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
_DUMP_NAME = "dump.sqlite"


class OdooStore:
    """Records keyed by (model, id); values are plain JSON dicts of stored fields."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the SQLite connection."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[OdooStore]:
        """Hold the store exclusively; commit on success, roll back on error (re-entrant)."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._conn.execute("COMMIT")

    # -- records -----------------------------------------------------------------------
    def next_id(self, model: str) -> int:
        """Allocate the next id for a model (ids are never reused)."""
        return self.next_sequence(f"id:{model}")

    def next_sequence(self, name: str) -> int:
        """Increment and return a named counter (record ids, invoice numbers)."""
        with self.transaction():
            row = self._conn.execute("SELECT value FROM sequences WHERE name=?", (name,)).fetchone()
            value = (row[0] if row else 0) + 1
            self._conn.execute(
                "INSERT INTO sequences(name, value) VALUES(?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value=excluded.value",
                (name, value),
            )
            return value

    def insert(self, model: str, record_id: int, data: dict[str, Any]) -> None:
        """Store a new record."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO records(model, id, data) VALUES(?, ?, ?)",
                (model, record_id, json.dumps(data)),
            )

    def update(self, model: str, record_id: int, values: dict[str, Any]) -> None:
        """Merge values into a stored record."""
        with self.transaction():
            data = self.get(model, record_id)
            if data is None:
                raise FakeStoreError(f"no record {model}({record_id})")
            data.update(values)
            self._conn.execute(
                "UPDATE records SET data=? WHERE model=? AND id=?",
                (json.dumps(data), model, record_id),
            )

    def delete(self, model: str, record_id: int) -> None:
        """Remove a record."""
        with self.transaction():
            self._conn.execute("DELETE FROM records WHERE model=? AND id=?", (model, record_id))

    def get(self, model: str, record_id: int) -> dict[str, Any] | None:
        """One record's stored values (with ``id``), or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT data FROM records WHERE model=? AND id=?", (model, record_id)
            ).fetchone()
        if row is None:
            return None
        data: dict[str, Any] = json.loads(row[0])
        data["id"] = record_id
        return data

    def all(self, model: str) -> list[dict[str, Any]]:
        """Every record of a model, ordered by id."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, data FROM records WHERE model=? ORDER BY id", (model,)
            ).fetchall()
        out = []
        for record_id, raw in rows:
            data: dict[str, Any] = json.loads(raw)
            data["id"] = record_id
            out.append(data)
        return out

    def find(self, model: str, field: str, value: int) -> list[dict[str, Any]]:
        """Records whose stored ``field`` equals ``value`` (one2many inverses), by id."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, data FROM records WHERE model=? AND json_extract(data, ?) = ? "
                "ORDER BY id",
                (model, f"$.{field}", value),
            ).fetchall()
        out = []
        for record_id, raw in rows:
            data: dict[str, Any] = json.loads(raw)
            data["id"] = record_id
            out.append(data)
        return out

    def exists(self, model: str, record_id: int) -> bool:
        """Whether a record is stored."""
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM records WHERE model=? AND id=?", (model, record_id)
            ).fetchone()
        return row is not None

    def wipe(self) -> None:
        """Drop every record and counter."""
        with self.transaction():
            self._conn.execute("DELETE FROM records")
            self._conn.execute("DELETE FROM sequences")

    def is_empty(self) -> bool:
        """True when no record is stored."""
        with self._lock:
            return self._conn.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None

    # -- backup ------------------------------------------------------------------------
    def backup(self, manifest: dict[str, Any]) -> bytes:
        """A zip holding ``manifest.json`` and the SQLite database (like Odoo's dump zip)."""
        with tempfile.TemporaryDirectory() as tmp:
            copy_path = Path(tmp) / _DUMP_NAME
            with self._lock:
                copy = sqlite3.connect(str(copy_path))
                try:
                    self._conn.backup(copy)
                finally:
                    copy.close()
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("manifest.json", json.dumps(manifest, indent=2))
                archive.write(copy_path, _DUMP_NAME)
                archive.writestr("filestore/", "")
            return buffer.getvalue()

    @staticmethod
    def read_manifest(zip_bytes: bytes) -> dict[str, Any]:
        """The manifest of a backup zip; raises FakeStoreError when it is not one."""
        try:
            with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
                manifest: dict[str, Any] = json.loads(archive.read("manifest.json"))
                archive.getinfo(_DUMP_NAME)
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise FakeStoreError(f"not a fake Odoo backup: {exc}") from exc
        return manifest

    def restore(self, zip_bytes: bytes) -> dict[str, Any]:
        """Replace the whole database with a backup's; returns its manifest."""
        manifest = self.read_manifest(zip_bytes)
        with tempfile.TemporaryDirectory() as tmp:
            with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
                archive.extract(_DUMP_NAME, tmp)
            source = sqlite3.connect(str(Path(tmp) / _DUMP_NAME))
            try:
                with self._lock:
                    if self._depth:
                        raise FakeStoreError("cannot restore inside a transaction")
                    source.backup(self._conn)
            finally:
                source.close()
        return manifest
