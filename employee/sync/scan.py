"""Audit a remote: scan every object it holds, reachable or not, for secrets.

``git cat-file --batch-all-objects --batch-check`` lists every object (loose and packed,
including dropped commits); every blob goes through the same scanner as the hook, and every
path that ever appeared in history is checked against the allow-list. A leftover
``incoming-*`` quarantine directory would mean a refused push left objects behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory

from employee.sync._git import Git, hermetic_env
from employee.sync.policy import is_allowed_path
from employee.sync.scanner import Finding, scan_bytes

__all__ = ["BlobFinding", "ScanReport", "scan_remote"]


@dataclass(frozen=True)
class BlobFinding:
    """A finding in one blob of the remote."""

    blob: str
    finding: Finding

    def __str__(self) -> str:
        return f"{self.blob[:12]}: {self.finding}"


@dataclass
class ScanReport:
    """What ``scan_remote`` saw; ``clean`` when nothing was found."""

    objects: int = 0
    blobs: int = 0
    findings: list[BlobFinding] = field(default_factory=list)
    outside_allow_list: list[str] = field(default_factory=list)
    quarantine_leftovers: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.findings or self.outside_allow_list or self.quarantine_leftovers)


def scan_remote(remote: Path, canaries: Sequence[str] = ()) -> ScanReport:
    """Scan every object of the bare repository ``remote`` (``canaries``: extra strings)."""
    remote = Path(remote)
    report = ScanReport()
    with TemporaryDirectory(prefix="platinum-scan-") as home:
        git = Git(remote, hermetic_env(Path(home)), git_dir=remote)
        listing = git.out("cat-file", "--batch-all-objects", "--batch-check", "--unordered")
        blobs: list[str] = []
        for line in listing.splitlines():
            sha, kind, *_ = line.split()
            report.objects += 1
            if kind == "blob":
                blobs.append(sha)
        report.blobs = len(blobs)
        if blobs:
            batch = git.run("cat-file", "--batch", input="\n".join(blobs).encode() + b"\n").stdout
            for sha, data in _split_batch(batch):
                report.findings += [BlobFinding(sha, f) for f in scan_bytes(data, canaries)]
        names = git.run("log", "--all", "--reflog", "--format=", "--name-only", check=False)
        paths = {p for p in names.stdout.decode("utf-8", "replace").splitlines() if p}
        report.outside_allow_list = sorted(p for p in paths if not is_allowed_path(p))
    objects = remote / "objects"
    report.quarantine_leftovers = sorted(p.name for p in objects.glob("incoming-*"))
    return report


def _split_batch(batch: bytes) -> list[tuple[str, bytes]]:
    """Parse ``git cat-file --batch`` output: ``<sha> <type> <size>\\n<data>\\n`` repeated."""
    out: list[tuple[str, bytes]] = []
    pos = 0
    while pos < len(batch):
        end = batch.index(b"\n", pos)
        sha, _kind, size = batch[pos:end].decode().split()
        start = end + 1
        out.append((sha, batch[start : start + int(size)]))
        pos = start + int(size) + 1
    return out
