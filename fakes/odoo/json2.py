"""Odoo 19's JSON-2 API: ``POST /json/2/<model>/<method>`` with a bearer API key."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from fakes.odoo.exceptions import HttpError, OdooException
from fakes.odoo.wire import Response, json_response, serialize_exception, text_response

if TYPE_CHECKING:
    from fakes.odoo.app import OdooApp

__all__ = ["bearer_uid", "error_response", "handle_json2"]

_BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)
_ROUTE = re.compile(r"^/json/2/(?P<model>[^/]+)/(?P<method>[^/]+)/?$")
NOT_FOUND_HTML = (
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    "<p>The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again.</p>\n"
)


def error_response(exc: BaseException) -> Response:
    """Status and JSON body for an exception, as the ``json2`` dispatcher sends them."""
    if isinstance(exc, HttpError):
        status = exc.status
    elif isinstance(exc, OdooException):
        status = exc.http_status
    else:
        status = 500
    headers = [("WWW-Authenticate", "bearer")] if status == 401 else []
    return json_response(serialize_exception(exc, 19), status, headers)


def bearer_uid(app: OdooApp, headers: dict[str, str]) -> int:
    """The uid behind the ``Authorization: bearer`` header; HttpError 401 otherwise."""
    match = _BEARER.match(headers.get("authorization", "").strip())
    uid = app.bearer_uid(match.group(1).strip()) if match else None
    if uid is None:
        raise HttpError(401, "Invalid apikey")
    database = headers.get("x-odoo-database")
    if database and database not in app.database_names():
        raise HttpError(404, "The requested URL was not found on the server.")
    return uid


def handle_json2(
    app: OdooApp, method: str, path: str, headers: dict[str, str], body: bytes
) -> Response:
    """Answer a request under ``/json/2``."""
    route = _ROUTE.match(path)
    if method != "POST" or route is None:
        return error_response(HttpError(404, "Did you mean POST /json/2/<model>/<method>?"))
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return text_response(
            "<!doctype html>\n<title>415 Unsupported Media Type</title>\n<h1>Unsupported Media "
            f"Type</h1>\n<p>expected application/json, got {content_type or 'nothing'}</p>\n",
            415,
        )
    try:
        uid = bearer_uid(app, headers)
        try:
            data: Any = json.loads(body or b"{}")
        except ValueError as exc:
            raise HttpError(400, f"could not parse the body as json: {exc}") from exc
        if not isinstance(data, dict):
            raise HttpError(400, "could not parse the body, expecting a json object")
        result = app.execute_json2(uid, route["model"], route["method"], data)
    except Exception as exc:
        return error_response(exc)
    return json_response(result)
