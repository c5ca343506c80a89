"""Typed Odoo client: JSON-2 for Odoo 19+, JSON-RPC for 17/18, idempotent accounting helpers.

from employee.odoo import OdooClient, OdooConfig, InvoiceLine

with OdooClient(OdooConfig.from_env(os.environ)) as odoo:
    partner = odoo.find_or_create_partner("Acme", "ap@acme.example")
    inv = odoo.create_draft_invoice(partner, [InvoiceLine("Audit", 1, 500.0)],
                                    ref="T-42", idempotency_key="task-42")
"""

from __future__ import annotations

from employee.odoo.client import IDEMPOTENCY_MODULE, OdooClient, check_idempotency_key
from employee.odoo.config import OdooConfig
from employee.odoo.models import Invoice, InvoiceLine, OdooHealth
from employee.odoo.rpc import OdooRpc

__all__ = [
    "IDEMPOTENCY_MODULE",
    "Invoice",
    "InvoiceLine",
    "OdooClient",
    "OdooConfig",
    "OdooHealth",
    "OdooRpc",
    "check_idempotency_key",
]
