"""The generic Odoo client: protocol detection, login, and ORM calls over JSON-2 or JSON-RPC."""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Literal

import httpx

from employee.errors import OdooError, OdooRemoteError
from employee.odoo.config import OdooConfig
from employee.odoo.models import OdooHealth
from employee.odoo.transport import HttpTransport
from employee.odoo.wire import (
    IDEMPOTENT_METHODS,
    decode_json2,
    decode_jsonrpc,
    json2_body,
    jsonrpc_envelope,
    major_version,
)

__all__ = ["OdooRpc", "Wire"]

Wire = Literal["json2", "jsonrpc"]

_MODEL_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_METHOD_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")


class OdooRpc:
    """Calls ORM methods on one Odoo database; thread-safe; connects lazily.

    JSON-2 (Odoo 19+) sends named arguments with a bearer API key; JSON-RPC
    (17/18) logs in once and sends ``object.execute_kw``. With ``protocol="auto"``
    the wire is chosen from ``GET /web/version`` (absent before 19).
    """

    def __init__(
        self,
        config: OdooConfig,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: Callable[[], float] | None = None,
    ) -> None:
        self.config = config
        extra: dict[str, Any] = {}
        if sleep is not None:
            extra["sleep"] = sleep
        if rng is not None:
            extra["rng"] = rng
        self.transport = HttpTransport(config, http=http, **extra)
        self._lock = threading.Lock()
        self._wire: Wire | None = None if config.protocol == "auto" else config.protocol
        self._version: str | None = None
        self._uid: int | None = None
        self._ids = itertools.count(1)

    # -- life cycle -----------------------------------------------------------------

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> OdooRpc:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def wire(self) -> Wire:
        """The protocol in use, detecting it on first use."""
        self.connect()
        assert self._wire is not None
        return self._wire

    @property
    def server_version(self) -> str | None:
        """The server version seen while connecting (e.g. ``"19.0"``), if any."""
        return self._version

    def connect(self) -> None:
        """Detect the protocol and, for JSON-RPC, log in. Idempotent."""
        with self._lock:
            if self._wire is None:
                self._wire = self._detect()
            if self._wire == "jsonrpc" and self._uid is None:
                self._uid = self._login()

    def _detect(self) -> Wire:
        status, body = self.transport.request(
            "GET", "/web/version", idempotent=True, accept=frozenset()
        )
        if status == 200 and isinstance(body, dict):
            self._version = str(body.get("version", ""))
            major = major_version(body.get("version_info") or body.get("version"))
            if major is not None and major >= 19:
                return "json2"
        return "jsonrpc"

    def _rpc(self, service: str, method: str, args: Sequence[Any], *, idempotent: bool) -> Any:
        envelope = jsonrpc_envelope(service, method, args, next(self._ids))
        where = f"/jsonrpc {service}.{method}"
        status, body = self.transport.request(
            "POST", "/jsonrpc", payload=envelope, idempotent=idempotent
        )
        return decode_jsonrpc(status, body, where=where)

    def _login(self) -> int:
        if self._version is None:
            info = self._rpc("common", "version", [], idempotent=True)
            if isinstance(info, dict):
                self._version = str(info.get("server_version", ""))
        cfg = self.config
        uid = self._rpc("common", "login", [cfg.db, cfg.login, cfg.secret], idempotent=True)
        if isinstance(uid, bool) or not isinstance(uid, int):
            raise OdooRemoteError(
                "Odoo refused the login", name="odoo.exceptions.AccessDenied", login=cfg.login
            )
        return uid

    # -- ORM calls --------------------------------------------------------------------

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``model.method`` like ``execute_kw``: ids first for record methods.

        Over JSON-2 positional arguments are named from the known ORM signatures;
        ``context=`` is passed as the call's context on both wires.
        """
        if not _MODEL_RE.match(model):
            raise OdooError("not a valid Odoo model name", model=model)
        if not _METHOD_RE.match(method):
            raise OdooError("not a callable Odoo method name", method=method)
        wire = self.wire
        idempotent = method in IDEMPOTENT_METHODS
        if wire == "json2":
            body = json2_body(method, args, kwargs)
            path = f"/json/2/{model}/{method}"
            headers = {
                "Authorization": f"bearer {self.config.secret}",
                "X-Odoo-Database": self.config.db,
                "Content-Type": "application/json; charset=utf-8",
            }
            status, reply = self.transport.request(
                "POST", path, payload=body, headers=headers, idempotent=idempotent
            )
            return decode_json2(status, reply, where=f"{model}.{method}")
        cfg = self.config
        call = [cfg.db, self._uid, cfg.secret, model, method, list(args), dict(kwargs)]
        return self._rpc("object", "execute_kw", call, idempotent=idempotent)

    def search_read(
        self,
        model: str,
        domain: Sequence[Any] = (),
        fields: Sequence[str] | None = None,
        *,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Records matching ``domain`` as dicts (each with ``id``)."""
        kwargs: dict[str, Any] = {"domain": list(domain)}
        if fields is not None:
            kwargs["fields"] = list(fields)
        if offset:
            kwargs["offset"] = offset
        if limit is not None:
            kwargs["limit"] = limit
        if order is not None:
            kwargs["order"] = order
        if context is not None:
            kwargs["context"] = context
        return _rows(self.execute(model, "search_read", **kwargs), model)

    def read(
        self, model: str, ids: Sequence[int], fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """The given records; a missing id raises ``OdooRemoteError`` (MissingError)."""
        kwargs: dict[str, Any] = {} if fields is None else {"fields": list(fields)}
        return _rows(self.execute(model, "read", list(ids), **kwargs), model)

    def create(
        self, model: str, values: dict[str, Any], *, context: dict[str, Any] | None = None
    ) -> int:
        """Create one record and return its id."""
        kwargs: dict[str, Any] = {} if context is None else {"context": context}
        result = self.execute(model, "create", [values], **kwargs)
        if isinstance(result, list) and len(result) == 1:
            result = result[0]
        if isinstance(result, bool) or not isinstance(result, int):
            raise OdooError("Odoo create did not return an id", model=model, result=result)
        return result

    def write(
        self,
        model: str,
        ids: Sequence[int],
        values: dict[str, Any],
        *,
        context: dict[str, Any] | None = None,
    ) -> bool:
        """Write ``values`` on the records."""
        kwargs: dict[str, Any] = {} if context is None else {"context": context}
        return bool(self.execute(model, "write", list(ids), values, **kwargs))

    def health(self) -> OdooHealth:
        """Probe ``/web/health`` and the protocol; never raises."""
        try:
            status, body = self.transport.request(
                "GET", "/web/health", idempotent=True, accept=frozenset({503})
            )
            ok = status == 200 and isinstance(body, dict) and body.get("status") == "pass"
            if not ok:
                return OdooHealth(ok=False, status="fail", detail=f"HTTP {status}: {body!r:.200}")
            wire = self.wire
        except OdooRemoteError as exc:
            return OdooHealth(ok=False, status="refused", detail=str(exc))
        except OdooError as exc:
            return OdooHealth(ok=False, status="unreachable", detail=str(exc))
        return OdooHealth(ok=True, status="pass", protocol=wire, version=self._version)


def _rows(result: Any, model: str) -> list[dict[str, Any]]:
    if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
        raise OdooError("Odoo returned something other than a list of records", model=model)
    return result
