"""``python -m fakes.social``: one JSON ready line, serves, exits on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx
import pytest

from fakes.social.__main__ import parse_token


def test_cli_ready_line_serves_and_stops_on_sigterm() -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fakes.social",
            "--port",
            "0",
            "--token",
            "local:sekret:publish",
            "--token",
            "cloud::read",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        _drive(proc)


def _drive(proc: subprocess.Popen[str]) -> None:
    try:
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        assert ready["url"].startswith("http://127.0.0.1:")
        assert [(t["name"], t["scope"]) for t in ready["tokens"]] == [
            ("local", "publish"),
            ("cloud", "read"),
        ]
        generated = ready["tokens"][1]["token"]
        assert len(generated) >= 20
        r = httpx.post(
            f"{ready['url']}/v1/posts",
            headers={"Authorization": "Bearer sekret"},
            json={"text": "from the CLI", "idempotency_key": "cli-1"},
            timeout=5,
        )
        assert r.status_code == 201
        listed = httpx.get(
            f"{ready['url']}/v1/posts", headers={"Authorization": f"Bearer {generated}"}, timeout=5
        )
        assert listed.json()["data"][0]["text"] == "from the CLI"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.parametrize("spec", ["local", "a:b", "a:b:admin", ":s:read", "a:b:c:read"])
def test_bad_token_spec_is_refused(spec: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fakes.social", "--token", spec],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "NAME:TOKEN:read|publish" in result.stderr


def test_parse_token() -> None:
    token = parse_token("n:s:read")
    assert (token.name, token.secret, token.scope) == ("n", "s", "read")
