"""docs/PLATINUM.md cannot drift: every scenario and every path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "PLATINUM.md"
SEP = "\u203a"  # the angle quote between a feature file and a scenario name in the table
SCENARIO_REF = re.compile(r"`(features/[a-z_]+\.feature) " + SEP + r" ([^`]+)`")
PATH_REF = re.compile(r"`((?:employee|fakes|harness|deploy|scenarios|tests)/[A-Za-z0-9_./-]+)`")


def _scenarios(feature: Path) -> set[str]:
    text = feature.read_text(encoding="utf-8")
    return {
        m.group(1).strip() for m in re.finditer(r"^\s*Scenario(?: Outline)?:\s*(.+)$", text, re.M)
    }


def test_every_named_scenario_exists() -> None:
    refs = SCENARIO_REF.findall(DOC.read_text(encoding="utf-8"))
    assert len(refs) > 20
    missing = [
        f"{feature} {SEP} {name}"
        for feature, name in refs
        if not (ROOT / feature).is_file() or name not in _scenarios(ROOT / feature)
    ]
    assert not missing, missing


def test_every_named_path_exists() -> None:
    paths = PATH_REF.findall(DOC.read_text(encoding="utf-8"))
    assert len(paths) > 20
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, missing


def test_every_feature_scenario_is_traced() -> None:
    named = {(f, n) for f, n in SCENARIO_REF.findall(DOC.read_text(encoding="utf-8"))}
    untraced = [
        f"{feature.relative_to(ROOT)} {SEP} {name}"
        for feature in sorted((ROOT / "features").glob("*.feature"))
        for name in sorted(_scenarios(feature))
        if (str(feature.relative_to(ROOT)), name) not in named
    ]
    assert not untraced, untraced
