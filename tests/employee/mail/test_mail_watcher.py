"""ImapWatcher against the fake: restart, IDLE latency, dropped connections, faults."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mail_hostile import OWNER, inbound

from employee.mail.imap import ImapConfig
from employee.mail.watcher import ImapWatcher, backoff_delay
from fakes.mail import FakeMailServer, ImapFault


class Inbox:
    """Thread-safe record of what the watcher delivered, with a condition to wait on."""

    def __init__(self) -> None:
        self.items: list[tuple[int, bytes, float]] = []
        self.cond = threading.Condition()
        self.fail_next = 0

    def __call__(self, uid: int, raw: bytes) -> None:
        with self.cond:
            if self.fail_next:
                self.fail_next -= 1
                raise RuntimeError("callback failure injected by the test")
            self.items.append((uid, raw, time.monotonic()))
            self.cond.notify_all()

    def wait_count(self, count: int, timeout: float = 10.0) -> None:
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.items) >= count, timeout):
                raise AssertionError(f"waited {timeout}s for {count} mails, got {len(self.items)}")

    @property
    def raws(self) -> list[bytes]:
        with self.cond:
            return [raw for _, raw, _ in self.items]


@pytest.fixture
def make_watcher(imap_config: ImapConfig, tmp_path: Path) -> Iterator[Callable[..., ImapWatcher]]:
    started: list[ImapWatcher] = []

    def make(inbox: Inbox, **kwargs: object) -> ImapWatcher:
        kwargs.setdefault("backoff", (0.05, 0.5))
        watcher = ImapWatcher(imap_config, tmp_path / "state" / "cursor.json", inbox, **kwargs)  # type: ignore[arg-type]
        started.append(watcher.start())
        assert watcher.connected.wait(10), watcher.last_error
        return watcher

    yield make
    for watcher in started:
        watcher.stop()


def _wait_idle(watcher: ImapWatcher) -> None:
    assert watcher.idling.wait(10.0), f"watcher never idled: {watcher.last_error}"


def test_restart_neither_loses_nor_duplicates(
    mail_server: FakeMailServer, make_watcher: Callable[..., ImapWatcher], tmp_path: Path
) -> None:
    for n in range(3):
        mail_server.deliver(inbound(n))
    first_inbox = Inbox()
    first = make_watcher(first_inbox)
    first_inbox.wait_count(3)
    first.stop()
    for n in range(3, 5):
        mail_server.deliver(inbound(n))
    second_inbox = Inbox()
    second = make_watcher(second_inbox)
    second_inbox.wait_count(2)
    _wait_idle(second)
    assert first_inbox.raws == [inbound(n) for n in range(3)]
    assert second_inbox.raws == [inbound(n) for n in range(3, 5)]
    cursor = json.loads((tmp_path / "state" / "cursor.json").read_text())
    assert cursor["last_uid"] == 5
    assert "<in-4@example.org>" in cursor["seen_message_ids"]
    assert all("\\Seen" not in m.flags for m in mail_server.messages(OWNER))


def test_idle_wakes_quickly_on_delivery(
    mail_server: FakeMailServer, make_watcher: Callable[..., ImapWatcher]
) -> None:
    inbox = Inbox()
    watcher = make_watcher(inbox)
    latencies = []
    for n in range(5):
        _wait_idle(watcher)
        sent = time.monotonic()
        mail_server.deliver(inbound(n))
        inbox.wait_count(n + 1)
        latencies.append(inbox.items[-1][2] - sent)
    print(f"IDLE delivery latency: max {max(latencies) * 1000:.1f} ms over {len(latencies)}")
    assert max(latencies) < 1.0, latencies


def test_dropped_connections_reconnect_without_loss_or_duplicates(
    mail_server: FakeMailServer, make_watcher: Callable[..., ImapWatcher]
) -> None:
    inbox = Inbox()
    watcher = make_watcher(inbox)
    mail_server.deliver(inbound(0))
    inbox.wait_count(1)
    for round_ in range(3):
        _wait_idle(watcher)
        mail_server.drop_imap_connections()
        mail_server.deliver(inbound(round_ + 1))
        inbox.wait_count(round_ + 2)
    assert inbox.raws == [inbound(n) for n in range(4)]
    assert watcher.reconnects >= 3


@pytest.mark.parametrize("reply", ["BYE", "NO"])
def test_fetch_fault_is_retried(
    mail_server: FakeMailServer, make_watcher: Callable[..., ImapWatcher], reply: str
) -> None:
    inbox = Inbox()
    watcher = make_watcher(inbox)
    _wait_idle(watcher)
    mail_server.inject_fault(ImapFault(command="FETCH", reply=reply, times=2))  # type: ignore[arg-type]
    mail_server.deliver(inbound(1))
    inbox.wait_count(1)
    assert inbox.raws == [inbound(1)]
    assert watcher.reconnects >= 1
    assert watcher.last_error is not None


def test_callback_failure_does_not_advance_the_cursor(
    mail_server: FakeMailServer, make_watcher: Callable[..., ImapWatcher]
) -> None:
    inbox = Inbox()
    inbox.fail_next = 1
    mail_server.deliver(inbound(1))
    mail_server.deliver(inbound(2))
    watcher = make_watcher(inbox)
    inbox.wait_count(2)
    assert inbox.raws == [inbound(1), inbound(2)]
    assert watcher.state.skipped == []


def test_poison_message_is_skipped_after_max_attempts(
    mail_server: FakeMailServer, make_watcher: Callable[..., ImapWatcher]
) -> None:
    inbox = Inbox()
    inbox.fail_next = 3
    mail_server.deliver(inbound(1))
    mail_server.deliver(inbound(2))
    watcher = make_watcher(inbox, max_attempts=3)
    inbox.wait_count(1)
    assert inbox.raws == [inbound(2)]
    assert watcher.state.skipped == [1]


def test_polling_fallback(
    mail_server: FakeMailServer, make_watcher: Callable[..., ImapWatcher]
) -> None:
    inbox = Inbox()
    make_watcher(inbox, use_idle=False, poll_interval=0.1)
    mail_server.deliver(inbound(1))
    inbox.wait_count(1)
    mail_server.deliver(inbound(2))
    inbox.wait_count(2)
    assert not any(c.endswith(" IDLE") for c in mail_server.imap_commands)


def test_uidvalidity_change_restarts_cursor_and_dedupes_by_message_id(
    mail_server: FakeMailServer, imap_config: ImapConfig, tmp_path: Path
) -> None:
    config = dataclasses.replace(imap_config, mailbox="Watched")
    mail_server.store.create_mailbox(OWNER, "Watched")
    mail_server.deliver(inbound(1), mailbox="Watched")
    mail_server.deliver(inbound(2), mailbox="Watched")
    inbox = Inbox()
    cursor = tmp_path / "cursor.json"
    with ImapWatcher(config, cursor, inbox, backoff=(0.05, 0.5)) as first:
        inbox.wait_count(2)
    mail_server.store.delete_mailbox(OWNER, "Watched")
    mail_server.store.create_mailbox(OWNER, "Watched")
    for n in (1, 2, 3):
        mail_server.deliver(inbound(n), mailbox="Watched")
    second_inbox = Inbox()
    with ImapWatcher(config, cursor, second_inbox, backoff=(0.05, 0.5)) as second:
        second_inbox.wait_count(1)
        _wait_idle(second)
    assert second_inbox.raws == [inbound(3)]
    assert second.duplicates_skipped == 2
    assert second.state.uidvalidity != first.state.uidvalidity


def test_corrupt_cursor_starts_fresh(
    mail_server: FakeMailServer, make_watcher: Callable[..., ImapWatcher], tmp_path: Path
) -> None:
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "cursor.json").write_text("{not json")
    mail_server.deliver(inbound(1))
    inbox = Inbox()
    make_watcher(inbox)
    inbox.wait_count(1)


def test_backoff_is_jittered_exponential_and_capped() -> None:
    import random

    rng = random.Random(7)
    delays = [backoff_delay(a, 0.2, 10.0, rng) for a in range(10)]
    for attempt, delay in enumerate(delays):
        ceiling = min(10.0, 0.2 * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == len(delays)
