"""What keeps a push cheap: the hook's lean imports, batched blob reads, one ``-S`` start."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import employee.sync
from employee.sync._git import Git, hermetic_env, parse_batch
from employee.sync.policy import FileChange, blob_reader, check_changes
from employee.sync.remote import hook_script


def test_every_export_resolves() -> None:
    for name in employee.sync.__all__:
        assert getattr(employee.sync, name) is not None
    assert set(employee.sync.__all__) <= set(dir(employee.sync))


def test_hook_does_not_load_the_replica_machinery() -> None:
    code = (
        "import sys, employee.sync.hook; "
        "print(sorted(m for m in sys.modules"
        " if m.startswith(('employee.sync.', 'detect_secrets'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = ast.literal_eval(out)
    assert "employee.sync.hook" in loaded
    for heavy in ("employee.sync.replica", "employee.sync.incoming", "detect_secrets"):
        assert heavy not in loaded


def test_hook_script_starts_python_without_site() -> None:
    script = hook_script("pre-receive")
    assert f"{sys.executable} -S -m employee.sync.hook pre-receive" in script
    root = str(Path(employee.sync.__file__).resolve().parents[2])
    assert f"PYTHONPATH={root}:" in script


def test_parse_batch_reads_blobs_and_skips_missing() -> None:
    data = b"aaa blob 5\nhello\nbbb missing\nccc blob 0\n\nddd tree 3\nxyz\n"
    assert parse_batch(data) == {"aaa": b"hello", "ccc": b""}


def test_blobs_match_single_reads(tmp_path: Path) -> None:
    git = Git(tmp_path, hermetic_env(tmp_path))
    git.run("init", "-q")
    shas = [
        git.run("hash-object", "-w", "--stdin", input=data).stdout.decode().strip()
        for data in (b"one\n", b"two\nlines\n", b"\x00binary\xff")
    ]
    missing = "0" * 40
    found = git.blobs([*shas, shas[0], missing])
    assert found == {sha: git.blob(sha) for sha in shas}
    assert git.blobs([]) == {}


def test_blob_reader_batches_regular_files_only() -> None:
    changes = [
        FileChange("Updates/a.md", "A", "000000", "100644", "s1"),
        FileChange("Updates/b.md", "D", "100644", "000000", "s2"),
        FileChange("Updates/c.md", "A", "000000", "120000", "s3"),
        FileChange("Updates/d.md", "M", "100644", "100644", "s4"),
    ]
    asked: list[list[str]] = []
    singles: list[str] = []

    def batch(shas: list[str]) -> dict[str, bytes]:
        asked.append(shas)
        return {"s1": b"clean\n"}

    def single(sha: str) -> bytes:
        singles.append(sha)
        return b"password = hunter2hunter2\n"

    read = blob_reader(changes, batch, single)
    violations = check_changes("cloud", changes, read)
    assert asked == [["s1", "s4"]]
    assert singles == ["s4"]  # left out by the batch: read alone, and still scanned
    assert {(v.kind, v.path) for v in violations} >= {
        ("secret", "Updates/d.md"),
        ("mode", "Updates/c.md"),
    }
