"""Invoice request parsing: amounts in both notations, line shapes, currencies, gaps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from employee.brain.invoice import parse_amount, parse_invoice_request


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("800", Decimal(800)),
        ("1,200", Decimal(1200)),
        ("1.200", Decimal(1200)),
        ("1,200.50", Decimal("1200.50")),
        ("1.200,50", Decimal("1200.50")),
        ("12,5", Decimal("12.5")),
        ("95.00", Decimal(95)),
        ("1 000 000", Decimal(1000000)),
    ],
)
def test_parse_amount(text: str, value: Decimal) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    ("body", "lines", "currency"),
    [
        ("please invoice 3 x Consulting day at 800 EUR", [("Consulting day", 3, 800)], "EUR"),
        ("2 \u00d7 Workshop @ €1,200 each", [("Workshop", 2, 1200)], "EUR"),
        ("3x Audit at USD 450.50", [("Audit", 3, Decimal("450.50"))], "USD"),
        (
            "10 hours of design work at £95 per hour",
            [("Design work (hours)", 10, 95)],
            "GBP",
        ),
        ("5 days consulting at 700 euros/day", [("Consulting (days)", 5, 700)], "EUR"),
        (
            "Please send an invoice for the website redesign, 2.400 EUR in total.",
            [("Website redesign", 1, 2400)],
            "EUR",
        ),
    ],
)
def test_lines(body: str, lines: list[tuple[str, int, int]], currency: str) -> None:
    request, _ = parse_invoice_request(body, "Invoice", "Jane Doe", "jane@x.example", "CHF")
    assert [(d, q, p) for d, q, p in request.lines] == [
        (d, Decimal(q), Decimal(p)) for d, q, p in lines
    ]
    assert request.currency == currency
    assert not request.needs_human_input


def test_mixed_currencies_need_a_human() -> None:
    request, reasons = parse_invoice_request(
        "Please invoice 1 x Setup at 100 EUR and 1 x Support at 100 USD", "", "J", "j@x", "EUR"
    )
    assert request.needs_human_input
    assert request.currency is None
    assert any("mixed currencies" in r for r in reasons)


def test_missing_price_needs_a_human() -> None:
    request, reasons = parse_invoice_request(
        "Please invoice us for the audit.", "", "J", "j@x", "EUR"
    )
    assert request.needs_human_input
    assert request.lines == ()
    assert request.total is None
    assert "no amounts found: needs human input" in reasons


def test_to_dict_is_plain_data() -> None:
    request, _ = parse_invoice_request("invoice 3 x Day at 800 EUR", "", "J", "j@x", "EUR")
    assert request.to_dict() == {
        "partner_name": "J",
        "partner_email": "j@x",
        "currency": "EUR",
        "needs_human_input": False,
        "lines": [{"description": "Day", "quantity": 3.0, "unit_price": 800.0}],
    }
