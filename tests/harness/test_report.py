"""Reports: hostile text cannot break Markdown or Mermaid; JSON shapes, tables, tree, percentile."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.report import (
    ReportError,
    RunReport,
    Step,
    mermaid_sequence,
    mermaid_text,
    participant,
    path_tree,
    percentile,
    render_console_table,
    render_markdown,
    vault_tree,
    write_report,
)
from harness.timeline import Event

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
HOSTILE = "evil\nline; two # three `code` a-->>b c->>d <script>x</script> | pipe ```fence %%{init}"


def ev(ms: int, actor: str, action: str, target: str = "", **detail: object) -> Event:
    return Event(T0 + timedelta(milliseconds=ms), actor, action, target, dict(detail))


def demo_events() -> list[Event]:
    return [
        ev(0, "harness", "offline", "local"),
        ev(5, "mail", "mail_delivered", "<q4@customer.example>"),
        ev(40, "cloud_agent", "email_triaged", "EMAIL_1.md"),
        ev(80, "cloud", "push", "approval"),
        ev(300, "human", "approve", "APPROVAL_1.md"),
        ev(420, "local_agent", "email_sent", "anna@customer.example"),
        ev(430, "local", "task_done", "Done/2026-11/EMAIL_1.md"),
        ev(440, "odoo", "invoice_drafted", peer="cloud"),
        ev(450, "local", "online"),
    ]


def demo_report(**changes: object) -> RunReport:
    report = RunReport(
        title="Platinum demo",
        steps=[Step("local.go_offline", True, 1.5), Step("wait.sent", True, 420.0, "1 message")],
        latencies_ms={"email → approval on remote": 80.0, "approval → SMTP": 120.0},
        events=demo_events(),
        sent_messages=[
            {"headers": {"To": "anna@customer.example", "Subject": "Re: Q4"}, "body": "Hello"}
        ],
        vault_tree="vault/\n└── Done/",
        started=T0,
        wall_ms=512.0,
        notes=["all good"],
    )
    for key, value in changes.items():
        setattr(report, key, value)
    return report


def mermaid_block(markdown: str) -> list[str]:
    match = re.search(r"^(`{3,})mermaid\n(.*?)\n\1$", markdown, re.S | re.M)
    assert match, markdown
    return match.group(2).splitlines()


MESSAGE_LINE = re.compile(r"^    (Note over \w+|\w+->>\w+): [^;#`%\n<>{}]+$")


def assert_valid_mermaid(lines: list[str]) -> None:
    assert lines[0] == "sequenceDiagram"
    body = [line for line in lines[1:] if not line.startswith("    participant ")]
    for line in body:
        assert MESSAGE_LINE.match(line), line
        assert line.count("->>") <= 1, line
        assert "-->>" not in line, line


def test_passed_needs_steps_and_no_failure() -> None:
    assert demo_report().passed
    assert not demo_report(steps=[]).passed
    assert not demo_report(steps=[Step("a", True, 1), Step("b", False, 2, "timeout")]).passed


def test_markdown_has_every_section() -> None:
    md = render_markdown(demo_report())
    assert md.startswith("# Platinum demo\n")
    assert "**PASS**: 2/2 steps ok" in md
    assert "| 2 | wait.sent | ✔ | 420.0 | 1 message |" in md
    assert "| email → approval on remote | 80.0 |" in md
    assert "To: anna@customer.example\nSubject: Re: Q4\n\nHello" in md
    assert "```text\nvault/\n└── Done/\n```" in md
    assert "- all good" in md
    failed = render_markdown(demo_report(steps=[Step("wait.sent", False, 30000, "timed out")]))
    assert "**FAIL**: 0/1 steps ok" in failed
    assert "| 1 | wait.sent | ✘ | 30000.0 | timed out |" in failed


def test_sequence_diagram_participants_in_fixed_order_and_arrows() -> None:
    lines = mermaid_block(render_markdown(demo_report()))
    participants = [line.split()[-1] for line in lines if line.startswith("    participant ")]
    assert participants == ["Mail", "Cloud", "Remote", "Local", "Human", "SMTP", "Odoo", "Harness"]
    assert "    Harness->>Local: +0 ms offline local" in lines  # an explicit target wins
    assert "    Cloud->>Remote: +80 ms push approval" in lines
    assert "    Human->>Local: +300 ms approve APPROVAL_1.md" in lines
    assert "    Local->>SMTP: +420 ms email_sent anna@customer.example" in lines
    assert "    Odoo->>Cloud: +440 ms invoice_drafted" in lines
    assert "    Local->>Remote: +450 ms online" in lines
    assert "    Note over Local: +430 ms task_done Done/2026-11/EMAIL_1.md" in lines
    assert_valid_mermaid(lines)


def test_hostile_event_text_cannot_break_the_diagram_or_markdown() -> None:
    events = [
        ev(0, HOSTILE, HOSTILE, HOSTILE, peer=HOSTILE),
        ev(1, "cloud", HOSTILE, HOSTILE),
        ev(2, "local\n", "send" + HOSTILE, HOSTILE),
    ]
    report = demo_report(
        title=HOSTILE,
        events=events,
        steps=[Step(HOSTILE, True, 1.0, HOSTILE)],
        latencies_ms={HOSTILE: 1.0},
        notes=[HOSTILE],
        sent_messages=[{"headers": {"Subject": HOSTILE}, "body": "body with ```` fence\n```"}],
    )
    md = render_markdown(report)
    assert_valid_mermaid(mermaid_block(md))
    outside_fences = re.sub(r"^(`{3,})\w*\n.*?\n\1$", "", md, flags=re.S | re.M)
    assert "<script>" not in outside_fences
    assert "&lt;script&gt;" in outside_fences
    # Every table row has exactly its columns: no unescaped pipe leaked in.
    for line in md.splitlines():
        if line.startswith("| "):
            assert len(re.findall(r"(?<!\\)\|", line)) in (3, 6), line
    # The title stays one heading line; fences balance (the body gets a longer fence).
    assert md.splitlines()[0].startswith("# evil line")
    assert "`````text\n" in md
    assert md.count("`````") == 2
    assert "body with ```` fence\n```" in md


@given(st.text(max_size=200))
def test_mermaid_text_never_carries_syntax(text: str) -> None:
    safe = mermaid_text(text)
    assert safe
    assert "\n" not in safe
    assert "\r" not in safe
    assert not set(safe) & set(";#`%<>{}")
    assert "->" not in safe
    assert len(safe) <= 90


def test_participant_names() -> None:
    assert participant("cloud_agent") == "Cloud"
    assert participant("audit:local") == "Local"
    assert participant("fake:mail") == "Mail"
    assert participant("SMTP") == "SMTP"
    assert participant("social-bot 2") == "Social_Bot_2"
    assert participant("!!!") == "Unknown"


def test_diagram_is_bounded() -> None:
    events = [ev(i, "cloud", "push", "x") for i in range(400)]
    lines = mermaid_sequence(events).splitlines()
    assert lines[-1] == "    Note over Cloud: 100 more events not shown"
    assert len(lines) == 1 + 2 + 300 + 1


def test_write_report_files_and_summary_shape(tmp_path: Path) -> None:
    paths = write_report(demo_report(), tmp_path / "out")
    assert set(paths) == {"report.md", "events.json", "summary.json"}
    assert all(path.parent == tmp_path / "out" for path in paths.values())
    assert paths["report.md"].read_text(encoding="utf-8").startswith("# Platinum demo")
    events = json.loads(paths["events.json"].read_text(encoding="utf-8"))
    assert len(events) == 9
    assert events[0] == {
        "at": "2026-11-26T09:00:00+00:00",
        "actor": "harness",
        "action": "offline",
        "target": "local",
        "detail": {},
        "source": "harness",
    }
    summary = json.loads(paths["summary.json"].read_text(encoding="utf-8"))
    assert summary["passed"] is True
    assert summary["steps"] == [
        {"name": "local.go_offline", "ok": True, "at_ms": 1.5},
        {"name": "wait.sent", "ok": True, "at_ms": 420.0},
    ]
    assert summary["latencies_ms"] == {"email → approval on remote": 80.0, "approval → SMTP": 120.0}
    assert summary["wall_ms"] == 512.0
    assert summary["title"] == "Platinum demo"


def test_console_table_is_aligned() -> None:
    table = render_console_table({"email → approval": 80.04, "approval → SMTP (p95)": 1234.56})
    lines = table.splitlines()
    assert lines[0].startswith("metric")
    assert lines[0].endswith("ms")
    assert len({len(line) for line in lines}) == 1
    assert lines[2].endswith("  80.0")
    assert lines[3].endswith("1234.6")
    assert render_console_table({}).splitlines()[0] == "metric  ms"


def test_vault_tree(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref")
    (root / "Done" / "2026-11").mkdir(parents=True)
    (root / "Done" / "2026-11" / "EMAIL_1.md").write_text("x" * 2048)
    (root / "Dashboard.md").write_text("hi")
    (root / "Needs_Action").mkdir()
    (root / "link.md").symlink_to("../outside")
    assert vault_tree(root) == "\n".join(
        [
            "vault/",
            "├── Dashboard.md (2 B)",
            "├── Done/",
            "│   └── 2026-11/",
            "│       └── EMAIL_1.md (2.0 KiB)",
            "├── Needs_Action/",
            "└── link.md -> ../outside",
        ]
    )
    assert ".git/" in vault_tree(root, exclude=())
    with pytest.raises(ReportError, match="not a folder"):
        vault_tree(tmp_path / "missing")


def test_percentile() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    with pytest.raises(ReportError, match="no values"):
        percentile([], 50)
    with pytest.raises(ReportError, match=r"within 0\.\.100"):
        percentile([1.0], 101)


def test_path_tree_from_a_listing() -> None:
    paths = ["Done/2026-11/EMAIL_1.md", "Dashboard.md", "Logs/cloud/2026-11-26.jsonl", "Done/x.md"]
    assert path_tree(paths) == "\n".join(
        [
            "vault/",
            "├── Dashboard.md",
            "├── Done/",
            "│   ├── 2026-11/",
            "│   │   └── EMAIL_1.md",
            "│   └── x.md",
            "└── Logs/",
            "    └── cloud/",
            "        └── 2026-11-26.jsonl",
        ]
    )
    assert path_tree([], root="remote") == "remote/"


def test_sent_message_shows_the_envelope() -> None:
    message = {
        "envelope_from": "owner@platinum.test",
        "envelope_to": ["anna@customer.test"],
        "headers": {"Subject": "Re: Q4"},
        "body": "Hi",
    }
    md = render_markdown(demo_report(sent_messages=[message]))
    assert (
        "(envelope) MAIL FROM: owner@platinum.test\n(envelope) RCPT TO: anna@customer.test\n"
        "Subject: Re: Q4\n\nHi"
    ) in md
