"""`commitment: auto` shared across the groups of a file (issue 13, item 8a): one commitment for
the summed hourly On-Demand spend, pooled per commitment type (and per family and Region for EC2
Instance Savings Plans and Reserved Instances)."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from archplan.capacity.commitment import profile_cost
from archplan.capacity.plan import ScalePlan, plan
from archplan.capacity.pool import PoolMember, best, family, key_of, pools
from archplan.cli import app
from archplan.engine import load_architecture
from archplan.prices import price_book
from archplan.source import Source

DAY = [1000] * 12 + [0] * 12  # busy the first half of the day
NIGHT = [0] * 12 + [1000] * 12  # busy the second half


def _file(
    groups: dict[str, dict[str, Any]],
    commitment_type: str = "compute-savings-plan",
    regions: dict[str, str] | None = None,
) -> str:
    """One VPC per group (in `regions[name]`, else us-east-1), each group priced at 1 USD per
    On-Demand unit-hour, all On-Demand, `commitment: auto`."""
    vpcs: dict[str, Any] = {}
    scaling: dict[str, Any] = {}
    for index, (name, extra) in enumerate(groups.items()):
        region = (regions or {}).get(name, "us-east-1")
        vpcs[f"v{name}"] = {
            "cidr": f"10.{index}.0.0/16",
            "region": region,
            "subnets": {f"{name}-a": {"cidr": f"10.{index}.1.0/24", "az": f"{region}a"}},
        }
        body: dict[str, Any] = {
            "vpc": f"v{name}",
            "subnets": [f"{name}-a"],
            "instance_types": {"m5.large": 1},
            "min": 0,
            "max": 40,
            "capacity": {"per_unit": 100, "target_utilization": 100},
            "demand": {"unit": "requests/s", "hourly": DAY},
            "purchase": {
                "on_demand_percentage_above_base": 100,
                "commitment": "auto",
                "commitment_type": commitment_type,
            },
        }
        body.update(extra)
        scaling[name] = body
    prices = {
        "instance_types": {
            "m5.large": {"on_demand": 1},
            "c5.large": {"on_demand": 1},
        },
        "discounts": {commitment_type: 0.4},
    }
    document = {"archplan": 1, "vpcs": vpcs, "scaling_groups": scaling, "prices": prices}
    return yaml.safe_dump(document, sort_keys=False)


def _plan(text: str) -> ScalePlan:
    architecture = load_architecture(Source("test.yaml", text)).architecture
    return plan(architecture, price_book(architecture.prices))


def test_opposite_hours_share_one_commitment_cheaper_than_one_each() -> None:
    result = _plan(
        _file({"day": {"demand": {"hourly": DAY}}, "night": {"demand": {"hourly": NIGHT}}})
    )
    (pool,) = result.pools
    assert pool.groups == ("day", "night")
    # Summed, every hour runs 10 units (10 USD of On-Demand): the whole of it is committed.
    assert pool.covered == 10
    assert pool.per_hour == 6  # 10 x (1 - 0.4)
    assert pool.cost == 24 * 6
    # Alone, each group is busy only half the hours: at 40 % off a commitment does not pay.
    assert pool.separate_cost == 2 * 12 * 10
    assert pool.cost < pool.separate_cost
    assert pool.unused_hours == 0
    for group in result.groups:
        assert group.pooled and group.commitment == 0


def test_a_group_alone_keeps_its_own_commitment() -> None:
    result = _plan(_file({"day": {"demand": {"hourly": [1000] * 24}}}))
    assert result.pools == ()
    (group,) = result.groups
    assert not group.pooled and group.commitment == 10


def test_instance_savings_plans_pool_per_family_and_region() -> None:
    groups: dict[str, dict[str, Any]] = {
        "a": {"demand": {"hourly": DAY}},
        "b": {"demand": {"hourly": NIGHT}},
        "c": {"demand": {"hourly": NIGHT}, "instance_types": {"c5.large": 1}},
        "d": {"demand": {"hourly": NIGHT}},
    }
    regions = {"d": "eu-west-1"}
    result = _plan(_file(groups, "ec2-instance-savings-plan", regions))
    (pool,) = result.pools  # c is another family, d another Region: each alone
    assert pool.groups == ("a", "b")
    assert pool.key.families == ("m5",) and pool.key.region == "us-east-1"
    # A Compute Savings Plan covers all four.
    (compute,) = _plan(_file(groups, "compute-savings-plan", regions)).pools
    assert compute.groups == ("a", "b", "c", "d")
    assert compute.key.region is None and compute.key.families == ()


def test_family_of_an_instance_type() -> None:
    assert family("c5.large") == "c5"
    assert family("m7g.2xlarge") == "m7g"


def _member(name: str, spend: list[Fraction]) -> PoolMember:
    return PoolMember(
        name, "compute-savings-plan", Decimal("0.3"), None, ("m5",), (len(spend), None),
        tuple(spend),
    )  # fmt: skip


def _cost(covered: Fraction, spend: list[Fraction], discount: Decimal) -> Fraction:
    keep = 1 - Fraction(discount)
    return sum((covered * keep + max(value - covered, Fraction(0)) for value in spend), Fraction(0))


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda hours: st.lists(
            st.lists(st.fractions(0, 5, max_denominator=7), min_size=hours, max_size=hours),
            min_size=2,
            max_size=4,
        )
    ),
    st.integers(0, 100).map(lambda percent: Decimal(percent) / 100),
)
def test_the_pooled_commitment_is_the_brute_force_minimum(
    curves: list[list[Fraction]], discount: Decimal
) -> None:
    members = [
        _member(f"g{index}", curve)._replace(discount=discount)
        for index, curve in enumerate(curves)
    ]
    (pool,) = pools(members)
    summed = [sum(hour, Fraction(0)) for hour in zip(*curves, strict=True)]
    # The cost is piecewise linear in the covered spend with its corners at the hourly sums:
    # the minimum over every level is the minimum over 0 and those sums.
    candidates = sorted({Fraction(0), *summed})
    costs = {level: _cost(level, summed, discount) for level in candidates}
    cheapest = min(costs.values())
    assert pool.cost == cheapest == _cost(pool.covered, summed, discount)
    assert pool.covered == min(level for level, cost in costs.items() if cost == cheapest)
    # One shared commitment never costs more than one per group.
    separate = sum((best(curve, discount)[1] for curve in curves), Fraction(0))
    assert pool.separate_cost == separate and pool.cost <= separate
    assert pool.all_on_demand == sum(summed, Fraction(0))


def test_integer_levels_match_the_unit_optimiser() -> None:
    # Whole-dollar spend: the pool's optimiser is the unit optimiser's (profile_cost) exactly.
    spend = [Fraction(value) for value in (10,) * 12 + (20,) * 8 + (30,) * 4]
    covered, cost = best(spend, Decimal("0.30"))
    assert covered == 10 and cost == 328
    assert profile_cost(10, {10: 12, 20: 8, 30: 4}, Decimal("0.30")) == 328


def test_key_of_compute_plan_ignores_family_and_region() -> None:
    one = _member("a", [Fraction(1)])._replace(region="eu-west-1", families=("c5",))
    assert key_of(one).region is None and key_of(one).families == ()


def test_the_pool_is_reported_in_json_and_text(tmp_path: Any) -> None:
    path = tmp_path / "pool.yaml"
    path.write_text(
        _file({"day": {"demand": {"hourly": DAY}}, "night": {"demand": {"hourly": NIGHT}}}),
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["scale-plan", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (pool,) = document["pools"]
    assert pool["groups"] == ["day", "night"]
    assert pool["type"] == "compute-savings-plan"
    assert pool["per_hour"] == "6.00"
    assert pool["covered_on_demand_per_hour"] == "10.00"
    assert pool["per_month"]["pooled"] == "4380.00"  # 6 x 730
    assert pool["per_month"]["separate"] == "7300.00"  # 10 USD for half of 730 h, twice
    for group in document["groups"]:
        codes = [finding["code"] for finding in group["findings"]]
        assert "commitment-unused" not in codes
        assert group["purchase"]["commitment"]["units"] == 0
    text = runner.invoke(app, ["scale-plan", str(path)]).stdout
    assert "Shared commitment (compute-savings-plan, any family, any Region): day, night" in text
