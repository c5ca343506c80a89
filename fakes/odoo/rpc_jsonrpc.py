"""JSON-RPC 2.0 as Odoo speaks it: ``{"params": {...}}`` in, result or error (HTTP 200) out."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fakes.odoo.service import dispatch_rpc
from fakes.odoo.wire import Response, json_response, serialize_exception, text_response

if TYPE_CHECKING:
    from fakes.odoo.app import OdooApp

__all__ = ["handle_jsonrpc", "jsonrpc_route"]

_log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any]], Any]


def handle_jsonrpc(app: OdooApp, body: bytes, handler: Handler) -> Response:
    """Parse an envelope, run ``handler(params)``, wrap the result or the error."""
    try:
        request = json.loads(body or b"null")
    except ValueError:
        return text_response("Invalid JSON data", 400, "text/plain; charset=utf-8")
    if not isinstance(request, dict) or not isinstance(request.get("params", {}), dict):
        return text_response("Invalid JSON-RPC data", 400, "text/plain; charset=utf-8")
    request_id = request.get("id")
    try:
        result = handler(dict(request.get("params") or {}))
    except Exception as exc:
        _log.debug("JSON-RPC call failed", exc_info=True)
        error = {
            "code": 0 if app.settings.major >= 19 else 200,
            "message": "Odoo Server Error",
            "data": serialize_exception(exc, app.settings.major),
        }
        return json_response({"jsonrpc": "2.0", "id": request_id, "error": error})
    response: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
    if result is not None or app.settings.major >= 19:
        response["result"] = result
    return json_response(response)


def jsonrpc_route(app: OdooApp) -> Handler:
    """The ``/jsonrpc`` handler: ``service``, ``method``, ``args`` to dispatch_rpc."""

    def call(params: dict[str, Any]) -> Any:
        service, method, args = params.get("service"), params.get("method"), params.get("args", [])
        if not isinstance(service, str) or not isinstance(method, str):
            raise TypeError("jsonrpc() missing required arguments: 'service' and 'method'")
        if not isinstance(args, list):
            raise TypeError("args must be a list")
        return dispatch_rpc(app, service, method, args)

    return call
