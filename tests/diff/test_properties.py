"""Properties of `archplan diff` on every example and on random estates: a version against
itself is empty, the two directions mirror each other, and the reported changes applied to
the older version rebuild the newer one."""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from typing import Any

import pytest
from hypothesis import given

from archplan import schema as s
from archplan.diff.compare import apply, unordered
from archplan.diff.effects import Settings
from archplan.diff.model import MISSING, Action, Side
from archplan.diff.result import Diff, diff
from archplan.errors import InputError
from tests.diff.estates import dump, estates
from tests.diff.helpers import EXAMPLES, side

FILES = sorted([*EXAMPLES.glob("*.yaml"), *(EXAMPLES / "broken").glob("*.yaml")])


def _side(text: str, label: str) -> Side | None:
    try:
        return side(text, label, str(EXAMPLES))
    except InputError:
        return None


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_an_example_against_itself_is_empty(path: Any) -> None:
    version = _side(path.read_text(encoding="utf-8"), path.name)
    if version is None:
        pytest.skip("not an architecture file at all (exit 2)")
    result = diff(version, version)
    assert result.empty
    assert result.costs is not None and result.costs.delta == 0 and not result.costs.groups


def canonical(value: Any, kind: s.Kind) -> Any:
    """A decoded value with what the model does not depend on taken out: the order of
    set-like lists, and empty mappings (an empty `subnets:` is no subnets)."""
    if isinstance(kind, s.Object) and isinstance(value, dict):
        out = {}
        for key, item in value.items():
            spec = kind.fields.get(key)
            inner = canonical(item, spec.kind if spec else s.Text())
            if inner != {}:
                out[key] = inner
        return out
    if isinstance(kind, s.NamedMap) and isinstance(value, dict):
        return {key: canonical(item, kind.value) for key, item in value.items()}
    if isinstance(kind, s.ListOf) and isinstance(value, list):
        items = [canonical(item, kind.item) for item in value]
        return sorted(items, key=repr) if unordered(kind) else items
    if isinstance(kind, s.Either):
        for option in kind.options:
            if isinstance(option, s.NamedMap) and isinstance(value, dict):
                return canonical(value, option)
            if isinstance(option, s.ListOf) and isinstance(value, list):
                return canonical(value, option)
    return value


def _key(change: Any, mirrored: bool) -> tuple[Any, ...]:
    action = change.action
    old_path, new_path = change.old_path, change.new_path
    fields = {(f.field, repr(f.old), repr(f.new)) for f in change.fields}
    if mirrored:
        action = {Action.ADDED: Action.REMOVED, Action.REMOVED: Action.ADDED}.get(action, action)
        old_path, new_path = new_path, old_path
        fields = {(field, new, old) for field, old, new in fields}
    return (change.kind, action, old_path, new_path, frozenset(fields))


def check_mirror(forward: Diff, backward: Diff) -> None:
    assert Counter(_key(c, False) for c in forward.changes) == Counter(
        _key(c, True) for c in backward.changes
    )

    def findings(items: Any) -> Counter[tuple[Any, ...]]:
        return Counter((f.rule_id, f.path, f.message) for f in items)

    assert findings(forward.introduced) == findings(backward.resolved)
    assert findings(forward.resolved) == findings(backward.introduced)
    flip = {
        "gained": "lost",
        "lost": "gained",
        "made impossible": "made possible",
        "made possible": "made impossible",
    }
    assert Counter((x.change, x.first, x.second) for x in forward.links) == Counter(
        (flip[x.change], x.first, x.second) for x in backward.links
    )
    assert forward.costs is not None and backward.costs is not None
    assert forward.costs.delta == -backward.costs.delta
    assert {g.name: (g.old, g.new) for g in forward.costs.groups} == {
        g.name: (g.new, g.old) for g in backward.costs.groups
    }


def check_apply(old: Side, new: Side, result: Diff) -> None:
    """Applying the reported changes to the older document gives the newer one, and so the
    newer version's model (built from each as the loader builds it)."""
    rebuilt = apply(old.data, result.changes)
    assert canonical(rebuilt, s.ARCHITECTURE) == canonical(new.data, s.ARCHITECTURE)
    # Neither the order of a mapping (moved lines) nor of a set-like list (a mesh's members, a
    # group's subnets) is a change, but the model keeps the file's: build both in B's order.
    assert _model(_ordered_like(rebuilt, new.data)) == _model(new.data)


def _ordered_like(value: Any, like: Any) -> Any:
    if isinstance(value, dict) and isinstance(like, dict):
        keys = [key for key in like if key in value] + [key for key in value if key not in like]
        return {key: _ordered_like(value[key], like.get(key)) for key in keys}
    if isinstance(value, list) and isinstance(like, list):
        if sorted(map(repr, value)) == sorted(map(repr, like)):
            return like
        return [_ordered_like(item, other) for item, other in zip(value, like, strict=False)] + (
            value[len(like) :]
        )
    return value


def _model(data: dict[str, Any]) -> Any:
    from archplan.build import Builder

    return Builder().build(copy.deepcopy(data))._replace(memo={})


PAIRS = [(a, b) for a, b in itertools.permutations([p for p in FILES if p.parent == EXAMPLES], 2)]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: f"{pair[0].stem}-{pair[1].stem}")
def test_example_pairs_mirror_and_apply(pair: Any) -> None:
    first, second = pair
    old = side(first.read_text(encoding="utf-8"), first.name, str(EXAMPLES))
    new = side(second.read_text(encoding="utf-8"), second.name, str(EXAMPLES))
    forward, backward = diff(old, new), diff(new, old)
    check_mirror(forward, backward)
    check_apply(old, new, forward)
    check_apply(new, old, backward)


@given(estates())
def test_a_random_estate_against_itself_is_empty(document: dict[str, Any]) -> None:
    version = side(dump(document))
    assert diff(version, version, Settings()).empty


@given(estates(), estates())
def test_random_pairs_mirror_and_apply(first: dict[str, Any], second: dict[str, Any]) -> None:
    old, new = side(dump(first), "old.yaml"), side(dump(second), "new.yaml")
    forward, backward = diff(old, new), diff(new, old)
    check_mirror(forward, backward)
    check_apply(old, new, forward)
    check_apply(new, old, backward)
    assert all(
        f.old is not MISSING or f.new is not MISSING for c in forward.changes for f in c.fields
    )
