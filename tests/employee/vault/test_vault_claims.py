"""Claims: preconditions, leases, fencing epochs, and the in-replica rename race."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from vault_fixtures import NOW, make_task, make_vault

from employee.errors import ClaimError
from employee.vault import (
    AGENTS,
    Agent,
    Claim,
    ClaimRefused,
    Document,
    Vault,
    Verdict,
    apply_claim,
    apply_reclaim,
    apply_release,
    apply_renew,
    can_claim,
    can_reclaim,
    claim_in_replica,
    claim_of,
    holds,
    in_progress,
    needs_action,
)

LEASE = timedelta(minutes=5)
T = "email-t1"


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    v = make_vault(tmp_path)
    make_task(v)
    return v


def test_verdict_is_truthy_only_when_ok() -> None:
    assert Verdict(True)
    assert not Verdict.refuse("fenced", "x")
    with pytest.raises(ValueError, match="refusal code"):
        Verdict.refuse("ok", "x")
    with pytest.raises(ValueError, match="refusal code"):
        Verdict.refuse("nope", "x")


def test_claim_of() -> None:
    meta = {"claimed_by": "cloud", "claim_epoch": 2, "lease_until": "2026-11-26T12:05:00Z"}
    assert claim_of(meta) == Claim("cloud", 2, NOW + LEASE)
    assert claim_of({}) is None
    assert claim_of({**meta, "claimed_by": "mallory"}) is None
    assert claim_of({**meta, "claim_epoch": 0}) is None
    assert claim_of({**meta, "claim_epoch": "3"}) == Claim("cloud", 3, NOW + LEASE)
    assert claim_of({**meta, "claim_epoch": True}) is None
    assert claim_of({**meta, "lease_until": "soon"}) is None


def test_claim_moves_the_task_and_starts_at_epoch_1(vault: Vault) -> None:
    assert can_claim(vault, "email", T)
    claim = apply_claim(vault, "email", T, "cloud", NOW, LEASE)
    assert claim == Claim("cloud", 1, NOW + LEASE)
    assert not vault.exists(needs_action("email", T))
    doc = vault.read(in_progress("cloud", T))
    assert doc.meta["status"] == "in_progress"
    assert claim_of(doc.meta) == claim
    assert doc.meta["subject"] == "Invoice please"
    assert doc.body == "Hello, can you send the invoice?"
    assert holds(vault, T, "cloud", 1)


def test_second_claim_is_lost(vault: Vault) -> None:
    apply_claim(vault, "email", T, "cloud", NOW, LEASE)
    verdict = can_claim(vault, "email", T)
    assert (verdict.ok, verdict.code) == (False, "claim_lost")
    assert "In_Progress/cloud" in verdict.reason
    with pytest.raises(ClaimRefused) as info:
        apply_claim(vault, "email", T, "local", NOW, LEASE)
    assert info.value.code == "claim_lost"
    assert info.value.context["code"] == "claim_lost"
    assert isinstance(info.value, ClaimError)
    assert can_claim(vault, "email", "email-none").code == "not_found"


def test_holds_and_fencing(vault: Vault) -> None:
    apply_claim(vault, "email", T, "cloud", NOW, LEASE)
    assert holds(vault, T, "cloud", 2).code == "fenced"
    assert holds(vault, T, "local", 1).code == "fenced"
    assert holds(vault, "email-none", "cloud", 1).code == "not_found"
    meta = dict(vault.read(in_progress("cloud", T)).meta)
    meta["claimed_by"] = "local"  # a forged holder inside cloud's folder
    vault.write(in_progress("cloud", T), Document(meta, ""))
    assert holds(vault, T, "cloud", 1).code == "fenced"


def test_renew_extends_only_for_the_holder(vault: Vault) -> None:
    apply_claim(vault, "email", T, "cloud", NOW, LEASE)
    later = NOW + timedelta(minutes=4)
    assert apply_renew(vault, T, "cloud", 1, later, LEASE) == Claim("cloud", 1, later + LEASE)
    assert claim_of(vault.read(in_progress("cloud", T)).meta) == Claim("cloud", 1, later + LEASE)
    with pytest.raises(ClaimRefused, match="fenced") as info:
        apply_renew(vault, T, "cloud", 7, later, LEASE)
    assert info.value.verdict.code == "fenced"


def test_reclaim_waits_for_the_lease_and_grace(vault: Vault) -> None:
    apply_claim(vault, "email", T, "cloud", NOW, LEASE)
    assert can_reclaim(vault, T, "cloud", NOW + LEASE).code == "lease_valid"
    grace = timedelta(minutes=2)
    after = NOW + LEASE + timedelta(minutes=1)
    assert can_reclaim(vault, T, "cloud", after)
    assert can_reclaim(vault, T, "cloud", after, grace=grace).code == "lease_valid"
    with pytest.raises(ClaimRefused, match="holds"):
        apply_reclaim(vault, T, "local", after, LEASE, grace=grace)
    assert can_reclaim(vault, "email-none", "cloud", after).code == "not_found"


def test_self_reclaim_rewrites_in_place(vault: Vault) -> None:
    apply_claim(vault, "email", T, "cloud", NOW, LEASE)
    later = NOW + 2 * LEASE
    claim = apply_reclaim(vault, T, "cloud", later, LEASE)
    assert claim == Claim("cloud", 2, later + LEASE)
    assert vault.exists(in_progress("cloud", T))
    assert claim_of(vault.read(in_progress("cloud", T)).meta) == claim
    assert holds(vault, T, "cloud", 1).code == "fenced"


def test_local_reclaims_from_cloud_and_stale_completion_is_fenced(vault: Vault) -> None:
    apply_claim(vault, "email", T, "cloud", NOW, LEASE)
    later = NOW + 2 * LEASE
    assert apply_reclaim(vault, T, "local", later, LEASE) == Claim("local", 2, later + LEASE)
    assert not vault.exists(in_progress("cloud", T))
    assert holds(vault, T, "cloud", 1).code == "fenced"
    assert holds(vault, T, "local", 2)
    with pytest.raises(ClaimRefused):
        apply_release(vault, T, "cloud", 1)


def test_cloud_never_reclaims_local_work(vault: Vault) -> None:
    apply_claim(vault, "email", T, "local", NOW, LEASE)
    verdict = can_reclaim(vault, T, "cloud", NOW + 10 * LEASE)
    assert verdict.code == "forbidden"
    make_task(vault, "email-t2")
    apply_claim(vault, "email", "email-t2", "cloud", NOW, LEASE)
    meta = dict(vault.read(in_progress("cloud", "email-t2")).meta)
    vault.write(in_progress("cloud", "email-t2"), Document({**meta, "executor": "local"}, ""))
    assert can_reclaim(vault, "email-t2", "cloud", NOW + 10 * LEASE).code == "forbidden"


def test_a_task_without_claim_fields_in_progress_is_reclaimable(vault: Vault) -> None:
    vault.move(needs_action("email", T), in_progress("cloud", T))
    assert can_reclaim(vault, T, "local", NOW)
    assert apply_reclaim(vault, T, "local", NOW, LEASE).claim_epoch == 1


def test_release_returns_the_task_and_keeps_the_epoch(vault: Vault) -> None:
    apply_claim(vault, "email", T, "cloud", NOW, LEASE)
    apply_release(vault, T, "cloud", 1)
    doc = vault.read(needs_action("email", T))
    assert doc.meta["status"] == "pending"
    assert "claimed_by" not in doc.meta
    assert "lease_until" not in doc.meta
    assert doc.meta["claim_epoch"] == 1
    assert not vault.exists(in_progress("cloud", T))
    assert apply_claim(vault, "email", T, "local", NOW, LEASE).claim_epoch == 2


def test_release_refuses_without_domain_or_when_the_slot_is_taken(vault: Vault) -> None:
    apply_claim(vault, "email", T, "cloud", NOW, LEASE)
    make_task(vault)  # a duplicate reappeared in Needs_Action
    with pytest.raises(ClaimRefused, match="already exists") as info:
        apply_release(vault, T, "cloud", 1)
    assert info.value.code == "claim_lost"
    vault.remove(needs_action("email", T))
    meta = dict(vault.read(in_progress("cloud", T)).meta)
    meta["domain"] = "nowhere"
    vault.write(in_progress("cloud", T), Document(meta, ""))
    with pytest.raises(ClaimRefused, match="no valid domain"):
        apply_release(vault, T, "cloud", 1)


def test_claim_in_replica_single_thread(vault: Vault) -> None:
    claim = claim_in_replica(vault, "email", T, "local", NOW, LEASE)
    assert claim == Claim("local", 1, NOW + LEASE)
    assert claim_of(vault.read(in_progress("local", T)).meta) == claim
    assert claim_in_replica(vault, "email", T, "cloud", NOW, LEASE) is None
    make_task(vault)
    assert claim_in_replica(vault, "email", T, "local", NOW, LEASE) is None  # slot taken
    assert vault.exists(needs_action("email", T))


def _race(vault: Vault, task_id: str, agents: list[Agent]) -> list[Claim | None]:
    """Line up one thread per agent on a barrier, then all call ``claim_in_replica``."""
    barrier = threading.Barrier(len(agents), timeout=10)
    results: list[Claim | None] = [None] * len(agents)
    errors: list[BaseException] = []

    def contend(i: int) -> None:
        try:
            barrier.wait()
            results[i] = claim_in_replica(vault, "email", task_id, agents[i], NOW, LEASE)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(len(agents))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not errors
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.mark.slow
def test_claim_in_replica_race_has_exactly_one_winner(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    agents: list[Agent] = ["cloud", "local", "cloud", "local"]
    wins = {"cloud": 0, "local": 0}
    for r in range(200):
        task_id = f"email-r{r}"
        make_task(vault, task_id)
        winners = [c for c in _race(vault, task_id, agents) if c is not None]
        assert len(winners) == 1, f"round {r}: {winners}"
        (winner,) = winners
        wins[winner.claimed_by] += 1
        holders = [a for a in AGENTS if vault.exists(in_progress(a, task_id))]
        assert holders == [winner.claimed_by]
        assert not vault.exists(needs_action("email", task_id))
        assert claim_of(vault.read(in_progress(winner.claimed_by, task_id)).meta) == winner
    assert sum(wins.values()) == 200
