"""Field access for domain evaluation: dotted paths through relations, hierarchies, ``any``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.odoo import domain as dom
from fakes.odoo.exceptions import OdooException, UserError

if TYPE_CHECKING:
    from fakes.odoo.orm import BaseModel

__all__ = ["FieldLookup"]


class FieldLookup:
    """Field access for domain evaluation, following dotted paths through relations."""

    def __init__(self, model: BaseModel) -> None:
        self.model = model

    def _walk(
        self, record: dict[str, Any], path: str
    ) -> tuple[BaseModel, list[dict[str, Any]], str]:
        model, rows = self.model, [record]
        parts = path.split(".")
        for part in parts[:-1]:
            spec = model._fields.get(part)
            if spec is None or not spec.relation:
                raise UserError(f"Invalid field {part!r} in path {path!r} on {model._name}")
            ids: list[int] = []
            for row in rows:
                value = model._value(row, part)
                ids.extend(value if isinstance(value, list) else [value] if value else [])
            model = model.env.sudo()[spec.relation]
            rows = [r for r in (model.store.get(spec.relation, i) for i in ids) if r]
        last = parts[-1]
        if last != "id" and last not in model._fields:
            raise OdooException(
                f"Invalid field {last!r} on model {model._name!r}", name="builtins.ValueError"
            )
        return model, rows, last

    def values(self, record: dict[str, Any], path: str, *, as_names: bool) -> list[Any]:
        model, rows, last = self._walk(record, path)
        out: list[Any] = []
        for row in rows:
            value = row["id"] if last == "id" else model._value(row, last)
            spec = model._fields.get(last)
            items = value if isinstance(value, list) else [value]
            if as_names and spec and spec.relation:
                items = [model._name_of(spec.relation, i) for i in items if i]
            out.extend(items)
        return out

    def is_relational(self, record: dict[str, Any], path: str) -> bool:
        model, _, last = self._walk(record, path)
        spec = model._fields.get(last)
        return bool(spec and spec.relation)

    def hierarchy(self, record: dict[str, Any], path: str, value: Any, parents: bool) -> set[int]:
        model, _, last = self._walk(record, path)
        spec = model._fields.get(last)
        target = (
            model
            if last == "id" or not spec or not spec.relation
            else model.env.sudo()[spec.relation]
        )
        roots = set(value if isinstance(value, list | tuple) else [value])
        rows = target.store.all(target._name)
        parent_of = {r["id"]: r.get("parent_id") or False for r in rows}
        found = set(roots)
        changed = True
        while changed:
            changed = False
            for child, parent in parent_of.items():
                pair = (parent, child) if parents else (child, parent)
                if pair[1] in found and pair[0] and pair[0] not in found:
                    found.add(pair[0])
                    changed = True
        return found

    def any_match(self, record: dict[str, Any], path: str, domain: list[Any]) -> bool:
        model, rows, last = self._walk(record, path)
        spec = model._fields.get(last)
        if not spec or not spec.relation:
            raise UserError(f"Operator 'any' needs a relational field, not {path!r}")
        ids = []
        for row in rows:
            value = model._value(row, last)
            ids.extend(value if isinstance(value, list) else [value] if value else [])
        if not ids:
            return False
        sub = model.env.sudo()[spec.relation]
        node = dom.parse(domain)
        lookup = FieldLookup(sub)
        return any(dom.matches(node, r, lookup) for r in sub.browse(ids).exists_rows())
