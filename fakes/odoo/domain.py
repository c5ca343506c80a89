"""Odoo domains as pure data: parse prefix notation into a tree and evaluate it on a record.

A domain is a list of ``(path, operator, value)`` leaves and the prefix operators ``'&'``
(implicit between terms), ``'|'`` and ``'!'``. Field access goes through a :class:`Lookup`,
so this module knows nothing about storage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "OPERATORS",
    "And",
    "DomainError",
    "Leaf",
    "Lookup",
    "Node",
    "Not",
    "Or",
    "like_to_regex",
    "matches",
    "mentions",
    "parse",
]

OPERATORS = frozenset(
    {
        "=",
        "!=",
        "<",
        ">",
        "<=",
        ">=",
        "=?",
        "in",
        "not in",
        "like",
        "not like",
        "ilike",
        "not ilike",
        "=like",
        "=ilike",
        "not =like",
        "not =ilike",
        "child_of",
        "parent_of",
        "any",
        "not any",
    }
)


class DomainError(ValueError):
    """A malformed domain (Odoo raises ValueError for these)."""


@dataclass(frozen=True)
class Leaf:
    """One ``(path, operator, value)`` term."""

    path: str
    operator: str
    value: Any


@dataclass(frozen=True)
class And:
    """Both children hold."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    """Either child holds."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    """The child does not hold."""

    child: Node


Node = Leaf | And | Or | Not
_TRUE = Leaf("id", "!=", False)


class Lookup(Protocol):
    """How the evaluator reads fields; implemented by the ORM."""

    def values(self, record: dict[str, Any], path: str, *, as_names: bool) -> list[Any]:
        """Values at the end of a dotted path (ids for relations, names if ``as_names``)."""
        ...

    def is_relational(self, record: dict[str, Any], path: str) -> bool:
        """Whether the path ends on a relational field."""
        ...

    def hierarchy(self, record: dict[str, Any], path: str, value: Any, parents: bool) -> set[int]:
        """Ids that are descendants (or ancestors, with ``parents``) of ``value``, inclusive."""
        ...

    def any_match(self, record: dict[str, Any], path: str, domain: list[Any]) -> bool:
        """Whether one related record at ``path`` matches the sub-domain."""
        ...


def _term(item: Any) -> Leaf:
    if not isinstance(item, list | tuple) or len(item) != 3:
        raise DomainError(f"Invalid leaf {item!r}")
    path, operator, value = item
    if path in (0, 1) and operator == "=" and value in (0, 1):  # TRUE_LEAF / FALSE_LEAF
        return _TRUE if path == value else Leaf("id", "=", False)
    if not isinstance(path, str) or not isinstance(operator, str):
        raise DomainError(f"Invalid leaf {item!r}")
    operator = operator.lower()
    if operator not in OPERATORS:
        raise DomainError(f"Invalid operator {operator!r} in leaf {item!r}")
    return Leaf(path, operator, value)


def parse(domain: Sequence[Any] | None) -> Node:
    """Turn a prefix-notation domain into a tree; an empty domain matches everything."""
    if domain is None:
        return _TRUE
    if not isinstance(domain, list | tuple):
        raise DomainError(f"Invalid domain {domain!r}: expected a list")
    items = list(domain)
    stack: list[Node] = []
    for item in reversed(items):
        if item == "&" or item == "|":
            if len(stack) < 2:
                raise DomainError(f"Invalid domain {domain!r}: {item!r} needs two terms")
            left, right = stack.pop(), stack.pop()
            stack.append(And(left, right) if item == "&" else Or(left, right))
        elif item == "!":
            if not stack:
                raise DomainError(f"Invalid domain {domain!r}: '!' needs a term")
            stack.append(Not(stack.pop()))
        else:
            stack.append(_term(item))
    if not stack:
        return _TRUE
    node = stack.pop()
    while stack:  # implicit '&' between the remaining top-level terms
        node = And(node, stack.pop())
    return node


def mentions(node: Node, field: str) -> bool:
    """Whether any leaf's path starts with ``field``."""
    if isinstance(node, Leaf):
        return node.path.split(".")[0] == field
    if isinstance(node, Not):
        return mentions(node.child, field)
    return mentions(node.left, field) or mentions(node.right, field)


def like_to_regex(pattern: str, *, wrap: bool, case_insensitive: bool) -> re.Pattern[str]:
    """SQL LIKE pattern (``%``, ``_``, backslash escapes) to a compiled regex."""
    out: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    body = "".join(out)
    if wrap:
        body = f".*{body}.*"
    return re.compile(f"^{body}$", re.DOTALL | (re.IGNORECASE if case_insensitive else 0))


def matches(node: Node, record: dict[str, Any], lookup: Lookup) -> bool:
    """Evaluate a parsed domain on one record."""
    if isinstance(node, And):
        return matches(node.left, record, lookup) and matches(node.right, record, lookup)
    if isinstance(node, Or):
        return matches(node.left, record, lookup) or matches(node.right, record, lookup)
    if isinstance(node, Not):
        return not matches(node.child, record, lookup)
    return _leaf(node, record, lookup)


def _empty(value: Any) -> bool:
    return value is False or value is None or value == []


def _compare(op: str, left: Any, right: Any) -> bool:
    if _empty(left) or _empty(right):
        return False
    try:
        if op == "<":
            return bool(left < right)
        if op == ">":
            return bool(left > right)
        if op == "<=":
            return bool(left <= right)
        return bool(left >= right)
    except TypeError:
        return False


def _leaf(leaf: Leaf, record: dict[str, Any], lookup: Lookup) -> bool:
    op, value, path = leaf.operator, leaf.value, leaf.path
    if op.startswith("not ") and op not in ("not in", "not any"):
        return not _leaf(Leaf(path, op[4:], value), record, lookup)
    if op == "!=":
        return not _leaf(Leaf(path, "=", value), record, lookup)
    if op == "not in":
        return not _leaf(Leaf(path, "in", value), record, lookup)
    if op == "not any":
        return not lookup.any_match(record, path, value)
    if op == "any":
        return lookup.any_match(record, path, value)
    if op == "=?":
        return True if _empty(value) else _leaf(Leaf(path, "=", value), record, lookup)
    if op in ("child_of", "parent_of"):
        found = lookup.values(record, path, as_names=False)
        family = lookup.hierarchy(record, path, value, op == "parent_of")
        return any(item in family for item in found)
    textual = isinstance(value, str) and lookup.is_relational(record, path)
    if op in ("like", "ilike", "=like", "=ilike"):
        textual = lookup.is_relational(record, path)
    found = lookup.values(record, path, as_names=textual)
    if op == "=":
        return not found or all(_empty(v) for v in found) if _empty(value) else value in found
    if op == "in":
        wanted = list(value) if isinstance(value, list | tuple | set) else [value]
        if any(_empty(v) for v in found) or not found:
            return any(w is False or w is None for w in wanted)
        return any(v in wanted for v in found)
    if op in ("<", ">", "<=", ">="):
        return any(_compare(op, v, value) for v in found)
    if value is False or value is None:
        return False
    regex = like_to_regex(
        str(value), wrap=not op.startswith("="), case_insensitive=op.endswith("ilike")
    )
    return any(isinstance(v, str) and regex.match(v) for v in found)
