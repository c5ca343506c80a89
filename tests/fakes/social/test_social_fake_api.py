"""The fake social API driven over HTTP by httpx: routes, scopes, idempotency, limits."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from fakes.errors import FakeStoreError, FakeTimeout
from fakes.social import FakeSocial, Token

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def social(clock: Clock) -> Iterator[FakeSocial]:
    tokens = [Token("local", "pub-secret", "publish"), Token("cloud", "read-secret", "read")]
    with FakeSocial(tokens, clock=clock) as fake:
        yield fake


@pytest.fixture
def publisher(social: FakeSocial) -> Iterator[httpx.Client]:
    headers = {"Authorization": "Bearer pub-secret"}
    with httpx.Client(base_url=social.url, headers=headers, timeout=5) as client:
        yield client


@pytest.fixture
def reader(social: FakeSocial) -> Iterator[httpx.Client]:
    headers = {"Authorization": "Bearer read-secret"}
    with httpx.Client(base_url=social.url, headers=headers, timeout=5) as client:
        yield client


def test_publish_list_get_delete(
    social: FakeSocial, publisher: httpx.Client, reader: httpx.Client
) -> None:
    assert social.url.startswith("http://127.0.0.1:")
    r = publisher.post("/v1/posts", json={"text": "Hello world", "idempotency_key": "k1"})
    assert r.status_code == 201
    body = r.json()
    assert (body["id"], body["status"], body["published_at"]) == (
        "post_000001",
        "published",
        "2026-04-01T12:00:00Z",
    )
    assert [p["id"] for p in reader.get("/v1/posts").json()["data"]] == ["post_000001"]
    assert reader.get("/v1/posts/post_000001").json()["text"] == "Hello world"
    assert publisher.delete("/v1/posts/post_000001").json() == {
        "id": "post_000001",
        "deleted": True,
    }
    assert reader.get("/v1/posts/post_000001").status_code == 404
    assert reader.get("/v1/posts").json()["data"] == []
    assert publisher.delete("/v1/posts/post_000001").status_code == 404
    assert [p.status for p in social.posts] == ["deleted"]
    assert social.store.post("post_000001").author == "local"


def test_idempotency_replays_and_refuses_changed_params(
    social: FakeSocial, publisher: httpx.Client
) -> None:
    first = publisher.post("/v1/posts", json={"text": "Once", "idempotency_key": "same"})
    again = publisher.post("/v1/posts", json={"text": "Once", "idempotency_key": "same"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    changed = publisher.post("/v1/posts", json={"text": "Twice", "idempotency_key": "same"})
    assert changed.status_code == 422
    assert changed.json()["error"]["type"] == "idempotency_error"
    assert len(social.posts) == 1
    by_header = publisher.post(
        "/v1/posts", json={"text": "Header key"}, headers={"Idempotency-Key": "h1"}
    )
    assert by_header.json()["idempotency_key"] == "h1"


def test_scopes_and_auth(social: FakeSocial, reader: httpx.Client) -> None:
    forbidden = reader.post("/v1/posts", json={"text": "x", "idempotency_key": "k"})
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["type"] == "insufficient_scope"
    assert reader.delete("/v1/posts/post_000001").status_code == 403
    anonymous = httpx.get(f"{social.url}/v1/posts", timeout=5)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = httpx.get(f"{social.url}/v1/posts", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert social.posts == []


@pytest.mark.parametrize(
    ("payload", "status", "param"),
    [
        ({"text": "x" * 281, "idempotency_key": "k"}, 422, "text"),
        ({"text": "   ", "idempotency_key": "k"}, 422, "text"),
        ({"text": 5, "idempotency_key": "k"}, 422, "text"),
        ({"text": "ok"}, 422, "idempotency_key"),
        ({"text": "ok", "idempotency_key": "k" * 256}, 422, "idempotency_key"),
        ({"text": "ok", "idempotency_key": "k", "scheduled_for": "tomorrow"}, 422, "scheduled_for"),
        (
            {"text": "ok", "idempotency_key": "k", "scheduled_for": "2026-05-01T09:00:00"},
            422,
            "scheduled_for",
        ),
        ({"text": "ok", "idempotency_key": "k", "metadata": {"a": 1}}, 422, "metadata"),
        ([1, 2], 400, None),
    ],
)
def test_validation(
    social: FakeSocial, publisher: httpx.Client, payload: object, status: int, param: str | None
) -> None:
    r = publisher.post("/v1/posts", json=payload)
    assert r.status_code == status
    assert r.json()["error"].get("param") == param
    assert social.posts == []


def test_text_at_the_limit_is_accepted(publisher: httpx.Client) -> None:
    r = publisher.post("/v1/posts", json={"text": "é" * 280, "idempotency_key": "k"})
    assert r.status_code == 201


def test_bad_requests_get_protocol_replies(social: FakeSocial, publisher: httpx.Client) -> None:
    assert publisher.post("/v1/posts", content=b"{not json").status_code == 400
    assert publisher.post("/v1/posts", content=b"\xff\xfe").status_code == 400
    assert publisher.get("/v2/elsewhere").status_code == 404
    put = publisher.put("/v1/posts", json={})
    assert (put.status_code, put.headers["Allow"]) == (405, "GET, POST")
    patch = publisher.patch("/v1/posts/post_1", json={})
    assert (patch.status_code, patch.headers["Allow"]) == (405, "GET, DELETE")
    assert publisher.post("/v1/posts", content=b"x" * (65 * 1024)).status_code == 413
    assert publisher.get("/v1/posts?status=weird").status_code == 422
    assert publisher.get("/v1/posts").status_code == 200  # still serving
    assert [r.status for r in social.requests][-1] == 200


def test_scheduled_post_publishes_when_due(
    social: FakeSocial, publisher: httpx.Client, reader: httpx.Client, clock: Clock
) -> None:
    when = (NOW + timedelta(hours=1)).isoformat()
    r = publisher.post(
        "/v1/posts", json={"text": "Later", "idempotency_key": "s", "scheduled_for": when}
    )
    assert (r.json()["status"], r.json()["published_at"]) == ("scheduled", None)
    assert reader.get("/v1/posts?status=scheduled").json()["data"][0]["id"] == r.json()["id"]
    clock.now = NOW + timedelta(hours=2)
    post = reader.get(f"/v1/posts/{r.json()['id']}").json()
    assert (post["status"], post["published_at"]) == ("published", "2026-04-01T13:00:00Z")


def test_faults_go_out_as_http_statuses(social: FakeSocial, publisher: httpx.Client) -> None:
    social.inject_fault(status=503, times=2, method="POST")
    payload = {"text": "Retry me", "idempotency_key": "r1"}
    assert publisher.get("/v1/posts").status_code == 200  # GET does not match the fault
    first = publisher.post("/v1/posts", json=payload)
    assert (first.status_code, first.headers["Retry-After"]) == (503, "1")
    assert publisher.post("/v1/posts", json=payload).status_code == 503
    assert publisher.post("/v1/posts", json=payload).status_code == 201
    assert len(social.posts) == 1
    with pytest.raises(ValueError, match="bad fault"):
        social.inject_fault(status=200)


def test_delay_fault_delays_then_answers(social: FakeSocial, publisher: httpx.Client) -> None:
    social.inject_fault(status=0, delay=0.3)
    with pytest.raises(httpx.ReadTimeout):
        publisher.get("/v1/posts", timeout=0.05)
    assert publisher.get("/v1/posts").status_code == 200


def test_wait_for_and_reset(social: FakeSocial, publisher: httpx.Client) -> None:
    with pytest.raises(FakeTimeout, match="one post about cats; last value"):
        social.wait_for(lambda posts: posts, timeout=0.05, describe="one post about cats")
    publisher.post("/v1/posts", json={"text": "cats", "idempotency_key": "c"})
    found = social.wait_for(lambda posts: [p for p in posts if "cats" in p.text], timeout=5)
    assert found[0].text == "cats"
    assert social.latest() == found[0]
    social.reset()
    assert (social.posts, social.requests, social.latest()) == ([], [], None)
    again = publisher.post("/v1/posts", json={"text": "other", "idempotency_key": "c"})
    assert again.json()["id"] == "post_000001"  # keys were forgotten too
    assert social.token("local") == "pub-secret"
    with pytest.raises(FakeStoreError):
        social.token("nobody")


def test_add_token_and_restart_frees_port() -> None:
    fake = FakeSocial()
    secret = fake.add_token("svc", "read")
    with pytest.raises(ValueError, match="scope"):
        fake.add_token("bad", "admin")  # type: ignore[arg-type]
    with fake:
        url = fake.url
        assert httpx.get(
            f"{url}/v1/posts", headers={"Authorization": f"Bearer {secret}"}
        ).is_success
    with pytest.raises(FakeStoreError):
        _ = fake.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v1/posts", timeout=1)


def test_concurrent_same_key_makes_one_post(social: FakeSocial) -> None:
    def publish(_: int) -> str:
        with httpx.Client(base_url=social.url, timeout=5) as client:
            r = client.post(
                "/v1/posts",
                headers={"Authorization": "Bearer pub-secret"},
                json={"text": "race", "idempotency_key": "race-1"},
            )
            assert r.status_code == 201
            return str(r.json()["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(publish, range(16)))
    assert ids == {"post_000001"}
    assert len(social.posts) == 1


def test_exports() -> None:
    import fakes.social

    assert all(hasattr(fakes.social, name) for name in fakes.social.__all__)
