"""The zone table: who may add, modify or delete which vault path."""

from __future__ import annotations

import pytest

from employee.vault import ZONES, Change, check_changes, check_zone, zone_of

BOTH = [
    "Needs_Action/email/t.md",
    "Needs_Action/social/t.md",
    "Needs_Action/finance/t.md",
    "Plans/email/PLAN_t.md",
    "Pending_Approval/email/APPROVAL_a.md",
    "Pending_Approval/finance/APPROVAL_a.md",
    "Updates/u.md",
    "In_Progress/cloud/t.md",
    "Logs/cloud/2026-11-26.jsonl",
]
LOCAL_ONLY = [
    "Needs_Action/whatsapp/t.md",
    "Needs_Action/payments/t.md",
    "Plans/payments/PLAN_t.md",
    "Pending_Approval/payments/APPROVAL_a.md",
    "In_Progress/local/t.md",
    "Logs/local/2026-11-26.jsonl",
    "Approved/APPROVAL_a.md",
    "Rejected/APPROVAL_a.md",
    "Done/2026-11/t.md",
    "Dashboard.md",
    "Company_Handbook.md",
    "Business_Goals.md",
    ".platinum/protocol.json",
    ".gitignore",
    "Notes/meeting.md",
    "Needs_Action/email/sub/t.md",
]
NOBODY = [
    ".env",
    ".env.md",
    "secrets/token.json",
    "token.json",
    "Needs_Action/email/t.txt",
    "Logs/cloud/x.txt",
    "Logs/other/x.jsonl",
    ".obsidian/workspace.json",
    ".obsidian/x.md",
    ".git/hooks/pre-commit.md",
    ".platinum/sub/x.json",
    "Plans/.hidden.md",
    "/Dashboard.md",
    "../Dashboard.md",
    "Plans//x.md",
    "Plans/./x.md",
    "Plans/x.md/",
    "Plans\\x.md",
    "Plans/a\nb.md",
    "",
]


@pytest.mark.parametrize("path", BOTH)
def test_shared_zone(path: str) -> None:
    for kind in ("add", "modify", "delete"):
        assert check_zone("cloud", Change(path, kind))  # type: ignore[arg-type]
        assert check_zone("local", Change(path, kind))  # type: ignore[arg-type]


@pytest.mark.parametrize("path", LOCAL_ONLY)
def test_local_only_zone(path: str) -> None:
    assert check_zone("local", Change(path, "add"))
    verdict = check_zone("cloud", Change(path, "add"))
    assert verdict.code == "zone_violation"
    assert path in verdict.reason
    assert not check_zone("cloud", Change(path, "delete"))


@pytest.mark.parametrize("path", NOBODY)
def test_outside_the_allow_list(path: str) -> None:
    assert zone_of(path) == ""
    for agent in ("cloud", "local"):
        verdict = check_zone(agent, Change(path, "add"))  # type: ignore[arg-type]
        assert verdict.code == "zone_violation"
        assert "allow-list" in verdict.reason


@pytest.mark.parametrize(("mode", "word"), [("120000", "symlink"), ("160000", "submodule")])
def test_symlinks_and_submodules_are_refused_for_everyone(mode: str, word: str) -> None:
    for agent in ("cloud", "local"):
        verdict = check_zone(agent, Change("Updates/u.md", "add", mode))  # type: ignore[arg-type]
        assert not verdict
        assert word in verdict.reason


def test_modes() -> None:
    assert check_zone("local", Change("Updates/u.md", "add", "100755"))
    assert not check_zone("local", Change("Updates/u.md", "add", "040000"))
    assert check_zone("local", Change("Updates/u.md", "delete", "000000"))


def test_claim_by_cloud_is_allowed_but_moving_to_done_is_not() -> None:
    claim = [
        Change("Needs_Action/email/t.md", "delete"),
        Change("In_Progress/cloud/t.md", "add"),
    ]
    assert check_changes("cloud", claim) == []
    finish = [Change("In_Progress/cloud/t.md", "delete"), Change("Done/2026-11/t.md", "add")]
    (refused,) = check_changes("cloud", finish)
    assert "Done/2026-11/t.md" in refused.reason
    assert check_changes("local", finish) == []


def test_zone_of_names_the_rule() -> None:
    assert zone_of("Needs_Action/email/t.md") == "Needs_Action/email/*.md"
    assert zone_of("Done/2026-11/t.md") == "Done/*/*.md"
    assert zone_of("Notes/deep/er/x.md") == "**/*.md"
    assert all(set(rule) == {"cloud", "local"} for rule in ZONES.values())
    assert all(rule["local"] for rule in ZONES.values())


def test_unknown_agent_is_refused() -> None:
    from employee.errors import UnsafeNameError

    with pytest.raises(UnsafeNameError):
        check_zone("mallory", Change("Updates/u.md"))  # type: ignore[arg-type]
