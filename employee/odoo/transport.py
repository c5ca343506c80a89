"""HTTP adapter for Odoo: one POST or GET with bounded, jittered retries.

It knows HTTP and the retry rules; what the bytes mean is left to ``wire``.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from employee.errors import OdooError, OdooTransientError
from employee.odoo.config import OdooConfig
from employee.odoo.retry import Failure, backoff_delay, retry_allowed
from employee.odoo.wire import TRANSIENT_STATUSES

__all__ = ["HttpTransport", "Response"]

log = logging.getLogger(__name__)

Response = tuple[int, Any]
"""An HTTP status and the decoded JSON body (None when the body is not JSON)."""


class HttpTransport:
    """Sends requests to one Odoo base URL, retrying transient failures only."""

    def __init__(
        self,
        config: OdooConfig,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._config = config
        self._owns_http = http is None
        self._http = http or httpx.Client(
            timeout=config.timeout, headers={"User-Agent": "platinum-employee/0.1"}
        )
        self._sleep = sleep
        self._rng = rng
        self.attempts = 0
        """Total HTTP attempts made (for tests and metrics)."""

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def request(
        self,
        verb: str,
        path: str,
        *,
        payload: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool,
        accept: frozenset[int] = frozenset(),
    ) -> Response:
        """Send and return ``(status, body)``; statuses in ``accept`` are never retried.

        Raises ``OdooTransientError`` when retries are exhausted or not allowed.
        """
        url = self._config.base_url + path
        attempt = 0
        while True:
            self.attempts += 1
            failure: Failure
            try:
                reply = self._http.request(verb, url, json=payload, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                failure, detail = "not_sent", f"cannot connect: {exc}"
            except httpx.TransportError as exc:
                failure, detail = "unknown", f"{type(exc).__name__}: {exc}"
            else:
                status = reply.status_code
                if status not in TRANSIENT_STATUSES or status in accept:
                    return status, _decode(reply)
                failure = "not_sent" if status == 503 else "unknown"
                detail = f"HTTP {status}"
            if attempt >= self._config.retries or not retry_allowed(failure, idempotent=idempotent):
                outcome = "unknown" if failure == "unknown" and not idempotent else "not done"
                raise OdooTransientError(
                    f"Odoo unreachable ({detail}); outcome {outcome}",
                    where=path,
                    attempts=attempt + 1,
                )
            log.info("odoo %s %s failed (%s); retry %d", verb, path, detail, attempt + 1)
            self.pause(attempt)
            attempt += 1

    def pause(self, attempt: int) -> None:
        """Wait the jittered backoff before retry number ``attempt`` (0-based)."""
        self._sleep(backoff_delay(attempt, self._rng))


def _decode(reply: httpx.Response) -> Any:
    if not reply.content:
        return None
    try:
        return reply.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        text = reply.text.strip()
        if reply.status_code == 200:
            raise OdooError("Odoo answered 200 with a body that is not JSON") from None
        return text[:500] or None
