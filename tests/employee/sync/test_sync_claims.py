"""Claims on top of transact: claim, renew, release, reclaim, complete, on real git."""

from __future__ import annotations

import json
from datetime import timedelta

from employee.sync import Mutation
from employee.vault import claim_of


def _log_actions(rep, agent: str) -> list[str]:
    rep.sync()
    actions = []
    for path in sorted((rep.path / "Logs" / agent).glob("*.jsonl")):
        actions += [json.loads(line)["action_type"] for line in path.read_text().splitlines()]
    return actions


def test_claim_is_won_once_and_the_loser_logs_claim_lost(make_replica, seed):
    cloud, local = make_replica("cloud"), make_replica("local")
    seed(cloud, ["t1"])
    won = cloud.claim("email", "t1")
    lost = local.claim("email", "t1")
    assert won.status == "pushed"
    assert won.value.claim_epoch == 1
    assert lost.status == "lost"
    assert lost.verdict.code == "claim_lost"
    assert "claim_won" in _log_actions(cloud, "cloud")
    assert "claim_lost" in _log_actions(local, "local")
    # both visible trees show the winner's claim and no copy in Needs_Action
    for rep in (cloud, local):
        rep.sync()
        assert (rep.path / "In_Progress/cloud/t1.md").is_file()
        assert not (rep.path / "Needs_Action/email/t1.md").exists()


def test_renew_release_and_a_stale_holder_is_fenced(make_replica, seed, clock):
    cloud, local = make_replica("cloud"), make_replica("local")
    seed(cloud, ["t2"])
    claim = cloud.claim("email", "t2", lease=timedelta(minutes=5)).value
    assert cloud.renew("t2", claim.claim_epoch, timedelta(minutes=10)).status == "pushed"
    assert local.renew("t2", claim.claim_epoch).verdict.code == "fenced"
    assert cloud.release("t2", claim.claim_epoch).status == "pushed"
    local.sync()
    assert (local.path / "Needs_Action/email/t2.md").is_file()
    # the released epoch is no longer held
    assert cloud.renew("t2", claim.claim_epoch).status == "lost"


def test_reclaim_refused_while_lease_valid_then_stale_completion_rejected(
    make_replica, seed, clock
):
    cloud_a, cloud_b = make_replica("cloud", "cloud-a"), make_replica("cloud", "cloud-b")
    seed(cloud_a, ["t3"])
    first = cloud_a.claim("email", "t3", lease=timedelta(minutes=15)).value
    refused = cloud_b.reclaim("t3", lease=timedelta(minutes=15), grace=timedelta(minutes=2))
    assert refused.status == "lost"
    assert refused.verdict.code == "lease_valid"
    clock.now += timedelta(minutes=30)
    taken = cloud_b.reclaim("t3", lease=timedelta(minutes=15), grace=timedelta(minutes=2))
    assert taken.status == "pushed"
    assert taken.value.claim_epoch == first.claim_epoch + 1
    done = "Pending_Approval/email/t3.md"
    mutation = Mutation.of(moves=[("In_Progress/cloud/t3.md", done)])
    stale = cloud_a.complete("t3", first.claim_epoch, mutation)
    assert stale.status == "lost"
    assert stale.verdict.code == "fenced"
    fresh = cloud_b.complete("t3", taken.value.claim_epoch, mutation)
    assert fresh.status == "pushed"
    cloud_a.sync()
    assert (cloud_a.path / done).is_file()
    assert "fenced" in _log_actions(cloud_a, "cloud")


def test_claim_epoch_recorded_in_the_tip(make_replica, seed):
    cloud = make_replica("cloud")
    seed(cloud, ["t4"])
    cloud.claim("email", "t4")
    meta = cloud.vault.read("In_Progress/cloud/t4.md").meta
    assert claim_of(meta).claimed_by == "cloud"
