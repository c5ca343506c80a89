"""Performance benchmarks of DESIGN.md §5, measured on a real world (``python -m bench.run``).

Every figure is taken from the harness's own observations (the remote's ``main``, the SMTP
server's outbound record, another replica's working tree), never from what an agent reports:

- :mod:`bench.propagation`: a push by one replica reaches another replica's working tree;
- :mod:`bench.latency`: email → approval file on the remote, approval → mail accepted by SMTP;
- :mod:`bench.burst`: an N-mail burst with two Cloud workers, checked three ways;
- :mod:`bench.stats` (pure) turns samples into p50/p95/max and a table;
- :mod:`bench.run` is the command line that runs them and writes ``bench.json``.
"""

from __future__ import annotations

from bench.stats import Summary, render_table, summarise

__all__ = ["Summary", "render_table", "summarise"]
