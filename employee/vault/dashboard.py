"""Render ``Dashboard.md`` from a snapshot: deterministic Markdown with wikilinks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from employee.vault.frontmatter import Document, render_document
from employee.vault.snapshot import Entry, VaultSnapshot
from employee.vault.values import as_str, as_utc, to_datetime

__all__ = ["render_dashboard"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _clean(text: str) -> str:
    """One line of text that cannot break the table or inject Markdown structure."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    for bad, good in (("|", "\\|"), ("[[", "[ ["), ("]]", "] ]")):
        flat = flat.replace(bad, good)
    return flat


def _link(path: PurePosixPath, *, in_table: bool = True) -> str:
    """An Obsidian wikilink; inside a table the alias pipe is escaped as ``\\|``."""
    target = str(path.with_suffix("")) if path.suffix == ".md" else str(path)
    pipe = "\\|" if in_table else "|"
    return f"[[{_clean(target)}{pipe}{_clean(path.stem)}]]"


def _when(value: datetime | None) -> str:
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def _age(created: datetime | None, now: datetime) -> str:
    if created is None:
        return "—"
    minutes = max(0, int((as_utc(now) - created).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} d"


def _table(header: Sequence[str], rows: list[list[str]], empty: str) -> list[str]:
    if not rows:
        return [f"_{empty}_", ""]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _pending(entries: Sequence[Entry], now: datetime) -> list[str]:
    rows = []
    for e in sorted(entries, key=lambda e: (e.created is None, e.created or now, str(e.path))):
        expires = to_datetime(e.meta.get("expires"))
        flag = " (expired)" if expires is not None and as_utc(now) >= expires else ""
        rows.append(
            [
                _link(e.path),
                _clean(as_str(e.meta.get("action"), "?")),
                _clean(e.title),
                _age(e.created, now),
                _when(expires) + flag,
            ]
        )
    return _table(
        ("Approval", "Action", "Subject", "Waiting", "Expires"), rows, "No approvals waiting."
    )


def _in_progress(entries: Sequence[Entry]) -> list[str]:
    rows = []
    for e in entries:
        lease = to_datetime(e.meta.get("lease_until"))
        rows.append(
            [
                _link(e.path),
                _clean(as_str(e.meta.get("claimed_by"), e.path.parent.name)),
                _clean(e.title),
                _when(lease),
            ]
        )
    return _table(("Task", "Agent", "Subject", "Lease until"), rows, "Nothing in progress.")


def _done(entries: Sequence[Entry]) -> list[str]:
    rows = [[_link(e.path), _clean(e.status or "done"), _clean(e.title)] for e in entries]
    return _table(("Item", "Status", "Subject"), rows, "Nothing finished yet.")


def _updates(entries: Sequence[Entry]) -> list[str]:
    ordered = sorted(entries, key=lambda e: (e.created is None, e.created or _EPOCH, str(e.path)))
    lines = [
        f"- {_when(e.created)} · {_clean(as_str(e.meta.get('kind'), 'info'))} · "
        f"{_clean(e.title)} ({_link(e.path, in_table=False)})"
        for e in ordered
    ]
    return [*lines, ""] if lines else ["_No updates._", ""]


def _health(health: Mapping[str, Mapping[str, Any]]) -> list[str]:
    rows = []
    for name in sorted(health):
        info = health[name]
        details = ", ".join(f"{k}={_clean(as_str(info[k]))}" for k in sorted(info) if k != "status")
        rows.append([_clean(name), _clean(as_str(info.get("status"), "unknown")), details])
    return _table(("Component", "Status", "Details"), rows, "No health reports.")


def render_dashboard(
    snapshot: VaultSnapshot,
    *,
    now: datetime,
    health: Mapping[str, Mapping[str, Any]] | None = None,
    alerts: Sequence[str] = (),
) -> str:
    """The full ``Dashboard.md`` text for ``snapshot`` at ``now`` (same input, same output)."""
    lines = ["# Dashboard", "", f"Updated {_when(as_utc(now))}.", ""]
    counts = (
        f"{len(snapshot.needs_action)} waiting · {len(snapshot.in_progress)} in progress · "
        f"{len(snapshot.pending_approvals)} awaiting approval · "
        f"{len(snapshot.done)} recently done"
    )
    lines += [counts, ""]
    alert_lines = [f"- ⚠️ {_clean(a)}" for a in alerts]
    alert_lines += [
        f"- ⚠️ unreadable: `{_clean(str(path))}`: {_clean(reason)}"
        for path, reason in snapshot.errors
    ]
    if alert_lines:
        lines += ["## Alerts", "", *alert_lines, ""]
    lines += ["## Pending approvals", "", *_pending(snapshot.pending_approvals, now)]
    lines += ["## In progress", "", *_in_progress(snapshot.in_progress)]
    lines += ["## Recently done", "", *_done(snapshot.done)]
    lines += ["## Updates", "", *_updates(snapshot.updates)]
    if health:
        lines += ["## Health", "", *_health(health)]
    body = "\n".join(lines).rstrip("\n") + "\n"
    return render_document(Document({"type": "dashboard", "updated": as_utc(now)}, body))
