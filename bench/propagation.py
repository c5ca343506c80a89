"""Git propagation: a push by one replica reaches another replica's working tree (issue 3).

Two real :class:`~employee.sync.Replica` objects on a protected bare remote (the embedded
default's hooks included): ``cloud`` writes ``Updates/bench_<n>.md`` in one transaction;
``local`` watches the remote (the post-receive datagram) and syncs. Each sample is timed from
the start of the writer's transaction to the file's appearance in the reader's working tree,
observed by the benchmark itself (a ``stat`` of the path), and split into the transaction's
own time and the remainder (push accepted → visible).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from employee.sync import Mutation, Replica, WriteOp, init_remote
from employee.sync.checker import stop_checker
from harness.wait import wait_until

__all__ = ["PropagationSamples", "measure_propagation"]


@dataclass
class PropagationSamples:
    """Milliseconds per sample: whole path, the writer's transaction, and after the push."""

    end_to_end_ms: list[float] = field(default_factory=list)
    transaction_ms: list[float] = field(default_factory=list)
    after_push_ms: list[float] = field(default_factory=list)


def _note(n: int) -> str:
    return f"---\ntype: update\nkind: bench\n---\nPropagation sample {n}.\n"


def measure_propagation(
    samples: int,
    root: Path | None = None,
    timeout: float = 30.0,
    *,
    resident_checker: bool = False,
) -> PropagationSamples:
    """Push ``samples`` notes from a ``cloud`` replica and time each into ``local``'s tree."""
    with tempfile.TemporaryDirectory(prefix="platinum-bench-prop-", dir=root) as tmp:
        base = Path(tmp)
        remote = init_remote(base / "remote.git", resident_checker=resident_checker)
        writer = Replica.clone(
            str(remote), base / "w" / "vault", agent="cloud", state_dir=base / "w" / "state"
        )
        reader = Replica.clone(
            str(remote), base / "r" / "vault", agent="local", state_dir=base / "r" / "state"
        )
        watcher = reader.watch_remote(lambda: None)
        out = PropagationSamples()
        try:
            for n in range(samples):
                rel = f"Updates/bench_{n:05d}.md"
                target = reader.path / rel
                t0 = time.monotonic()
                result = writer.transact(
                    WriteOp("cloud", Mutation.of({rel: _note(n)}), note=f"bench {n}")
                )
                t1 = time.monotonic()
                if result.status != "pushed":
                    raise RuntimeError(
                        f"bench transaction {n} was {result.status}: {result.verdict}"
                    )
                wait_until(
                    target.exists,
                    timeout=timeout,
                    describe=f"{rel} in the reader's working tree",
                    interval=0.001,
                    max_interval=0.005,
                )
                t2 = time.monotonic()
                out.end_to_end_ms.append((t2 - t0) * 1000)
                out.transaction_ms.append((t1 - t0) * 1000)
                out.after_push_ms.append((t2 - t1) * 1000)
        finally:
            watcher.stop()
            reader.close()
            writer.close()
            if resident_checker:
                stop_checker(remote)
        return out
