"""The generic ORM: record sets and the public model methods every model has.

A model class declares ``_name`` and ``_fields``; the methods marked :func:`public` (or
:func:`public_model` for ``@api.model`` ones) are what RPC may call. Access rules come
from :mod:`fakes.odoo.security`; domains from :mod:`fakes.odoo.domain`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from fakes.odoo import domain as dom
from fakes.odoo import security
from fakes.odoo.env import REGISTRY, Env, Settings, public, public_model, register
from fakes.odoo.exceptions import MissingError, OdooException, ValidationError
from fakes.odoo.fields import Field
from fakes.odoo.lookup import FieldLookup
from fakes.odoo.store import OdooStore

__all__ = ["REGISTRY", "BaseModel", "Env", "Settings", "public", "public_model", "register"]


class BaseModel:
    """A record set of one model: ``env``, ``ids`` and the generic ORM methods."""

    _name: ClassVar[str] = ""
    _description: ClassVar[str] = ""
    _fields: ClassVar[dict[str, Field]] = {}
    _rec_name: ClassVar[str] = "name"
    _order: ClassVar[str] = "id"
    _transient: ClassVar[bool] = False

    def __init__(self, env: Env, ids: Iterable[int]) -> None:
        self.env = env
        self.ids = list(ids)

    def browse(self, ids: Iterable[int] | int) -> BaseModel:
        """The same model over other ids."""
        return type(self)(self.env, [ids] if isinstance(ids, int) else ids)

    def with_env(self, env: Env) -> BaseModel:
        """The same records under another environment."""
        return type(self)(env, self.ids)

    @property
    def store(self) -> OdooStore:
        """The environment's store."""
        return self.env.store

    # -- access and raw data -----------------------------------------------------------
    def check_access(self, operation: str) -> None:
        """Raise AccessError unless the caller may do ``operation`` on this model."""
        if not self.env.su:
            security.check_model_access(self.env.role, self._name, operation, self._description)

    def _raw(self) -> list[dict[str, Any]]:
        rows = []
        for record_id in self.ids:
            row = self.store.get(self._name, record_id)
            if row is None:
                raise MissingError(
                    "Record does not exist or has been deleted.\n"
                    f"(Record: {self._name}({record_id},), User: {self.env.uid})"
                )
            rows.append(row)
        return rows

    def _value(self, row: dict[str, Any], name: str) -> Any:
        spec = self._fields[name]
        if spec.compute:
            return getattr(self, spec.compute)(row)
        if spec.type == "one2many":
            assert spec.relation
            assert spec.inverse
            return [r["id"] for r in self.store.find(spec.relation, spec.inverse, row["id"])]
        value = row.get(name, spec.empty())
        return spec.empty() if value is None else value

    def _display_name(self, row: dict[str, Any]) -> str:
        value = row.get(self._rec_name)
        return str(value) if value else f"{self._name},{row['id']}"

    def _compute_display_name(self, row: dict[str, Any]) -> str:
        return self._display_name(row)

    def _name_of(self, model: str, record_id: int) -> str:
        row = self.store.get(model, record_id)
        if row is None:
            return ""
        return self.env[model]._display_name(row)

    # -- search ------------------------------------------------------------------------
    def _search(
        self,
        domain: list[Any] | None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[int]:
        try:
            node = dom.parse(domain or [])
        except dom.DomainError as exc:
            raise OdooException(str(exc), name="builtins.ValueError") from exc
        if (
            "active" in self._fields
            and self.env.context.get("active_test", True)
            and not dom.mentions(node, "active")
        ):
            node = dom.And(dom.Leaf("active", "=", True), node)
        lookup = FieldLookup(self)
        rows = [row for row in self.store.all(self._name) if dom.matches(node, row, lookup)]
        rows = self._sorted(rows, order or self._order)
        end = None if not limit else offset + int(limit)
        return [row["id"] for row in rows[int(offset or 0) : end]]

    def _sorted(self, rows: list[dict[str, Any]], order: str) -> list[dict[str, Any]]:
        for part in reversed([p.strip() for p in order.split(",") if p.strip()]):
            words = part.split()
            name, descending = words[0], len(words) > 1 and words[1].lower() == "desc"
            if name != "id" and name not in self._fields:
                raise OdooException(
                    f"Invalid field {name!r} on model {self._name!r}", name="builtins.ValueError"
                )

            def key(row: dict[str, Any], name: str = name) -> tuple[int, Any]:
                value = row["id"] if name == "id" else self._value(row, name)
                if isinstance(value, list):
                    value = value[0] if value else False
                missing = value is False or value is None
                return (1 if missing else 0, "" if missing else value)

            rows = sorted(rows, key=key, reverse=descending)
        return rows

    @public_model
    def search(
        self,
        domain: list[Any],
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[int]:
        """Ids of the records matching ``domain``."""
        self.check_access("read")
        return self._search(domain, offset, limit, order)

    @public_model
    def search_count(self, domain: list[Any], limit: int | None = None) -> int:
        """How many records match."""
        self.check_access("read")
        return len(self._search(domain, 0, limit))

    @public_model
    def search_read(
        self,
        domain: list[Any] | None = None,
        fields: list[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        load: str | None = "_classic_read",
    ) -> list[dict[str, Any]]:
        """search() then read()."""
        ids = self.search(domain or [], offset, limit, order)
        return self.browse(ids).read(fields, load)

    @public_model
    def name_search(
        self,
        name: str = "",
        domain: list[Any] | None = None,
        operator: str = "ilike",
        limit: int | None = 100,
    ) -> list[list[Any]]:
        """``[[id, display_name], ...]`` of records whose name matches."""
        full = list(domain or [])
        if name:
            full = (
                ["&", [self._rec_name, operator, name], *full]
                if full
                else [[self._rec_name, operator, name]]
            )
        ids = self.search(full, 0, limit)
        return [[row["id"], self._display_name(row)] for row in self.browse(ids)._raw()]

    # -- read --------------------------------------------------------------------------
    @public
    def read(
        self, fields: list[str] | None = None, load: str | None = "_classic_read"
    ) -> list[dict[str, Any]]:
        """Values per record; many2one as ``[id, name]`` with ``load='_classic_read'``."""
        self.check_access("read")
        names = list(fields) if fields else list(self._fields)
        for name in names:
            if name != "id" and name not in self._fields:
                raise OdooException(
                    f"Invalid field {name!r} on model {self._name!r}", name="builtins.ValueError"
                )
        out = []
        for row in self._raw():
            item: dict[str, Any] = {"id": row["id"]}
            for name in names:
                if name == "id":
                    continue
                value = self._value(row, name)
                spec = self._fields[name]
                if spec.type == "many2one" and value and load == "_classic_read":
                    assert spec.relation
                    value = [value, self._name_of(spec.relation, value)]
                item[name] = value
            out.append(item)
        return out

    @public
    def exists(self) -> list[int]:
        """The ids that still exist."""
        return [i for i in self.ids if self.store.exists(self._name, i)]

    @public_model
    def fields_get(
        self, allfields: list[str] | None = None, attributes: list[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        """Field descriptions, optionally restricted to some fields and attributes."""
        self.check_access("read")
        out = {}
        for name, spec in {"id": Field("integer", "ID", readonly=True), **self._fields}.items():
            if allfields and name not in allfields:
                continue
            info = spec.describe(name)
            if attributes:
                info = {k: v for k, v in info.items() if k in attributes}
            out[name] = info
        return out

    @public_model
    def default_get(self, fields: list[str]) -> dict[str, Any]:
        """Default values for new records."""
        self.check_access("read")
        defaults = self._defaults()
        return {k: v for k, v in defaults.items() if k in fields}

    def _defaults(self) -> dict[str, Any]:
        out = {}
        for name, spec in self._fields.items():
            if spec.default is not None and spec.stored:
                out[name] = spec.default(self.env) if callable(spec.default) else spec.default
        return out

    # -- create / write / unlink ---------------------------------------------------------
    @public_model
    def create(self, vals_list: list[dict[str, Any]] | dict[str, Any]) -> list[int]:
        """Create records; returns their ids (RPC turns one dict into one int)."""
        self.check_access("create")
        items = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        ids = []
        for vals in items:
            if not isinstance(vals, dict):
                raise OdooException(f"Invalid create values {vals!r}", name="builtins.TypeError")
            ids.append(self._create_one(dict(vals)))
        return ids

    def _create_one(self, vals: dict[str, Any]) -> int:
        self._check_names(vals)
        self._prepare_create(vals)
        values = {**self._defaults(), **vals}
        stored, relations = self._split(values)
        missing = [
            n
            for n, s in self._fields.items()
            if s.required
            and s.stored
            and not stored.get(n)
            and s.type not in ("boolean", "integer", "float", "monetary")
        ]
        if missing:
            raise ValidationError(
                "The operation cannot be completed:\n- Create/update: a mandatory field is not "
                f"set.\n- Delete: another model requires the record being deleted.\n\n"
                f"Model: {self._description or self._name} ({self._name}), Field: {missing[0]}"
            )
        record_id = self.store.next_id(self._name)
        self.store.insert(self._name, record_id, stored)
        record = self.browse(record_id)
        record._write_relations(relations)
        record._after_write(set(values))
        return record_id

    @public
    def write(self, vals: dict[str, Any]) -> bool:
        """Update these records; returns True."""
        self.check_access("write")
        if not isinstance(vals, dict):
            raise OdooException(f"Invalid write values {vals!r}", name="builtins.TypeError")
        self._check_names(vals)
        self._raw()
        self._check_write(vals)
        stored, relations = self._split(dict(vals))
        for record_id in self.ids:
            if stored:
                self.store.update(self._name, record_id, stored)
        self._write_relations(relations)
        self._after_write(set(vals))
        return True

    @public
    def unlink(self) -> bool:
        """Delete these records (one2many children cascade)."""
        self.check_access("unlink")
        self._raw()
        self._check_unlink()
        for record_id in self.ids:
            for name, spec in self._fields.items():
                if spec.type == "one2many" and spec.relation:
                    children = self.browse(record_id)._value({"id": record_id}, name)
                    self.env.sudo()[spec.relation].browse(children)._delete()
            self.store.delete(self._name, record_id)
        return True

    def _delete(self) -> None:
        for record_id in self.ids:
            self.store.delete(self._name, record_id)

    def _check_names(self, vals: dict[str, Any]) -> None:
        for name in vals:
            if name not in self._fields:
                raise OdooException(
                    f"Invalid field {name!r} on model {self._name!r}", name="builtins.ValueError"
                )

    def _split(self, vals: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        stored: dict[str, Any] = {}
        relations: dict[str, Any] = {}
        for name, value in vals.items():
            spec = self._fields[name]
            if spec.compute:
                continue
            if spec.type == "one2many" or spec.type == "many2many":
                relations[name] = value
            elif spec.type == "many2one":
                stored[name] = self._check_m2o(spec, value)
            elif spec.type == "selection" and value and spec.selection is not None:
                if value not in {key for key, _ in spec.selection}:
                    raise ValidationError(f"Wrong value for {self._name}.{name}: {value!r}")
                stored[name] = value
            else:
                stored[name] = value
        return stored, relations

    def _check_m2o(self, spec: Field, value: Any) -> Any:
        if isinstance(value, list | tuple) and value:
            value = value[0]
        if value in (False, None, 0):
            return False
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"Invalid many2one value {value!r} for {spec.relation}")
        assert spec.relation
        if not self.store.exists(spec.relation, value):
            raise ValidationError(
                "The operation cannot be completed: the record references a record that does "
                f"not exist ({spec.relation}({value},))."
            )
        return value

    def _write_relations(self, relations: dict[str, Any]) -> None:
        from fakes.odoo.commands import apply_commands

        for name, commands in relations.items():
            for record_id in self.ids:
                apply_commands(self, record_id, name, commands)

    # -- hooks for subclasses ----------------------------------------------------------
    def _prepare_create(self, values: dict[str, Any]) -> None:
        """Adjust values before a record is created."""

    def _check_write(self, vals: dict[str, Any]) -> None:
        """Refuse a write (raise UserError) before anything changes."""

    def _after_write(self, names: set[str]) -> None:
        """React after create or write (recompute, propagate)."""

    def _check_unlink(self) -> None:
        """Refuse a deletion (raise UserError)."""

    def exists_rows(self) -> list[dict[str, Any]]:
        """Raw values of the ids that still exist."""
        rows = (self.store.get(self._name, i) for i in self.ids)
        return [row for row in rows if row is not None]

    def ensure_one(self) -> dict[str, Any]:
        """The single record's raw values, or ValueError as Odoo raises it."""
        if len(self.ids) != 1:
            raise OdooException(
                f"Expected singleton: {self._name}({self.ids})", name="builtins.ValueError"
            )
        return self._raw()[0]
