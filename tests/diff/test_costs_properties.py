"""Property: on random files of scaling groups that share commitments (or not: other types,
Regions, families, profile lengths, fixed commitments) and a random change to them, the
diff's figures of every group and both totals are scale-plan's of each whole version, and the
change read backwards costs the opposite. The suite's hypothesis profile (tests/conftest.py:
`ci`, derandomized) sets the number of cases; HYPOTHESIS_PROFILE=explore draws more."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.diff.costs import check_against_scale_plan, costs_of, estate

TYPES = ("compute-savings-plan", "ec2-instance-savings-plan")


@st.composite
def _group(draw: st.DrawFn, index: int) -> dict[str, Any]:
    hours = draw(st.sampled_from([4, 6]))  # two lengths: groups of each pool apart
    commitment: Any = draw(st.sampled_from(["auto", "auto", "auto", "none", {"units": 2}]))
    return {
        "index": index,
        "region": draw(st.sampled_from(["us-east-1", "us-west-2"])),
        "instance_types": {draw(st.sampled_from(["m5.large", "c5.large"])): 1},
        "max": draw(st.integers(1, 12)),
        "demand": {
            "unit": "requests/s",
            "hourly": draw(
                st.lists(st.sampled_from([0, 100, 350, 800, 1000]), min_size=hours, max_size=hours)
            ),
        },
        "purchase": {
            "on_demand_base": draw(st.integers(0, 2)),
            "on_demand_percentage_above_base": draw(st.sampled_from([100, 50, 0])),
            "commitment": commitment,
            "commitment_type": draw(st.sampled_from(TYPES)),
        },
    }


@st.composite
def _groups(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    count = draw(st.integers(2, 5))
    return {f"g{index}": draw(_group(index)) for index in range(count)}


@st.composite
def _changed(draw: st.DrawFn, groups: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """`groups` after one to three edits: a group's max, demand, commitment, its type, its
    VPC's Region or its family changed, a group removed or one added."""
    changed = {name: {**body, "purchase": dict(body["purchase"])} for name, body in groups.items()}
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(
            st.sampled_from(
                ["max", "demand", "commitment", "type", "region", "family", "remove", "add"]
            )
        )
        if edit == "add" or not changed:
            index = 1 + max((body["index"] for body in changed.values()), default=0)
            changed[f"n{index}"] = draw(_group(index))
            continue
        name = draw(st.sampled_from(sorted(changed)))
        body = changed[name]
        if edit == "max":
            body["max"] = draw(st.sampled_from([v for v in range(1, 13) if v != body["max"]]))
        elif edit == "demand":
            body["demand"] = draw(_group(body["index"]))["demand"]
        elif edit == "commitment":
            body["purchase"]["commitment"] = (
                "none" if body["purchase"]["commitment"] == "auto" else "auto"
            )
        elif edit == "type":
            kind = body["purchase"]["commitment_type"]
            body["purchase"]["commitment_type"] = TYPES[1 - TYPES.index(kind)]
        elif edit == "region":
            body["region"] = "us-west-2" if body["region"] == "us-east-1" else "us-east-1"
        elif edit == "family":
            [kind] = body["instance_types"]
            body["instance_types"] = {"c5.large" if kind == "m5.large" else "m5.large": 1}
        else:
            del changed[name]
    return changed


@given(st.data())
def test_the_diff_costs_what_scale_plan_says_of_each_version(data: st.DataObject) -> None:
    groups = data.draw(_groups())
    discount = data.draw(st.sampled_from(["0.4", "0.6"]))
    old = estate(groups, discount)
    new = estate(data.draw(_changed(groups)), discount)
    found = check_against_scale_plan(old, new)
    assert costs_of(new, old).delta == -found.delta
