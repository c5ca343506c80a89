"""Faults the fake mail server answers with: SMTP reply codes, IMAP NO/BAD/BYE, drops, delays.

A :class:`FaultPlan` holds the armed faults; protocol handlers ask it whether the next command
at a stage should fail. Faults always go out as protocol replies, never as Python exceptions.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

__all__ = ["FaultPlan", "ImapFault", "SmtpFault", "SmtpStage"]

SmtpStage = Literal["MAIL", "RCPT", "DATA", "AUTH"]
ImapReply = Literal["NO", "BAD", "BYE"]


@dataclass(frozen=True)
class SmtpFault:
    """Answer ``code message`` at ``stage`` for the next ``times`` commands (None: always).

    ``probability`` (0..1) makes each matching command fail at random instead. With
    ``drop_connection`` at DATA the message IS stored and recorded, then the connection is
    closed before any reply (the ambiguous window). ``delay`` seconds pass before the reply.
    ``code=None`` with a delay only delays.
    """

    stage: SmtpStage
    code: int | None = 451
    message: str = "4.3.0 Fault injected by the fake"
    times: int | None = 1
    probability: float | None = None
    drop_connection: bool = False
    delay: float = 0.0

    def __post_init__(self) -> None:
        if self.stage not in ("MAIL", "RCPT", "DATA", "AUTH"):
            raise ValueError(f"unknown SMTP stage {self.stage!r}")
        if self.code is not None and not 400 <= self.code <= 599:
            raise ValueError("SMTP fault code must be 400..599")
        _check_common(self.times, self.probability, self.delay)

    @property
    def reply(self) -> str | None:
        return None if self.code is None else f"{self.code} {self.message}"


@dataclass(frozen=True)
class ImapFault:
    """Answer ``reply`` (NO, BAD or BYE) to the named command for the next ``times`` uses.

    ``command`` is matched case-insensitively against the command name; ``FETCH`` also matches
    ``UID FETCH``, while ``UID FETCH`` matches only the UID form. BYE closes the connection.
    ``reply=None`` with a delay only delays.
    """

    command: str
    reply: ImapReply | None = "NO"
    message: str = "Fault injected by the fake"
    times: int | None = 1
    probability: float | None = None
    delay: float = 0.0

    def __post_init__(self) -> None:
        if self.reply not in ("NO", "BAD", "BYE", None):
            raise ValueError(f"unknown IMAP fault reply {self.reply!r}")
        _check_common(self.times, self.probability, self.delay)

    def matches(self, command: str) -> bool:
        want = " ".join(self.command.upper().split())
        got = command.upper()
        return want in (got, got.removeprefix("UID "))


def _check_common(times: int | None, probability: float | None, delay: float) -> None:
    if times is not None and times < 1:
        raise ValueError("times must be >= 1 or None")
    if probability is not None and not 0.0 <= probability <= 1.0:
        raise ValueError("probability must be within 0..1")
    if delay < 0:
        raise ValueError("delay must be >= 0")


Fault = SmtpFault | ImapFault


class FaultPlan:
    """The armed faults, consumed in order of injection. Thread-safe; seedable."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._random = random.Random(seed)

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take_smtp(self, stage: str) -> SmtpFault | None:
        """The fault that fires for this SMTP command, consuming one use, or None."""
        fault = self._take(lambda f: isinstance(f, SmtpFault) and f.stage == stage)
        return fault if isinstance(fault, SmtpFault) else None

    def take_imap(self, command: str) -> ImapFault | None:
        """The fault that fires for this IMAP command, consuming one use, or None."""
        fault = self._take(lambda f: isinstance(f, ImapFault) and f.matches(command))
        return fault if isinstance(fault, ImapFault) else None

    def _take(self, wanted: Callable[[Fault], bool]) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if not wanted(fault):
                    continue
                if fault.probability is not None and self._random.random() >= fault.probability:
                    continue
                if fault.times is not None:
                    if fault.times <= 1:
                        del self._faults[index]
                    else:
                        self._faults[index] = replace(fault, times=fault.times - 1)
                return fault
            return None
