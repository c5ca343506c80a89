"""Web routes: health, version, database manager (list, backup, restore) and /doc-bearer."""

from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import re
import urllib.parse
from typing import TYPE_CHECKING, Any

from fakes.odoo.dispatch import describe_model
from fakes.odoo.exceptions import AccessDenied, HttpError
from fakes.odoo.json2 import NOT_FOUND_HTML, bearer_uid, error_response
from fakes.odoo.orm import REGISTRY
from fakes.odoo.rpc_jsonrpc import handle_jsonrpc
from fakes.odoo.service import version_info
from fakes.odoo.wire import Response, json_response, text_response

if TYPE_CHECKING:
    from fakes.odoo.app import OdooApp

__all__ = ["backup_route", "doc_bearer", "health", "parse_form", "restore_route", "web_version"]

_DB_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")


def health(app: OdooApp, query: dict[str, list[str]]) -> Response:
    """``GET /web/health`` (and ``?db_server_status=1``)."""
    headers = [("Cache-Control", "no-store")]
    if query.get("db_server_status", ["0"])[0] not in ("", "0", "false"):
        if not app.db_server_ok:
            return json_response({"status": "fail", "db_server_status": False}, 500, headers)
        return json_response({"status": "pass", "db_server_status": True}, 200, headers)
    return json_response({"status": "pass"}, 200, headers)


def web_version(app: OdooApp) -> Response:
    """``/web/version`` (19 only)."""
    if app.settings.major < 19:
        return text_response(NOT_FOUND_HTML, 404)
    info = version_info(app.settings.version)
    return json_response(
        {"version_info": info["server_version_info"], "version": info["server_version"]}
    )


def version_info_route(app: OdooApp, body: bytes) -> Response:
    """``/web/webclient/version_info`` (JSON-RPC)."""
    return handle_jsonrpc(app, body, lambda params: version_info(app.settings.version))


def database_list(app: OdooApp, body: bytes) -> Response:
    """``/web/database/list`` (JSON-RPC); AccessDenied when listing is off."""

    def call(params: dict[str, Any]) -> list[str]:
        if not app.list_db:
            raise AccessDenied()
        return app.database_names()

    return handle_jsonrpc(app, body, call)


def parse_form(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """Form fields from an urlencoded or multipart body (files as bytes)."""
    content_type = headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        raw = f"Content-Type: {content_type}\r\n\r\n".encode() + body
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
        out: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if name is None or not isinstance(payload, bytes):
                continue
            out[str(name)] = payload if part.get_filename() else payload.decode()
        return out
    return {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(errors="replace")).items()}


def _manager_error(what: str, message: str) -> Response:
    return text_response(
        f"<html><body><div class='alert alert-danger'>Database {what} error: {message}</div>"
        "</body></html>",
        200,
    )


def backup_route(app: OdooApp, headers: dict[str, str], body: bytes) -> Response:
    """``POST /web/database/backup``: the zip, or the manager page with the error (HTTP 200)."""
    form = parse_form(headers, body)
    if form.get("master_pwd") != app.master_password:
        return _manager_error("backup", "Access Denied")
    if form.get("name") not in app.database_names():
        return _manager_error("backup", f"Database {form.get('name')!r} does not exist")
    fmt = form.get("backup_format", "zip")
    if fmt != "zip":
        return _manager_error("backup", "Only the zip format is supported by this server")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d_%H-%M-%S")
    return Response(
        200,
        app.backup(),
        [
            ("Content-Type", "application/octet-stream; charset=binary"),
            ("Content-Disposition", f"attachment; filename={app.db}_{stamp}.zip"),
        ],
    )


def restore_route(app: OdooApp, headers: dict[str, str], body: bytes) -> Response:
    """``POST /web/database/restore``: redirect to the manager, or the page with the error."""
    form = parse_form(headers, body)
    if form.get("master_pwd") != app.master_password:
        return _manager_error("restore", "Access Denied")
    name, data = str(form.get("name") or ""), form.get("backup_file")
    if not _DB_NAME.match(name) or not isinstance(data, bytes):
        return _manager_error("restore", "Invalid database name or missing backup file")
    try:
        app.restore(data, name=name)
    except Exception as exc:
        return _manager_error("restore", str(exc))
    return Response(303, b"", [("Location", "/web/database/manager")])


def doc_bearer(app: OdooApp, model: str, headers: dict[str, str]) -> Response:
    """``GET /doc-bearer/<model>.json`` (19 only): fields and methods with their parameters."""
    if app.settings.major < 19:
        return text_response(NOT_FOUND_HTML, 404)
    try:
        uid = bearer_uid(app, headers)
        if model not in REGISTRY:
            raise HttpError(404, f"the model {model!r} does not exist")
        return json_response(describe_model(app._env(uid), model))
    except Exception as exc:
        return error_response(exc)
