"""Prompt propagation: a push by one replica wakes the others (figures printed, not asserted)."""

from __future__ import annotations

import statistics
import threading
import time

from employee.sync import Mutation, WriteOp


def test_a_push_wakes_the_other_replicas_watcher(make_replica):
    cloud, local = make_replica("cloud"), make_replica("local")
    arrived = threading.Event()
    seen: list[str] = []

    def on_change() -> None:
        seen.append(local.tip())
        arrived.set()

    watcher = local.watch_remote(on_change)
    try:
        assert watcher.mode == "notify"
        latencies = []
        for n in range(30):
            arrived.clear()
            name = f"Updates/u{n}.md"
            started = time.perf_counter()
            pushed = cloud.transact(WriteOp("cloud", Mutation.of({name: f"---\nn: {n}\n---\n"})))
            assert pushed.status == "pushed"
            # the visible tree of Local holds the new file once the callback ran
            assert arrived.wait(timeout=30)
            while not (local.path / name).exists():  # a datagram may precede this push's sync
                assert arrived.wait(timeout=30)
                arrived.clear()
            latencies.append(time.perf_counter() - started)
        q = statistics.quantiles(latencies, n=20)
        p50, p95 = statistics.median(latencies) * 1000, q[18] * 1000
        print(f"\npropagation, cloud tx start -> Local visible tree, 30 pushes: "
              f"p50 {p50:.0f} ms, p95 {p95:.0f} ms")  # fmt: skip
    finally:
        watcher.stop()


def test_wait_remote_change_and_poll_fallback(make_replica, remote):
    cloud = make_replica("cloud")
    local = make_replica("local", name="poller", remote_url=f"file://{remote}")
    assert local.wait_remote_change(timeout=0.2) is False
    assert local._watcher is not None
    assert local._watcher.mode == "poll"
    cloud.transact(WriteOp("cloud", Mutation.of({"Updates/p.md": "---\nn: 1\n---\n"})))
    assert local.wait_remote_change(timeout=30)
    assert (local.path / "Updates/p.md").is_file()
