"""``ImapWatcher``: deliver every new message of one mailbox to a callback, once, in UID order.

The watcher connects, selects, reads its cursor, fetches everything newer with
``BODY.PEEK[]`` (nothing is marked ``\\Seen``), then waits in IDLE (or polls when the server
has no IDLE) and fetches again on ``EXISTS``. The cursor advances only after ``on_mail``
returned for that UID, so a crash replays at most the message in hand. Connection loss
(BYE, EOF, refused) leads to a reconnect after a jittered exponential backoff. A changed
UIDVALIDITY restarts the cursor at 0; Message-IDs already handled are skipped then.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from pathlib import Path

from employee.mail.cursor import CursorState, CursorStore
from employee.mail.imap import ImapClient, ImapConfig, ImapError
from employee.mail.parse import synthetic_message_id
from employee.mail.precheck import peek_message_id

__all__ = ["ImapWatcher", "backoff_delay"]

log = logging.getLogger(__name__)


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full-jitter exponential backoff: uniform in [d/2, d], d = min(cap, base * 2**attempt)."""
    ceiling = min(cap, base * (2 ** min(attempt, 30)))
    return rng.uniform(ceiling / 2, ceiling)


class _CallbackFailed(Exception):
    pass


class ImapWatcher:
    """Watch ``config.mailbox``; call ``on_mail(uid, raw)`` for each new message, in a thread."""

    def __init__(
        self,
        config: ImapConfig,
        cursor_path: Path,
        on_mail: Callable[[int, bytes], None],
        *,
        idle_timeout: float = 300.0,
        poll_interval: float = 30.0,
        backoff: tuple[float, float] = (0.2, 10.0),
        stop_event: threading.Event | None = None,
        use_idle: bool = True,
        dedupe: bool = True,
        batch_size: int = 50,
        max_attempts: int = 3,
        max_seen: int = 5000,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.on_mail = on_mail
        self.idle_timeout = idle_timeout
        self.poll_interval = poll_interval
        self.backoff = backoff
        self.stop_event = stop_event or threading.Event()
        self.use_idle = use_idle
        self.dedupe = dedupe
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.connected = threading.Event()
        self.idling = threading.Event()
        self.store = CursorStore(cursor_path, max_seen=max_seen)
        self.state: CursorState = self.store.load()
        self.delivered = 0
        self.duplicates_skipped = 0
        self.reconnects = 0
        self.last_error: str | None = None
        self._failures: dict[int, int] = {}
        self._rng = rng or random.Random()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> ImapWatcher:
        if self._thread is not None:
            raise RuntimeError("watcher already started")
        self._thread = threading.Thread(target=self.run, name="imap-watcher", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error("imap watcher did not stop within %.1fs", timeout)
            self._thread = None

    def __enter__(self) -> ImapWatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def has_seen(self, message_id: str) -> bool:
        """Whether a message with this Message-ID was already handed to ``on_mail``."""
        with self._lock:
            return self.state.has_seen(message_id)

    # -- loop ----------------------------------------------------------------------------
    def run(self) -> None:
        """The blocking loop (what the thread runs); returns once ``stop_event`` is set."""
        attempt = 0
        while not self.stop_event.is_set():
            try:
                with ImapClient(self.config) as client:
                    self._session(client)
                    attempt = 0
            except (ImapError, _CallbackFailed) as exc:
                self.last_error = str(exc)
                log.warning("imap watcher: %s", exc)
            except Exception as exc:  # e.g. the cursor's disk is full: keep watching, loudly
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("imap watcher: unexpected failure; reconnecting")
            finally:
                self.connected.clear()
            if self.stop_event.is_set():
                break
            self.reconnects += 1
            delay = backoff_delay(attempt, self.backoff[0], self.backoff[1], self._rng)
            attempt += 1
            self.stop_event.wait(delay)

    def _session(self, client: ImapClient) -> None:
        uidvalidity = client.select(self.config.mailbox)
        with self._lock:
            if self.state.uidvalidity != uidvalidity:
                if self.state.uidvalidity is not None:
                    log.warning("UIDVALIDITY changed; restarting the cursor at 0")
                self.state.uidvalidity = uidvalidity
                self.state.last_uid = 0
                self.store.save(self.state)
        self.connected.set()
        idle = self.use_idle and "IDLE" in client.capabilities
        while not self.stop_event.is_set():
            self._drain(client)
            if idle:
                client.idle(self.idle_timeout, self.stop_event.is_set, self.idling)
            elif not self.stop_event.wait(self.poll_interval):
                client.noop()

    def _drain(self, client: ImapClient) -> None:
        while not self.stop_event.is_set():
            batch = client.fetch_since(self.state.last_uid, limit=self.batch_size)
            if not batch:
                return
            for uid, raw in batch:
                if self.stop_event.is_set():
                    return
                self._handle(uid, raw)

    def _handle(self, uid: int, raw: bytes) -> None:
        message_id = peek_message_id(raw) or synthetic_message_id(raw)
        if self.dedupe and self.has_seen(message_id):
            self.duplicates_skipped += 1
        else:
            try:
                self.on_mail(uid, raw)
            except Exception as exc:
                failures = self._failures.get(uid, 0) + 1
                self._failures[uid] = failures
                if failures < self.max_attempts:
                    raise _CallbackFailed(f"on_mail failed for uid {uid}: {exc!r}") from exc
                log.error("on_mail failed %d times for uid %d; skipping it", failures, uid)
                with self._lock:
                    self.state.skipped.append(uid)
            else:
                self.delivered += 1
        with self._lock:
            self._failures.pop(uid, None)
            self.state.last_uid = uid
            self.store.remember(self.state, message_id)
            self.store.save(self.state)
