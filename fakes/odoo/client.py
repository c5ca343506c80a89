"""FakeOdooClient: the fake's test verbs over HTTP, for tests that run it as a process."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

from fakes.errors import FakeError, FakeTimeout
from fakes.odoo.faults import OdooFault

__all__ = ["FakeOdooClient"]

T = TypeVar("T")


class FakeOdooClient:
    """Talks to ``/__fake__`` at ``test_api_url`` (as printed by ``python -m fakes.odoo``)."""

    def __init__(self, test_api_url: str, timeout: float = 10.0) -> None:
        self.base = test_api_url.rstrip("/")
        self.timeout = timeout

    def _call(
        self, method: str, verb: str, body: bytes | None = None, query: dict[str, str] | None = None
    ) -> bytes:
        url = f"{self.base}/{verb}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        request = urllib.request.Request(url, data=body, method=method)  # noqa: S310
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as exc:
            raise FakeError(f"test API {method} {verb} failed: {exc.code} {exc.read()!r}") from exc
        except OSError as exc:
            raise FakeError(f"test API {method} {verb} unreachable: {exc}") from exc

    def _json(
        self, method: str, verb: str, body: Any = None, query: dict[str, str] | None = None
    ) -> Any:
        raw = None if body is None else json.dumps(body).encode()
        return json.loads(self._call(method, verb, raw, query))

    def info(self) -> dict[str, Any]:
        """url, db, version, users, master_password."""
        result: dict[str, Any] = self._json("GET", "info")
        return result

    def records(self, model: str, domain: list[Any] | None = None) -> list[dict[str, Any]]:
        """Records of a model matching a domain."""
        result: list[dict[str, Any]] = self._json(
            "GET", "records", query={"model": model, "domain": json.dumps(domain or [])}
        )
        return result

    def inject_fault(self, fault: OdooFault) -> None:
        """Arm a fault."""
        self._json("POST", "faults", fault.as_dict())

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self._json("DELETE", "faults")

    def reset(self) -> None:
        """Back to the seeded data."""
        self._json("POST", "reset", {})

    def wipe(self) -> None:
        """Delete the database."""
        self._json("POST", "wipe", {})

    def down(self) -> None:
        """Close the Odoo listener."""
        self._json("POST", "down", {})

    def up(self) -> None:
        """Reopen the Odoo listener on the same port."""
        self._json("POST", "up", {})

    def backup(self) -> bytes:
        """The database as a zip."""
        return self._call("GET", "backup")

    def restore(self, zip_bytes: bytes) -> None:
        """Replace the database with a backup."""
        self._call("POST", "restore", zip_bytes)

    def wait_for(
        self, predicate: Callable[[FakeOdooClient], T], timeout: float = 5.0, describe: str = ""
    ) -> T:
        """Poll ``predicate(self)`` until truthy (each poll is one HTTP round trip)."""
        deadline = time.monotonic() + timeout
        while True:
            last = predicate(self)
            if last:
                return last
            if time.monotonic() >= deadline:
                raise FakeTimeout(
                    f"timed out after {timeout}s waiting for {describe}; last {last!r}"
                )
            time.sleep(0.05)  # polling interval of a remote condition, not synchronisation
