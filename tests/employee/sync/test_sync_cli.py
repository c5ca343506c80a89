"""The operator CLI, run as a real subprocess."""

from __future__ import annotations

import subprocess
import sys


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "employee.sync", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, check=False)  # fmt: skip


def test_cli_round_trip(tmp_path):
    remote = tmp_path / "r.git"
    assert _cli("init-remote", remote, cwd=tmp_path).returncode == 0
    made = _cli("clone", remote, tmp_path / "v", "--agent", "cloud", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    status = _cli("status", tmp_path / "v", cwd=tmp_path)
    assert "agent=cloud" in status.stdout
    assert "queued=0" in status.stdout
    synced = _cli("sync", tmp_path / "v", cwd=tmp_path)
    assert "online=True" in synced.stdout, synced.stderr
    clean = _cli("scan-remote", remote, "--canary", "CANARY-nothere", cwd=tmp_path)
    assert clean.returncode == 0
    assert "blobs scanned" in clean.stdout


def test_cli_scan_exits_1_on_findings_and_reports_bad_input(tmp_path):
    leaky = tmp_path / "leak.git"
    subprocess.run(["git", "init", "-q", "--bare", str(leaky)], check=True)
    work = tmp_path / "w"
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x",
           "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x", "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}  # fmt: skip
    subprocess.run(["git", "init", "-q", str(work)], check=True, env=env)
    (work / ".env").write_text("TOKEN=CANARY-abc123\n")
    for cmd in (["add", "-f", ".env"], ["commit", "-q", "-m", "x"],
                ["push", "-q", str(leaky), "HEAD:refs/heads/main"]):  # fmt: skip
        subprocess.run(["git", *cmd], cwd=work, check=True, env=env)
    found = _cli("scan-remote", leaky, "--canary", "CANARY-abc123", cwd=tmp_path)
    assert found.returncode == 1
    assert "CANARY-abc123" in found.stdout
    assert "outside allow-list: .env" in found.stdout
    missing = _cli("status", tmp_path / "nowhere", cwd=tmp_path)
    assert missing.returncode == 1
    assert "error:" in missing.stderr
