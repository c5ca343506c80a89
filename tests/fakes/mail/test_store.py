"""The pure store: accounts, scopes, UIDs and UIDVALIDITY, flags, copy, accept, reset, waits."""

from __future__ import annotations

import threading

import pytest

from fakes.errors import FakeStoreError
from fakes.mail import Credential, MailStore, MailUser

RAW = b"Subject: s\r\nMessage-ID: <m1@example.org>\r\n\r\nbody\r\n"


@pytest.fixture
def store() -> MailStore:
    return MailStore(
        [
            MailUser("Owner@Platinum.test", [Credential("read", frozenset({"imap"}))]),
            MailUser("owner@platinum.test", [Credential("send", frozenset({"smtp"}))]),
        ]
    )


def test_scoped_credentials_merge_per_user(store: MailStore) -> None:
    assert store.users() == ["Owner@Platinum.test"]
    assert store.authenticate("owner@platinum.test", "read", "imap") == "Owner@Platinum.test"
    assert store.authenticate("owner@platinum.test", "read", "smtp") is None
    assert store.authenticate("owner@platinum.test", "send", "smtp") == "Owner@Platinum.test"
    assert store.authenticate("owner@platinum.test", "send", "imap") is None
    assert store.authenticate("nobody@x", "read", "imap") is None


def test_credential_scopes_validated() -> None:
    with pytest.raises(ValueError, match="scopes"):
        Credential("x", frozenset({"pop3"}))
    with pytest.raises(ValueError, match="scopes"):
        Credential("x", frozenset())


def test_default_mailboxes_and_uids(store: MailStore) -> None:
    user = "owner@platinum.test"
    assert store.mailboxes(user) == ["INBOX", "Sent", "Drafts", "Archive"]
    assert store.find_mailbox(user, "inbox") == "INBOX"
    assert store.find_mailbox(user, "sent") is None
    validity = store.info(user, "INBOX").uidvalidity
    assert [store.append(user, "INBOX", RAW) for _ in range(3)] == [1, 2, 3]
    store.delete(user, "INBOX", [3])
    assert store.append(user, "INBOX", RAW) == 4  # UIDs are never reused
    store.reset()
    assert store.messages(user) == []
    assert store.append(user, "INBOX", RAW) == 5
    assert store.info(user, "INBOX").uidvalidity == validity
    assert len({store.info(user, b).uidvalidity for b in store.mailboxes(user)}) == 4


def test_flags_are_normalised_and_copied(store: MailStore) -> None:
    user = "owner@platinum.test"
    uid = store.append(user, "INBOX", RAW, ["\\seen", "$Label"])
    assert store.get(user, "INBOX", uid).flags == {"\\Seen", "$Label"}
    store.set_flags(user, "INBOX", uid, ["\\FLAGGED"])
    pairs = store.copy(user, "INBOX", [uid, 99], "Archive")
    assert pairs == [(uid, 1)]
    copied = store.get(user, "Archive", 1)
    assert copied.flags == {"\\Flagged"}
    assert copied.message_id == "<m1@example.org>"


def test_unknown_things_raise_store_errors(store: MailStore) -> None:
    with pytest.raises(FakeStoreError):
        store.messages("ghost@x")
    with pytest.raises(FakeStoreError):
        store.messages("owner@platinum.test", "Nope")
    with pytest.raises(FakeStoreError):
        store.get("owner@platinum.test", "INBOX", 42)
    with pytest.raises(FakeStoreError):
        store.delete_mailbox("owner@platinum.test", "INBOX")
    store.create_mailbox("owner@platinum.test", "Clients")
    with pytest.raises(FakeStoreError):
        store.create_mailbox("owner@platinum.test", "Clients")


def test_accept_records_and_files_for_known_recipients(store: MailStore) -> None:
    record = store.accept("a@x", ["OWNER@platinum.test", "owner@platinum.test", "out@y"], RAW)
    assert record.rcpt_tos == ("OWNER@platinum.test", "owner@platinum.test", "out@y")
    assert store.outbound == [record]
    assert len(store.messages("owner@platinum.test")) == 1  # once, despite two spellings


def test_listeners_and_wait_changed(store: MailStore) -> None:
    seen: list[tuple[str, str]] = []
    unsubscribe = store.subscribe(lambda user, box: seen.append((user, box)))
    version = store.version
    worker = threading.Thread(target=store.append, args=("owner@platinum.test", "Sent", RAW))
    worker.start()
    assert store.wait_changed(version, timeout=5) != version
    worker.join()
    assert ("owner@platinum.test", "Sent") in seen
    unsubscribe()
    store.append("owner@platinum.test", "Sent", RAW)
    assert len(seen) == 1
    assert store.wait_changed(store.version, timeout=0.01) == store.version
