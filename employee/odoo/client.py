"""Accounting on top of ``OdooRpc``: partners, idempotent draft invoices, posting, payments."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from typing import Any

from employee.errors import OdooError, OdooRemoteError, OdooTransientError
from employee.odoo.models import INVOICE_FIELDS, Invoice, InvoiceLine, invoice_from_record
from employee.odoo.rpc import OdooRpc
from employee.odoo.wire import major_version

__all__ = ["IDEMPOTENCY_MODULE", "OdooClient", "check_idempotency_key", "origin_marker"]

log = logging.getLogger(__name__)

#: ``ir.model.data`` module under which idempotency keys are stored.
IDEMPOTENCY_MODULE = "platinum"
_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
_PAID = ("paid", "in_payment", "reversed")


def origin_marker(key: str) -> str:
    """The ``invoice_origin`` value that carries an idempotency key."""
    return f"{IDEMPOTENCY_MODULE}:{key}"


def check_idempotency_key(key: str) -> str:
    """Return ``key`` if it is a safe ``ir.model.data`` name (letters, digits, ``_``, ``-``)."""
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise OdooError(
            "idempotency key must be 1-128 letters, digits, '_' or '-'", idempotency_key=key
        )
    return key


class OdooClient(OdooRpc):
    """The typed Odoo client the employee uses. Every create carries an idempotency key."""

    # -- idempotency keys ---------------------------------------------------------------------

    def _lookup_key(self, key: str, model: str) -> int | None:
        """The record registered under ``platinum.<key>`` in ir.model.data, if any."""
        rows = self.search_read(
            "ir.model.data",
            [["module", "=", IDEMPOTENCY_MODULE], ["name", "=", key]],
            ["model", "res_id"],
            limit=1,
        )
        if not rows:
            return None
        row = rows[0]
        if row.get("model") != model:
            raise OdooError(
                "idempotency key already used for another kind of record",
                idempotency_key=key,
                model=row.get("model"),
            )
        res_id = row.get("res_id")
        return res_id if isinstance(res_id, int) and not isinstance(res_id, bool) else None

    def _register_key(self, key: str, model: str, res_id: int) -> bool:
        """Record ``platinum.<key>`` in ir.model.data; False if this user may not (ACL)."""
        values = {"module": IDEMPOTENCY_MODULE, "name": key, "model": model, "res_id": res_id}
        try:
            self.create("ir.model.data", values)
        except OdooRemoteError as exc:
            if exc.name != "odoo.exceptions.AccessError":
                raise
            log.debug(
                "ir.model.data not writable for %s; key kept on the record", self.config.login
            )
            return False
        return True

    # -- partners ------------------------------------------------------------------------------

    def find_or_create_partner(self, name: str, email: str | None = None) -> int:
        """The partner with this e-mail (or, without one, this exact name); created if absent."""
        name = name.strip()
        if not name:
            raise OdooError("a partner needs a name")
        email = (email or "").strip() or None
        domain: list[Any] = [["email", "=ilike", email]] if email else [["name", "=", name]]
        found = self.search_read("res.partner", domain, ["id"], limit=1, order="id asc")
        if found:
            return int(found[0]["id"])
        values: dict[str, Any] = {"name": name}
        if email:
            values["email"] = email
        return self.create("res.partner", values)

    # -- invoices --------------------------------------------------------------------------------

    def create_draft_invoice(
        self, partner_id: int, lines: Sequence[InvoiceLine], ref: str, idempotency_key: str
    ) -> int:
        """Create a draft customer invoice once per ``idempotency_key`` and return its id.

        The key travels inside the create itself (``invoice_origin = "platinum:<key>"``),
        so a create whose outcome was unknown is found again and never doubled; it is also
        registered as ``platinum.<key>`` in ir.model.data when the user may write there.
        Transient failures are retried (bounded) because every attempt looks the key up first.
        """
        key = check_idempotency_key(idempotency_key)
        if not lines:
            raise OdooError("a draft invoice needs at least one line", idempotency_key=key)
        values: dict[str, Any] = {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            "invoice_origin": origin_marker(key),
            "invoice_line_ids": [line.as_command() for line in lines],
        }
        if ref.strip():
            values["ref"] = ref.strip()
        attempt = 0
        while True:
            try:
                return self._create_keyed_invoice(key, values)
            except OdooTransientError:
                if attempt >= self.config.retries:
                    raise
            self.transport.pause(attempt)
            attempt += 1

    def find_invoice_by_key(self, idempotency_key: str) -> int | None:
        """The invoice created under this key, if any (ir.model.data, then the origin marker)."""
        key = check_idempotency_key(idempotency_key)
        registered = self._lookup_key(key, "account.move")
        if registered is not None:
            return registered
        rows = self.search_read(
            "account.move",
            [["invoice_origin", "=", origin_marker(key)]],
            ["id"],
            limit=1,
            order="id asc",
        )
        return int(rows[0]["id"]) if rows else None

    def _create_keyed_invoice(self, key: str, values: dict[str, Any]) -> int:
        existing = self.find_invoice_by_key(key)
        if existing is not None:
            return existing
        invoice_id = self.create("account.move", values)
        # Two racing creators both see their drafts now; both keep the oldest.
        twins = self.search_read(
            "account.move", [["invoice_origin", "=", values["invoice_origin"]]], ["id"]
        )
        oldest = min([int(r["id"]) for r in twins] + [invoice_id])
        if oldest != invoice_id:
            self.execute("account.move", "unlink", [invoice_id])
            return oldest
        self._register_key(key, "account.move", invoice_id)
        return invoice_id

    def get_invoice(self, invoice_id: int) -> Invoice:
        """One invoice, typed; a missing id raises ``OdooRemoteError`` (MissingError)."""
        rows = self.read("account.move", [invoice_id], INVOICE_FIELDS)
        if not rows:
            raise OdooRemoteError(
                "Record does not exist or has been deleted.",
                name="odoo.exceptions.MissingError",
                invoice_id=invoice_id,
            )
        return invoice_from_record(rows[0])

    def list_invoices(
        self, state: str | None = None, limit: int = 50, payment_state: str | None = None
    ) -> list[Invoice]:
        """Customer invoices, newest first, optionally filtered by state / payment state."""
        if not 1 <= limit <= 1000:
            raise OdooError("limit must be between 1 and 1000", limit=limit)
        domain: list[Any] = [["move_type", "=", "out_invoice"]]
        if state is not None:
            domain.append(["state", "=", state])
        if payment_state is not None:
            domain.append(["payment_state", "=", payment_state])
        rows = self.search_read(
            "account.move", domain, INVOICE_FIELDS, limit=limit, order="id desc"
        )
        return [invoice_from_record(r) for r in rows]

    def post_invoice(self, invoice_id: int) -> Invoice:
        """Post a draft invoice (effectively once: an already posted invoice is returned as is)."""
        before = self.get_invoice(invoice_id)
        if before.state == "posted":
            return before
        try:
            self.execute("account.move", "action_post", [invoice_id])
        except OdooTransientError:
            # Outcome unknown: reading is safe and tells us whether it happened.
            after = self.get_invoice(invoice_id)
            if after.state == "posted":
                return after
            raise
        return self.get_invoice(invoice_id)

    def register_payment(
        self,
        invoice_id: int,
        amount: float | None = None,
        journal_id: int | None = None,
        *,
        idempotency_key: str,
        payment_date: str | None = None,
    ) -> int:
        """Register a payment on a posted invoice once per key; returns the payment id.

        The key rides in the payment memo (``"<invoice> platinum:<key>"``) and, when the
        user may, in ir.model.data. Never retried automatically: if the outcome is unknown
        the error says so, and calling again with the same key finds the payment instead of
        paying twice. An invoice that is already paid is refused.
        """
        key = check_idempotency_key(idempotency_key)
        if amount is not None and not (math.isfinite(amount) and amount > 0):
            raise OdooError("payment amount must be a positive number", amount=amount)
        invoice = self.get_invoice(invoice_id)
        memo = f"{invoice.name or invoice.id} {origin_marker(key)}"
        existing = self.find_payment_by_key(key, memo)
        if existing is not None:
            return existing
        if invoice.state != "posted":
            raise OdooError("only a posted invoice can be paid", invoice_id=invoice_id)
        if invoice.payment_state in _PAID:
            raise OdooError(
                f"invoice is already {invoice.payment_state}; no payment registered",
                invoice_id=invoice_id,
            )
        context = {"active_model": "account.move", "active_ids": [invoice_id]}
        wizard: dict[str, Any] = {"communication": memo}
        if amount is not None:
            wizard["amount"] = amount
        if journal_id is not None:
            wizard["journal_id"] = journal_id
        if payment_date is not None:
            wizard["payment_date"] = payment_date
        wizard_id = self.create("account.payment.register", wizard, context=context)
        action = self.execute(
            "account.payment.register", "action_create_payments", [wizard_id], context=context
        )
        payment_id = self._payment_from_action(action, key, memo)
        self._register_key(key, "account.payment", payment_id)
        return payment_id

    def find_payment_by_key(self, idempotency_key: str, memo: str) -> int | None:
        """The payment registered under this key, if any (ir.model.data, then the memo)."""
        key = check_idempotency_key(idempotency_key)
        registered = self._lookup_key(key, "account.payment")
        if registered is not None:
            return registered
        rows = self.search_read(
            "account.payment", [[self._memo_field(), "=", memo]], ["id"], limit=1, order="id asc"
        )
        return int(rows[0]["id"]) if rows else None

    def _memo_field(self) -> str:
        # account.payment.ref became memo in 18.0.
        major = major_version(self.server_version)
        return "ref" if major is not None and major < 18 else "memo"

    def _payment_from_action(self, action: Any, key: str, memo: str) -> int:
        if isinstance(action, dict):
            res_id = action.get("res_id")
            if isinstance(res_id, int) and not isinstance(res_id, bool) and res_id > 0:
                return res_id
        found = self.find_payment_by_key(key, memo)
        if found is None:
            raise OdooError("payment registered but not found by its memo", idempotency_key=key)
        return found
