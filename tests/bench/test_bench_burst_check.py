"""bench.burst.check_burst: each broken invariant is caught, a clean burst passes."""

from __future__ import annotations

from typing import Any

from bench.burst import check_burst

IDS = ["email-a", "email-b"]


def _clean() -> tuple[list[str], list[str], list[dict[str, Any]]]:
    paths = [
        "Dashboard.md",
        "In_Progress/cloud/email-a.md",
        "In_Progress/cloud/email-b.md",
        "Pending_Approval/email/APPROVAL_email-a--send_email.md",
        "Pending_Approval/email/APPROVAL_email-b--send_email.md",
        "Plans/email/PLAN_email-a.md",
    ]
    subjects = ["claim email-a by cloud", "claim email-b by cloud", "reclaim email-a by cloud"]
    audit = [{"action_type": "claim_won", "task_id": t} for t in IDS]
    audit.append({"action_type": "claim_lost", "task_id": "email-a"})
    return paths, subjects, audit


def test_clean_burst_has_no_problems() -> None:
    report = check_burst(IDS, *_clean())
    assert report.problems == []
    assert (report.mails, report.tasks, report.approvals) == (2, 2, 2)


def test_lost_mail() -> None:
    paths, subjects, audit = _clean()
    paths = [p for p in paths if "email-b" not in p]
    report = check_burst(IDS, paths, subjects, audit)
    assert report.lost == ["email-b"]
    assert report.tasks == 1


def test_task_without_approval_is_lost() -> None:
    paths, subjects, audit = _clean()
    paths.remove("Pending_Approval/email/APPROVAL_email-a--send_email.md")
    assert check_burst(IDS, paths, subjects, audit).lost == ["email-a"]


def test_double_claim_in_history_and_audit() -> None:
    paths, subjects, audit = _clean()
    subjects.append("claim email-a by cloud")
    report = check_burst(IDS, paths, subjects, audit)
    assert len(report.double_claims) == 1
    assert report.double_claims[0].startswith("email-a")
    assert len(report.audit_mismatch) == 1


def test_task_in_two_places_and_two_approvals() -> None:
    paths, subjects, audit = _clean()
    paths += ["Needs_Action/email/email-a.md", "Pending_Approval/finance/APPROVAL_email-b--x.md"]
    report = check_burst(IDS, paths, subjects, audit)
    assert len(report.misplaced) == 1
    assert "email-a" in report.misplaced[0]
    assert report.extra_approvals == ["email-b"]
    assert len(report.problems) == 2


def test_audit_disagreeing_with_history() -> None:
    paths, subjects, audit = _clean()
    audit = [e for e in audit if e["task_id"] != "email-b"]
    report = check_burst(IDS, paths, subjects, audit)
    assert report.audit_mismatch == ["email-b: 1 claim commits, 0 claim_won"]
    assert report.as_dict()["audit_mismatch"] == 1
