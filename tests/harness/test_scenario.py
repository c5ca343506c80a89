"""Scenarios: the shipped files load; every kind of bad input is a ScenarioError naming its path."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.errors import ScenarioError
from harness.scenario import VERBS, Scenario, load_scenario, parse_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def base() -> dict[str, Any]:
    return {
        "name": "tiny",
        "description": "one mail, approved",
        "seed": {
            "mail": [
                {
                    "ref": "q",
                    "from": "anna@customer.test",
                    "from_name": "Anna",
                    "to": "owner@platinum.test",
                    "subject": "Question",
                    "body": "Hello?\nThanks",
                    "headers": {"X-Priority": "1"},
                }
            ],
            "odoo": {"partners": [{"name": "Anna", "email": "anna@customer.test"}]},
        },
        "steps": [
            {"do": "local.go_offline"},
            {"do": "mail.deliver", "ref": "q"},
            {"do": "wait.approval_on_remote", "ref": "q", "timeout": 5},
            {"do": "local.go_online"},
            {"do": "human.approve", "ref": "q", "edit": "Yes.\n", "label": "approve it"},
            {"do": "wait.sent", "ref": "q"},
            {"do": "wait.done", "ref": "q"},
        ],
    }


def with_change(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(base())
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


DELETE = object()


def test_parse_builds_frozen_typed_scenario() -> None:
    scenario = parse_scenario(base(), source="tiny.yaml")
    assert scenario.name == "tiny"
    mail = scenario.mail("q")
    assert mail.from_addr == "anna@customer.test"
    assert mail.headers_dict() == {"X-Priority": "1"}
    assert scenario.seed.odoo.partners[0]["email"] == "anna@customer.test"
    steps = scenario.steps
    assert [s.verb for s in steps][:2] == ["local.go_offline", "mail.deliver"]
    assert steps[2].args["timeout"] == 5.0
    assert steps[4].args["edit"] == "Yes.\n"
    assert steps[4].label == "approve it"
    assert steps[1].label == "mail.deliver q"
    assert steps[1].ref == "q"
    assert steps[0].ref is None
    with pytest.raises(TypeError):
        steps[1].args["ref"] = "other"  # type: ignore[index]
    with pytest.raises(ScenarioError, match="no seeded mail with ref 'zz'"):
        scenario.mail("zz")


def test_mail_ref_defaults_to_its_position() -> None:
    data = with_change(("seed", "mail", 0, "ref"), DELETE)
    for step in data["steps"]:
        if "ref" in step:
            step["ref"] = "mail1"
    assert parse_scenario(data).seed.mail[0].ref == "mail1"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("name",), DELETE, r"\(top\): missing required key 'name'"),
        (("name",), "has space", r"name: 'has space' does not match"),
        (("colour",), "blue", r"\(top\): unknown key 'colour'"),
        (("steps",), [], "steps: must be a non-empty list"),
        (("steps", 1, "do"), "mail.delivr", r"steps\[1\].do: unknown verb 'mail.delivr'"),
        (("steps", 1), {"ref": "q"}, r"steps\[1\]: must be a mapping with a 'do' key"),
        (("steps", 1), {"do": "mail.deliver"}, r"steps\[1\]: missing required key 'ref'"),
        (("steps", 0, "ref"), "q", r"steps\[0\]: unknown key 'ref'"),
        (("steps", 2, "timeout"), 0, r"steps\[2\].timeout: must be a number of seconds"),
        (("steps", 2, "timeout"), True, r"steps\[2\].timeout: must be a number"),
        (("steps", 2, "timeout"), "5", r"steps\[2\].timeout: must be a number"),
        (("steps", 4, "edit"), "   ", r"steps\[4\].edit: must not be empty"),
        (("steps", 4, "edit"), 42, r"steps\[4\].edit: must be a string, got int"),
        (("steps", 1, "ref"), "../etc", r"steps\[1\].ref: '../etc' does not match"),
        (("steps", 1, "ref"), "other", r"steps\[1\].ref: no seeded mail has ref 'other'"),
        (("steps", 5), {"do": "crash", "agent": "odoo"}, r"steps\[5\].agent: must be one of"),
        (("steps", 5), {"do": "expect.sent_count", "count": -1}, r"count: must be a whole"),
        (("steps", 5), {"do": "expect.sent_count", "count": 1.5}, r"count: must be a whole"),
        (("steps", 5), {"do": "crash", "agent": "local", "restart": "yes"}, "true or false"),
        (("seed",), [], "seed: must be a mapping, got list"),
        (("seed", "mail"), {}, "seed.mail: must be a list"),
        (("seed", "mail", 0, "from"), "not-an-address", r"seed.mail\[0\].from: .* does not match"),
        (("seed", "mail", 0, "from"), "a@b.test\nBcc: x@y.test", r"seed.mail\[0\].from: must be"),
        (("seed", "mail", 0, "subject"), "Hi\r\nBcc: x@y.test", "subject: must be a single line"),
        (("seed", "mail", 0, "subject"), None, "subject: must be a string, got NoneType"),
        (("seed", "mail", 0, "body"), DELETE, r"seed.mail\[0\]: missing required key 'body'"),
        (("seed", "mail", 0, "to"), "owner", r"seed.mail\[0\].to: 'owner' does not match"),
        (("seed", "mail", 0, "headers"), ["X: y"], "headers: must be a mapping"),
        (("seed", "mail", 0, "headers"), {"Message-ID": "<a@b>"}, "is set by the world"),
        (("seed", "mail", 0, "headers"), {"Bad Name": "x"}, r"headers.Bad Name: 'Bad Name'"),
        (("seed", "mail", 0, "headers"), {"X-A": "1\n2"}, "X-A: must be a single line"),
        (("seed", "mail", 0, "extra"), 1, r"seed.mail\[0\]: unknown key 'extra'"),
        (("seed", "odoo"), {"partners": {}}, "seed.odoo.partners: must be a list"),
        (("seed", "odoo", "partners", 0, "name"), DELETE, "missing required key 'name'"),
        (("seed", "odoo", "partners", 0, "tags"), ["a"], r"partners\[0\].tags: must be a scalar"),
        (("seed", "odoo", "partners", 0, "Bad-Key"), 1, "bad field name 'Bad-Key'"),
        (("seed", "odoo", "invoices"), [], r"seed.odoo: unknown key 'invoices'"),
    ],
)
def test_bad_input_names_the_path(path: tuple[Any, ...], value: Any, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as info:
        parse_scenario(with_change(path, value), source="bad.yaml")
    assert str(info.value).startswith("bad.yaml: ")


def test_duplicate_mail_refs() -> None:
    data = base()
    data["seed"]["mail"].append(copy.deepcopy(data["seed"]["mail"][0]))
    with pytest.raises(ScenarioError, match=r"seed.mail\[1\].ref: duplicate ref 'q'"):
        parse_scenario(data)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([{"do": "wait.sent", "ref": "q"}], r"steps\[0\].ref: mail 'q' is not delivered"),
        (
            [{"do": "mail.deliver", "ref": "q"}, {"do": "mail.deliver", "ref": "q"}],
            r"steps\[1\].ref: mail 'q' is already delivered",
        ),
        (
            [
                {"do": "mail.deliver", "ref": "q"},
                {"do": "human.reject", "ref": "q"},
                {"do": "human.approve", "ref": "q"},
            ],
            r"steps\[2\]: the human already chose reject for 'q'",
        ),
        (
            [
                {"do": "mail.deliver", "ref": "q"},
                {"do": "human.reject", "ref": "q"},
                {"do": "wait.sent", "ref": "q"},
            ],
            r"steps\[2\]: 'q' was rejected",
        ),
        (
            [
                {"do": "mail.deliver", "ref": "q"},
                {"do": "human.approve", "ref": "q"},
                {"do": "wait.rejected", "ref": "q"},
            ],
            r"steps\[2\]: 'q' was approved",
        ),
        (
            [{"do": "local.go_offline"}, {"do": "local.go_offline"}],
            r"steps\[1\]: Local is already offline",
        ),
        ([{"do": "local.go_online"}], r"steps\[0\]: Local is already online"),
    ],
)
def test_contradictory_stories_are_refused(steps: list[dict[str, Any]], message: str) -> None:
    data = base()
    data["steps"] = steps
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(data)


def test_every_verb_has_a_meaning_and_takes_a_label() -> None:
    assert {"local.go_offline", "mail.deliver", "human.approve", "crash"} <= set(VERBS)
    for name, spec in VERBS.items():
        assert spec.summary, name
        assert "label" in spec.optional, name
        assert not set(spec.required) & set(spec.optional), name


@pytest.mark.parametrize("name", ["platinum_demo", "platinum_reject", "platinum_edit"])
def test_shipped_scenarios_load(name: str) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    assert isinstance(scenario, Scenario)
    assert scenario.name == name
    verbs = [step.verb for step in scenario.steps]
    # The gate: offline first, the mail while offline, approval on the remote, back online.
    assert verbs[:4] == [
        "local.go_offline",
        "mail.deliver",
        "wait.approval_on_remote",
        "local.go_online",
    ]


def test_demo_scenario_is_the_tier_gate() -> None:
    scenario = load_scenario(SCENARIOS / "platinum_demo.yaml")
    mail = scenario.mail("q4")
    assert mail.subject == "Question about the Q4 proposal"
    assert mail.from_name
    assert "?" in mail.body
    verbs = [step.verb for step in scenario.steps]
    assert verbs.index("human.approve") < verbs.index("wait.sent") < verbs.index("wait.done")


def test_edit_scenario_edits_before_approving() -> None:
    scenario = load_scenario(SCENARIOS / "platinum_edit.yaml")
    approve = next(step for step in scenario.steps if step.verb == "human.approve")
    check = next(step for step in scenario.steps if step.verb == "expect.sent_body_contains")
    assert check.args["text"] in approve.args["edit"]


def test_reject_scenario_sends_nothing() -> None:
    scenario = load_scenario(SCENARIOS / "platinum_reject.yaml")
    verbs = [step.verb for step in scenario.steps]
    assert "human.reject" in verbs
    assert "wait.rejected" in verbs
    assert "wait.sent" not in verbs


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(broken)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(binary)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (1024 * 1024 + 1))
    with pytest.raises(ScenarioError, match="over the 1048576-byte limit"):
        load_scenario(big)
    python_tag = tmp_path / "tag.yaml"
    python_tag.write_text("name: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(python_tag)
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ScenarioError, match="must be a mapping, got NoneType"):
        load_scenario(empty)


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    lines += ["name: bomb", "steps: *a8"]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="unknown key 'a0'"):
        load_scenario(bomb)


def test_round_trip_through_yaml(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(base()), encoding="utf-8")
    assert load_scenario(path) == parse_scenario(base(), source=str(path))
