"""Odoo wire formats as pure functions: JSON-2 bodies, JSON-RPC envelopes, error decoding.

No I/O here. The transport feeds HTTP statuses and decoded bodies in and gets
results (or one of the ``employee.errors`` Odoo errors) out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from employee.errors import OdooError, OdooRemoteError, OdooTransientError

__all__ = [
    "IDEMPOTENT_METHODS",
    "TRANSIENT_STATUSES",
    "decode_json2",
    "decode_jsonrpc",
    "json2_body",
    "jsonrpc_envelope",
    "major_version",
]

#: HTTP statuses a gateway returns when Odoo is (briefly) unreachable.
TRANSIENT_STATUSES = frozenset({502, 503, 504})

#: Methods that change nothing: safe to retry whatever happened to the first attempt.
IDEMPOTENT_METHODS = frozenset(
    {
        "search",
        "search_read",
        "search_count",
        "read",
        "fields_get",
        "name_search",
        "context_get",
        "default_get",
        "check_object_reference",
        "read_group",
        "formatted_read_group",
        "has_group",
    }
)

# Positional parameter names of the ORM methods we call, after ``ids`` for record methods.
# ``@api.model`` methods take no ids (JSON-2 refuses ids for them with HTTP 422).
_MODEL_METHODS: dict[str, tuple[str, ...]] = {
    "search": ("domain", "offset", "limit", "order"),
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "search_count": ("domain", "limit"),
    "create": ("vals_list",),
    "fields_get": ("allfields", "attributes"),
    "name_search": ("name", "domain", "operator", "limit"),
    "context_get": (),
    "default_get": ("fields_list",),
    "check_object_reference": ("module", "xml_id", "raise_on_access_error"),
}
_RECORD_METHODS: dict[str, tuple[str, ...]] = {
    "read": ("fields", "load"),
    "write": ("vals",),
    "unlink": (),
    "action_post": (),
    "button_draft": (),
    "button_cancel": (),
    "action_create_payments": (),
}


def json2_body(method: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Turn an ``execute_kw``-style call into a JSON-2 body (named arguments only).

    For record methods ``args[0]`` is the ids; further positional arguments are
    named from the known ORM signatures. Unknown methods accept ids plus keywords.
    """
    body: dict[str, Any] = {}
    rest = list(args)
    if method in _MODEL_METHODS:
        names = _MODEL_METHODS[method]
    else:
        names = _RECORD_METHODS.get(method, ())
        if rest:
            ids = rest.pop(0)
            body["ids"] = [ids] if isinstance(ids, int) else list(ids)
    if len(rest) > len(names):
        raise OdooError(
            f"JSON-2 needs named arguments: {method} takes at most {len(names)} positional "
            "argument(s) here; pass the others by keyword",
            method=method,
        )
    for name, value in zip(names, rest, strict=False):
        body[name] = value
    for name, value in kwargs.items():
        if name in body:
            raise OdooError(f"argument {name!r} given twice", method=method)
        body[name] = value
    return body


def jsonrpc_envelope(
    service: str, method: str, args: Sequence[Any], request_id: int
) -> dict[str, Any]:
    """The ``POST /jsonrpc`` body Odoo expects (params must be an object)."""
    return {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"service": service, "method": method, "args": list(args)},
        "id": request_id,
    }


def _remote_error(data: Any, fallback: str, code: int | None, **context: Any) -> OdooRemoteError:
    if isinstance(data, Mapping):
        name = str(data.get("name") or "")
        message = str(data.get("message") or fallback)
    else:
        name, message = "", str(data) if data else fallback
    return OdooRemoteError(message, name=name, code=code, **context)


def decode_json2(status: int, body: Any, *, where: str) -> Any:
    """Result of a JSON-2 call from its HTTP status and decoded JSON body (None if not JSON)."""
    if status == 200:
        return body
    if status in TRANSIENT_STATUSES:
        raise OdooTransientError(f"Odoo unavailable: HTTP {status}", status=status, where=where)
    raise _remote_error(body, f"HTTP {status}", status, where=where)


def decode_jsonrpc(status: int, body: Any, *, where: str) -> Any:
    """Result of a ``/jsonrpc`` call; errors arrive with HTTP 200 and an ``error`` member."""
    if status in TRANSIENT_STATUSES:
        raise OdooTransientError(f"Odoo unavailable: HTTP {status}", status=status, where=where)
    if status != 200:
        raise _remote_error(body, f"HTTP {status}", status, where=where)
    if not isinstance(body, Mapping) or body.get("jsonrpc") != "2.0":
        raise OdooError("malformed JSON-RPC response from Odoo", status=status, where=where)
    if "error" in body:
        error = body["error"]
        if not isinstance(error, Mapping):
            raise OdooError("malformed JSON-RPC error from Odoo", where=where)
        code = error.get("code")
        data = error.get("data")
        fallback = str(error.get("message") or "Odoo Server Error")
        if not isinstance(data, Mapping):
            data = {"message": fallback}
        return_code = code if isinstance(code, int) else None
        raise _remote_error(data, fallback, return_code, where=where)
    # Odoo 17/18 omit ``result`` when the method returned None.
    return body.get("result")


def major_version(version: Any) -> int | None:
    """The major version from ``"19.0"``, ``"saas~18.3"`` or a ``[19, 0, ...]`` list."""
    if isinstance(version, Sequence) and not isinstance(version, str) and version:
        head = version[0]
        return head if isinstance(head, int) else None
    if isinstance(version, str):
        text = version.split("~")[-1]
        digits = text.split(".")[0]
        return int(digits) if digits.isdigit() else None
    return None
