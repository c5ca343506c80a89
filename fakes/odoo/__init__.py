"""A fake Odoo 17/18/19 server: JSON-RPC, XML-RPC, JSON-2 and web routes over SQLite.

Quick use::

    with FakeOdoo(version="19") as odoo:
        odoo.url, odoo.db, odoo.executive.api_key
        odoo.records("account.move", [("state", "=", "posted")])
"""

from __future__ import annotations

from fakes.odoo.client import FakeOdooClient
from fakes.odoo.faults import OdooFault
from fakes.odoo.seed import OdooUser
from fakes.odoo.server import FakeOdoo
from fakes.odoo.store import OdooStore

__all__ = ["FakeOdoo", "FakeOdooClient", "OdooFault", "OdooStore", "OdooUser"]
