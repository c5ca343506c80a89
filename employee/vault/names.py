"""Ids and paths: every file name comes from a validated id, never from untrusted text."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path, PurePosixPath

from ulid import ULID

from employee.errors import UnsafeNameError

__all__ = [
    "KIND_RE",
    "approval_id_for",
    "new_id",
    "safe_path",
    "task_id_for",
    "validate_id",
    "validate_kind",
]

KIND_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")


def new_id() -> str:
    """A fresh ULID: 26 upper-case Crockford base32 characters, sortable by time."""
    return str(ULID())


def validate_kind(kind: str) -> str:
    """Return ``kind`` if it matches ``[a-z][a-z0-9_]{0,31}``, else raise ``UnsafeNameError``."""
    if not isinstance(kind, str) or KIND_RE.fullmatch(kind) is None:
        raise UnsafeNameError(f"invalid kind {kind!r}: expected [a-z][a-z0-9_]{{0,31}}")
    return kind


def task_id_for(kind: str, source_id: str) -> str:
    """A stable task id for a source item: ``<kind>-<26 base32 chars of sha256(source_id)>``."""
    validate_kind(kind)
    digest = hashlib.sha256(source_id.encode("utf-8", "surrogatepass")).digest()
    return f"{kind}-{base64.b32encode(digest).decode('ascii')[:26].lower()}"


def approval_id_for(task_id: str, action: str, attempt: int = 1) -> str:
    """``<task_id>--<action>``, plus ``-<attempt>`` for a fresh approval after the first."""
    validate_id(task_id)
    validate_kind(action)
    if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
        raise UnsafeNameError(f"attempt must be an integer >= 1, got {attempt!r}")
    value = f"{task_id}--{action}" + (f"-{attempt}" if attempt > 1 else "")
    return validate_id(value)


def validate_id(value: str) -> str:
    """Return ``value`` if it is a safe id (``[A-Za-z0-9][A-Za-z0-9_.-]{0,127}``, no ``..``)."""
    if not isinstance(value, str) or _ID_RE.fullmatch(value) is None:
        raise UnsafeNameError(f"unsafe id {value!r}: expected [A-Za-z0-9][A-Za-z0-9_.-]{{0,127}}")
    if ".." in value:
        raise UnsafeNameError(f"unsafe id {value!r}: '..' is not allowed")
    if value.endswith(".") or _WINDOWS_RESERVED.fullmatch(value):
        raise UnsafeNameError(f"unsafe id {value!r}: not a portable file name")
    return value


def _relative_parts(relative: str | PurePosixPath) -> tuple[str, ...]:
    text = str(relative)
    if not text:
        raise UnsafeNameError("empty vault path")
    if "\\" in text or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise UnsafeNameError(f"unsafe vault path {text!r}: backslash or control character")
    rel = PurePosixPath(text)
    if rel.is_absolute():
        raise UnsafeNameError(f"unsafe vault path {text!r}: absolute paths are not allowed")
    if ".." in rel.parts:
        raise UnsafeNameError(f"unsafe vault path {text!r}: '..' is not allowed")
    return tuple(part for part in rel.parts if part != ".")


def safe_path(root: Path, relative: str | PurePosixPath) -> Path:
    """``root / relative``, refusing absolute paths, ``..`` and symlinks that lead outside."""
    parts = _relative_parts(relative)
    candidate = root.joinpath(*parts)
    real_root = os.path.realpath(root)
    real = os.path.realpath(candidate)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise UnsafeNameError(
            f"vault path {str(relative)!r} resolves outside the vault", path=str(candidate)
        )
    return candidate
