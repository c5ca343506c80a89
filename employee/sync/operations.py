"""Transactions as data: each operation checks a precondition at the tip and applies itself.

Operations are plain frozen dataclasses so the offline queue can persist them as JSON and
replay them after a restart (:func:`to_json` / :func:`from_json`, registered by ``kind``).
The claim rules themselves (who may claim, hold, reclaim) are :mod:`employee.vault`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from employee.errors import SyncError
from employee.vault import (
    AuditEntry,
    Document,
    Vault,
    Verdict,
    append_audit,
    apply_claim,
    apply_reclaim,
    apply_release,
    apply_renew,
    can_claim,
    can_reclaim,
    holds,
    render_document,
)

__all__ = [
    "ClaimOp",
    "CompleteOp",
    "CreateTaskOp",
    "LogOp",
    "Mutation",
    "Operation",
    "ReclaimOp",
    "ReleaseOp",
    "RenewOp",
    "WriteOp",
    "from_json",
    "record",
    "register",
    "to_json",
]

OK = Verdict(True, "", "ok")


@runtime_checkable
class Operation(Protocol):
    """One transaction: ``precondition`` at the remote tip, then ``apply`` to the files."""

    kind: ClassVar[str]
    success: ClassVar[str]  # the audit action_type written when the push is accepted

    @property
    def agent(self) -> str: ...

    @property
    def task_id(self) -> str: ...

    @property
    def message(self) -> str: ...

    def precondition(self, vault: Vault, now: datetime) -> Verdict: ...

    def apply(self, vault: Vault, now: datetime) -> Any: ...


@dataclass(frozen=True)
class Mutation:
    """File edits as data: ``files`` (path, text) to write, ``moves`` (src, dst), ``deletes``."""

    files: tuple[tuple[str, str], ...] = ()
    moves: tuple[tuple[str, str], ...] = ()
    deletes: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        writes: Mapping[str, Document | str] | None = None,
        *,
        moves: Iterable[tuple[str, str]] = (),
        deletes: Iterable[str] = (),
    ) -> Mutation:
        """Build a mutation; documents are rendered by the vault's YAML emitter."""
        files = tuple(
            (str(rel), doc if isinstance(doc, str) else render_document(doc))
            for rel, doc in (writes or {}).items()
        )
        return cls(files, tuple((str(a), str(b)) for a, b in moves), tuple(map(str, deletes)))

    def apply(self, vault: Vault) -> None:
        for src, dst in self.moves:
            source, target = vault.path(src), vault.path(dst)
            data = source.read_bytes()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            source.unlink()
        for rel, text in self.files:
            target = vault.path(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        for rel in self.deletes:
            vault.path(rel).unlink(missing_ok=True)

    def to_json(self) -> dict[str, Any]:
        return {"files": self.files, "moves": self.moves, "deletes": self.deletes}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Mutation:
        return cls(
            tuple((str(a), str(b)) for a, b in data.get("files", ())),
            tuple((str(a), str(b)) for a, b in data.get("moves", ())),
            tuple(str(p) for p in data.get("deletes", ())),
        )


@dataclass(frozen=True)
class ClaimOp:
    """Move ``Needs_Action/<domain>/<id>.md`` into ``In_Progress/<agent>/`` with a lease."""

    kind: ClassVar[str] = "claim"
    success: ClassVar[str] = "claim_won"
    agent: str
    domain: str
    task_id: str
    lease: timedelta = timedelta(minutes=5)

    @property
    def message(self) -> str:
        return f"claim {self.task_id} by {self.agent}"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        return can_claim(vault, self.domain, self.task_id)

    def apply(self, vault: Vault, now: datetime) -> Any:
        return apply_claim(vault, self.domain, self.task_id, self.agent, now, self.lease)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RenewOp:
    """Extend the lease of a claim this agent holds at ``epoch``."""

    kind: ClassVar[str] = "renew"
    success: ClassVar[str] = "lease_renewed"
    agent: str
    task_id: str
    epoch: int
    lease: timedelta = timedelta(minutes=5)

    @property
    def message(self) -> str:
        return f"renew {self.task_id} by {self.agent} epoch {self.epoch}"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        return holds(vault, self.task_id, self.agent, self.epoch)  # type: ignore[arg-type]

    def apply(self, vault: Vault, now: datetime) -> Any:
        return apply_renew(vault, self.task_id, self.agent, self.epoch, now, self.lease)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ReleaseOp:
    """Give a held claim back to ``Needs_Action``."""

    kind: ClassVar[str] = "release"
    success: ClassVar[str] = "released"
    agent: str
    task_id: str
    epoch: int

    @property
    def message(self) -> str:
        return f"release {self.task_id} by {self.agent} epoch {self.epoch}"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        return holds(vault, self.task_id, self.agent, self.epoch)  # type: ignore[arg-type]

    def apply(self, vault: Vault, now: datetime) -> Any:
        return apply_release(vault, self.task_id, self.agent, self.epoch)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ReclaimOp:
    """Take over a claim whose lease (plus ``grace``) has expired, at epoch + 1."""

    kind: ClassVar[str] = "reclaim"
    success: ClassVar[str] = "reclaimed"
    agent: str
    task_id: str
    lease: timedelta = timedelta(minutes=5)
    grace: timedelta = timedelta(minutes=2)

    @property
    def message(self) -> str:
        return f"reclaim {self.task_id} by {self.agent}"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        return can_reclaim(vault, self.task_id, self.agent, now, grace=self.grace)  # type: ignore[arg-type]

    def apply(self, vault: Vault, now: datetime) -> Any:
        return apply_reclaim(vault, self.task_id, self.agent, now, self.lease)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CompleteOp:
    """Apply ``mutation`` (e.g. move the task to ``Done/``) only while ``epoch`` is current."""

    kind: ClassVar[str] = "complete"
    success: ClassVar[str] = "completed"
    agent: str
    task_id: str
    epoch: int
    mutation: Mutation = field(default_factory=Mutation)

    @property
    def message(self) -> str:
        return f"complete {self.task_id} by {self.agent} epoch {self.epoch}"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        return holds(vault, self.task_id, self.agent, self.epoch)  # type: ignore[arg-type]

    def apply(self, vault: Vault, now: datetime) -> Any:
        self.mutation.apply(vault)
        return None


@dataclass(frozen=True)
class WriteOp:
    """Write, move or delete documents; no precondition beyond the paths being valid."""

    kind: ClassVar[str] = "write"
    success: ClassVar[str] = "written"
    agent: str
    mutation: Mutation
    task_id: str = ""
    note: str = ""

    @property
    def message(self) -> str:
        return self.note or f"write {self.task_id or 'documents'} by {self.agent}"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        for src, _ in self.mutation.moves:
            if not vault.exists(src):
                return Verdict(False, f"{src} is not at the tip", "not_found")
        return OK

    def apply(self, vault: Vault, now: datetime) -> Any:
        self.mutation.apply(vault)
        return None


@dataclass(frozen=True)
class CreateTaskOp:
    """Write a new task (plus optional side documents) unless the task id already exists.

    The precondition is checked at the remote tip, so two workers that saw the same mail (or
    the same human note) create one task: the second push is rejected, its retry finds the
    task, and it loses with ``duplicate``.
    """

    kind: ClassVar[str] = "create_task"
    success: ClassVar[str] = "task_created"
    agent: str
    task_id: str
    mutation: Mutation

    @property
    def message(self) -> str:
        return f"create task {self.task_id} by {self.agent}"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        where = vault.find_task(self.task_id)
        if where is not None:
            return Verdict(False, f"task {self.task_id} already exists at {where}", "duplicate")
        return Verdict(True, "", "ok")

    def apply(self, vault: Vault, now: datetime) -> Any:
        self.mutation.apply(vault)
        return None


@dataclass(frozen=True)
class LogOp:
    """Only audit entries: the follow-up transaction that records a lost or refused one."""

    kind: ClassVar[str] = "log"
    success: ClassVar[str] = ""
    agent: str
    entries: tuple[Mapping[str, Any], ...] = ()
    task_id: str = ""

    @property
    def message(self) -> str:
        kinds = ", ".join(sorted({str(e.get("action_type")) for e in self.entries}))
        return f"log {kinds or 'entries'} by {self.agent}"

    def precondition(self, vault: Vault, now: datetime) -> Verdict:
        return OK

    def apply(self, vault: Vault, now: datetime) -> Any:
        for entry in self.entries:
            record(vault, self.agent, now, **entry)
        return None


def record(
    vault: Vault,
    agent: str,
    now: datetime,
    *,
    action_type: str,
    target: str = "",
    result: str = "success",
    parameters: Mapping[str, Any] | None = None,
    task_id: str = "",
) -> None:
    """Append one audit entry to ``Logs/<agent>/`` of ``vault``."""
    append_audit(
        vault.root,
        agent,  # type: ignore[arg-type]
        AuditEntry(
            timestamp=now,
            action_type=action_type,
            actor=agent,
            target=target,
            parameters=dict(parameters or {}),
            approval_status="not_required",
            approved_by="",
            result=result,
            task_id=task_id,
        ),
    )


_REGISTRY: dict[str, type[Any]] = {
    c.kind: c
    for c in (ClaimOp, RenewOp, ReleaseOp, ReclaimOp, CompleteOp, WriteOp, CreateTaskOp, LogOp)
}

OpType = TypeVar("OpType", bound=type[Any])


def register(cls: OpType) -> OpType:
    """Make an agent's own operation class replayable from the offline queue (a decorator).

    The class must be a frozen dataclass with a unique ``kind``; a ``mutation`` field holding a
    `Mutation` and ``lease``/``grace`` timedeltas are restored like the built-in operations'.
    """
    kind = getattr(cls, "kind", "")
    known = _REGISTRY.get(kind)
    if not kind or (known is not None and known is not cls):
        raise SyncError("operation kind missing or already registered", kind=kind)
    _REGISTRY[kind] = cls
    return cls


def to_json(op: Operation) -> dict[str, Any]:
    """A JSON-ready mapping of ``op`` (timedeltas as seconds)."""
    data: dict[str, Any] = {"kind": op.kind}
    for key, value in asdict(op).items():  # type: ignore[call-overload]
        if isinstance(value, timedelta):
            value = value.total_seconds()
        data[key] = value
    if isinstance(op, LogOp):
        data["entries"] = [dict(e) for e in op.entries]
    mutation = getattr(op, "mutation", None)
    if isinstance(mutation, Mutation):
        data["mutation"] = mutation.to_json()
    return data


def from_json(data: Mapping[str, Any]) -> Operation:
    """Rebuild an operation written by :func:`to_json`."""
    cls = _REGISTRY.get(str(data.get("kind")))
    if cls is None:
        raise SyncError("unknown operation kind in queue", kind=data.get("kind"))
    fields = {k: v for k, v in data.items() if k != "kind"}
    for key in ("lease", "grace"):
        if key in fields:
            fields[key] = timedelta(seconds=float(fields[key]))
    if "entries" in fields:
        fields["entries"] = tuple(dict(e) for e in fields["entries"])
    if "mutation" in fields:
        fields["mutation"] = Mutation.from_json(fields["mutation"])
    op: Operation = cls(**fields)
    return op
