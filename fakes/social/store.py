"""The fake social platform's state: tokens, posts, idempotency keys, faults, request log.

Pure data with a lock and a condition variable (no sockets); the HTTP adapter and the
test API both go through it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from fakes.errors import FakeStoreError, FakeTimeout

__all__ = [
    "ApiError",
    "Fault",
    "Post",
    "PostStatus",
    "RequestRecord",
    "Scope",
    "SocialStore",
    "Token",
]

Scope = Literal["read", "publish"]
PostStatus = Literal["scheduled", "published", "deleted"]
T = TypeVar("T")


class ApiError(Exception):
    """A request the platform refuses; becomes an HTTP error reply, never escapes the server."""

    def __init__(
        self,
        status: int,
        kind: str,
        message: str,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.param = param
        self.headers = dict(headers or {})

    def to_json(self) -> dict[str, Any]:
        """The error body: ``{"error": {"type", "message", "param"?}}``."""
        error: dict[str, Any] = {"type": self.kind, "message": self.message}
        if self.param:
            error["param"] = self.param
        return {"error": error}


@dataclass(frozen=True)
class Token:
    """An API token: ``read`` may list and get, ``publish`` may also post and delete."""

    name: str
    secret: str
    scope: Scope


@dataclass(frozen=True)
class Post:
    """One post as the platform keeps it."""

    id: str
    text: str
    status: PostStatus
    author: str
    created_at: datetime
    idempotency_key: str
    scheduled_for: datetime | None = None
    published_at: datetime | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The wire shape of a post."""

        def iso(value: datetime | None) -> str | None:
            return value.isoformat().replace("+00:00", "Z") if value else None

        return {
            "id": self.id,
            "text": self.text,
            "status": self.status,
            "author": self.author,
            "created_at": iso(self.created_at),
            "scheduled_for": iso(self.scheduled_for),
            "published_at": iso(self.published_at),
            "idempotency_key": self.idempotency_key,
            "metadata": dict(self.metadata),
        }


@dataclass
class Fault:
    """The next ``times`` matching requests get ``status`` (0: no error) after ``delay`` s."""

    status: int = 503
    times: int = 1
    delay: float = 0.0
    method: str | None = None
    path_prefix: str = "/"


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server answered it."""

    method: str
    path: str
    status: int
    token: str | None


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SocialStore:
    """Thread-safe state of the fake platform."""

    def __init__(
        self,
        tokens: Iterable[Token] = (),
        *,
        max_chars: int = 280,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.max_chars = max_chars
        self._clock = clock
        self._cond = threading.Condition()
        self._tokens: dict[str, Token] = {t.secret: t for t in tokens}
        self._posts: dict[str, Post] = {}
        self._keys: dict[tuple[str, str], tuple[str, tuple[Any, ...]]] = {}
        self._faults: list[Fault] = []
        self._requests: list[RequestRecord] = []
        self._counter = 0

    # -- tokens ---------------------------------------------------------------
    def add_token(self, token: Token) -> None:
        """Register a token (replacing one with the same secret)."""
        with self._cond:
            self._tokens[token.secret] = token

    def authenticate(self, secret: str) -> Token | None:
        """The token with this secret, or None."""
        with self._cond:
            return self._tokens.get(secret)

    @property
    def tokens(self) -> list[Token]:
        """Every registered token."""
        with self._cond:
            return list(self._tokens.values())

    # -- posts ----------------------------------------------------------------
    def _promote(self) -> None:
        now = self._clock()
        for post_id, post in self._posts.items():
            if post.status == "scheduled" and post.scheduled_for and post.scheduled_for <= now:
                self._posts[post_id] = replace(
                    post, status="published", published_at=post.scheduled_for
                )

    def create_post(
        self,
        token: Token,
        text: str,
        scheduled_for: datetime | None,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> tuple[Post, bool]:
        """Create a post, or replay the one made with this key; returns (post, replayed)."""
        fingerprint = (text, scheduled_for, tuple(sorted(metadata.items())))
        with self._cond:
            self._promote()
            known = self._keys.get((token.name, idempotency_key))
            if known is not None:
                post_id, previous = known
                if previous != fingerprint:
                    raise ApiError(
                        422,
                        "idempotency_error",
                        "this idempotency_key was already used with different parameters",
                        "idempotency_key",
                    )
                return self._posts[post_id], True
            self._counter += 1
            now = self._clock()
            future = scheduled_for is not None and scheduled_for > now
            post = Post(
                id=f"post_{self._counter:06d}",
                text=text,
                status="scheduled" if future else "published",
                author=token.name,
                created_at=now,
                idempotency_key=idempotency_key,
                scheduled_for=scheduled_for,
                published_at=None if future else now,
                metadata=dict(metadata),
            )
            self._posts[post.id] = post
            self._keys[(token.name, idempotency_key)] = (post.id, fingerprint)
            self._cond.notify_all()
            return post, False

    def get_post(self, post_id: str) -> Post | None:
        """A live (not deleted) post, or None."""
        with self._cond:
            self._promote()
            post = self._posts.get(post_id)
            return post if post and post.status != "deleted" else None

    def list_posts(self, status: str | None = None) -> list[Post]:
        """Live posts in creation order, optionally only one status."""
        with self._cond:
            self._promote()
            live = [p for p in self._posts.values() if p.status != "deleted"]
            return [p for p in live if status is None or p.status == status]

    def delete_post(self, post_id: str) -> Post | None:
        """Mark a live post deleted; returns it, or None if there was none."""
        with self._cond:
            post = self._posts.get(post_id)
            if post is None or post.status == "deleted":
                return None
            self._posts[post_id] = deleted = replace(post, status="deleted")
            self._cond.notify_all()
            return deleted

    # -- test API -------------------------------------------------------------
    @property
    def posts(self) -> list[Post]:
        """Every post ever created, deleted ones included (status ``deleted``)."""
        with self._cond:
            self._promote()
            return list(self._posts.values())

    def post(self, post_id: str) -> Post:
        """A post by id, deleted or not; FakeStoreError if there is none."""
        with self._cond:
            self._promote()
            if post_id not in self._posts:
                raise FakeStoreError(f"no post {post_id!r}")
            return self._posts[post_id]

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request answered since the last reset."""
        with self._cond:
            return list(self._requests)

    def record(self, entry: RequestRecord) -> None:
        """Append to the request log and wake waiters."""
        with self._cond:
            self._requests.append(entry)
            self._cond.notify_all()

    def inject_fault(self, fault: Fault) -> None:
        """Queue a fault; the oldest matching fault is used first."""
        if (
            fault.times < 1
            or fault.delay < 0
            or not (fault.status == 0 or 400 <= fault.status <= 599)
        ):
            raise ValueError(f"bad fault {fault!r}: times >= 1, delay >= 0, status 0 or 400-599")
        with self._cond:
            self._faults.append(fault)

    def take_fault(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first fault matching this request."""
        with self._cond:
            for fault in self._faults:
                if fault.method not in (None, method) or not path.startswith(fault.path_prefix):
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return replace(fault)
            return None

    def reset(self) -> None:
        """Forget posts, keys, faults and the request log; keep the tokens."""
        with self._cond:
            self._posts.clear()
            self._keys.clear()
            self._faults.clear()
            self._requests.clear()
            self._counter = 0
            self._cond.notify_all()

    def wait_for(
        self,
        predicate: Callable[[list[Post]], T],
        timeout: float = 5.0,
        describe: str = "a condition on the posts",
    ) -> T:
        """Block until ``predicate(posts)`` is truthy and return it; FakeTimeout otherwise.

        The predicate is re-checked whenever the store changes or answers a request.
        """
        last: Any = None

        def check() -> bool:
            nonlocal last
            self._promote()
            last = predicate(list(self._posts.values()))
            return bool(last)

        with self._cond:
            if self._cond.wait_for(check, timeout=timeout):
                return last  # type: ignore[no-any-return]
            count = len(self._posts)
        raise FakeTimeout(
            f"timed out after {timeout}s waiting for {describe}; last value {last!r}, "
            f"{count} post(s) in the store"
        )
