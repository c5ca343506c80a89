"""The model registry, the calling environment and the RPC method markers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from fakes.odoo.store import OdooStore

if TYPE_CHECKING:
    from fakes.odoo.orm import BaseModel

__all__ = ["REGISTRY", "Env", "Settings", "public", "public_model", "register"]

F = TypeVar("F", bound=Callable[..., Any])
REGISTRY: dict[str, type[BaseModel]] = {}


def public(func: F) -> F:
    """Mark a record method callable over RPC (ids come first)."""
    func._rpc = "records"  # type: ignore[attr-defined]
    return func


def public_model(func: F) -> F:
    """Mark an ``@api.model`` method callable over RPC (no ids)."""
    func._rpc = "model"  # type: ignore[attr-defined]
    return func


M = TypeVar("M", bound="type[BaseModel]")


def register(cls: M) -> M:
    """Add a model class to the registry under its ``_name``."""
    REGISTRY[cls._name] = cls
    return cls


@dataclass(frozen=True)
class Settings:
    """Per-server behaviour switches: the Odoo version and accounting choices."""

    version: str = "19"
    payment_state_on_payment: str = "paid"

    @property
    def major(self) -> int:
        """The major version as an int."""
        return int(self.version)


@dataclass
class Env:
    """Who is calling, with which context, against which store."""

    store: OdooStore
    uid: int
    settings: Settings
    context: dict[str, Any] = field(default_factory=dict)
    su: bool = False

    def __getitem__(self, model: str) -> BaseModel:
        cls = REGISTRY.get(model)
        if cls is None:
            raise KeyError(model)
        return cls(self, ())

    @property
    def role(self) -> str:
        """The calling user's role (``executive``, ``drafter``) or ``system``."""
        if self.su:
            return "system"
        user = self.store.get("res.users", self.uid)
        return str(user.get("role", "drafter")) if user else "drafter"

    def sudo(self) -> Env:
        """The same environment with access checks off."""
        return Env(self.store, self.uid, self.settings, dict(self.context), su=True)
