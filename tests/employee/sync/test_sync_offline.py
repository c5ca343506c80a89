"""Offline replicas, replay at the new tip, and human edits that survive every sync."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from employee.sync import CompleteOp, Mutation, Replica, WriteOp


def _actions(rep: Replica, agent: str) -> list[str]:
    out: list[str] = []
    for path in sorted((rep.path / "Logs" / agent).glob("*.jsonl")):
        out += [json.loads(line)["action_type"] for line in path.read_text().splitlines()]
    return out


def _tree(remote: Path) -> set[str]:
    out = subprocess.run(["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "main"],
                         capture_output=True, check=True).stdout.decode()  # fmt: skip
    return set(out.split())


def _status(rep: Replica) -> str:
    return rep.git.run("status", "--porcelain", "--untracked-files=all").stdout.decode()


def test_offline_claim_is_dropped_when_another_won_and_nothing_derived_is_written(
    tmp_path, remote, make_replica, seed
):
    link = tmp_path / "links" / "local.git"
    link.parent.mkdir()
    link.symlink_to(remote)
    cloud, local = make_replica("cloud"), make_replica("local", remote_url=link)
    seed(cloud, ["o1", "o2"])
    local.sync()
    link.unlink()  # the harness's way to cut Local off
    first = local.claim("email", "o1")
    assert first.status == "queued"
    assert not local.online
    plan = Mutation.of({"Plans/email/PLAN_o1.md": "---\ntask_id: o1\n---\nplan\n"})
    derived = local.transact(CompleteOp("local", "o1", first.value.claim_epoch, plan))
    assert derived.status == "queued"
    assert local.claim("email", "o2").status == "queued"
    assert (local.path / "In_Progress/local/o1.md").is_file()  # Local sees its own work
    assert local.sync().online is False
    assert cloud.claim("email", "o1").status == "pushed"

    link.symlink_to(remote)
    # a restart while offline work is queued: the queue lives in state_dir
    reopened = Replica.open(local.path, agent="local", state_dir=local.state_dir)
    assert len(reopened.queue) == 3
    result = reopened.sync()
    assert result.online
    assert [r.status for r in result.replayed] == ["lost", "lost", "pushed"]
    assert result.replayed[0].verdict.code == "claim_lost"
    assert result.replayed[1].verdict.code == "fenced"
    tree = _tree(remote)
    assert "In_Progress/cloud/o1.md" in tree
    assert "In_Progress/local/o2.md" in tree
    assert "In_Progress/local/o1.md" not in tree
    assert "Plans/email/PLAN_o1.md" not in tree
    assert not (reopened.path / "Plans/email/PLAN_o1.md").exists()
    reopened.sync()
    assert "claim_lost" in _actions(reopened, "local")
    assert len(reopened.queue) == 0
    assert _status(reopened) == ""


def test_human_move_and_edit_of_an_approval_survive_syncs(make_replica, seed):
    cloud, local = make_replica("cloud"), make_replica("local")
    pending = "Pending_Approval/email/APPROVAL_h1.md"
    approved = "Approved/APPROVAL_h1.md"
    text = "---\ntype: approval_request\nid: h1\n---\nDraft reply.\n"
    cloud.transact(WriteOp("cloud", Mutation.of({pending: text})))
    local.sync()
    # the human moves the file in Obsidian and edits the draft, without committing
    human = text.replace("Draft reply.", "Edited by the human.")
    (local.path / approved).write_text(human)
    (local.path / pending).unlink()
    (local.path / "Company_Handbook.md").write_text("human notes\n")
    for n in range(3):  # cloud keeps working while syncs run
        seed(cloud, [f"h-other-{n}"])
        local.sync()
        assert (local.path / approved).read_text() == human
        assert not (local.path / pending).exists()
    # Local records the approval in a transaction: the visible tree ends clean
    move = Mutation.of({approved: human}, deletes=[pending])
    assert local.transact(WriteOp("local", move, note="approve h1")).status == "pushed"
    assert (local.path / approved).read_text() == human
    assert _status(local) == " M Company_Handbook.md\n"
    assert local.approvals_entered_by_me() == [approved]


def test_a_real_conflict_keeps_the_human_bytes(make_replica, seed):
    cloud, local = make_replica("cloud"), make_replica("local")
    note = "Pending_Approval/email/APPROVAL_c1.md"
    cloud.transact(WriteOp("cloud", Mutation.of({note: "---\nid: c1\n---\nv1\n"})))
    local.sync()
    (local.path / note).write_text("---\nid: c1\n---\nhuman edit\n")
    cloud.transact(WriteOp("cloud", Mutation.of({note: "---\nid: c1\n---\nv2 from cloud\n"})))
    result = local.sync()
    assert [c.path for c in result.conflicts] == [note]
    assert result.conflicts[0].saved.read_text().endswith("human edit\n")
    assert (local.path / note).read_text().endswith("v2 from cloud\n")


def test_a_second_worker_of_the_same_agent_cannot_replay_work_from_a_lost_claim(
    tmp_path, remote, make_replica, seed
):
    # Two Cloud workers share the identity "cloud": only the replay order can fence the loser.
    link = tmp_path / "links" / "cloud2.git"
    link.parent.mkdir()
    link.symlink_to(remote)
    first, second = make_replica("cloud", "cloud1"), make_replica("cloud", "cloud2", link)
    seed(first, ["w1"])
    second.sync()
    link.unlink()
    offline = second.claim("email", "w1")
    assert offline.status == "queued"
    plan = Mutation.of({"Plans/email/PLAN_w1.md": "---\ntask_id: w1\n---\nfrom cloud2\n"})
    assert second.complete("w1", offline.value.claim_epoch, plan).status == "queued"
    assert first.claim("email", "w1").status == "pushed"  # same epoch 1, same agent name
    link.symlink_to(remote)
    result = second.sync()
    assert [(r.status, r.verdict.code) for r in result.replayed] == [
        ("lost", "claim_lost"),
        ("lost", "fenced"),
    ]
    assert "Plans/email/PLAN_w1.md" not in _tree(remote)


def test_stale_git_locks_left_by_a_kill_are_cleared_when_the_replica_opens(make_replica):
    rep = make_replica("cloud")
    lock = rep.path / ".git" / "index.lock"
    lock.write_text("")
    reopened = Replica.open(rep.path, agent="cloud", state_dir=rep.state_dir)
    assert not lock.exists()
    assert reopened.sync().online
