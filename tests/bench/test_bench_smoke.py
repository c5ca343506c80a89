"""The bench code paths at tiny sizes, so they keep working (the figures are not asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.propagation import measure_propagation
from bench.run import main


def test_propagation_samples(tmp_path: Path) -> None:
    samples = measure_propagation(3, tmp_path)
    assert len(samples.end_to_end_ms) == len(samples.transaction_ms) == 3
    for whole, tx, after in zip(
        samples.end_to_end_ms, samples.transaction_ms, samples.after_push_ms, strict=True
    ):
        assert 0 < tx < whole
        assert after > 0
        assert abs(whole - tx - after) < 1e-6
    assert list(tmp_path.iterdir()) == []  # its remote and replicas are cleaned up


def test_cli_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--only", "propagation", "--samples", "2", "--out", str(tmp_path)])
    data = json.loads((tmp_path / "bench.json").read_text())
    names = [s["name"] for s in data["summaries"]]
    assert names[0] == "git propagation: push → other working tree"
    assert data["summaries"][0]["count"] == 2
    assert data["summaries"][0]["target_p95_ms"] == 500
    assert data["runs"]["propagation"]["loadavg_before"]
    assert "p95 ms" in capsys.readouterr().out


def test_cli_with_the_resident_checker(tmp_path: Path) -> None:
    main(["--only", "propagation", "--samples", "2", "--resident-checker", "--out", str(tmp_path)])
    data = json.loads((tmp_path / "bench.json").read_text())
    assert data["resident_checker"] is True
    assert data["summaries"][0]["count"] == 2


def test_cli_rejects_bad_sizes(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--samples", "0", "--out", str(tmp_path)])


@pytest.mark.e2e
@pytest.mark.slow
def test_gate_and_burst_on_a_world(tmp_path: Path) -> None:
    main(
        [
            "--only",
            "latency",
            "--only",
            "burst",
            "--samples",
            "1",
            "--burst",
            "3",
            "--out",
            str(tmp_path),
        ]
    )
    data = json.loads((tmp_path / "bench.json").read_text())
    counts = {s["name"]: s["count"] for s in data["summaries"]}
    assert counts == {
        "email → approval file on the remote": 1,
        "approval → mail accepted by SMTP": 1,
    }
    burst = data["burst"]
    assert burst["problems"] == []
    assert (burst["mails"], burst["tasks"], burst["approvals"]) == (3, 3, 3)
    assert sum(burst["claims_by_worker"].values()) == 3
