"""The Odoo MCP server: draft-only tools on Cloud, posting and payment added on Local."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, Field

from employee.errors import OdooError, OdooRemoteError, OdooTransientError
from employee.odoo import Invoice, InvoiceLine, OdooClient

__all__ = ["DRAFT_TOOLS", "EXECUTIVE_TOOLS", "Mode", "OdooMCPServer", "build_server"]

Mode = Literal["draft", "executive"]
DRAFT_TOOLS = (
    "find_or_create_partner",
    "create_draft_invoice",
    "get_invoice",
    "list_invoices",
)
#: Side effects only Local may perform; never registered on a draft (Cloud) server.
EXECUTIVE_TOOLS = ("post_invoice", "register_payment")

IdempotencyKey = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$", description="stable per request")
]
_READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)


class LineIn(BaseModel):
    """An invoice line as a tool argument."""

    name: Annotated[str, Field(min_length=1, max_length=500)]
    quantity: Annotated[float, Field(gt=0)] = 1.0
    price_unit: float
    product_id: int | None = None


class PartnerOut(BaseModel):
    partner_id: int


class PaymentOut(BaseModel):
    payment_id: int
    invoice: Invoice


class _Lazy:
    """Builds the Odoo client on first use and shares it between tool calls."""

    def __init__(self, factory: Callable[[], OdooClient]) -> None:
        self._factory = factory
        self._client: OdooClient | None = None
        self._lock = threading.Lock()

    def get(self) -> OdooClient:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


class OdooMCPServer(MCPServer[Any]):
    """An ``MCPServer`` that refuses executive tools outright when in draft mode."""

    def __init__(self, mode: Mode, odoo: _Lazy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mode: Mode = mode
        self.odoo = odoo

    def close(self) -> None:
        """Close the Odoo client, if one was built."""
        self.odoo.close()

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Any = None
    ) -> CallToolResult | Any:
        if self.mode == "draft" and name in EXECUTIVE_TOOLS:
            raise ToolError(f"refused: {name} is not offered by a draft-only (Cloud) Odoo server")
        return await super().call_tool(name, arguments, context)


@contextmanager
def _odoo_errors() -> Iterator[None]:
    """Turn Odoo failures into tool errors the model can read."""
    try:
        yield
    except OdooRemoteError as exc:
        raise ToolError(f"Odoo refused ({exc.name or 'error'}): {exc.message}") from exc
    except OdooTransientError as exc:
        raise ToolError(f"Odoo unavailable, nothing confirmed: {exc}") from exc
    except OdooError as exc:
        raise ToolError(str(exc)) from exc


def build_server(client_factory: Callable[[], OdooClient], mode: Mode) -> OdooMCPServer:
    """An Odoo MCP server; ``draft`` lists no posting or payment tool and refuses them."""
    if mode not in ("draft", "executive"):
        raise ValueError(f"mode must be 'draft' or 'executive', not {mode!r}")
    lazy = _Lazy(client_factory)
    server = OdooMCPServer(
        mode,
        lazy,
        name=f"platinum-odoo-{mode}",
        instructions=(
            "Odoo accounting. Draft invoices are created once per idempotency key."
            + (" Posting and payments need a human approval first." if mode == "executive" else "")
        ),
    )

    @server.tool(annotations=ToolAnnotations(idempotent_hint=True, open_world_hint=False))
    def find_or_create_partner(
        name: Annotated[str, Field(min_length=1, max_length=200)], email: str | None = None
    ) -> PartnerOut:
        """Find the customer by e-mail (or exact name) and create it if absent."""
        with _odoo_errors():
            return PartnerOut(partner_id=lazy.get().find_or_create_partner(name, email))

    @server.tool(
        annotations=ToolAnnotations(
            read_only_hint=False,
            destructive_hint=False,
            idempotent_hint=True,
            open_world_hint=False,
        )
    )
    def create_draft_invoice(
        partner_id: int,
        lines: Annotated[list[LineIn], Field(min_length=1, max_length=200)],
        idempotency_key: IdempotencyKey,
        ref: Annotated[str, Field(max_length=200)] = "",
    ) -> Invoice:
        """Create a draft customer invoice; the same idempotency key returns the same invoice."""
        with _odoo_errors():
            odoo = lazy.get()
            typed = [InvoiceLine(x.name, x.quantity, x.price_unit, x.product_id) for x in lines]
            invoice_id = odoo.create_draft_invoice(partner_id, typed, ref, idempotency_key)
            return odoo.get_invoice(invoice_id)

    @server.tool(annotations=_READ)
    def get_invoice(invoice_id: int) -> Invoice:
        """One customer invoice with its state, totals and payment state."""
        with _odoo_errors():
            return lazy.get().get_invoice(invoice_id)

    @server.tool(annotations=_READ)
    def list_invoices(
        state: Literal["draft", "posted", "cancel"] | None = None,
        limit: Annotated[int, Field(ge=1, le=200)] = 20,
    ) -> list[Invoice]:
        """Customer invoices, newest first."""
        with _odoo_errors():
            return lazy.get().list_invoices(state=state, limit=limit)

    if mode == "executive":
        _add_executive_tools(server, lazy)
    return server


def _add_executive_tools(server: OdooMCPServer, lazy: _Lazy) -> None:
    @server.tool(
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False
        )
    )
    def post_invoice(invoice_id: int) -> Invoice:
        """Post (validate) a draft invoice. Only after a human approved it."""
        with _odoo_errors():
            return lazy.get().post_invoice(invoice_id)

    @server.tool(
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False
        )
    )
    def register_payment(
        invoice_id: int,
        idempotency_key: IdempotencyKey,
        amount: Annotated[float, Field(gt=0)] | None = None,
        journal_id: int | None = None,
    ) -> PaymentOut:
        """Register a payment on a posted invoice once per key. Only after a human approved it."""
        with _odoo_errors():
            odoo = lazy.get()
            payment_id = odoo.register_payment(
                invoice_id, amount, journal_id, idempotency_key=idempotency_key
            )
            return PaymentOut(payment_id=payment_id, invoice=odoo.get_invoice(invoice_id))
