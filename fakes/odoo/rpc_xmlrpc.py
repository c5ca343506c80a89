"""XML-RPC as Odoo speaks it: ``/xmlrpc/2/*`` with int fault codes, ``/xmlrpc/*`` with strings."""

from __future__ import annotations

import traceback
import xmlrpc.client
from typing import TYPE_CHECKING, Any

from fakes.odoo.exceptions import AccessDenied, AccessError, MissingError, OdooException, UserError
from fakes.odoo.service import dispatch_rpc
from fakes.odoo.wire import Response

if TYPE_CHECKING:
    from fakes.odoo.app import OdooApp

__all__ = ["fault_for", "handle_xmlrpc"]


def _text(exc: BaseException) -> str:
    return exc.message if isinstance(exc, OdooException) else str(exc)


def _traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


def _string_fault(code: str, text: str) -> xmlrpc.client.Fault:
    """A fault with a string faultCode, as the legacy ``/xmlrpc`` routes send."""
    legacy_code: Any = code  # typeshed says int; Odoo's legacy routes send strings
    return xmlrpc.client.Fault(legacy_code, text)


def fault_for(exc: BaseException, *, legacy: bool) -> xmlrpc.client.Fault:
    """``xmlrpc_handle_exception_int`` (``/xmlrpc/2``) or ``_string`` (``/xmlrpc``)."""
    message = _text(exc)
    if not legacy:
        if isinstance(exc, AccessError):
            return xmlrpc.client.Fault(4, message)
        if isinstance(exc, AccessDenied):
            return xmlrpc.client.Fault(3, message)
        if isinstance(exc, UserError):
            return xmlrpc.client.Fault(2, message)
        return xmlrpc.client.Fault(1, _traceback(exc))
    if isinstance(exc, MissingError):
        return _string_fault("warning -- MissingError\n\n" + message, "")
    if isinstance(exc, AccessError):
        return _string_fault("warning -- AccessError\n\n" + message, "")
    if isinstance(exc, AccessDenied):
        return _string_fault("AccessDenied", message)
    if isinstance(exc, UserError):
        return _string_fault("warning -- UserError\n\n" + message, "")
    return _string_fault(message, _traceback(exc))


def _xml(payload: str) -> Response:
    return Response(200, payload.encode(), [("Content-Type", "text/xml; charset=utf-8")])


def handle_xmlrpc(app: OdooApp, service: str, body: bytes, *, legacy: bool) -> Response:
    """Answer one XML-RPC POST to ``/xmlrpc[/2]/<service>``."""
    try:
        params, method = xmlrpc.client.loads(body, use_datetime=True)
        if method is None:
            raise ValueError("no methodName in request")
        result: Any = dispatch_rpc(app, service, method, list(params))
        payload = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False)
    except Exception as exc:
        fault = fault_for(exc, legacy=legacy)
        return _xml(xmlrpc.client.dumps(fault, methodresponse=True, allow_none=False))
    return _xml(payload)
