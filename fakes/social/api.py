"""The fake social API as a pure function: (method, path, headers, body) -> Response.

Routes (all JSON, bearer tokens)::

    POST   /v1/posts        publish scope; {text, scheduled_for?, idempotency_key, metadata?}
                            -> 201 post (a replayed key -> the same post, Idempotent-Replayed)
    GET    /v1/posts        read scope; ?status=published|scheduled -> {"data": [...]}
    GET    /v1/posts/{id}   read scope -> post, 404 if unknown or deleted
    DELETE /v1/posts/{id}   publish scope -> {"id", "deleted": true}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fakes.social.store import ApiError, SocialStore, Token

__all__ = ["MAX_BODY", "Response", "handle"]

MAX_BODY = 64 * 1024
_POST_PATH = re.compile(r"^/v1/posts/(?P<id>[A-Za-z0-9_-]{1,64})$")
_MAX_KEY = 255
_MAX_METADATA = 20


@dataclass(frozen=True)
class Response:
    """An HTTP reply: status, JSON body (None for no body) and extra headers."""

    status: int
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)
    token: str | None = None


def _error(error: ApiError, token: Token | None = None) -> Response:
    headers = dict(error.headers)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="social"'
    return Response(error.status, error.to_json(), headers, token.name if token else None)


def _not_allowed(method: str, path: str, allow: str) -> ApiError:
    message = f"{method} is not allowed on {path}"
    return ApiError(405, "method_not_allowed", message, None, {"Allow": allow})


def _authenticate(store: SocialStore, headers: dict[str, str], scope: str) -> Token:
    value = headers.get("authorization", "")
    kind, _, secret = value.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "unauthorized", "missing bearer token")
    token = store.authenticate(secret.strip())
    if token is None:
        raise ApiError(401, "unauthorized", "unknown token")
    if scope == "publish" and token.scope != "publish":
        raise ApiError(403, "insufficient_scope", f"token {token.name!r} may only read")
    return token


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, "invalid_json", f"request body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "request body must be a JSON object")
    return data


def _scheduled(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(422, "validation_error", "scheduled_for must be a string", "scheduled_for")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(
            422, "validation_error", "scheduled_for is not ISO 8601", "scheduled_for"
        ) from None
    if when.tzinfo is None:
        raise ApiError(422, "validation_error", "scheduled_for needs a UTC offset", "scheduled_for")
    return when


def _metadata(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if (
        not isinstance(value, dict)
        or len(value) > _MAX_METADATA
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        or any(len(k) > 40 or len(v) > 500 for k, v in value.items())
    ):
        raise ApiError(
            422, "validation_error", "metadata must map short strings to strings", "metadata"
        )
    return dict(value)


def _create(store: SocialStore, token: Token, headers: dict[str, str], body: bytes) -> Response:
    data = _json_body(body)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(422, "validation_error", "text must be a non-empty string", "text")
    if len(text) > store.max_chars:
        raise ApiError(
            422,
            "validation_error",
            f"text is {len(text)} characters; the limit is {store.max_chars}",
            "text",
        )
    key = data.get("idempotency_key", headers.get("idempotency-key"))
    if not isinstance(key, str) or not key.strip() or len(key) > _MAX_KEY:
        raise ApiError(
            422,
            "validation_error",
            f"idempotency_key must be a non-empty string of at most {_MAX_KEY} characters",
            "idempotency_key",
        )
    post, replayed = store.create_post(
        token, text, _scheduled(data.get("scheduled_for")), key, _metadata(data.get("metadata"))
    )
    extra = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(201, post.to_json(), extra, token.name)


def _route(
    store: SocialStore, method: str, path: str, query: str, headers: dict[str, str], body: bytes
) -> Response:
    match = _POST_PATH.match(path)
    if path == "/v1/posts":
        if method == "POST":
            return _create(store, _authenticate(store, headers, "publish"), headers, body)
        if method == "GET":
            token = _authenticate(store, headers, "read")
            status = parse_qs(query).get("status", [None])[0]
            if status not in (None, "published", "scheduled"):
                raise ApiError(422, "validation_error", "unknown status filter", "status")
            posts = [p.to_json() for p in store.list_posts(status)]
            return Response(200, {"data": posts, "has_more": False}, token=token.name)
        raise _not_allowed(method, path, "GET, POST")
    if match:
        post_id = match.group("id")
        if method == "GET":
            token = _authenticate(store, headers, "read")
            post = store.get_post(post_id)
            if post is None:
                raise ApiError(404, "not_found", f"no post {post_id!r}")
            return Response(200, post.to_json(), token=token.name)
        if method == "DELETE":
            token = _authenticate(store, headers, "publish")
            if store.delete_post(post_id) is None:
                raise ApiError(404, "not_found", f"no post {post_id!r}")
            return Response(200, {"id": post_id, "deleted": True}, token=token.name)
        raise _not_allowed(method, path, "GET, DELETE")
    raise ApiError(404, "not_found", f"no route {path!r}")


def handle(
    store: SocialStore, method: str, target: str, headers: dict[str, str], body: bytes
) -> Response:
    """Answer one request; ``headers`` has lower-case names. Never raises for bad input."""
    parts = urlsplit(target)
    if len(body) > MAX_BODY:
        return _error(ApiError(413, "payload_too_large", f"body over {MAX_BODY} bytes"))
    try:
        return _route(store, method.upper(), parts.path, parts.query, headers, body)
    except ApiError as error:
        token = store.authenticate(headers.get("authorization", "").partition(" ")[2].strip())
        return _error(error, token)
