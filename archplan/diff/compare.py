"""Compare two versions of one object field by field, as the schema describes the fields.

A nested object is compared key by key; a mapping of scalars (routes by destination, instance
types by weight) entry by entry, so one changed route is one change; a list of references or
CIDR blocks, and any list whose CloudFormation property the schemas mark `insertionOrder:
false` (security group rules) or AWS orders by a key of its own (network ACL rules, by rule
number), as a set: a reordered list is not a change (archplan.diff.behaviour.set_fields); any
other list (demand by hour, instance types in priority order) as a whole. `apply` does the reverse: it rebuilds the newer document from the
older and the changes, which the property tests use to prove the changes are complete.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Container, Iterable
from typing import Any

from archplan import schema as s
from archplan.diff.match import ObjectEntry, own_value
from archplan.diff.model import MISSING, Action, ObjectChange
from archplan.findings import Path

RawChange = tuple[Path, Any, Any]  # field within the object, old value, new value


def same(old: Any, new: Any) -> bool:
    """Equal as AWS sees them: a CIDR by its canonical block, a number by its value; but
    true is not 1."""
    if isinstance(old, bool) != isinstance(new, bool):
        return False
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(same(old[key], new[key]) for key in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(same(a, b) for a, b in zip(old, new, strict=True))
    return type(old) is type(new) and bool(old == new)


def unordered(kind: s.ListOf) -> bool:
    """Lists of names and of blocks are sets to AWS (each item a reference or a resource)."""
    return isinstance(kind.item, s.Reference | s.Cidr)


def compare_entries(old: ObjectEntry, new: ObjectEntry) -> list[RawChange]:
    """The field changes between two versions of one object."""
    from archplan.diff.behaviour import set_fields

    changes: list[RawChange] = []
    sets = set_fields(new.kind)
    _compare(own_value(old), own_value(new), new.schema, (), changes, sets)
    return changes


def _compare(
    old: Any,
    new: Any,
    kind: s.Kind,
    field: Path,
    out: list[RawChange],
    sets: Container[Path] = (),
) -> None:
    if old is MISSING or new is MISSING:
        if old is not new:
            out.append((field, old, new))
        return
    if isinstance(kind, s.Object) and isinstance(old, dict) and isinstance(new, dict):
        for key in _keys(old, new):
            spec = kind.fields.get(key)
            inner = spec.kind if spec is not None else s.Text()
            _compare(old.get(key, MISSING), new.get(key, MISSING), inner, (*field, key), out, sets)
        return
    if isinstance(kind, s.NamedMap) and isinstance(old, dict) and isinstance(new, dict):
        for key in _keys(old, new):
            _compare(old.get(key, MISSING), new.get(key, MISSING), kind.value, (*field, key), out)
        return
    if isinstance(kind, s.ListOf) and isinstance(old, list) and isinstance(new, list):
        if unordered(kind):
            if Counter(old) != Counter(new):
                out.append((field, old, new))
        elif field in sets:
            if Counter(map(frozen, old)) != Counter(map(frozen, new)):
                out.append((field, old, new))
        elif not same(old, new):
            out.append((field, old, new))
        return
    if isinstance(kind, s.Either):
        option = _option(kind, old)
        if option is not None and option == _option(kind, new):
            _compare(old, new, option, field, out, sets)
            return
    if not same(old, new):
        out.append((field, old, new))


def _keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return list(old) + [key for key in new if key not in old]


def _option(kind: s.Either, value: Any) -> s.Kind | None:
    for option in kind.options:
        if isinstance(option, s.Object | s.NamedMap) and isinstance(value, dict):
            return option
        if isinstance(option, s.ListOf) and isinstance(value, list):
            return option
        if not isinstance(option, s.Object | s.NamedMap | s.ListOf) and not isinstance(
            value, dict | list
        ):
            return option
    return None


def frozen(value: Any) -> Any:
    """A hashable stand-in for a decoded value, equal exactly when `same` says the values are
    (a rule is a mapping: counted as a set item by this)."""
    if isinstance(value, dict):
        return ("{}", frozenset((key, frozen(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("[]", tuple(frozen(item) for item in value))
    return (type(value).__name__, value)  # true is not 1


def added_items(old: list[Any], new: list[Any]) -> list[Any]:
    """Items of `new` not in `old`, counting repeats (for set-like lists)."""
    left = Counter(map(frozen, old))
    added = []
    for item in new:
        key = frozen(item)
        if left[key] > 0:
            left[key] -= 1
        else:
            added.append(item)
    return added


# -- applying changes -------------------------------------------------------------------------


def apply(old: dict[str, Any], changes: Iterable[ObjectChange]) -> dict[str, Any]:
    """The newer document rebuilt from the older one and the changes between them.

    Every object of the result is either an unchanged object of `old`, the new value of an
    added one, or a modified one with its field changes applied; objects are placed at their
    new paths, parents before children. Unchanged objects are those `changes` do not name.
    """
    from archplan.diff.match import objects

    by_old_path = {change.old_path: change for change in changes if change.old_path is not None}
    added = [change for change in changes if change.action is Action.ADDED]
    placed: list[tuple[Path, Any]] = []
    for entry in objects(old):
        change = by_old_path.get(entry.path)
        value = copy.deepcopy(own_value(entry))
        if change is None:
            placed.append((entry.path, value))
        elif change.action is Action.MODIFIED:
            assert change.new_path is not None
            for field in change.fields:
                value = _set(value, field.field, field.new)
            placed.append((change.new_path, value))
    placed += [(change.path, copy.deepcopy(change.new_value)) for change in added]
    placed.sort(key=lambda item: len(item[0]))
    root: dict[str, Any] = {}
    for path, value in placed:
        root = _set(root, path, value) if path else value
    return root


def _set(value: Any, path: Path, new: Any) -> Any:
    """`value` with the item at `path` set to `new` (deleted when MISSING); empty mappings on
    the way are created."""
    if not path:
        return new
    assert isinstance(value, dict)
    head, rest = path[0], path[1:]
    assert isinstance(head, str)
    if not rest:
        if new is MISSING:
            value.pop(head, None)
        else:
            value[head] = new
        return value
    value[head] = _set(value.get(head, {}), rest, new)
    return value
