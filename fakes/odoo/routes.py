"""Which handler answers which Odoo URL (everything except the ``/__fake__`` test API)."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fakes.odoo import web
from fakes.odoo.json2 import NOT_FOUND_HTML, handle_json2
from fakes.odoo.rpc_jsonrpc import handle_jsonrpc, jsonrpc_route
from fakes.odoo.rpc_xmlrpc import handle_xmlrpc
from fakes.odoo.wire import Response, text_response

if TYPE_CHECKING:
    from fakes.odoo.app import OdooApp

__all__ = ["Request", "route"]

_XMLRPC = re.compile(r"^/xmlrpc/(?P<two>2/)?(?P<service>common|object|db|report)/?$")
_DOC = re.compile(r"^/doc-bearer/(?P<model>[\w.]+)\.json$")


@dataclass
class Request:
    """One HTTP request: header names lower-cased, query parsed."""

    method: str
    target: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def path(self) -> str:
        """The path without the query string."""
        return urllib.parse.urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        """The query string's parameters."""
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.target).query)


def route(app: OdooApp, request: Request) -> Response:
    """Answer one request to an Odoo route."""
    path, method = request.path, request.method
    if path == "/web/health":
        return web.health(app, request.query)
    if path in ("/web/version", "/json/version"):
        return web.web_version(app)
    if path.startswith("/doc-bearer/") and method == "GET" and (doc := _DOC.match(path)):
        return web.doc_bearer(app, doc["model"], request.headers)
    if path == "/json/2" or path.startswith("/json/2/"):
        if app.settings.major < 19:
            return text_response(NOT_FOUND_HTML, 404)
        return handle_json2(app, method, path, request.headers, request.body)
    if method != "POST":
        return text_response(NOT_FOUND_HTML, 404 if method in ("GET", "HEAD") else 405)
    if path == "/jsonrpc":
        return handle_jsonrpc(app, request.body, jsonrpc_route(app))
    if (xml := _XMLRPC.match(path)) is not None:
        return handle_xmlrpc(app, xml["service"], request.body, legacy=xml["two"] is None)
    if path == "/web/webclient/version_info":
        return web.version_info_route(app, request.body)
    if path == "/web/database/list":
        return web.database_list(app, request.body)
    if path == "/web/database/backup":
        return web.backup_route(app, request.headers, request.body)
    if path == "/web/database/restore":
        return web.restore_route(app, request.headers, request.body)
    return text_response(NOT_FOUND_HTML, 404)
