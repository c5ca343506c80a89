"""deploy/systemd units: ``systemd-analyze verify`` where available, and always a static check
of the keys that matter on Debian 12 (systemd 252)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = ["platinum-cloud.service", "platinum-local.service"]
_VENV_PYTHON = "/opt/platinum/venv/bin/python"


def parse(text: str) -> dict[str, dict[str, list[str]]]:
    """Sections → key → every value given (systemd allows repeated keys)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def seconds(value: str) -> float:
    match = re.fullmatch(r"(\d+)(s|min)?", value)
    assert match, value
    return int(match[1]) * (60 if match[2] == "min" else 1)


def restart_problems(data: dict[str, dict[str, list[str]]]) -> list[str]:
    """What breaks supervision on systemd 252 (empty when the unit is fine)."""
    service, section = data.get("Service", {}), data.get("Unit", {})
    problems = [
        f"{key} needs systemd >= 254"
        for key in ("RestartSteps", "RestartMaxDelaySec")
        if key in service
    ]
    if service.get("Restart") != ["on-failure"]:
        problems.append("Restart must be on-failure")
    restart_sec = seconds(service.get("RestartSec", ["0"])[0])
    if restart_sec < 5:
        problems.append("RestartSec below 5s")
    burst = int(section.get("StartLimitBurst", ["5"])[0])
    interval = seconds(section.get("StartLimitIntervalSec", ["10"])[0])
    # the burst must be reachable inside the window at the configured pace, and not at once
    if not (burst >= 3 and burst * restart_sec < interval):
        problems.append("start limit does not match RestartSec")
    return problems


@pytest.fixture(params=UNITS)
def unit(request: pytest.FixtureRequest, deploy_dir: Path) -> tuple[str, Path]:
    return request.param, deploy_dir / "systemd" / request.param


def test_restart_and_start_limits_fit_systemd_252(unit: tuple[str, Path]) -> None:
    assert restart_problems(parse(unit[1].read_text())) == []


def test_the_restart_check_can_fail(deploy_dir: Path) -> None:
    text = (deploy_dir / "systemd" / UNITS[0]).read_text()
    text = text.replace("RestartSec=30s", "RestartSec=1s\nRestartSteps=5")
    assert restart_problems(parse(text)) == [
        "RestartSteps needs systemd >= 254",
        "RestartSec below 5s",
    ]


def test_sandbox_keeps_only_vault_and_state_writable(unit: tuple[str, Path]) -> None:
    name, path = unit
    service = parse(path.read_text())["Service"]
    assert service["NoNewPrivileges"] == ["yes"]
    assert service["ProtectSystem"] == ["strict"]
    agent = name.removeprefix("platinum-").removesuffix(".service")
    writable = " ".join(service["ReadWritePaths"]).split()
    assert writable == [f"/var/lib/platinum/{agent}/vault", f"/var/lib/platinum/{agent}/state"]
    assert service["User"] != ["root"]
    (exec_start,) = service["ExecStart"]
    assert exec_start.split()[1:] == [
        "-m",
        "employee",
        "supervise",
        "--config",
        f"/etc/platinum/{agent}.yaml",
    ]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_verify(deploy_dir: Path, tmp_path: Path) -> None:
    for name in UNITS:
        text = (deploy_dir / "systemd" / name).read_text()
        # verify insists the ExecStart binary exists: point it at this interpreter
        (tmp_path / name).write_text(text.replace(_VENV_PYTHON, sys.executable))
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # unknown keys are only warnings


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_reports_an_unknown_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.service"
    bad.write_text(f"[Service]\nExecStart={sys.executable} -V\nRestartStepz=5\n")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert "Unknown key" in done.stderr
