"""Accounting on top of ``OdooRpc``: partners, idempotent draft invoices, posting, payments."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from employee.errors import OdooError, OdooRemoteError, OdooTransientError
from employee.odoo.models import INVOICE_FIELDS, Invoice, InvoiceLine, invoice_from_record
from employee.odoo.rpc import OdooRpc

__all__ = ["IDEMPOTENCY_MODULE", "OdooClient", "check_idempotency_key"]

#: ``ir.model.data`` module under which idempotency keys are stored.
IDEMPOTENCY_MODULE = "platinum"
_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
_PAID = ("paid", "in_payment", "reversed")


def check_idempotency_key(key: str) -> str:
    """Return ``key`` if it is a safe ``ir.model.data`` name (letters, digits, ``_``, ``-``)."""
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise OdooError(
            "idempotency key must be 1-128 letters, digits, '_' or '-'", idempotency_key=key
        )
    return key


class OdooClient(OdooRpc):
    """The typed Odoo client the employee uses. Every create carries an idempotency key."""

    # -- idempotency keys in ir.model.data ------------------------------------------------

    def _lookup_key(self, key: str, model: str) -> int | None:
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

    def _record_key(self, key: str, model: str, res_id: int) -> None:
        values = {"module": IDEMPOTENCY_MODULE, "name": key, "model": model, "res_id": res_id}
        self.create("ir.model.data", values)

    def _keyed_ids(self, model: str, ids: Sequence[int]) -> set[int]:
        rows = self.search_read(
            "ir.model.data",
            [
                ["module", "=", IDEMPOTENCY_MODULE],
                ["model", "=", model],
                ["res_id", "in", list(ids)],
            ],
            ["res_id"],
        )
        return {int(r["res_id"]) for r in rows}

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

        A repeated key returns the first invoice. If a previous attempt's outcome was
        unknown, a draft for the same partner and ``ref`` without a key is adopted, so
        transient failures are retried without ever creating a second invoice.
        """
        key = check_idempotency_key(idempotency_key)
        ref = ref.strip()
        if not ref:
            raise OdooError("a draft invoice needs a reference (ref)", idempotency_key=key)
        if not lines:
            raise OdooError("a draft invoice needs at least one line", idempotency_key=key)
        values = {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            "ref": ref,
            "invoice_line_ids": [line.as_command() for line in lines],
        }
        attempt = 0
        while True:
            try:
                return self._create_keyed_invoice(key, partner_id, ref, values)
            except OdooTransientError:
                if attempt >= self.config.retries:
                    raise
            self.transport.pause(attempt)
            attempt += 1

    def _create_keyed_invoice(
        self, key: str, partner_id: int, ref: str, values: dict[str, Any]
    ) -> int:
        existing = self._lookup_key(key, "account.move")
        if existing is not None:
            return existing
        orphans = self.search_read(
            "account.move",
            [
                ["move_type", "=", "out_invoice"],
                ["partner_id", "=", partner_id],
                ["ref", "=", ref],
                ["state", "=", "draft"],
            ],
            ["id"],
            order="id asc",
        )
        ids = [int(r["id"]) for r in orphans]
        unkeyed = [i for i in ids if i not in self._keyed_ids("account.move", ids)] if ids else []
        invoice_id = unkeyed[0] if unkeyed else self.create("account.move", values)
        try:
            self._record_key(key, "account.move", invoice_id)
        except OdooRemoteError:
            # Someone recorded the key first (unique module+name): theirs wins.
            winner = self._lookup_key(key, "account.move")
            if winner is None or winner == invoice_id:
                raise
            self.execute("account.move", "unlink", [invoice_id])
            return winner
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

        Never retried automatically: if the outcome is unknown the error says so and the
        caller reconciles (a repeated key returns the recorded payment; an invoice that is
        already paid is refused rather than paid twice).
        """
        key = check_idempotency_key(idempotency_key)
        existing = self._lookup_key(key, "account.payment")
        if existing is not None:
            return existing
        invoice = self.get_invoice(invoice_id)
        if invoice.state != "posted":
            raise OdooError("only a posted invoice can be paid", invoice_id=invoice_id)
        if invoice.payment_state in _PAID:
            raise OdooError(
                f"invoice is already {invoice.payment_state}; no payment registered",
                invoice_id=invoice_id,
            )
        if amount is not None and not (math.isfinite(amount) and amount > 0):
            raise OdooError("payment amount must be a positive number", amount=amount)
        context = {"active_model": "account.move", "active_ids": [invoice_id]}
        wizard: dict[str, Any] = {}
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
        payment_id = self._payment_from_action(action, invoice_id)
        self._record_key(key, "account.payment", payment_id)
        return payment_id

    def _payment_from_action(self, action: Any, invoice_id: int) -> int:
        if isinstance(action, dict):
            res_id = action.get("res_id")
            if isinstance(res_id, int) and not isinstance(res_id, bool) and res_id > 0:
                return res_id
        rows = self.search_read(
            "account.payment",
            [["reconciled_invoice_ids", "in", [invoice_id]]],
            ["id"],
            limit=1,
            order="id desc",
        )
        if not rows:
            raise OdooError(
                "payment registered but its id could not be found", invoice_id=invoice_id
            )
        return int(rows[0]["id"])
