"""Pure pieces: the allow-list, the change check, the scanner, push identity, op round-trips."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest

from employee.sync import ClaimOp, CompleteOp, LogOp, Mutation, ReclaimOp, WriteOp
from employee.sync.hook import pushing_agent
from employee.sync.operations import from_json, to_json
from employee.sync.policy import FileChange, check_changes, is_allowed_path, parse_raw_diff
from employee.sync.scanner import scan_bytes
from employee.vault import GITIGNORE

BLOBS = {"clean": b"---\nid: a\n---\nhello\n", "key": b"-----BEGIN RSA PRIVATE KEY-----\nabc\n"}


def _change(path: str, sha: str = "clean", mode: str = "100644", status: str = "A"):
    return FileChange(path, status, "000000" if status == "A" else "100644", mode, sha)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("Needs_Action/email/t.md", True),
        ("Logs/cloud/2026-11-26.jsonl", True),
        (".gitignore", True),
        (".platinum/protocol.json", True),
        (".env", False),
        ("Plans/x/.env.md", False),
        ("secrets/bank.md", False),
        ("whatsapp/wa.session.md", False),
        ("token.json", False),
        (".obsidian/workspace.md", False),
        ("Logs/cloud/notes.txt", False),
    ],
)
def test_allow_list(path, allowed):
    assert is_allowed_path(path) is allowed


def test_allow_list_is_no_wider_than_the_vault_gitignore(tmp_path):
    """Every path the policy allows is also un-ignored by the vault's .gitignore."""
    (tmp_path / ".gitignore").write_text(GITIGNORE)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    paths = ["Needs_Action/email/t.md", "Logs/cloud/2026-11-26.jsonl", ".platinum/protocol.json"]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=tmp_path,
                             capture_output=True, text=True).stdout  # fmt: skip
    assert ignored == ""


def test_check_changes_reasons():
    read = BLOBS.__getitem__
    assert check_changes("cloud", [_change("Plans/email/PLAN_a.md")], read) == []
    kinds = lambda cs, agent="cloud", **kw: {v.kind for v in check_changes(agent, cs, read, **kw)}  # noqa: E731
    assert kinds([_change("Plans/email/x.md", "key")]) == {"secret"}
    assert kinds([_change("Approved/A.md")]) == {"zone"}
    assert kinds([_change("Approved/A.md")], "local") == set()
    assert "mode" in kinds([_change("Plans/email/l.md", mode="120000")])
    assert "mode" in kinds([_change("Plans/email/s.md", mode="160000")], "local")
    assert kinds([_change("Plans/email/a.md")], size_cap=4) == {"size"}
    assert kinds([_change("Plans/email/a.md", status="D")]) == set()
    assert kinds([_change("Dashboard.md", status="D")]) == {"zone"}
    assert kinds([_change("Plans/email/a.md")], "mallory") == {"identity"}
    assert check_changes("cloud", [_change("Plans/email/a.md")], read, canaries=["hello"])


def test_parse_raw_diff():
    raw = (b":000000 100644 0000000000000000000000000000000000000000 "
           b"1111111111111111111111111111111111111111 A\0Needs_Action/email/a b.md\0"
           b":100644 000000 2222222222222222222222222222222222222222 "
           b"0000000000000000000000000000000000000000 D\0Dashboard.md\0")  # fmt: skip
    changes = parse_raw_diff(raw)
    assert [(c.path, c.status, c.deleted) for c in changes] == [
        ("Needs_Action/email/a b.md", "A", False),
        ("Dashboard.md", "D", True),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "aws = AKIAIOSFODNN7EXAMPLE",
        '{"refresh_token": "1//0gabc"}',
        "token ghp_" + "a" * 36,
        "password: hunter2hunter2",
        '{"WABrowserId": "x"}',
        "SMTP_PASSWORD=hunter2hunter2",
        "PAYMENT_TOKEN: tok_abcdef123",
        "db-secret = abcdefgh12",
    ],
)
def test_scanner_finds(text):
    assert scan_bytes(text.encode())


@pytest.mark.parametrize(
    "text", ["The token: we discussed", "the pin code is on the card", "Spinning: fast"]
)
def test_scanner_ignores_ordinary_words(text):
    assert scan_bytes(text.encode()) == []


def test_scanner_leaves_ordinary_notes_alone():
    note = (b"---\ntype: email\nid: 01JDC7W4Q3M8K2V6X9T0R5N1BZ\nfrom: a@b.example\n"
            b"subject: Invoice 42\n---\nPlease find the invoice attached. Thanks!\n")  # fmt: skip
    assert scan_bytes(note) == []


def test_pushing_agent():
    def opts(*o: str) -> dict[str, str]:
        return {"GIT_PUSH_OPTION_COUNT": str(len(o))} | {
            f"GIT_PUSH_OPTION_{i}": v for i, v in enumerate(o)
        }

    assert pushing_agent(opts("agent=cloud")) == "cloud"
    assert pushing_agent(opts()) is None
    assert pushing_agent(opts("agent=cloud", "agent=local")) is None
    assert pushing_agent(opts() | {"PLATINUM_AGENT": "local"}) == "local"
    assert pushing_agent(opts("agent=cloud") | {"PLATINUM_AGENT": "local"}) is None
    assert pushing_agent({"GIT_PUSH_OPTION_COUNT": "x"}) is None


def test_operations_round_trip_through_json():
    ops = [
        ClaimOp("cloud", "email", "t1", timedelta(minutes=3)),
        ReclaimOp("local", "t1", timedelta(minutes=3), timedelta(seconds=30)),
        CompleteOp("cloud", "t1", 2, Mutation.of({"Plans/email/P.md": "x"}, moves=[("a", "b")])),
        WriteOp("local", Mutation.of(deletes=["Approved/A.md"]), note="n"),
        LogOp("cloud", ({"action_type": "claim_lost", "target": "t1"},)),
    ]
    for op in ops:
        assert from_json(to_json(op)) == op
    with pytest.raises(Exception, match="unknown operation"):
        from_json({"kind": "rm -rf"})
