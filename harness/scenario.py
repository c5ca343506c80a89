"""Scenarios as data: seeded mail and ERP records, then a list of steps the World executes.

A scenario file is YAML (read with ``yaml.safe_load``)::

    name: platinum_demo
    description: ...
    seed:
      mail: [{ref, from, from_name, to, subject, body, headers}]
      odoo: {partners: [{name, email, ...}]}
    steps:
      - do: mail.deliver
        ref: q4

The step vocabulary is the :data:`VERBS` table; :func:`parse_scenario` checks every key
against it and walks the steps to catch contradictions (a reply awaited for a mail never
delivered, an approval after a rejection, going offline twice). Errors are
:class:`~harness.errors.ScenarioError` naming the file and the key path, e.g.
``steps[3].ref``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from harness.errors import ScenarioError

__all__ = [
    "VERBS",
    "OdooSeed",
    "Scenario",
    "ScenarioStep",
    "Seed",
    "SeedMail",
    "VerbSpec",
    "load_scenario",
    "parse_scenario",
]

ArgKind = Literal["ref", "text", "agent", "count", "seconds", "bool"]
Scalar = str | int | float | bool | None

MAX_FILE_BYTES = 1024 * 1024
MAX_TEXT = 64 * 1024
AGENTS = ("cloud", "local")
RESERVED_HEADERS = frozenset({"from", "to", "subject", "date", "message-id"})

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")
_HEADER_NAME = re.compile(r"^[!-9;-~]{1,76}$")
_FIELD = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class VerbSpec:
    """What one step verb takes: argument name → kind, and a one-line meaning."""

    required: Mapping[str, ArgKind]
    optional: Mapping[str, ArgKind]
    summary: str


def _spec(summary: str, required: dict[str, ArgKind], **optional: ArgKind) -> VerbSpec:
    return VerbSpec(
        MappingProxyType(required), MappingProxyType({**optional, "label": "text"}), summary
    )


_WAIT: dict[str, ArgKind] = {"timeout": "seconds"}

VERBS: Mapping[str, VerbSpec] = MappingProxyType(
    {
        "local.go_offline": _spec("cut Local off from the git remote", {}),
        "local.go_online": _spec("give Local its link to the git remote back", {}),
        "mail.deliver": _spec("deliver the seeded mail `ref` to the owner's INBOX", {"ref": "ref"}),
        "wait.approval_on_remote": _spec(
            "wait until the approval request for `ref` is on the remote", {"ref": "ref"}, **_WAIT
        ),
        "human.approve": _spec(
            "move the approval for `ref` into Approved/ (after replacing the draft with `edit`)",
            {"ref": "ref"},
            edit="text",
        ),
        "human.reject": _spec(
            "move the approval for `ref` into Rejected/", {"ref": "ref"}, reason="text"
        ),
        "wait.sent": _spec("wait until the reply to `ref` reached SMTP", {"ref": "ref"}, **_WAIT),
        "wait.done": _spec("wait until the task for `ref` is in Done/", {"ref": "ref"}, **_WAIT),
        "wait.rejected": _spec(
            "wait until the task for `ref` is closed as rejected", {"ref": "ref"}, **_WAIT
        ),
        "crash": _spec("SIGKILL an agent process", {"agent": "agent"}, restart="bool"),
        "expect.sent_count": _spec("exactly `count` messages reached SMTP", {"count": "count"}),
        "expect.not_sent": _spec("no reply to `ref` reached SMTP", {"ref": "ref"}),
        "expect.sent_body_contains": _spec(
            "the reply to `ref` contains `text`", {"ref": "ref", "text": "text"}
        ),
        "expect.sent_in_reply_to": _spec(
            "the reply to `ref` threads to it (In-Reply-To and References)", {"ref": "ref"}
        ),
        "expect.audit": _spec(
            "`agent`'s audit log has an entry with action_type `action`",
            {"agent": "agent", "action": "text"},
            ref="ref",
        ),
    }
)


@dataclass(frozen=True)
class SeedMail:
    """A customer mail the scenario can deliver; ``to`` None means the world's owner."""

    ref: str
    from_addr: str
    subject: str
    body: str
    from_name: str = ""
    to: str | None = None
    headers: tuple[tuple[str, str], ...] = ()

    def headers_dict(self) -> dict[str, str]:
        return dict(self.headers)


@dataclass(frozen=True)
class OdooSeed:
    """ERP records to create before the run."""

    partners: tuple[Mapping[str, Scalar], ...] = ()


@dataclass(frozen=True)
class Seed:
    mail: tuple[SeedMail, ...] = ()
    odoo: OdooSeed = field(default_factory=OdooSeed)


@dataclass(frozen=True)
class ScenarioStep:
    """One step: its position, its verb and its checked arguments."""

    index: int
    verb: str
    args: Mapping[str, Any]

    @property
    def ref(self) -> str | None:
        value = self.args.get("ref")
        return value if isinstance(value, str) else None

    @property
    def label(self) -> str:
        """What the report calls this step (``label`` or the verb and its ref/agent)."""
        label = self.args.get("label")
        if isinstance(label, str):
            return label
        subject = self.args.get("ref") or self.args.get("agent")
        return f"{self.verb} {subject}" if subject else self.verb


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    seed: Seed
    steps: tuple[ScenarioStep, ...]
    source: str = "<scenario>"

    def mail(self, ref: str) -> SeedMail:
        """The seeded mail named ``ref``."""
        for mail in self.seed.mail:
            if mail.ref == ref:
                return mail
        raise ScenarioError(f"{self.source}: no seeded mail with ref {ref!r}")


# -- checking -----------------------------------------------------------------------------------


class _Checker:
    """Typed reads from untrusted YAML data; every error names the source and the key path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> ScenarioError:
        return ScenarioError(f"{self.source}: {path}: {problem}")

    def mapping(
        self, value: Any, path: str, allowed: set[str], required: set[str]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a mapping, got {type(value).__name__}")
        for key in value:
            if not isinstance(key, str) or key not in allowed:
                raise self.fail(
                    path, f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})"
                )
        for key in sorted(required):
            if key not in value:
                raise self.fail(path, f"missing required key {key!r}")
        return value

    def string(
        self,
        value: Any,
        path: str,
        *,
        pattern: re.Pattern[str] | None = None,
        one_line: bool = True,
        allow_empty: bool = False,
    ) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"must be a string, got {type(value).__name__}")
        if not allow_empty and not value.strip():
            raise self.fail(path, "must not be empty")
        if len(value) > MAX_TEXT:
            raise self.fail(path, f"is longer than {MAX_TEXT} characters")
        if one_line and ("\r" in value or "\n" in value):
            raise self.fail(path, "must be a single line")
        if pattern is not None and not pattern.match(value):
            raise self.fail(path, f"{value[:80]!r} does not match {pattern.pattern}")
        return value

    def arg(self, kind: ArgKind, value: Any, path: str) -> Any:
        if kind == "ref":
            return self.string(value, path, pattern=_REF)
        if kind == "text":
            return self.string(value, path, one_line=False)
        if kind == "agent":
            if value not in AGENTS:
                raise self.fail(path, f"must be one of {', '.join(AGENTS)}, got {value!r}")
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                raise self.fail(path, f"must be true or false, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"must be a number, got {value!r}")
        if kind == "count":
            if not isinstance(value, int) or value < 0:
                raise self.fail(path, f"must be a whole number >= 0, got {value!r}")
            return value
        if not 0 < value <= 3600:
            raise self.fail(path, f"must be a number of seconds in (0, 3600], got {value!r}")
        return float(value)


def _seed_mail(check: _Checker, value: Any, path: str, index: int) -> SeedMail:
    data = check.mapping(
        value,
        path,
        {"ref", "from", "from_name", "to", "subject", "body", "headers"},
        {"from", "subject", "body"},
    )
    headers: list[tuple[str, str]] = []
    raw_headers = data.get("headers", {})
    if not isinstance(raw_headers, dict):
        raise check.fail(f"{path}.headers", "must be a mapping of header name to text")
    for name, header_value in raw_headers.items():
        where = f"{path}.headers.{name}"
        check.string(name, where, pattern=_HEADER_NAME)
        if name.lower() in RESERVED_HEADERS:
            raise check.fail(where, "is set by the world (use the from/to/subject keys)")
        headers.append((name, check.string(header_value, where)))
    to = data.get("to")
    return SeedMail(
        ref=check.string(data.get("ref", f"mail{index + 1}"), f"{path}.ref", pattern=_REF),
        from_addr=check.string(data["from"], f"{path}.from", pattern=_ADDRESS),
        from_name=check.string(data.get("from_name", ""), f"{path}.from_name", allow_empty=True),
        to=None if to is None else check.string(to, f"{path}.to", pattern=_ADDRESS),
        subject=check.string(data["subject"], f"{path}.subject"),
        body=check.string(data["body"], f"{path}.body", one_line=False),
        headers=tuple(headers),
    )


def _odoo_seed(check: _Checker, value: Any, path: str) -> OdooSeed:
    data = check.mapping(value, path, {"partners"}, set())
    partners_raw = data.get("partners", [])
    if not isinstance(partners_raw, list):
        raise check.fail(f"{path}.partners", "must be a list")
    partners: list[Mapping[str, Scalar]] = []
    for i, partner in enumerate(partners_raw):
        where = f"{path}.partners[{i}]"
        if not isinstance(partner, dict):
            raise check.fail(where, f"must be a mapping, got {type(partner).__name__}")
        if "name" not in partner:
            raise check.fail(where, "missing required key 'name'")
        for key, field_value in partner.items():
            if not isinstance(key, str) or not _FIELD.match(key):
                raise check.fail(where, f"bad field name {key!r}")
            if field_value is not None and not isinstance(field_value, str | int | float | bool):
                raise check.fail(f"{where}.{key}", "must be a scalar (text, number, bool, null)")
        check.string(partner["name"], f"{where}.name")
        partners.append(MappingProxyType(dict(partner)))
    return OdooSeed(partners=tuple(partners))


def _seed(check: _Checker, value: Any) -> Seed:
    if value is None:
        return Seed()
    data = check.mapping(value, "seed", {"mail", "odoo"}, set())
    mail_raw = data.get("mail", [])
    if not isinstance(mail_raw, list):
        raise check.fail("seed.mail", "must be a list")
    mails = tuple(_seed_mail(check, m, f"seed.mail[{i}]", i) for i, m in enumerate(mail_raw))
    refs = [m.ref for m in mails]
    for i, ref in enumerate(refs):
        if ref in refs[:i]:
            raise check.fail(f"seed.mail[{i}].ref", f"duplicate ref {ref!r}")
    odoo = _odoo_seed(check, data["odoo"], "seed.odoo") if "odoo" in data else OdooSeed()
    return Seed(mail=mails, odoo=odoo)


def _step(check: _Checker, value: Any, index: int) -> ScenarioStep:
    path = f"steps[{index}]"
    if not isinstance(value, dict) or "do" not in value:
        raise check.fail(path, "must be a mapping with a 'do' key naming the verb")
    verb = value["do"]
    if not isinstance(verb, str) or verb not in VERBS:
        raise check.fail(f"{path}.do", f"unknown verb {verb!r} (known: {', '.join(VERBS)})")
    spec = VERBS[verb]
    args_raw = {k: v for k, v in value.items() if k != "do"}
    allowed = set(spec.required) | set(spec.optional)
    check.mapping(args_raw, path, allowed, set(spec.required))
    kinds = {**spec.optional, **spec.required}
    args = {key: check.arg(kinds[key], arg, f"{path}.{key}") for key, arg in args_raw.items()}
    return ScenarioStep(index=index, verb=verb, args=MappingProxyType(args))


def _check_story(check: _Checker, seed: Seed, steps: tuple[ScenarioStep, ...]) -> None:
    """Walk the steps in order and refuse contradictions."""
    known = {mail.ref for mail in seed.mail}
    delivered: set[str] = set()
    decided: dict[str, str] = {}
    offline = False
    for step in steps:
        path = f"steps[{step.index}]"
        ref = step.ref
        if ref is not None:
            if ref not in known:
                raise check.fail(f"{path}.ref", f"no seeded mail has ref {ref!r}")
            if step.verb == "mail.deliver":
                if ref in delivered:
                    raise check.fail(f"{path}.ref", f"mail {ref!r} is already delivered")
                delivered.add(ref)
            elif ref not in delivered:
                raise check.fail(f"{path}.ref", f"mail {ref!r} is not delivered before this step")
        if step.verb in ("human.approve", "human.reject") and ref is not None:
            if ref in decided:
                raise check.fail(path, f"the human already chose {decided[ref]} for {ref!r}")
            decided[ref] = step.verb.removeprefix("human.")
        expects_sent = step.verb in (
            "wait.sent",
            "expect.sent_body_contains",
            "expect.sent_in_reply_to",
        )
        if ref is not None and expects_sent and decided.get(ref) == "reject":
            raise check.fail(path, f"{ref!r} was rejected: no reply can be sent")
        if step.verb == "wait.rejected" and ref is not None and decided.get(ref) == "approve":
            raise check.fail(path, f"{ref!r} was approved, not rejected")
        if step.verb == "local.go_offline":
            if offline:
                raise check.fail(path, "Local is already offline")
            offline = True
        elif step.verb == "local.go_online":
            if not offline:
                raise check.fail(path, "Local is already online")
            offline = False


def parse_scenario(data: Any, source: str = "<scenario>") -> Scenario:
    """A checked :class:`Scenario` from already-parsed YAML data."""
    check = _Checker(source)
    top = check.mapping(data, "(top)", {"name", "description", "seed", "steps"}, {"name", "steps"})
    name = check.string(top["name"], "name", pattern=_NAME)
    description = check.string(
        top.get("description", ""), "description", one_line=False, allow_empty=True
    )
    seed = _seed(check, top.get("seed"))
    steps_raw = top["steps"]
    if not isinstance(steps_raw, list) or not steps_raw:
        raise check.fail("steps", "must be a non-empty list")
    steps = tuple(_step(check, step, i) for i, step in enumerate(steps_raw))
    _check_story(check, seed, steps)
    return Scenario(
        name=name, description=description.strip(), seed=seed, steps=steps, source=source
    )


def load_scenario(path: Path) -> Scenario:
    """Read, parse and check the scenario file at ``path``."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(f"{path}: {size} bytes is over the {MAX_FILE_BYTES}-byte limit")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from exc
    return parse_scenario(data, source=str(path))
