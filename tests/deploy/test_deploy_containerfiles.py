"""deploy/Containerfile and Containerfile.fakes, checked statically; the agent's HEALTHCHECK
command is run for real against an `employee.health.HealthServer`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from employee.health import HealthServer

ROOT = Path(__file__).resolve().parents[2]


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def only(found: list[tuple[str, str]], word: str) -> list[str]:
    return [rest for name, rest in found if name == word]


@pytest.fixture(params=["Containerfile", "Containerfile.fakes"])
def containerfile(request: pytest.FixtureRequest, deploy_dir: Path) -> list[tuple[str, str]]:
    return instructions(deploy_dir / request.param)


def test_base_is_python_311_slim_pinned(containerfile: list[tuple[str, str]]) -> None:
    (base,) = only(containerfile, "FROM")
    assert re.fullmatch(r"docker\.io/library/python:3\.11\.\d+-slim-bookworm", base)


def test_runs_as_a_non_root_user(containerfile: list[tuple[str, str]]) -> None:
    users = only(containerfile, "USER")
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
    last_user = max(i for i, (name, _) in enumerate(containerfile) if name == "USER")
    assert all(name != "RUN" for name, _ in containerfile[last_user:])


def test_installs_the_project_from_the_build_context(
    containerfile: list[tuple[str, str]],
) -> None:
    assert any(
        re.search(r"pip install .*(^|\s)\.(\s|$)", run) for run in only(containerfile, "RUN")
    )
    for copy in only(containerfile, "COPY"):
        *sources, _ = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), source


def test_has_a_healthcheck_and_an_exec_form_entrypoint(
    containerfile: list[tuple[str, str]],
) -> None:
    (check,) = only(containerfile, "HEALTHCHECK")
    assert re.search(r"--interval=\d+s .*CMD \[", check)
    (entry,) = only(containerfile, "ENTRYPOINT")
    assert json.loads(entry)[0] == "python"


def test_the_fakes_image_defaults_to_the_fake_odoo(deploy_dir: Path) -> None:
    found = instructions(deploy_dir / "Containerfile.fakes")
    (entry,), (cmd,) = only(found, "ENTRYPOINT"), only(found, "CMD")
    argv = [*json.loads(entry), *json.loads(cmd)]
    assert argv[:3] == ["python", "-m", "fakes.odoo"]
    done = subprocess.run(
        [sys.executable, "-m", "fakes.odoo", "--help"], capture_output=True, timeout=60
    )
    assert done.returncode == 0


def test_the_agent_image_runs_the_supervisor(deploy_dir: Path) -> None:
    found = instructions(deploy_dir / "Containerfile")
    argv = [*json.loads(only(found, "ENTRYPOINT")[0]), *json.loads(only(found, "CMD")[0])]
    assert argv == ["python", "-m", "employee", "supervise", "--config", "/etc/platinum/cloud.yaml"]


@pytest.fixture
def health() -> Iterator[dict[str, Any]]:
    status: dict[str, Any] = {"status": "ok"}
    with HealthServer(lambda: status) as server:
        yield {"status": status, "url": server.url}


def test_the_agent_healthcheck_follows_the_agents_health(
    deploy_dir: Path, health: dict[str, Any]
) -> None:
    (check,) = only(instructions(deploy_dir / "Containerfile"), "HEALTHCHECK")
    argv = json.loads(check.split("CMD", 1)[1])
    assert argv[0] == "python"
    env = {**os.environ, "PLATINUM_HEALTH_URL": health["url"]}

    def probe() -> int:
        return subprocess.run(
            [sys.executable, *argv[1:]], env=env, capture_output=True, timeout=30
        ).returncode

    assert probe() == 0
    health["status"]["status"] = "degraded"
    assert probe() != 0
