"""Odoo's server-side exceptions, as the fake raises them and the protocols serialise them.

Each class carries the dotted ``name`` Odoo puts in ``data.name`` / the JSON-2 error body,
the JSON-2 HTTP status and the XML-RPC fault codes (int for ``/xmlrpc/2``, string for
``/xmlrpc``)::

    OdooException                 (builtins.* when wrapping a Python error; fault 1, HTTP 500)
    └── UserError                 odoo.exceptions.UserError        fault 2, HTTP 422
        ├── ValidationError       odoo.exceptions.ValidationError  fault 2, HTTP 422
        ├── AccessError           odoo.exceptions.AccessError      fault 4, HTTP 403
        ├── AccessDenied          odoo.exceptions.AccessDenied     fault 3, HTTP 403
        └── MissingError          odoo.exceptions.MissingError     fault 2, HTTP 404
    HttpError                     werkzeug.exceptions.* (JSON-2 only: 400/401/404/415/422)
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "EXCEPTIONS",
    "AccessDenied",
    "AccessError",
    "HttpError",
    "MissingError",
    "OdooException",
    "UserError",
    "ValidationError",
    "exception_from_name",
]


class OdooException(Exception):
    """An error raised inside the fake Odoo; ``name`` is what goes on the wire."""

    default_name: ClassVar[str] = "builtins.Exception"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str, *, name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.name = name or self.default_name

    @property
    def arguments(self) -> list[object]:
        """The exception's ``args`` as Odoo serialises them."""
        return [self.message]


class UserError(OdooException):
    """A business rule refused the call."""

    default_name = "odoo.exceptions.UserError"
    http_status = 422


class ValidationError(UserError):
    """A constraint failed."""

    default_name = "odoo.exceptions.ValidationError"


class AccessError(UserError):
    """The user lacks the rights for this operation."""

    default_name = "odoo.exceptions.AccessError"
    http_status = 403


class AccessDenied(UserError):
    """Bad credentials."""

    default_name = "odoo.exceptions.AccessDenied"
    http_status = 403

    def __init__(self, message: str = "Access Denied", *, name: str | None = None) -> None:
        super().__init__(message, name=name)


class MissingError(UserError):
    """A record does not exist or was deleted."""

    default_name = "odoo.exceptions.MissingError"
    http_status = 404


class HttpError(OdooException):
    """A werkzeug HTTP exception (JSON-2 routing and parsing errors)."""

    _NAMES: ClassVar[dict[int, str]] = {
        400: "werkzeug.exceptions.BadRequest",
        401: "werkzeug.exceptions.Unauthorized",
        403: "werkzeug.exceptions.Forbidden",
        404: "werkzeug.exceptions.NotFound",
        415: "werkzeug.exceptions.UnsupportedMediaType",
        422: "werkzeug.exceptions.UnprocessableEntity",
    }

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message, name=self._NAMES.get(status, "werkzeug.exceptions.HTTPException"))
        self.status = status

    @property
    def arguments(self) -> list[object]:
        return [self.message, self.status]


EXCEPTIONS: dict[str, type[OdooException]] = {
    cls.default_name: cls
    for cls in (UserError, ValidationError, AccessError, AccessDenied, MissingError)
}


def exception_from_name(name: str, message: str) -> OdooException:
    """Build the exception Odoo would raise for a dotted name (``builtins.X`` allowed)."""
    cls = EXCEPTIONS.get(name)
    if cls is None:
        return OdooException(message, name=name)
    return cls(message)
