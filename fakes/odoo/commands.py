"""x2many command tuples ``(0, 0, vals)`` … ``(6, 0, ids)`` applied to one record's field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.odoo.exceptions import OdooException

if TYPE_CHECKING:
    from fakes.odoo.orm import BaseModel

__all__ = ["CREATE", "DELETE", "LINK", "SET", "UNLINK", "UPDATE", "apply_commands", "normalize"]

CREATE, UPDATE, DELETE, UNLINK, LINK, CLEAR, SET = range(7)


def normalize(value: Any) -> list[tuple[int, int, Any]]:
    """Commands as 3-tuples; accepts the short forms and a bare list of ids (meaning SET)."""
    if value is False or value is None:
        return [(CLEAR, 0, 0)]
    if not isinstance(value, list | tuple):
        raise OdooException(f"Invalid x2many value {value!r}", name="builtins.ValueError")
    if value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return [(SET, 0, list(value))]
    out: list[tuple[int, int, Any]] = []
    for command in value:
        if not isinstance(command, list | tuple) or not command or command[0] not in range(7):
            raise OdooException(f"Invalid x2many command {command!r}", name="builtins.ValueError")
        padded = [*command, 0, 0][:3]
        out.append((int(padded[0]), int(padded[1] or 0), padded[2]))
    return out


def apply_commands(model: BaseModel, record_id: int, name: str, value: Any) -> None:
    """Apply commands to ``model``'s ``name`` field on one record."""
    spec = model._fields[name]
    assert spec.relation
    comodel = model.env[spec.relation]
    one2many = spec.type == "one2many"
    current: list[int] = model.browse(record_id)._value(
        model.store.get(model._name, record_id) or {"id": record_id}, name
    )
    linked = list(current)
    for code, target, payload in normalize(value):
        if code == CREATE:
            vals = dict(payload or {})
            if one2many:
                assert spec.inverse
                vals[spec.inverse] = record_id
            linked.extend(comodel.create([vals]))
        elif code == UPDATE:
            comodel.browse(target).write(dict(payload or {}))
        elif code == DELETE:
            comodel.browse(target).unlink()
            linked = [i for i in linked if i != target]
        elif code == UNLINK:
            if one2many:
                comodel.browse(target).unlink()
            linked = [i for i in linked if i != target]
        elif code == LINK:
            if one2many:
                assert spec.inverse
                comodel.browse(target).write({spec.inverse: record_id})
            if target not in linked:
                linked.append(target)
        elif code == CLEAR:
            if one2many:
                comodel.browse(linked).unlink()
            linked = []
        else:  # SET
            wanted = [int(i) for i in (payload or [])]
            if one2many:
                comodel.browse([i for i in linked if i not in wanted]).unlink()
                assert spec.inverse
                comodel.browse(wanted).write({spec.inverse: record_id})
            linked = wanted
    if not one2many:
        missing = [i for i in linked if not model.store.exists(spec.relation, i)]
        if missing:
            raise OdooException(
                f"Record does not exist: {spec.relation}{tuple(missing)}",
                name="builtins.ValueError",
            )
        model.store.update(model._name, record_id, {name: linked})
