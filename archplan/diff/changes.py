"""The object changes between two versions: paired objects, their field changes, and how AWS
applies each (archplan.diff.behaviour), with the places in both versions."""

from __future__ import annotations

from typing import Any

from archplan.diff import behaviour
from archplan.diff.compare import compare_entries
from archplan.diff.match import ObjectEntry, own_value, pair, place
from archplan.diff.model import MISSING, Action, FieldChange, ObjectChange, Side


def object_changes(
    old: Side,
    new: Side,
    old_objects: list[ObjectEntry] | None = None,
    new_objects: list[ObjectEntry] | None = None,
) -> list[ObjectChange]:
    """Every object added, removed or modified, in the older version's order, then the added."""
    found: list[ObjectChange] = []
    for item in pair(old, new, old_objects, new_objects):
        if item.old is not None and item.new is not None:
            change = _modified(old, new, item.old, item.new, item.identity)
            if change is not None:
                found.append(change)
        elif item.old is not None:
            found.append(_whole(old, item.old, Action.REMOVED, item.identity))
        elif item.new is not None:
            found.append(_whole(new, item.new, Action.ADDED, item.identity))
    return found


def _modified(
    old: Side, new: Side, before: ObjectEntry, after: ObjectEntry, identity: str | None
) -> ObjectChange | None:
    if before.path == after.path and before.value == after.value:
        # The usual case, decided by C-level equality of the whole subtree. No field mixes
        # true with 1 (the one way == is looser than `same`): every field has one type.
        return None
    raw = compare_entries(before, after)
    if not raw and before.path == after.path:
        return None
    owner = own_value(after)
    fields = tuple(
        FieldChange(
            field,
            old_value,
            new_value,
            place(old, (*before.path, *field)) if old_value is not MISSING else None,
            place(new, (*after.path, *field)) if new_value is not MISSING else None,
            behaviour.field_behaviour(after.kind, field, old_value, new_value, owner),
        )
        for field, old_value, new_value in raw
    )
    resource_type = behaviour.object_type(after.kind, owner)
    update = behaviour.object_update([field.behaviour for field in fields])
    return ObjectChange(
        after.kind,
        Action.MODIFIED,
        before.path,
        after.path,
        own_value(before),
        owner,
        place(old, before.path, key=True),
        place(new, after.path, key=True),
        fields,
        identity,
        update,
        resource_type,
    )


def _whole(side: Side, entry: ObjectEntry, action: Action, identity: str | None) -> ObjectChange:
    value: Any = own_value(entry)
    resource_type = behaviour.object_type(entry.kind, value)
    update = behaviour.whole_update(entry.kind)
    at = place(side, entry.path, key=True)
    if action is Action.ADDED:
        return ObjectChange(
            entry.kind,
            action,
            None,
            entry.path,
            MISSING,
            value,
            None,
            at,
            (),
            identity,
            update,
            resource_type,
        )
    return ObjectChange(
        entry.kind,
        action,
        entry.path,
        None,
        value,
        MISSING,
        at,
        None,
        (),
        identity,
        update,
        resource_type,
    )
