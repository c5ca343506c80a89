"""Git replicas of the vault whose claims hold across replicas (DESIGN.md §3).

A claim (any agent mutation) is won only when the push of the commit that records it is
accepted by the remote's ``main``: push is the compare-and-swap. See :mod:`.replica` for
transactions and offline replay, :mod:`.remote` for the protected bare remote and its hooks,
:mod:`.policy` / :mod:`.scanner` for the checks shared by client and server, :mod:`.incoming`
for Local's re-check of what it receives, and :mod:`.scan` for the full-history audit.
"""

from __future__ import annotations

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
