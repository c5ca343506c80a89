"""HTTP responses as plain values, and how Odoo serialises exceptions into them."""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from typing import Any

from fakes.odoo.exceptions import OdooException

__all__ = ["Response", "json_response", "serialize_exception", "text_response"]


@dataclass
class Response:
    """Status, headers and body of one HTTP answer."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_response(
    value: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    """A JSON body with Odoo's content type."""
    body = json.dumps(value).encode()
    return Response(
        status, body, [("Content-Type", "application/json; charset=utf-8"), *(headers or [])]
    )


def text_response(
    text: str, status: int, content_type: str = "text/html; charset=utf-8"
) -> Response:
    """A plain text or HTML body."""
    return Response(status, text.encode(), [("Content-Type", content_type)])


def serialize_exception(exc: BaseException, version: int) -> dict[str, Any]:
    """``odoo.http.serialize_exception``; 19 orders the keys name, message, …, debug."""
    if isinstance(exc, OdooException):
        name, message, arguments = exc.name, exc.message, exc.arguments
    else:
        name = f"builtins.{type(exc).__name__}"
        message, arguments = str(exc), list(exc.args)
    debug = "".join(traceback.format_exception(exc)) or f"{name}: {message}"
    if version >= 19:
        return {
            "name": name,
            "message": message,
            "arguments": arguments,
            "context": {},
            "debug": debug,
        }
    return {"name": name, "debug": debug, "message": message, "arguments": arguments, "context": {}}
