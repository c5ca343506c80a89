"""The fake mail server's test API over HTTP+JSON (stdlib ``http.server``, loopback only).

Routes (user and mailbox are URL-quoted path segments; raw messages travel base64-encoded)::

    GET    /health                                   -> {"ok": true, ports..., "version": n}
    GET    /users/{user}/mailboxes/{mailbox}/messages
    GET    /users/{user}/mailboxes/{mailbox}/messages/{uid}/raw   (message/rfc822)
    DELETE /users/{user}/mailboxes/{mailbox}/messages/{uid}
    POST   /deliver        {"raw_b64", "to"?, "mailbox"?}        -> {"uid": n}
    GET    /outbound
    GET    /faults  POST /faults {"kind": "smtp"|"imap", ...}  DELETE /faults
    POST   /imap/drop      POST /reset
    GET    /wait?version=n&timeout=s                 -> {"version": m} once the store changed
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from dataclasses import asdict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from fakes.errors import FakeError
from fakes.mail.faults import ImapFault, SmtpFault
from fakes.mail.store import OutboundMessage, StoredMessage

if TYPE_CHECKING:
    from fakes.mail.server import FakeMailServer

__all__ = ["MailApiServer", "fault_from_json", "fault_to_json", "outbound_json", "stored_json"]

MAX_BODY = 64 * 1024 * 1024
MAX_WAIT = 30.0


def stored_json(msg: StoredMessage) -> dict[str, Any]:
    parsed = msg.message
    return {
        "uid": msg.uid,
        "flags": sorted(msg.flags),
        "internal_date": msg.internal_date.isoformat(),
        "size": len(msg.raw),
        "message_id": msg.message_id,
        "subject": str(parsed.get("Subject", "")),
        "raw_b64": base64.b64encode(msg.raw).decode("ascii"),
    }


def outbound_json(msg: OutboundMessage) -> dict[str, Any]:
    return {
        "mail_from": msg.mail_from,
        "rcpt_tos": list(msg.rcpt_tos),
        "received_at": msg.received_at.isoformat(),
        "login": msg.login,
        "message_id": msg.message_id,
        "raw_b64": base64.b64encode(msg.raw).decode("ascii"),
    }


def fault_to_json(fault: SmtpFault | ImapFault) -> dict[str, Any]:
    return {"kind": "smtp" if isinstance(fault, SmtpFault) else "imap", **asdict(fault)}


def fault_from_json(data: dict[str, Any]) -> SmtpFault | ImapFault:
    """Build a fault from its JSON form; ValueError/TypeError on bad input."""
    fields = dict(data)
    kind = fields.pop("kind", None)
    if kind == "smtp":
        return SmtpFault(**fields)
    if kind == "imap":
        return ImapFault(**fields)
    raise ValueError("fault kind must be 'smtp' or 'imap'")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _reply(self, status: int, body: Any, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _json_body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("request body too large")
        data = json.loads(self.rfile.read(length) or b"{}")
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        return data

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        parts = [unquote(p) for p in url.path.strip("/").split("/") if p]
        try:
            status, body = self._dispatch(method, parts, parse_qs(url.query))
        except FakeError as exc:
            status, body = HTTPStatus.NOT_FOUND, {"error": str(exc)}
        except (ValueError, TypeError, KeyError, binascii.Error) as exc:
            status, body = HTTPStatus.BAD_REQUEST, {"error": str(exc)}
        ctype = "message/rfc822" if isinstance(body, bytes) else "application/json"
        self._reply(status, body, ctype)

    def _dispatch(
        self, method: str, parts: list[str], query: dict[str, list[str]]
    ) -> tuple[int, Any]:
        fake = self.server.fake
        ok = HTTPStatus.OK
        match method, parts:
            case "GET", ["health"]:
                return ok, {
                    "ok": True,
                    "host": fake.host,
                    "smtp_port": fake.smtp_port,
                    "imap_port": fake.imap_port,
                    "smtps_port": fake.smtps_port,
                    "imaps_port": fake.imaps_port,
                    "api_port": fake.api_port,
                    "ca_cert": fake.ca_cert,
                    "version": fake.store.version,
                }
            case "GET", ["users", user, "mailboxes", box, "messages"]:
                return ok, [stored_json(m) for m in fake.messages(user, box)]
            case "GET", ["users", user, "mailboxes", box, "messages", uid, "raw"]:
                return ok, fake.store.get(user, box, int(uid)).raw
            case "DELETE", ["users", user, "mailboxes", box, "messages", uid]:
                fake.store.get(user, box, int(uid))
                return ok, {"deleted": fake.store.delete(user, box, [int(uid)])}
            case "POST", ["deliver"]:
                body = self._json_body()
                raw = base64.b64decode(body["raw_b64"], validate=True)
                new_uid = fake.deliver(raw, to=body.get("to"), mailbox=body.get("mailbox", "INBOX"))
                return ok, {"uid": new_uid}
            case "GET", ["outbound"]:
                return ok, [outbound_json(m) for m in fake.outbound]
            case "GET", ["faults"]:
                return ok, [fault_to_json(f) for f in fake.faults.active()]
            case "POST", ["faults"]:
                fake.inject_fault(fault_from_json(self._json_body()))
                return ok, {"ok": True}
            case "DELETE", ["faults"]:
                fake.clear_faults()
                return ok, {"ok": True}
            case "POST", ["imap", "drop"]:
                fake.drop_imap_connections()
                return ok, {"ok": True}
            case "POST", ["reset"]:
                fake.reset()
                return ok, {"ok": True}
            case "GET", ["wait"]:
                seen = int(query.get("version", ["-1"])[0])
                timeout = min(float(query.get("timeout", ["5"])[0]), MAX_WAIT)
                return ok, {"version": fake.store.wait_changed(seen, max(timeout, 0.0))}
        return HTTPStatus.NOT_FOUND, {"error": f"no route {method} /{'/'.join(parts)}"}

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeMailServer


class MailApiServer:
    """The HTTP API in a background thread."""

    def __init__(self, fake: FakeMailServer, host: str, port: int) -> None:
        self._httpd = _Server((host, port), _Handler)
        self._httpd.fake = fake
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="fake-mail-api", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(10)
