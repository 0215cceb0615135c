"""Every shipped example scale-plan can plan, and each pair under examples/diff: the diff's
capacity and cost of the example against itself and against a version with every group's
min and max raised and its On-Demand share changed equal scale-plan's of each version (run through the
library, never numbers copied here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.diff.costs import check_against_scale_plan, scale_plan_of
from tests.diff.helpers import EXAMPLES


def _plannable() -> list[Path]:
    """The examples whose scale-plan plans at least one scaling group."""
    found = []
    for path in sorted([*EXAMPLES.glob("*.yaml"), *(EXAMPLES / "diff").glob("*.yaml")]):
        whole = scale_plan_of(path.read_text(encoding="utf-8"), str(path.parent))
        if any(group.planned for group in whole.groups):
            found.append(path)
    return found


PLANNABLE = _plannable()


def _changed(text: str) -> str:
    """Every scaling group's max raised by 4 and its min raised to half the new max, and its
    On-Demand share above base moved: capacity, its split and any shared commitment move."""
    document: dict[str, Any] = yaml.safe_load(text)
    for group in document.get("scaling_groups", {}).values():
        if isinstance(group.get("max"), int):
            group["max"] += 4
            group["min"] = max(group.get("min") or 0, group["max"] // 2)
        purchase = group.setdefault("purchase", {})
        share = purchase.get("on_demand_percentage_above_base", 100)
        purchase["on_demand_percentage_above_base"] = 60 if share != 60 else 40
    return yaml.safe_dump(document, sort_keys=False)


def test_the_examples_plan_scaling_groups_and_share_a_commitment() -> None:
    names = {path.name for path in PLANNABLE}
    assert {"forum-ec2.yaml", "three-tier.yaml", "forum-next.yaml"} <= names
    forum = (EXAMPLES / "forum-ec2.yaml").read_text(encoding="utf-8")
    assert scale_plan_of(forum, str(EXAMPLES)).pools  # the pooled case is among them


@pytest.mark.parametrize("path", PLANNABLE, ids=lambda path: path.name)
def test_an_example_against_itself_costs_what_its_scale_plan_says(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = check_against_scale_plan(text, text, str(path.parent))
    assert not found.groups and not found.pools and found.delta == 0


@pytest.mark.parametrize("path", PLANNABLE, ids=lambda path: path.name)
def test_an_example_changed_costs_the_difference_of_its_two_scale_plans(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = check_against_scale_plan(text, _changed(text), str(path.parent))
    assert found.groups  # the change moved something
    back = check_against_scale_plan(_changed(text), text, str(path.parent))
    assert back.delta == -found.delta


def _pairs() -> list[tuple[Path, Path]]:
    """Each examples/diff file and the example it says it changes (its first line)."""
    found = []
    for path in sorted((EXAMPLES / "diff").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        named = re.search(r"examples/([\w.-]+\.yaml)", first)
        assert named, f"{path.name} does not name the example it changes on its first line"
        found.append((EXAMPLES / named.group(1), path))
    return found


@pytest.mark.parametrize("pair", _pairs(), ids=lambda pair: pair[1].name)
def test_an_example_pair_costs_the_difference_of_its_two_scale_plans(
    pair: tuple[Path, Path],
) -> None:
    old, new = pair
    found = check_against_scale_plan(
        old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8"), str(EXAMPLES)
    )
    assert found.delta != 0
