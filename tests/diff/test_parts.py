"""The diff's findings from the part of the estate a change touches equal those from checking
both versions whole: brute force over one-object changes of every example, and random ones.

A change here removes one top-level object, or edits one value inside it (a block, a name it
refers to, a number), which is what review diffs mostly are; the part must hold everything
whose findings can move.
"""

from __future__ import annotations

import copy
import os
import re
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from archplan.diff import effects
from archplan.diff.changes import object_changes
from archplan.diff.effects import FindingChange, Settings
from archplan.diff.match import objects
from archplan.engine import within
from archplan.engine.parts import UNIT_SECTIONS
from archplan.errors import InputError
from archplan.limits import DemandBudget
from tests.diff.estates import estates
from tests.diff.helpers import EXAMPLES, side

FILES = sorted(
    [
        *EXAMPLES.glob("*.yaml"),
        *(EXAMPLES / "diff").glob("*.yaml"),
        *(EXAMPLES / "broken").glob("*.yaml"),
    ]
)
# Edits per example in CI; ARCHPLAN_PART_EDITS=0 tries every one (minutes).
EDITS = int(os.environ.get("ARCHPLAN_PART_EDITS", "12"))

Changes = tuple[list[FindingChange], list[FindingChange]]


def both_ways(old_text: str, new_text: str) -> tuple[Changes, Changes, bool] | None:
    """(findings introduced and resolved from the part, from the whole, whether a part was
    used); None when a version is not an architecture file."""
    try:
        old = side(old_text, "old.yaml", str(EXAMPLES))
        new = side(new_text, "new.yaml", str(EXAMPLES))
    except InputError:
        return None
    old_objects, new_objects = objects(old.data), objects(new.data)
    changes = object_changes(old, new, old_objects, new_objects)
    part = effects.findings_part(old, new, old_objects, new_objects, changes)
    renamed = effects.renamed_paths(changes)

    def compared(chosen: Any) -> Changes:
        settings = Settings(demand_budget=DemandBudget())
        return effects.finding_changes(
            old,
            new,
            effects.findings(old, settings, chosen),
            effects.findings(new, settings, chosen),
            renamed,
        )

    if part is not None:  # the whole's findings inside the part are the part's
        settings = Settings(demand_budget=DemandBudget())
        for version in (old, new):
            whole = effects.rule_findings(version, settings)
            assert within(whole, part) == effects.rule_findings(version, settings, part)
    return compared(part), compared(None), part is not None


def edits(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every one-object change of a document: each unit removed, and each scalar of each unit
    changed (a string gets a suffix, so a reference breaks; a number grows; a flag flips)."""
    found = []
    for section in UNIT_SECTIONS:
        units = document.get(section)
        if not isinstance(units, dict):
            continue
        for name in units:
            removed = copy.deepcopy(document)
            del removed[section][name]
            found.append(removed)
            for changed in _scalar_edits(document[section][name]):
                edited = copy.deepcopy(document)
                edited[section][name] = changed
                found.append(edited)
    return found


def _scalar_edits(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1]
    if isinstance(value, str):
        return [value + "x"] if "/" not in value else [value.replace(".0.", ".1.", 1)]
    out: list[Any] = []
    if isinstance(value, dict):
        for key, item in value.items():
            for changed in _scalar_edits(item):
                copied = dict(value)
                copied[key] = changed
                out.append(copied)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for changed in _scalar_edits(item):
                listed = list(value)
                listed[index] = changed
                out.append(listed)
    return out


def _spread(items: list[Any], count: int) -> list[Any]:
    """`count` items spread evenly over the list (all of them with count 0)."""
    if count <= 0 or len(items) <= count:
        return items
    step = len(items) / count
    return [items[int(index * step)] for index in range(count)]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_one_object_changes_of_every_example(path: Any) -> None:
    text = path.read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    if not isinstance(document, dict):
        pytest.skip("not a mapping")
    used = 0
    for edited in _spread(edits(document), EDITS):
        outcome = both_ways(text, yaml.safe_dump(edited, sort_keys=False))
        if outcome is None:
            continue
        from_part, from_whole, partial = outcome
        assert from_part == from_whole
        used += partial
    if edits(document):
        assert used, "no edit was judged on a part"


@given(estates(), st.data())
def test_one_object_changes_of_random_estates(
    document: dict[str, Any], data: st.DataObject
) -> None:
    choices = edits(document)
    if not choices:
        return
    edited = data.draw(st.sampled_from(choices))
    outcome = both_ways(yaml.safe_dump(document), yaml.safe_dump(edited))
    if outcome is not None:
        assert outcome[0] == outcome[1]


def test_a_change_to_the_settings_checks_both_versions_whole() -> None:
    text = (EXAMPLES / "three-vpc-mesh.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    document.setdefault("quotas", {})["routes_per_route_table"] = 1
    outcome = both_ways(text, yaml.safe_dump(document, sort_keys=False))
    assert outcome is not None and outcome[2] is False
    assert outcome[0] == outcome[1]


COMMENTED = [path for path in FILES if "# archplan: ignore" in path.read_text(encoding="utf-8")]
CIDR = re.compile(r"(\d+)\.(\d+)\.(\d+)\.(\d+)/(\d+)")


def text_edits(text: str) -> list[str]:
    """Edits that keep the file's comments: each block moved by one in its third number, and
    each route sent to the internet gateway instead."""
    lines = text.splitlines(keepends=True)
    found = []
    for index, line in enumerate(lines):
        code = line.split("#", 1)[0]
        match = CIDR.search(code)
        if match and ": " in code:
            third = (int(match.group(3)) + 1) % 256
            moved = f"{match.group(1)}.{match.group(2)}.{third}.{match.group(4)}/{match.group(5)}"
            found.append(line[: match.start()] + moved + line[match.end() :])
        elif re.search(r": (nat|peering|tgw):\S+", code):
            found.append(re.sub(r": (nat|peering|tgw):\S+", ": igw", line, count=1))
        else:
            continue
        found[-1] = "".join([*lines[:index], found[-1], *lines[index + 1 :]])
    return found


@pytest.mark.parametrize("path", COMMENTED, ids=lambda path: path.name)
def test_edits_of_files_with_suppression_comments(path: Any) -> None:
    text = path.read_text(encoding="utf-8")
    edits = text_edits(text)
    assert edits
    partial = 0
    for edited in _spread(edits, EDITS):
        outcome = both_ways(text, edited)
        if outcome is not None:
            assert outcome[0] == outcome[1]
            partial += outcome[2]
    assert partial, "the comments' units should join the part, not force a whole check"
