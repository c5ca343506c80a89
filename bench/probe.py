"""Cheap, frequent looks at the remote's ``main``: re-read the tree only when the tip moved.

A benchmark polls every few milliseconds; listing the tree with git each time would load the
2-core machine it measures. The tip is read from the bare repository's ref file (git's loose
ref; :class:`~harness.remote.RemoteView` when it is packed), and the path list is cached per tip.
"""

from __future__ import annotations

from pathlib import Path

from harness.remote import RemoteView

__all__ = ["RemoteProbe"]


class RemoteProbe:
    """The remote's paths, refreshed only when ``refs/heads/main`` changes."""

    def __init__(self, view: RemoteView) -> None:
        self.view = view
        self._ref = Path(view.git_dir) / "refs" / "heads" / view.branch
        self._tip: str | None = None
        self._paths: list[str] = []

    def tip(self) -> str | None:
        try:
            return self._ref.read_text().strip() or None
        except OSError:
            return self.view.tip()

    def paths(self) -> list[str]:
        tip = self.tip()
        if tip != self._tip:
            self._paths = self.view.paths()
            self._tip = tip
        return self._paths

    def find(self, prefix: str = "", contains: str = "") -> list[str]:
        return [p for p in self.paths() if p.startswith(prefix) and contains in p]
