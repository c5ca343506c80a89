"""Races: replicas in threads contend for the same tasks; 0 double claims, 0 lost tasks.

Checked three ways: the agents' own win reports, the remote's tip tree, and the history
(exactly one claim commit per task). The naive merge loop is the control that shows the
check can fail.
"""

from __future__ import annotations

import random
import subprocess
import threading
from collections import Counter
from pathlib import Path

import pytest

from employee.sync import init_remote
from employee.vault import Vault, apply_claim, layout

pytestmark = pytest.mark.slow


def _git(cwd: Path, *args: str) -> str:
    env = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": str(cwd),
           "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@platinum.invalid",
           "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@platinum.invalid",
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, check=False)
    return proc.stdout.decode() + proc.stderr.decode()


def _tip_locations(remote: Path, ids: list[str]) -> dict[str, list[str]]:
    tree = _git(remote, "ls-tree", "-r", "--name-only", "main").split()
    found: dict[str, list[str]] = {i: [] for i in ids}
    for path in tree:
        stem = Path(path).stem
        if stem in found and (path.startswith(("In_Progress/", "Needs_Action/"))):
            found[stem].append(path)
    return found


def _race(reps, seed, remote: Path, ids: list[str], shuffle: bool) -> int:
    seed(reps[0], ids)
    wins: dict[int, list[str]] = {n: [] for n in range(len(reps))}
    errors: list[BaseException] = []
    start = threading.Barrier(len(reps))

    def worker(n: int) -> None:
        order = list(ids)
        if shuffle:
            random.Random(n).shuffle(order)
        try:
            start.wait(timeout=30)
            for task_id in order:
                if reps[n].claim("email", task_id).status == "pushed":
                    wins[n].append(task_id)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(len(reps))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)
    # 1. self-reports: every task won exactly once
    won = Counter(t for ws in wins.values() for t in ws)
    assert sorted(won) == sorted(ids), won
    assert set(won.values()) == {1}, won
    # 2. the tip tree: every task in exactly one place, and that place is In_Progress
    places = _tip_locations(remote, ids)
    assert all(len(p) == 1 and p[0].startswith("In_Progress/") for p in places.values()), places
    # 3. the history: exactly one accepted claim commit per task
    subjects = _git(remote, "log", "--format=%s", "main").splitlines()
    claims = Counter(
        s.split()[1] for s in subjects if s.startswith("claim ") and s.split()[1] in ids
    )
    assert claims == Counter({i: 1 for i in ids}), claims
    return len(ids)


def _rounds(make_replica, seed, remote, agents, rounds: int, size: int, shuffle: bool) -> None:
    reps = [make_replica(agent, f"{agent}-{n}") for n, agent in enumerate(agents)]
    tasks = 0
    for r in range(rounds):
        tasks += _race(reps, seed, remote, [f"r{r}-{i:02d}" for i in range(size)], shuffle)
    rejected = sum(rep.pushes_rejected for rep in reps)
    print(
        f"\n{tasks} contested tasks x {len(reps)} replicas ({rounds} rounds): {rejected} pushes"
        " rejected, 0 double claims (self-reports / tip / history)"
    )


def test_two_replicas_identical_order(make_replica, seed, remote):
    _rounds(make_replica, seed, remote, ["cloud", "local"], rounds=3, size=8, shuffle=False)


def test_four_replicas_shuffled(make_replica, seed, remote):
    agents = ["cloud", "cloud", "local", "local"]
    _rounds(make_replica, seed, remote, agents, rounds=2, size=6, shuffle=True)


def test_naive_merge_loop_double_claims(tmp_path, seed, make_replica):
    """Control: commit, ``pull --no-rebase``, ``add -A``, push keeps both claims."""
    remote = init_remote(tmp_path / "naive.git", protect=False)
    ids = [f"n-{i}" for i in range(5)]
    seed(make_replica("cloud", "seeder", remote_url=remote), ids)
    clones = {}
    for agent in ("cloud", "local"):
        clones[agent] = tmp_path / f"naive-{agent}"
        _git(tmp_path, "clone", "-q", str(remote), str(clones[agent]))
        vault = Vault(clones[agent])
        for task_id in ids:  # both claim offline, exactly as the protocol would
            apply_claim(
                vault,
                "email",
                task_id,
                agent,
                __import__("datetime").datetime.now(__import__("datetime").UTC),
                __import__("datetime").timedelta(minutes=5),
            )
        _git(clones[agent], "add", "-A")
        _git(clones[agent], "commit", "-q", "-m", f"claims by {agent}")
    _git(clones["cloud"], "push", "-q", "origin", "HEAD:main")
    _git(clones["local"], "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    _git(clones["local"], "add", "-A")
    _git(clones["local"], "commit", "-q", "-m", "merge")
    out = _git(clones["local"], "push", "-q", "origin", "HEAD:main")
    places = _tip_locations(remote, ids)
    doubles = [i for i, p in places.items() if len(p) > 1]
    print(f"\nnaive merge control: {len(doubles)}/{len(ids)} tasks double-claimed {out}")
    assert doubles, places
    assert {layout.in_progress("cloud", ids[0]).as_posix(),
            layout.in_progress("local", ids[0]).as_posix()} <= set(places[ids[0]])  # fmt: skip
