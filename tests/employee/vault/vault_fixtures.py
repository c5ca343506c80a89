"""Shared builders for the vault tests (a fresh vault with one task)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from employee.vault import Vault, needs_action, new_task

__all__ = ["NOW", "make_task", "make_vault"]

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def make_vault(root: Path) -> Vault:
    """An initialised vault at ``root`` with a fixed clock."""
    return Vault.init(root, now=NOW)


def make_task(vault: Vault, task_id: str = "email-t1", domain: str = "email") -> None:
    """Write a pending task ``task_id`` into ``Needs_Action/<domain>/``."""
    doc = new_task(
        task_id=task_id,
        type="email",
        domain=domain,
        created=NOW,
        body="Hello, can you send the invoice?",
        from_="client@example.com",
        subject="Invoice please",
    )
    vault.write(needs_action(domain, task_id), doc)
