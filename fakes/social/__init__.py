"""A fake social-media API (posts with bearer-token scopes, idempotency keys, faults).

::

    with FakeSocial() as social:
        token = social.add_token("local", "publish")
        httpx.post(f"{social.url}/v1/posts", headers={"Authorization": f"Bearer {token}"},
                   json={"text": "Hello", "idempotency_key": "k1"})
        social.wait_for(lambda posts: posts, describe="one post")
"""

from __future__ import annotations

from fakes.social.server import FakeSocial
from fakes.social.store import Fault, Post, RequestRecord, Scope, SocialStore, Token

__all__ = ["FakeSocial", "Fault", "Post", "RequestRecord", "Scope", "SocialStore", "Token"]
