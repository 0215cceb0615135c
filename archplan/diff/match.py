"""Find the objects of each version and pair them: by the source's id when both versions were
imported with one (so a rename is a rename), else by kind and path.

Which values are objects is read from archplan.schema, not listed here: a mapping of names
(`key_kind` "name") or a mapping whose values are objects (transit gateway attachments keyed by
VPC, API routes keyed by route) is a collection, and each entry is an object of the kind
named by the collection keys from the root (`("vpcs", "subnets")`). A kind added to the schema
is compared without any change here.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from archplan import schema as s
from archplan.diff.model import KindKey, Place, Side
from archplan.findings import Path
from archplan.importers.common import Origin


class ObjectEntry(NamedTuple):
    """One object of one version."""

    kind: KindKey
    path: Path
    value: Any  # the decoded value, child collections included
    schema: s.Kind  # what the schema says the value is


def is_collection(kind: s.Kind) -> bool:
    """Whether a schema kind is a collection of objects (see the module docstring)."""
    return isinstance(kind, s.NamedMap) and (
        isinstance(kind.value, s.Object) or kind.key_kind == "name"
    )


def objects(data: dict[str, Any], root: s.Object = s.ARCHITECTURE) -> list[ObjectEntry]:
    """Every object of a decoded document, parents before children, the estate first."""
    found = [ObjectEntry((), (), data, root)]
    _walk(data, root, (), (), found)
    return found


def _walk(
    value: Any, kind: s.Object, path: Path, kind_key: KindKey, out: list[ObjectEntry]
) -> None:
    if not isinstance(value, dict):
        return
    for field, inner, collection in _structure(kind):
        item = value.get(field)
        if not isinstance(item, dict):
            continue
        if collection:
            assert isinstance(inner, s.NamedMap)
            child_kind = (*kind_key, field)
            value_kind = inner.value
            nested = isinstance(value_kind, s.Object) and bool(_structure(value_kind))
            for name, child in item.items():
                child_path = (*path, field, name)
                out.append(ObjectEntry(child_kind, child_path, child, value_kind))
                if nested:
                    assert isinstance(value_kind, s.Object)
                    _walk(child, value_kind, child_path, child_kind, out)
        else:
            # A nested object (prices) holding collections of its own.
            assert isinstance(inner, s.Object)
            _walk(item, inner, (*path, field), (*kind_key, field), out)


_STRUCTURE: dict[int, tuple[s.Object, tuple[tuple[str, s.Kind, bool], ...]]] = {}


def _structure(kind: s.Object) -> tuple[tuple[str, s.Kind, bool], ...]:
    """The fields of an object kind that hold objects: collections, and nested objects with
    collections inside; worked out once per kind (kinds are unhashable: keyed by identity,
    the kind kept alive with its answer, as decode._required does)."""
    known = _STRUCTURE.get(id(kind))
    if known is None or known[0] is not kind:
        fields = tuple(
            (field, spec.kind, is_collection(spec.kind))
            for field, spec in kind.fields.items()
            if is_collection(spec.kind)
            or (isinstance(spec.kind, s.Object) and bool(_structure(spec.kind)))
        )
        known = (kind, fields)
        _STRUCTURE[id(kind)] = known
    return known[1]


def own_value(entry: ObjectEntry) -> Any:
    """The object without its child collections (those are objects of their own), also where
    a nested object holds one (`prices.instance_types`)."""
    return strip_collections(entry.value, entry.schema)


def strip_collections(value: Any, kind: s.Kind) -> Any:
    if not isinstance(kind, s.Object) or not isinstance(value, dict):
        return value
    own: dict[str, Any] = {}
    for key, item in value.items():
        spec = kind.fields.get(key)
        if spec is not None and is_collection(spec.kind):
            continue
        own[key] = strip_collections(item, spec.kind) if spec is not None else item
    return own


def identity(side: Side, path: Path) -> str | None:
    """The source's own id for the object at `path`, when the side was imported: a
    CloudFormation logical ID within its template, a Terraform address, an AWS id."""
    if not path:
        return None
    origin = side.origins.get(path)
    if origin is None or not origin.address:
        return None
    if side.import_kind == "cloudformation":
        stack = side.stacks.get(origin.file, origin.file)
        return f"{stack}#{origin.address}"  # logical IDs are unique per template (stack)
    return origin.address


def place(side: Side, path: Path, *, key: bool = False) -> Place:
    """Where `path` is written in this version: the file's line and column, or for an imported
    side the source's own position (CloudFormation) or address (Terraform, AWS CLI)."""
    if side.import_kind is not None:
        origin = _origin(side, path)
        if origin is not None:
            return Place(origin.file, origin.line, origin.column, origin.address)
        return Place(side.label, None, None)
    span = side.loaded.document.span_at(path, key=key)
    return Place(side.label, span.line, span.column)


def _origin(side: Side, path: Path) -> Origin | None:
    for length in range(len(path), -1, -1):
        origin = side.origins.get(path[:length])
        if origin is not None:
            return origin
    return None


class Pair(NamedTuple):
    """Two versions of one object; either may be None (added or removed)."""

    kind: KindKey
    old: ObjectEntry | None
    new: ObjectEntry | None
    identity: str | None


def pair(
    old: Side,
    new: Side,
    old_objects: list[ObjectEntry] | None = None,
    new_objects: list[ObjectEntry] | None = None,
) -> list[Pair]:
    """Pair the objects of two versions: by id where both versions give one, the rest by path.

    An object whose id differs between the versions at the same path is a different resource
    (removed and added), as CloudFormation treats a changed logical ID. Pairs come in the old
    version's order, then what only the new one has.
    """
    old_objects = objects(old.data) if old_objects is None else old_objects
    new_objects = objects(new.data) if new_objects is None else new_objects
    if not old.origins and not new.origins:
        return _pair_by_path(old_objects, new_objects)
    new_by_id: dict[tuple[KindKey, str], ObjectEntry] = {}
    new_ids: dict[Path, str | None] = {}
    for entry in new_objects:
        key = identity(new, entry.path)
        new_ids[entry.path] = key
        if key is not None:
            new_by_id.setdefault((entry.kind, key), entry)
    new_by_path = {entry.path: entry for entry in new_objects}
    taken: set[Path] = set()
    pairs: list[Pair] = []
    for entry in old_objects:
        key = identity(old, entry.path)
        match = new_by_id.get((entry.kind, key)) if key is not None else None
        if match is None:
            candidate = new_by_path.get(entry.path)
            if (
                candidate is not None
                and candidate.kind == entry.kind
                and (key is None or new_ids[candidate.path] is None)
            ):
                match = candidate
        if match is not None and match.path in taken:
            match = None
        if match is not None:
            taken.add(match.path)
            shared = key if key is not None and key == new_ids.get(match.path) else None
            pairs.append(Pair(entry.kind, entry, match, shared))
        else:
            pairs.append(Pair(entry.kind, entry, None, key))
    pairs += [
        Pair(entry.kind, None, entry, new_ids[entry.path])
        for entry in new_objects
        if entry.path not in taken
    ]
    return pairs


def _pair_by_path(old_objects: list[ObjectEntry], new_objects: list[ObjectEntry]) -> list[Pair]:
    """`pair` when neither version carries a source's ids (two files): by kind and path."""
    new_by_path = {entry.path: entry for entry in new_objects}
    pairs: list[Pair] = []
    taken: set[Path] = set()
    for entry in old_objects:
        match = new_by_path.get(entry.path)
        if match is not None and match.kind == entry.kind:
            taken.add(entry.path)
            pairs.append(Pair(entry.kind, entry, match, None))
        else:
            pairs.append(Pair(entry.kind, entry, None, None))
    pairs += [
        Pair(entry.kind, None, entry, None) for entry in new_objects if entry.path not in taken
    ]
    return pairs


def diffable_fields(root: s.Object = s.ARCHITECTURE) -> dict[KindKey, list[Path]]:
    """Every field the comparison can report, per kind of object, read off the schema as
    archplan.diff.compare walks it: each key of a nested object and each entry of a mapping of
    values (written `*`), down to lists and scalars, with every path on the way (a nested
    object added or removed whole is one change). A kind whose objects are not mappings
    (a mesh is a list of VPCs) has the one field `()`."""
    found: dict[KindKey, list[Path]] = {(): _own_fields(root)}
    _kinds(root, (), found)
    return found


def _kinds(kind: s.Object, kind_key: KindKey, out: dict[KindKey, list[Path]]) -> None:
    for field, inner, collection in _structure(kind):
        if collection:
            assert isinstance(inner, s.NamedMap)
            child = (*kind_key, field)
            value = inner.value
            out[child] = _own_fields(value) if isinstance(value, s.Object) else [()]
            if isinstance(value, s.Object):
                _kinds(value, child, out)
        else:
            assert isinstance(inner, s.Object)
            _kinds(inner, (*kind_key, field), out)


def _own_fields(kind: s.Object) -> list[Path]:
    paths: list[Path] = []
    for field, spec in kind.fields.items():
        if not is_collection(spec.kind):
            _paths(spec.kind, (field,), paths)
    return list(dict.fromkeys(paths))


def _paths(kind: s.Kind, path: Path, out: list[Path]) -> None:
    out.append(path)
    if isinstance(kind, s.Object):
        for field, spec in kind.fields.items():
            if not is_collection(spec.kind):
                _paths(spec.kind, (*path, field), out)
    elif isinstance(kind, s.NamedMap):
        _paths(kind.value, (*path, "*"), out)
    elif isinstance(kind, s.Either):
        for option in kind.options:
            if isinstance(option, s.Object | s.NamedMap):
                out.extend(_sub_paths(option, path))


def _sub_paths(kind: s.Object | s.NamedMap, path: Path) -> list[Path]:
    found: list[Path] = []
    _paths(kind, path, found)
    return found[1:]
