"""send_effectively_once: the reconcile policy, with an in-memory witness and scripted outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest

import employee.mail as mail_pkg
from employee.errors import MailError
from employee.mail import SendOutcome, SmtpConfig, build_message, send_effectively_once

SMTP = SmtpConfig("127.0.0.1", 9, None, None, "plain")


@dataclass
class MemoryWitness:
    ids: set[str] = field(default_factory=set)
    broken: bool = False
    copy_broken: bool = False
    copies: list[str] = field(default_factory=list)

    def contains(self, message_id: str) -> bool:
        if self.broken:
            raise MailError("Sent folder unreachable")
        return message_id in self.ids

    def store_copy(self, raw: bytes, message_id: str) -> None:
        if self.copy_broken:
            raise MailError("APPEND refused")
        self.copies.append(message_id)
        self.ids.add(message_id)


@dataclass
class Script:
    """A scripted SMTP: returns the given outcomes in order, optionally 'delivering' each."""

    outcomes: list[SendOutcome]
    witness: MemoryWitness | None = None  # a provider that copies submissions to Sent
    calls: int = 0

    def __call__(self, config: SmtpConfig, message: EmailMessage) -> SendOutcome:
        outcome = self.outcomes[self.calls]
        self.calls += 1
        if self.witness is not None and outcome.status in ("accepted", "ambiguous"):
            self.witness.ids.add(str(message["Message-ID"]))
        return outcome


def _msg() -> EmailMessage:
    return build_message(
        from_addr="o@p.test", to=["a@b.test"], subject="s", body="b", message_id="<k@p.test>"
    )


def test_accepted_stores_a_sent_copy() -> None:
    witness = MemoryWitness()
    script = Script([SendOutcome("accepted", 250, "ok")])
    result = send_effectively_once(_msg(), smtp=SMTP, witness=witness, submit=script)
    assert (result.status, result.smtp_code) == ("sent", 250)
    assert witness.copies == ["<k@p.test>"]


def test_already_in_sent_is_not_resent() -> None:
    witness = MemoryWitness({"<k@p.test>"})
    script = Script([])
    result = send_effectively_once(_msg(), smtp=SMTP, witness=witness, submit=script)
    assert result.status == "already_sent"
    assert script.calls == 0


def test_unreadable_witness_sends_nothing() -> None:
    script = Script([])
    result = send_effectively_once(
        _msg(), smtp=SMTP, witness=MemoryWitness(broken=True), submit=script
    )
    assert result.status == "transient_failure"
    assert script.calls == 0


def test_ambiguous_reconciled_by_provider_copy() -> None:
    witness = MemoryWitness()
    script = Script([SendOutcome("ambiguous", None, "lost")], witness=witness)
    result = send_effectively_once(
        _msg(), smtp=SMTP, witness=witness, submit=script, copy_to_sent=False
    )
    assert result.status == "sent"
    assert "reconciled" in result.detail


def test_ambiguous_without_witness_stays_ambiguous_then_retry_is_decided_by_sent() -> None:
    witness = MemoryWitness()
    script = Script([SendOutcome("ambiguous", None, "lost"), SendOutcome("accepted", 250, "ok")])
    first = send_effectively_once(_msg(), smtp=SMTP, witness=witness, submit=script)
    assert first.status == "ambiguous"
    second = send_effectively_once(_msg(), smtp=SMTP, witness=witness, submit=script)
    assert second.status == "sent"
    assert script.calls == 2


def test_copy_failure_is_reported_but_still_sent() -> None:
    witness = MemoryWitness(copy_broken=True)
    script = Script([SendOutcome("accepted", 250, "ok")])
    result = send_effectively_once(_msg(), smtp=SMTP, witness=witness, submit=script)
    assert result.status == "sent"
    assert "Sent copy failed" in result.detail


@pytest.mark.parametrize(
    ("status", "expected"),
    [("transient", "transient_failure"), ("permanent", "permanent_failure")],
)
def test_failures_map_to_tool_statuses(status: str, expected: str) -> None:
    script = Script([SendOutcome(status, 451 if status == "transient" else 550, "x")])  # type: ignore[arg-type]
    result = send_effectively_once(_msg(), smtp=SMTP, witness=MemoryWitness(), submit=script)
    assert result.status == expected


def test_message_without_id_is_a_programming_error() -> None:
    message = EmailMessage()
    message["To"] = "a@b.test"
    with pytest.raises(MailError):
        send_effectively_once(message, smtp=SMTP, witness=MemoryWitness(), submit=Script([]))


def test_package_exports_exist() -> None:
    for name in mail_pkg.__all__:
        assert hasattr(mail_pkg, name), name
    assert sorted(mail_pkg.__all__) == mail_pkg.__all__
