"""Git replicas of the vault whose claims hold across replicas (DESIGN.md §3).

A claim (any agent mutation) is won only when the push of the commit that records it is
accepted by the remote's ``main``: push is the compare-and-swap. See :mod:`.replica` for
transactions and offline replay, :mod:`.remote` for the protected bare remote and its hooks,
:mod:`.policy` / :mod:`.scanner` for the checks shared by client and server, :mod:`.incoming`
for Local's re-check of what it receives, and :mod:`.scan` for the full-history audit.

The names below are imported on first use (PEP 562 ``__getattr__``), so the remote's
``pre-receive`` hook, which runs ``python -m employee.sync.hook`` on every push, loads only
the policy and the scanner, not the replica machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from employee.sync.incoming import ForgedApproval, IncomingReport, check_incoming
    from employee.sync.notify import RemoteWatcher
    from employee.sync.operations import (
        ClaimOp,
        CompleteOp,
        LogOp,
        Mutation,
        Operation,
        ReclaimOp,
        ReleaseOp,
        RenewOp,
        WriteOp,
    )
    from employee.sync.policy import Violation, check_changes
    from employee.sync.remote import init_remote
    from employee.sync.replica import Replica, SyncResult, TxResult, utcnow
    from employee.sync.scan import ScanReport, scan_remote

__all__ = [
    "ClaimOp",
    "CompleteOp",
    "ForgedApproval",
    "IncomingReport",
    "LogOp",
    "Mutation",
    "Operation",
    "ReclaimOp",
    "ReleaseOp",
    "RemoteWatcher",
    "RenewOp",
    "Replica",
    "ScanReport",
    "SyncResult",
    "TxResult",
    "Violation",
    "WriteOp",
    "check_changes",
    "check_incoming",
    "init_remote",
    "scan_remote",
    "utcnow",
]

_HOME = {
    "ForgedApproval": "incoming",
    "IncomingReport": "incoming",
    "check_incoming": "incoming",
    "RemoteWatcher": "notify",
    "ClaimOp": "operations",
    "CompleteOp": "operations",
    "LogOp": "operations",
    "Mutation": "operations",
    "Operation": "operations",
    "ReclaimOp": "operations",
    "ReleaseOp": "operations",
    "RenewOp": "operations",
    "WriteOp": "operations",
    "Violation": "policy",
    "check_changes": "policy",
    "init_remote": "remote",
    "Replica": "replica",
    "SyncResult": "replica",
    "TxResult": "replica",
    "utcnow": "replica",
    "ScanReport": "scan",
    "scan_remote": "scan",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
