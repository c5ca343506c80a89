"""Who may do what: model access per role, the posting/payment split, credential checks.

Two roles, as in the production split: an ``executive`` (account.group_account_manager)
may do anything; a ``drafter`` (account.group_account_invoice without posting rights)
reads everything, creates and edits partners and draft invoices, and gets an AccessError
on posting and on payments.
"""

from __future__ import annotations

import hmac
from typing import Any

from fakes.odoo.exceptions import AccessError

__all__ = [
    "DRAFTER_WRITABLE",
    "READ_ONLY_MODELS",
    "ROLES",
    "check_model_access",
    "check_posting",
    "credentials_match",
]

ROLES = ("executive", "drafter")
READ_ONLY_MODELS = frozenset({"ir.model"})
DRAFTER_WRITABLE = frozenset({"res.partner", "account.move", "account.move.line"})
_OPS = {"read": "read", "write": "modify", "create": "create", "unlink": "delete"}


def check_model_access(role: str, model: str, operation: str, description: str = "") -> None:
    """Raise AccessError unless ``role`` may ``operation`` (read/write/create/unlink) ``model``."""
    if role == "system" or operation == "read":
        return
    allowed = model not in READ_ONLY_MODELS and (
        role == "executive" or (role == "drafter" and model in DRAFTER_WRITABLE)
    )
    if not allowed:
        label = description or model
        raise AccessError(
            f"You are not allowed to {_OPS.get(operation, operation)} '{label}' ({model}) "
            "records.\n\nThis operation is allowed for the following groups:\n"
            "\t- Accounting/Billing Administrator\n\nContact your administrator to request access "
            "if necessary."
        )


def check_posting(role: str, what: str = "post an invoice") -> None:
    """Posting, resetting and paying invoices need the executive role."""
    if role not in ("executive", "system"):
        raise AccessError(f"You don't have the access rights to {what}.")


def credentials_match(user: dict[str, Any], secret: str, *, api_key_only: bool = False) -> bool:
    """Whether ``secret`` is the user's API key (or, for RPC, its password)."""
    if not secret or not user.get("active", True):
        return False
    candidates = [str(user.get("api_key") or "")]
    if not api_key_only:
        candidates.append(str(user.get("password") or ""))
    return any(c and hmac.compare_digest(c.encode(), secret.encode()) for c in candidates)
