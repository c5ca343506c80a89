"""The package's public face: ``__all__`` lists exactly what the modules export."""

from __future__ import annotations

import importlib
import pkgutil

import employee.vault


def test_all_names_exist_and_are_unique() -> None:
    names = employee.vault.__all__
    assert len(names) == len(set(names))
    assert sorted(names) == sorted(set(names))
    for name in names:
        assert hasattr(employee.vault, name), name


def test_every_module_declares_all_and_the_package_reexports_the_contract() -> None:
    contract = {
        "PROTOCOL_VERSION",
        "Agent",
        "AGENTS",
        "CLOUD_DOMAINS",
        "LOCAL_ONLY_DOMAINS",
        "DOMAINS",
        "Limits",
        "Document",
        "parse_document",
        "render_document",
        "read_document",
        "write_document",
        "new_id",
        "task_id_for",
        "approval_id_for",
        "validate_id",
        "safe_path",
        "needs_action",
        "in_progress",
        "plan",
        "pending_approval",
        "approved",
        "rejected",
        "done",
        "update",
        "log_file",
        "GITIGNORE",
        "PROTOCOL_MARKER",
        "Vault",
        "VaultSnapshot",
        "new_task",
        "TaskStatus",
        "Verdict",
        "Claim",
        "claim_of",
        "can_claim",
        "can_reclaim",
        "holds",
        "apply_claim",
        "apply_renew",
        "apply_release",
        "apply_reclaim",
        "claim_in_replica",
        "Action",
        "new_approval",
        "Approval",
        "read_approval",
        "decision_of",
        "is_expired",
        "AuditEntry",
        "append_audit",
        "read_audit",
        "read_all_audit",
        "new_update",
        "render_dashboard",
        "ChangeKind",
        "Change",
        "ZONES",
        "zone_of",
        "check_zone",
        "check_changes",
    }
    assert contract <= set(employee.vault.__all__)
    for info in pkgutil.iter_modules(employee.vault.__path__):
        module = importlib.import_module(f"employee.vault.{info.name}")
        assert isinstance(module.__all__, list), info.name
        for name in module.__all__:
            assert hasattr(module, name), f"{info.name}.{name}"
    assert employee.vault.PROTOCOL_VERSION == 1
    assert employee.vault.DOMAINS == ("email", "social", "finance", "whatsapp", "payments")
