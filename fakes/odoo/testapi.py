"""The HTTP test API under ``/__fake__``: the Python test verbs for other processes.

=========================  ===========================================================
``GET  /__fake__/info``     url, db, version, users, master password
``GET  /__fake__/records``  ``?model=account.move&domain=<json>`` → list of records
``POST /__fake__/faults``   body: an OdooFault as JSON; ``DELETE`` clears every fault
``POST /__fake__/reset``    also ``wipe``, ``down``, ``up``
``GET  /__fake__/backup``   the zip; ``POST /__fake__/restore`` takes it back
=========================  ===========================================================
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fakes.errors import FakeError
from fakes.odoo.faults import OdooFault
from fakes.odoo.wire import Response, json_response

if TYPE_CHECKING:
    from fakes.odoo.routes import Request
    from fakes.odoo.server import FakeOdoo

__all__ = ["handle_test_api"]


def _error(status: int, message: str) -> Response:
    return json_response({"error": message}, status)


def handle_test_api(fake: FakeOdoo, request: Request) -> Response:
    """Answer one ``/__fake__`` request."""
    verb = request.path.removeprefix("/__fake__").strip("/")
    method = request.method
    try:
        if verb == "info" and method == "GET":
            return json_response(fake.describe())
        if verb == "records" and method == "GET":
            query = request.query
            model = query.get("model", [""])[0]
            domain: Any = json.loads(query.get("domain", ["[]"])[0])
            return json_response(fake.records(model, domain))
        if verb == "faults" and method == "POST":
            fake.inject_fault(OdooFault.from_dict(json.loads(request.body or b"{}")))
            return json_response({"faults": [f.as_dict() for f in fake.faults]})
        if verb == "faults" and method == "DELETE":
            fake.clear_faults()
            return json_response({"faults": []})
        if verb == "faults" and method == "GET":
            return json_response({"faults": [f.as_dict() for f in fake.faults]})
        if verb == "backup" and method == "GET":
            return Response(200, fake.backup(), [("Content-Type", "application/zip")])
        if verb == "restore" and method == "POST":
            fake.restore(request.body)
            return json_response({"ok": True})
        actions = {"reset": fake.reset, "wipe": fake.wipe, "down": fake.down, "up": fake.up}
        if verb in actions and method == "POST":
            actions[verb]()
            return json_response({"ok": True, "up": fake.is_up})
    except (ValueError, TypeError, FakeError) as exc:
        return _error(400, str(exc))
    return _error(404, f"no test API route {method} /__fake__/{verb}")
