"""Run reports: Markdown with a Mermaid sequence diagram and tables, plus machine-readable JSON.

Rendering is pure (``render_markdown``, ``render_console_table``, ``percentile``); the only
I/O is ``write_report`` (three files) and ``vault_tree`` (reads a folder). Every piece of
event, step or note text is escaped so that it cannot break the Markdown or the diagram.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.timeline import Event, event_to_json, json_safe

__all__ = [
    "ReportError",
    "RunReport",
    "Step",
    "mermaid_sequence",
    "mermaid_text",
    "participant",
    "path_tree",
    "percentile",
    "render_console_table",
    "render_markdown",
    "summary",
    "vault_tree",
    "write_report",
]

PARTICIPANTS = ("Mail", "Cloud", "Remote", "Local", "Human", "SMTP", "Odoo", "Harness")
_ALIASES = {
    "mail": "Mail",
    "imap": "Mail",
    "email": "Mail",
    "cloud": "Cloud",
    "remote": "Remote",
    "git": "Remote",
    "local": "Local",
    "human": "Human",
    "owner": "Human",
    "smtp": "SMTP",
    "odoo": "Odoo",
    "harness": "Harness",
}
# Action keywords that name the other end of an arrow, tried in order.
_PEER_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("push", "fetch", "pull", "sync", "claim", "replay", "offline", "online"), "Remote"),
    (("send", "sent", "smtp"), "SMTP"),
    (("odoo", "invoice", "payment", "partner"), "Odoo"),
    (("approve", "reject", "edit"), "Local"),
    (("imap", "deliver", "triage", "received"), "Mail"),
)
_MERMAID_MAP = str.maketrans(
    {";": " ", "#": " ", "`": "'", "%": " ", "<": "\u2039", ">": "\u203a", "{": "(", "}": ")"}
)
_MAX_DIAGRAM_EVENTS = 300
_TEXT_LIMIT = 90


class ReportError(HarnessError, ValueError):
    """A report could not be built from the values given."""


@dataclass(frozen=True)
class Step:
    """One scenario step as it went: ``at_ms`` is measured from the start of the run."""

    name: str
    ok: bool
    at_ms: float
    detail: str = ""


@dataclass
class RunReport:
    """Everything a run has to say; ``passed`` needs at least one step and no failed one."""

    title: str
    steps: list[Step] = field(default_factory=list)
    latencies_ms: dict[str, float] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    sent_messages: list[dict[str, Any]] = field(default_factory=list)
    vault_tree: str = ""
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    wall_ms: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)


# -- escaping ----------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    """Control and format characters (newlines included) become spaces; runs collapse."""
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in str(text))
    return " ".join(cleaned.split())


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mermaid_text(text: str, limit: int = _TEXT_LIMIT) -> str:
    """Text safe inside a Mermaid message or note: one line, no ; # ` % arrows or angle brackets."""
    line = _one_line(text)
    line = re.sub(r"<<?-+>>?|-+>+|<-+", "→", line)
    line = line.translate(_MERMAID_MAP)
    line = " ".join(line.split())
    return _truncate(line, limit).strip() or "-"


def _md_cell(text: str, limit: int = 200) -> str:
    """Text safe inside a Markdown table cell."""
    line = _truncate(_one_line(text), limit)
    line = line.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")
    return line.replace("<", "&lt;").replace(">", "&gt;")


def _md_line(text: str, limit: int = 500) -> str:
    """Text safe as one Markdown paragraph line (no heading, list or HTML injection)."""
    line = _md_cell(text, limit)
    return "\\" + line if line[:1] in "#>-+*=|" or line[:1].isdigit() else line


def _fenced(body: str, info: str = "text") -> str:
    """``body`` in a code fence longer than any backtick run inside it."""
    runs = [len(run) for run in re.findall(r"`+", body)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{info}\n{body.rstrip()}\n{fence}"


# -- the sequence diagram -------------------------------------------------------------------------


def participant(name: str) -> str:
    """The diagram participant for an actor or source name (``cloud_agent`` → ``Cloud``)."""
    lowered = name.strip().lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    for token in re.split(r"[^a-z0-9]+", lowered):
        if token in _ALIASES:
            return _ALIASES[token]
    ident = re.sub(r"[^A-Za-z0-9]", "_", name.strip())[:30].strip("_")
    return ident.title() if ident else "Unknown"


def _peer(event: Event, actor: str) -> str | None:
    explicit = event.detail.get("peer")
    if isinstance(explicit, str) and explicit:
        return participant(explicit)
    if event.target.strip().lower() in _ALIASES:
        return _ALIASES[event.target.strip().lower()]
    action = event.action.lower()
    for keywords, peer in _PEER_RULES:
        if any(word in action for word in keywords) and peer != actor:
            return peer
    return None


def mermaid_sequence(events: Sequence[Event]) -> str:
    """A Mermaid ``sequenceDiagram`` of ``events`` (participants in a fixed order)."""
    shown = list(events[:_MAX_DIAGRAM_EVENTS])
    lines: list[str] = []
    seen: list[str] = []
    start = shown[0].at if shown else None
    for event in shown:
        actor = participant(event.actor)
        peer = _peer(event, actor)
        for name in (actor, peer):
            if name is not None and name not in seen:
                seen.append(name)
        offset = (event.at - start).total_seconds() * 1000 if start else 0.0
        label = f"+{offset:.0f} ms {event.action}"
        if event.target:
            label += f" {_truncate(_one_line(event.target), 40)}"
        text = mermaid_text(label)
        if peer is None or peer == actor:
            lines.append(f"    Note over {actor}: {text}")
        else:
            lines.append(f"    {actor}->>{peer}: {text}")
    if len(events) > len(shown):
        where = seen[0] if seen else "Harness"
        lines.append(f"    Note over {where}: {len(events) - len(shown)} more events not shown")
    known = [name for name in PARTICIPANTS if name in seen]
    others = [name for name in seen if name not in PARTICIPANTS]
    header = ["sequenceDiagram"] + [f"    participant {name}" for name in known + others]
    return "\n".join(header + lines)


# -- Markdown -----------------------------------------------------------------------------------


def _render_message(message: Mapping[str, Any]) -> str:
    headers = message.get("headers", {})
    pairs: Iterable[tuple[Any, Any]]
    if isinstance(headers, Mapping):
        pairs = headers.items()
    elif isinstance(headers, list | tuple):
        pairs = [(pair[0], pair[1]) for pair in headers if isinstance(pair, list | tuple)]
    else:
        pairs = []
    head = "\n".join(f"{_one_line(str(k))}: {_one_line(str(v))}" for k, v in pairs)
    envelope = []
    if "envelope_from" in message:
        envelope.append(f"(envelope) MAIL FROM: {_one_line(str(message['envelope_from']))}")
    rcpts = message.get("envelope_to")
    if isinstance(rcpts, list | tuple):
        envelope.append(f"(envelope) RCPT TO: {_one_line(', '.join(map(str, rcpts)))}")
    head = "\n".join([*envelope, head]) if head else "\n".join(envelope)
    body = str(message.get("body", ""))
    return f"{head}\n\n{body}" if head else body


def _steps_table(steps: Sequence[Step]) -> list[str]:
    rows = ["| # | step | ok | at (ms) | detail |", "|---:|---|:---:|---:|---|"]
    for number, step in enumerate(steps, 1):
        mark = "✔" if step.ok else "✘"
        rows.append(
            f"| {number} | {_md_cell(step.name)} | {mark} | {step.at_ms:.1f} "
            f"| {_md_cell(step.detail)} |"
        )
    return rows


def render_markdown(report: RunReport) -> str:
    """The report as Markdown: verdict, steps, sequence diagram, latencies, mail, vault, notes."""
    verdict = "PASS" if report.passed else "FAIL"
    out = [
        f"# {_md_cell(report.title)}",
        "",
        f"**{verdict}**: {sum(s.ok for s in report.steps)}/{len(report.steps)} steps ok, "
        f"started {report.started.isoformat()}, wall time {report.wall_ms:.0f} ms.",
        "",
        "## Steps",
        "",
        *(_steps_table(report.steps) if report.steps else ["(no steps ran)"]),
        "",
        "## Sequence",
        "",
        _fenced(mermaid_sequence(report.events), "mermaid") if report.events else "(no events)",
        "",
        "## Latencies",
        "",
    ]
    if report.latencies_ms:
        out += ["| metric | ms |", "|---|---:|"]
        out += [f"| {_md_cell(k)} | {v:.1f} |" for k, v in report.latencies_ms.items()]
    else:
        out.append("(none measured)")
    out += ["", "## Sent mail", ""]
    if report.sent_messages:
        for message in report.sent_messages:
            out += [_fenced(_render_message(message)), ""]
    else:
        out += ["(nothing was sent)", ""]
    out += ["## Vault", "", _fenced(report.vault_tree) if report.vault_tree else "(empty)", ""]
    if report.notes:
        out += ["## Notes", ""] + [f"- {_md_cell(note, 1000)}" for note in report.notes] + [""]
    return "\n".join(out)


def summary(report: RunReport) -> dict[str, Any]:
    """The machine-readable verdict written to ``summary.json``."""
    return {
        "title": report.title,
        "passed": report.passed,
        "started": report.started.isoformat(),
        "steps": [{"name": s.name, "ok": s.ok, "at_ms": s.at_ms} for s in report.steps],
        "latencies_ms": dict(report.latencies_ms),
        "wall_ms": report.wall_ms,
    }


def write_report(report: RunReport, directory: Path) -> dict[str, Path]:
    """Write ``report.md``, ``events.json`` and ``summary.json``; returns them by file name."""
    directory.mkdir(parents=True, exist_ok=True)
    events = [event_to_json(event) for event in report.events]
    contents = {
        "report.md": render_markdown(report),
        "events.json": json.dumps(events, indent=2, ensure_ascii=False),
        "summary.json": json.dumps(json_safe(summary(report)), indent=2, ensure_ascii=False),
    }
    paths: dict[str, Path] = {}
    for name, text in contents.items():
        paths[name] = directory / name
        paths[name].write_text(text + "\n", encoding="utf-8")
    return paths


# -- terminal and numbers -----------------------------------------------------------------------


def render_console_table(latencies_ms: Mapping[str, float]) -> str:
    """An aligned two-column text table of latencies for the terminal."""
    rows = [(_one_line(name), f"{value:.1f}") for name, value in latencies_ms.items()]
    width = max([len("metric"), *(len(name) for name, _ in rows)])
    number = max([len("ms"), *(len(value) for _, value in rows)])
    lines = [f"{'metric':<{width}}  {'ms':>{number}}", f"{'-' * width}  {'-' * number}"]
    lines += [f"{name:<{width}}  {value:>{number}}" for name, value in rows]
    return "\n".join(lines)


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0 to 100) with linear interpolation between closest ranks."""
    if not values:
        raise ReportError("percentile of no values")
    if not 0 <= p <= 100 or math.isnan(p):
        raise ReportError(f"percentile must be within 0..100, got {p!r}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# -- the vault folder ---------------------------------------------------------------------------


def _size(nbytes: int) -> str:
    return f"{nbytes} B" if nbytes < 1024 else f"{nbytes / 1024:.1f} KiB"


def path_tree(paths: Iterable[str], root: str = "vault") -> str:
    """A ``tree``-like drawing of slash-separated relative paths (e.g. a git tree listing)."""
    nested: dict[str, Any] = {}
    for path in paths:
        node = nested
        parts = [part for part in str(path).split("/") if part]
        for index, part in enumerate(parts):
            leaf = index == len(parts) - 1
            node = node.setdefault(part + ("" if leaf else "/"), {})
    lines = [f"{_one_line(root)}/"]

    def draw(node: dict[str, Any], prefix: str) -> None:
        names = sorted(node)
        for index, name in enumerate(names):
            last = index == len(names) - 1
            lines.append(f"{prefix}{'└── ' if last else '├── '}{_one_line(name)}")
            draw(node[name], prefix + ("    " if last else "│   "))

    draw(nested, "")
    return "\n".join(lines)


def vault_tree(root: Path, *, exclude: Iterable[str] = (".git",)) -> str:
    """A ``tree``-like listing of ``root``: sorted, files with sizes, symlinks not followed."""
    if not root.is_dir():
        raise ReportError(f"not a folder: {root}")
    skip = set(exclude)
    lines = [f"{root.name or root}/"]

    def walk(folder: Path, prefix: str) -> None:
        try:
            children = sorted(
                (c for c in folder.iterdir() if c.name not in skip), key=lambda c: c.name
            )
        except OSError as exc:
            lines.append(f"{prefix}└── (unreadable: {exc.strerror})")
            return
        for index, child in enumerate(children):
            last = index == len(children) - 1
            branch, indent = ("└── ", "    ") if last else ("├── ", "│   ")
            name = _one_line(child.name)
            if child.is_symlink():
                lines.append(f"{prefix}{branch}{name} -> {_one_line(str(child.readlink()))}")
            elif child.is_dir():
                lines.append(f"{prefix}{branch}{name}/")
                walk(child, prefix + indent)
            else:
                lines.append(f"{prefix}{branch}{name} ({_size(child.lstat().st_size)})")

    walk(root, "")
    return "\n".join(lines)
