"""Field declarations for the fake's models, and what ``fields_get`` reports for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Field"]

Default = Callable[[Any], Any] | Any


@dataclass(frozen=True)
class Field:
    """One field: its Odoo type and attributes. ``compute`` names a model method."""

    type: str
    string: str
    relation: str | None = None
    inverse: str | None = None
    selection: tuple[tuple[str, str], ...] | None = None
    required: bool = False
    readonly: bool = False
    default: Default = None
    compute: str | None = None
    help: str = ""

    @property
    def relational(self) -> bool:
        """many2one, one2many or many2many."""
        return self.type in ("many2one", "one2many", "many2many")

    @property
    def x2many(self) -> bool:
        """one2many or many2many."""
        return self.type in ("one2many", "many2many")

    @property
    def stored(self) -> bool:
        """Whether values live in the store (computed and one2many fields do not)."""
        return self.compute is None and self.type != "one2many"

    def empty(self) -> Any:
        """The value Odoo reads for an unset field."""
        if self.x2many:
            return []
        if self.type in ("integer", "float", "monetary"):
            return 0
        return False

    def describe(self, name: str) -> dict[str, Any]:
        """This field as ``fields_get`` describes it."""
        info: dict[str, Any] = {
            "name": name,
            "type": self.type,
            "string": self.string,
            "help": self.help,
            "required": self.required,
            "readonly": self.readonly or self.compute is not None,
            "store": self.stored,
            "searchable": True,
            "sortable": self.stored,
            "manual": False,
            "depends": [],
            "company_dependent": False,
            "groupable": self.stored,
            "exportable": True,
            "context": {},
            "domain": [],
            "change_default": False,
        }
        if self.relation:
            info["relation"] = self.relation
        if self.inverse:
            info["relation_field"] = self.inverse
        if self.selection is not None:
            info["selection"] = [list(pair) for pair in self.selection]
        if self.type in ("char", "text"):
            info["translate"] = False
        return info
