"""The RPC services behind ``/jsonrpc`` and ``/xmlrpc``: common, object and db."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from fakes.odoo.exceptions import AccessDenied, OdooException

if TYPE_CHECKING:
    from fakes.odoo.app import OdooApp

__all__ = ["dispatch_rpc", "version_info"]


def version_info(version: str) -> dict[str, Any]:
    """``common.version()`` for a major version."""
    return {
        "server_version": f"{version}.0",
        "server_version_info": [int(version), 0, 0, "final", 0, ""],
        "server_serie": f"{version}.0",
        "protocol_version": 1,
    }


def dispatch_rpc(app: OdooApp, service: str, method: str, params: list[Any]) -> Any:
    """Route one call to its service, as ``odoo.http.dispatch_rpc`` does."""
    if service == "common":
        return _common(app, method, params)
    if service == "object":
        return _object(app, method, params)
    if service == "db":
        return _db(app, method, params)
    raise OdooException(f"No such service: {service!r}", name="builtins.KeyError")


def _common(app: OdooApp, method: str, params: list[Any]) -> Any:
    if method == "version":
        return version_info(app.settings.version)
    if method in ("login", "authenticate"):
        if len(params) < (4 if method == "authenticate" else 3):
            raise OdooException(f"{method}() is missing arguments", name="builtins.TypeError")
        db, login, password = params[0], params[1], params[2]
        app.check_db(db)
        uid = app.authenticate(str(login), str(password))
        return uid if uid is not None else False
    if method == "about":
        return "See http://openerp.com"
    raise OdooException(f"Method not found: {method}", name="builtins.Exception")


def _object(app: OdooApp, method: str, params: list[Any]) -> Any:
    if len(params) < 5:
        raise OdooException(f"{method}() is missing arguments", name="builtins.TypeError")
    db, uid, password, model, name, *rest = params
    if not password:
        raise AccessDenied()
    app.check_db(db)
    if isinstance(uid, bool) or not isinstance(uid, int) or not app.check_uid(uid, str(password)):
        raise AccessDenied()
    if method == "execute_kw":
        args = rest[0] if rest else []
        kwargs = rest[1] if len(rest) > 1 else {}
        if not isinstance(args, list) or not isinstance(kwargs, dict | None):
            raise OdooException(
                "execute_kw needs a list of args and a dict of kwargs", name="builtins.TypeError"
            )
        return app.execute(uid, str(model), str(name), list(args), kwargs or {})
    if method == "execute":
        return app.execute(uid, str(model), str(name), list(rest), {})
    raise OdooException(f"Method not available {method}", name="builtins.NameError")


def _db(app: OdooApp, method: str, params: list[Any]) -> Any:
    if method == "list":
        if not app.list_db:
            raise AccessDenied()
        return app.database_names()
    if method == "server_version":
        return f"{app.settings.version}.0"
    if method == "db_exist":
        return bool(params) and params[0] in app.database_names()
    if method == "list_lang":
        return [["en_US", "English (US)"]]
    if method == "dump":
        master, db = params[0], params[1]
        app.check_master(str(master))
        app.check_db(db)
        return base64.b64encode(app.backup()).decode()
    if method == "restore":
        master, db, data = params[0], params[1], params[2]
        app.check_master(str(master))
        app.restore(base64.b64decode(str(data)), name=str(db))
        return True
    if method == "change_admin_password":
        app.check_master(str(params[0]))
        app.master_password = str(params[1])
        return True
    raise OdooException(f"Method not found: {method}", name="builtins.KeyError")
