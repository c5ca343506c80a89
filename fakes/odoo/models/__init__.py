"""The fake's models; importing this package registers them all."""

from __future__ import annotations

from fakes.odoo.models import accounting, base, journal, payments

__all__ = ["accounting", "base", "journal", "payments"]
