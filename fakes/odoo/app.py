"""The fake Odoo's state and behaviour, independent of sockets: users, calls, backups."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from fakes.odoo.dispatch import call_json2, call_kw
from fakes.odoo.exceptions import AccessDenied, OdooException, exception_from_name
from fakes.odoo.faults import FaultBook
from fakes.odoo.orm import Env, Settings
from fakes.odoo.security import credentials_match
from fakes.odoo.seed import OdooUser, seed
from fakes.odoo.service import version_info
from fakes.odoo.store import OdooStore

__all__ = ["OdooApp"]


class OdooApp:
    """One Odoo server with one database: authentication, method calls, backup/restore."""

    def __init__(
        self,
        store: OdooStore,
        settings: Settings,
        db: str,
        master_password: str,
        users: list[OdooUser],
    ) -> None:
        self.store = store
        self.settings = settings
        self.db = db
        self.master_password = master_password
        self.users = users
        self.faults = FaultBook()
        self.list_db = True
        self.db_server_ok = True
        self.requests = 0
        self._lock = threading.Lock()
        if store.is_empty():
            seed(store, users, settings)

    # -- databases and credentials ---------------------------------------------------------
    def database_names(self) -> list[str]:
        """The databases this server serves (one, unless wiped)."""
        return [] if self.store.is_empty() else [self.db]

    def check_db(self, db: Any) -> None:
        """Raise as Odoo does when a database does not exist."""
        if db not in self.database_names():
            raise OdooException(
                f'connection to server failed: FATAL:  database "{db}" does not exist',
                name="psycopg2.OperationalError",
            )

    def check_master(self, password: str) -> None:
        """AccessDenied unless ``password`` is the master password."""
        if not password or password != self.master_password:
            raise AccessDenied()

    def authenticate(self, login: str, secret: str) -> int | None:
        """The uid for a login and password or API key, or None."""
        for user in self.store.all("res.users"):
            if user.get("login") == login and credentials_match(user, secret):
                return int(user["id"])
        return None

    def check_uid(self, uid: int, secret: str) -> bool:
        """Whether ``secret`` is uid's password or API key."""
        user = self.store.get("res.users", uid)
        return bool(user) and credentials_match(user or {}, secret)

    def bearer_uid(self, token: str) -> int | None:
        """The uid owning an API key (JSON-2 takes API keys only)."""
        for user in self.store.all("res.users"):
            if credentials_match(user, token, api_key_only=True):
                return int(user["id"])
        return None

    # -- calls -------------------------------------------------------------------------------
    def _env(self, uid: int) -> Env:
        user = self.store.get("res.users", uid) or {}
        context = {"lang": user.get("lang") or "en_US", "tz": user.get("tz") or False, "uid": uid}
        return Env(self.store, uid, self.settings, context)

    def _raise_injected(self, model: str, method: str) -> None:
        fault = self.faults.for_call(model, method)
        if fault is not None:
            raise exception_from_name(fault.exception, fault.message)

    def execute(
        self, uid: int, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Any:
        """``execute_kw`` in one transaction."""
        self._raise_injected(model, method)
        with self.store.transaction():
            return call_kw(self._env(uid), model, method, args, kwargs)

    def execute_json2(self, uid: int, model: str, method: str, body: dict[str, Any]) -> Any:
        """A JSON-2 call in one transaction."""
        self._raise_injected(model, method)
        with self.store.transaction():
            return call_json2(self._env(uid), model, method, body)

    # -- backup --------------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        """What Odoo writes in a dump's manifest.json (trimmed)."""
        info = version_info(self.settings.version)
        return {
            "odoo_dump": "1",
            "db_name": self.db,
            "version": info["server_version"],
            "version_info": info["server_version_info"],
            "major_version": info["server_serie"],
            "pg_version": "sqlite",
            "modules": {"base": info["server_version"], "account": info["server_version"]},
            "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        }

    def backup(self) -> bytes:
        """A zip of the database."""
        return self.store.backup(self.manifest())

    def restore(self, zip_bytes: bytes, name: str | None = None) -> None:
        """Replace the database with a backup."""
        self.store.restore(zip_bytes)
        if name:
            self.db = name

    def wipe(self) -> None:
        """Drop everything: afterwards the database does not exist."""
        self.store.wipe()

    def reset(self) -> None:
        """Back to the seeded state, with the same users and secrets."""
        with self.store.transaction():
            self.store.wipe()
            seed(self.store, self.users, self.settings)
