"""`archplan scale-plan`: AWS's split and its worked examples, N+1, the commitment against brute
force, demand files, prices, reports, emits and exit codes."""

from __future__ import annotations

import datetime
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from archplan.capacity.az import after_zone_loss, survivable_total, zones_of
from archplan.capacity.choices import ScaleEmit, ScaleFormat
from archplan.capacity.commitment import optimal_level, profile_cost
from archplan.capacity.cost import HOURS_PER_MONTH, per_month, usd
from archplan.capacity.demand import DemandFileError, parse_metrics
from archplan.capacity.emit import EMITTERS, cli_input
from archplan.capacity.plan import (
    GroupPlan,
    ScalePlan,
    UnknownGroup,
    needed_units,
    plan,
    plan_group,
)
from archplan.capacity.purchase import Split, ceil_percent, on_demand_units, split
from archplan.capacity.serving import served_by, units_for
from archplan.cli import app
from archplan.engine import load_architecture
from archplan.model import Architecture
from archplan.prices import DEFAULT_DISCOUNTS, FROM_SHIPPED, price_book, shipped_table
from archplan.reports.scale_findings import ASSUMPTIONS, Finding, group_findings
from archplan.reports.scale_plan import RENDERERS
from archplan.source import Source
from tests.conftest import ROOT, corpus_dir

GOLDEN = ROOT / "tests" / "golden"
# The forum with every service on its own scaling group (examples/forum.yaml runs users on
# Lambda and messages on Fargate; tests/test_scale_plan_containers.py plans that one).
FORUM = "examples/forum-ec2.yaml"
CORPUS = corpus_dir("aws-cli")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return CliRunner()


def _architecture(text: str) -> Architecture:
    return load_architecture(Source("test.yaml", text)).architecture


def _group_file(
    zones: int = 2,
    group: dict[str, Any] | None = None,
    prices: dict[str, Any] | None = None,
) -> str:
    """A file with one VPC, `zones` subnets in distinct AZs and one group "web"."""
    subnets = {
        f"s{index}": {"cidr": f"10.0.{index}.0/24", "az": f"us-east-1{'abcdef'[index]}"}
        for index in range(zones)
    }
    body: dict[str, Any] = {
        "vpc": "app",
        "subnets": list(subnets),
        "instance_types": {"m5.large": 1},
        "min": 1,
        "max": 20,
        "capacity": {"per_unit": 100, "target_utilization": 100},
        "demand": {"unit": "requests/s", "hourly": [100, 200]},
        "purchase": {"on_demand_percentage_above_base": 100},
    }
    body.update(group or {})
    body = {key: value for key, value in body.items() if value is not None}  # None: drop it
    document: dict[str, Any] = {
        "archplan": 1,
        "defaults": {"region": "us-east-1"},
        "vpcs": {"app": {"cidr": "10.0.0.0/16", "subnets": subnets}},
        "scaling_groups": {"web": body},
    }
    if prices is not None:
        document["prices"] = prices
    return yaml.safe_dump(document, sort_keys=False)


def _plan(text: str, group: str | None = None) -> ScalePlan:
    architecture = _architecture(text)
    return plan(architecture, price_book(architecture.prices), group)


def _findings(group_plan: GroupPlan) -> tuple[Finding, ...]:
    # The book is consulted only for the Regions of the prices, which these files do not set.
    return group_findings(group_plan, price_book(None))


def _write(tmp_path: Path, text: str, name: str = "plan.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- the On-Demand / Spot split ------------------------------------------------------------


def aws_sentence(total: int, base: int, percentage: int) -> tuple[int, int]:
    """(On-Demand, Spot) written from AWS's sentence, with exact fractions: the base first
    (capped at the group, Example 5), then "converts the percentage to the equivalent number of
    instances. If the result creates a fractional number, [it] rounds up to the next integer in
    favor of On-Demand Instances"."""
    from_base = min(base, total)
    above = total - from_base
    on_demand = from_base + math.ceil(Fraction(above * percentage, 100))
    return on_demand, total - on_demand


# AWS's documented examples (ASG-UG mixed-instances-groups), total running 10 / 20 / 30 / 40:
# (base, pct) -> [(On-Demand, Spot) per total].
AWS_EXAMPLES = {
    "Ex1": (10, 50, [(10, 0), (15, 5), (20, 10), (25, 15)]),
    "Ex2": (0, 0, [(0, 10), (0, 20), (0, 30), (0, 40)]),
    "Ex3": (0, 60, [(6, 4), (12, 8), (18, 12), (24, 16)]),
    "Ex4": (0, 100, [(10, 0), (20, 0), (30, 0), (40, 0)]),
    "Ex5": (12, 0, [(10, 0), (12, 8), (12, 18), (12, 28)]),
}


@pytest.mark.parametrize("example", sorted(AWS_EXAMPLES))
def test_aws_documented_examples(example: str) -> None:
    base, percentage, expected = AWS_EXAMPLES[example]
    for total, (on_demand, spot) in zip((10, 20, 30, 40), expected, strict=True):
        assert split(total, base, percentage) == Split(0, on_demand, spot), (example, total)


@pytest.mark.parametrize(
    ("total", "base", "percentage", "on_demand", "spot"),
    [
        (10, 0, 33, 4, 6),  # 3.3 above base -> 4 On-Demand
        (12, 2, 33, 6, 6),  # 2 + ceil(3.3)
        (3, 0, 50, 2, 1),
        (3, 0, 30, 1, 2),  # the AWS CLI Example 4 configuration
        (3, 1, 0, 1, 2),  # the AWS CLI Example 1 configuration
        (10, 2, 50, 6, 4),  # community examples (buildkite PR #1552)
        (10, 0, 70, 7, 3),
        (10, 10, 0, 10, 0),
        (100, 0, 7, 7, 93),  # floats say 8: 100 * 0.07 = 7.000000000000001
        (25, 0, 28, 7, 18),  # floats say 8
        (0, 5, 50, 0, 0),
    ],
)
def test_reference_rounding_cases(
    total: int, base: int, percentage: int, on_demand: int, spot: int
) -> None:
    assert split(total, base, percentage) == Split(0, on_demand, spot)


def test_floats_would_round_these_wrongly() -> None:
    """Why integers: the reference's two examples go wrong with floats."""
    assert math.ceil(100 * 0.07) == 8 and ceil_percent(100, 7) == 7
    assert math.ceil(25 * 0.28) == 8 and ceil_percent(25, 28) == 7


def test_omitted_percentage_is_awss_default_of_100() -> None:
    assert on_demand_units(17, 2, None) == 17
    assert split(17, 2, None) == Split(0, 17, 0)


def test_ceil_percent_exhaustively_against_fractions() -> None:
    for units in range(501):
        for percentage in range(101):
            assert ceil_percent(units, percentage) == math.ceil(Fraction(units * percentage, 100))


@settings(max_examples=3000, deadline=None)
@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 100), st.integers(0, 600))
def test_split_matches_awss_sentence(total: int, base: int, percentage: int, level: int) -> None:
    on_demand, spot = aws_sentence(total, base, percentage)
    assert split(total, base, percentage) == Split(0, on_demand, spot)
    carved = split(total, base, percentage, level)
    assert carved.committed == min(level, on_demand)
    assert carved.on_demand_part == on_demand and carved.spot == spot
    assert carved.total == total


def test_split_for_every_total_and_base_up_to_500() -> None:
    """Every (total, base) pair up to 500, each with a percentage that cycles through 0..100;
    with the exhaustive ceiling test above, every path of the formula is covered."""
    for total in range(501):
        for base in range(501):
            percentage = (total * 7 + base * 13) % 101
            assert (
                split(total, base, percentage).on_demand_part
                == aws_sentence(total, base, percentage)[0]
            )


def test_split_exhaustively_on_a_smaller_grid() -> None:
    """Every total and base up to 40 with every percentage 0..100 (168,000 combinations); the
    full total, base ≤ 500 grid (25 million) is too slow for CI, so the tests above cover it by
    Hypothesis and by a percentage cycling through 0..100."""
    for total in range(41):
        for base in range(41):
            for percentage in range(101):
                on_demand, spot = aws_sentence(total, base, percentage)
                assert split(total, base, percentage) == Split(0, on_demand, spot)


# -- units and N+1 --------------------------------------------------------------------------


decimals = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(decimals, min_size=1, max_size=30),
    st.decimals(min_value=Decimal("0.001"), max_value=10**4, places=3),
    st.integers(1, 100),
)
def test_needed_units_is_units_for_every_hour(
    values: list[Decimal], per_unit: Decimal, target: int
) -> None:
    assert needed_units(values, per_unit, target) == [
        units_for(value, per_unit, target) for value in values
    ]


def test_units_for_is_exact() -> None:
    # 7 requests at 100 per unit and a 7 % target: exactly 1 unit (floats make it 1.0000000002).
    assert needed_units([Decimal(7)], Decimal(100), 7) == [1]
    assert needed_units([Decimal("600"), Decimal("601")], Decimal(200), 60) == [5, 6]


@pytest.mark.parametrize(
    ("required", "zones", "total"),
    [(30, 6, 36), (30, 3, 45), (4, 3, 6), (5, 2, 10), (0, 3, 0), (1, 3, 2), (5, 3, 8)],
)
def test_n_plus_one_examples(required: int, zones: int, total: int) -> None:
    assert survivable_total(required, zones) == total


def test_n_plus_one_needs_two_zones() -> None:
    with pytest.raises(ValueError, match="two AZs"):
        survivable_total(3, 1)


def test_survivable_total_is_the_smallest_total_that_survives_by_brute_force() -> None:
    # Regression: ceil(needed / (N - 1)) x N over-sized (5 over 3 AZs: 9, but 8 split 3/3/2
    # keeps 5 after losing a 3); the AZs need not hold equal shares.
    for zones in range(2, 7):
        for needed in range(201):
            smallest = next(
                total for total in range(needed * 2 + 1) if after_zone_loss(total, zones) >= needed
            )
            assert survivable_total(needed, zones) == smallest, (needed, zones)


def test_max_that_survives_an_az_loss_is_not_a_shortfall(runner: CliRunner) -> None:
    # Regression (/tmp/rv/az3.yaml): 3 AZs, max 8, needed 5: 8 is 3/3/2, losing a 3 leaves 5.
    text = _group_file(
        3,
        {
            "min": 3,
            "max": 8,
            "demand": {"unit": "requests/s", "hourly": [500, 300]},
            "availability": {"survive_az_loss": True},
        },
    )
    result = runner.invoke(app, ["scale-plan", "-", "-f", "json"], input=text)
    assert result.exit_code == 0, result.output
    group = json.loads(result.stdout)["groups"][0]
    assert [(row["needed"], row["required"], row["capacity"]) for row in group["hours"]] == [
        (5, 8, 8),
        (3, 5, 5),
    ]
    assert "az-loss-shortfall" not in {finding["code"] for finding in group["findings"]}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 5000), min_size=1, max_size=48),
    st.integers(0, 40),
    st.integers(0, 80),
    st.integers(1, 6),
    st.booleans(),
    st.integers(1, 100),
)
def test_capacity_within_min_max_and_survives_any_single_az(
    demand: list[int], low: int, spread: int, zones: int, survive: bool, target: int
) -> None:
    high = low + spread
    text = _group_file(
        zones,
        {
            "min": low,
            "max": high,
            "capacity": {"per_unit": 50, "target_utilization": target},
            "demand": {"hourly": demand},
            "availability": {"survive_az_loss": survive},
        },
    )
    group_plan = _plan(text).groups[0]
    assert group_plan.planned
    for hour, capacity in enumerate(group_plan.capacity):
        assert low <= capacity <= high
        needed = group_plan.needed[hour]
        assert needed == units_for(Decimal(demand[hour]), Decimal(50), target)
        if survive and zones >= 2 and group_plan.required[hour] <= high:
            # Balanced over the AZs, losing the fullest one still leaves what the hour needs.
            assert after_zone_loss(capacity, zones) >= needed
            for lost in range(zones):
                shares = [capacity // zones + (zone < capacity % zones) for zone in range(zones)]
                assert capacity - shares[lost] >= needed
        if group_plan.required[hour] <= high:
            assert served_by(capacity, Decimal(50), target) >= demand[hour]
        if survive and zones >= 2:
            # required is the smallest total that keeps `needed` after losing the fullest AZ.
            required = group_plan.required[hour]
            assert after_zone_loss(required, zones) >= needed
            assert required == 0 or after_zone_loss(required - 1, zones) < needed
    # Short exactly when max itself leaves less than needed after losing the fullest AZ.
    survives = (
        (lambda units: after_zone_loss(high, zones) >= units)
        if survive and zones >= 2
        else (lambda units: units <= high)
    )
    assert group_plan.ok == (
        not (survive and zones < 2) and all(survives(units) for units in group_plan.needed)
    )


def test_zones_come_from_the_subnets() -> None:
    architecture = _architecture(_group_file(3))
    assert zones_of(architecture, architecture.scaling_groups["web"]) == (
        "us-east-1a", "us-east-1b", "us-east-1c",
    )  # fmt: skip


# -- the commitment level -------------------------------------------------------------------

# autoscaling-purchase.md §5: per day 12 h at 10 units, 8 h at 20, 4 h at 30, OD = 1/unit-hour.
TEST_PROFILE = Counter({10: 12, 20: 8, 30: 4})


def _brute_force(profile: Counter[int], discount: Decimal) -> int:
    top = max(profile, default=0)
    costs = [(profile_cost(level, profile, discount), level) for level in range(top + 2)]
    return min(costs)[1]  # the cheapest; ties go to the smaller level


def test_reference_commitment_profile() -> None:
    low, high = Decimal("0.30"), Decimal("0.60")
    assert optimal_level(TEST_PROFILE, low) == 10
    assert profile_cost(10, TEST_PROFILE, low) == 328
    assert profile_cost(0, TEST_PROFILE, low) == 400
    assert profile_cost(20, TEST_PROFILE, low) == 376
    assert optimal_level(TEST_PROFILE, high) == 20
    assert profile_cost(20, TEST_PROFILE, high) == 232
    assert profile_cost(10, TEST_PROFILE, high) == 256
    assert profile_cost(30, TEST_PROFILE, high) == 288


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=1, max_size=60),
    st.integers(0, 100).map(lambda percent: Decimal(percent) / 100),
)
def test_commitment_auto_is_the_brute_force_minimum(hours: list[int], discount: Decimal) -> None:
    profile = Counter(hours)
    assert optimal_level(profile, discount) == _brute_force(profile, discount)


def test_commitment_auto_in_the_planner_on_the_reference_profile() -> None:
    """The same profile through a group: base 0, 100 % On-Demand, 100 per unit at 100 %."""
    demand = [1000] * 12 + [2000] * 8 + [3000] * 4
    for discount, level in (("0.30", 10), ("0.60", 20)):
        text = _group_file(
            1,
            {
                "min": 0,
                "max": 40,
                "demand": {"hourly": demand},
                "purchase": {"commitment": "auto", "commitment_type": "reserved-instances"},
            },
            {"instance_types": {"m5.large": {"on_demand": 1}}, "discounts": {
                "reserved-instances": float(discount)}},
        )  # fmt: skip
        group_plan = _plan(text).groups[0]
        assert group_plan.commitment == level
        pricing = group_plan.pricing
        assert pricing is not None and pricing.costs is not None
        assert pricing.costs.total == profile_cost(level, TEST_PROFILE, Decimal(discount))
        assert pricing.costs.all_on_demand == 400


def test_fixed_commitment_is_carved_out_of_on_demand_and_paid_every_hour() -> None:
    text = _group_file(
        1,
        {
            "min": 0,
            "demand": {"hourly": [0, 500, 1000]},
            "purchase": {"on_demand_base": 1, "on_demand_percentage_above_base": 50,
                         "commitment": {"units": 4}},
        },
        {"instance_types": {"m5.large": {"on_demand": 0.1, "spot": 0.04}},
         "discounts": {"compute-savings-plan": 0.5}},
    )  # fmt: skip
    group_plan = _plan(text).groups[0]
    # 0 units; 5 units = 1 + ceil(2) = 3 On-Demand, 2 Spot; 10 = 1 + ceil(4.5) = 6 OD, 4 Spot.
    assert [group_plan.split_of(hour) for hour in range(3)] == [
        Split(0, 0, 0), Split(3, 0, 2), Split(4, 2, 4),
    ]  # fmt: skip
    pricing = group_plan.pricing
    assert pricing is not None and pricing.costs is not None
    assert pricing.costs.committed == 3 * 4 * Fraction("0.05")  # every hour, used or not
    assert pricing.costs.on_demand == 2 * Fraction("0.1")
    assert pricing.costs.spot == 6 * Fraction("0.04")
    assert pricing.costs.all_on_demand == 15 * Fraction("0.1")
    codes = {finding.code for finding in _findings(group_plan)}
    assert "commitment-unused" in codes


# -- money ----------------------------------------------------------------------------------


def test_usd_is_exact_with_at_least_cents() -> None:
    assert usd(Fraction("0.0365")) == "0.0365"
    assert usd(Fraction(3)) == "3.00"
    assert usd(Fraction("-1.5")) == "-1.50"
    assert usd(Fraction(1, 3)) == "0.333333"  # does not end: a millionth of a dollar
    assert usd(Decimal("0.17") / 2) == "0.085"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1e26"), "1" + "0" * 26 + ".00"),
        (Decimal("1e30"), "1" + "0" * 30 + ".00"),
        (
            Decimal("123456789012345678901234567890.1234565"),
            "123456789012345678901234567890.123456",
        ),
        (Decimal("1e-100000"), "0.00"),  # not 100,000 digits: a millionth at most
        (Decimal("0.0000015"), "0.000002"),  # half-even to the millionth
        (Fraction(10**5000, 3), None),  # longer than int's 4,300-digit text limit
    ],
)
def test_usd_never_overflows_and_stops_at_a_millionth(
    value: Decimal | Fraction, text: str | None
) -> None:
    # Regression: quantize raised InvalidOperation past 28 digits (1e26 and up).
    written = usd(value)
    if text is None:
        assert written.startswith("3333") and written.endswith(".333333")
        assert len(written) == 5000 + 7
    else:
        assert written == text


def test_huge_prices_and_demand_are_reported(runner: CliRunner) -> None:
    # Regression (/tmp/rv/bigprice.yaml, bigdemand.yaml): money past 28 digits crashed.
    prices = {"instance_types": {"m5.large": {"on_demand": 1.0e29, "spot": 0.036}}}
    text = _group_file(2, {"demand": {"hourly": [1.0e40, 1]}, "max": 10**30}, prices)
    for output in ("text", "json"):
        result = runner.invoke(app, ["scale-plan", "-", "-f", output], input=text)
        assert result.exit_code == 1, result.output  # 1e40 is unserved: a finding, no crash
        assert "100000000000000000000000000000" in result.stdout


def test_spot_at_on_demand_price_uses_the_effective_percentage() -> None:
    # Regression: an omitted percentage is AWS's 100 % (no Spot), yet the info fired.
    prices = {"instance_types": {"m5.large": {"on_demand": 0.096}}}

    def codes(purchase: dict[str, Any]) -> set[str]:
        group_plan = _plan(_group_file(2, {"purchase": purchase}, prices)).groups[0]
        return {finding.code for finding in _findings(group_plan)}

    assert "spot-at-on-demand-price" not in codes({})
    assert "spot-at-on-demand-price" not in codes({"on_demand_percentage_above_base": 100})
    assert "spot-at-on-demand-price" in codes({"on_demand_percentage_above_base": 50})


def test_month_is_730_hours() -> None:
    assert HOURS_PER_MONTH == 730
    assert per_month(Fraction(24), 24) == 730
    assert per_month(Fraction(1), 8760) == Fraction(1, 12)


def test_weighted_types_are_priced_per_unit_with_a_range() -> None:
    text = _group_file(
        1,
        {
            "instance_types": {"c5.large": 1, "c5.2xlarge": 4, "c6a.large": 1},
            "min": 4,
            "max": 4,
            "demand": {"hourly": [1]},
            "purchase": {"on_demand_percentage_above_base": 100},
        },
        {"instance_types": {"c5.2xlarge": {"on_demand": 0.36}}},
    )
    pricing = _plan(text).groups[0].pricing
    assert pricing is not None and pricing.dearest is not None and pricing.cheapest is not None
    assert {rate.instance_type: rate.on_demand for rate in pricing.types} == {
        "c5.large": Fraction("0.085"),  # shipped table
        "c5.2xlarge": Fraction("0.09"),  # the file's 0.36 / weight 4
        "c6a.large": Fraction("0.0765"),  # shipped table
    }
    assert (pricing.dearest.on_demand_type, pricing.cheapest.on_demand_type) == (
        "c5.2xlarge",
        "c6a.large",
    )
    assert pricing.costs is not None and pricing.costs.total == 4 * Fraction("0.09")
    assert pricing.cheapest_costs is not None
    assert pricing.cheapest_costs.total == 4 * Fraction("0.0765")
    origins = {rate.instance_type: rate.price.origin for rate in pricing.types}
    assert origins["c5.large"] == FROM_SHIPPED


# -- prices ---------------------------------------------------------------------------------

# autoscaling-purchase.md §6: the only prices archplan may ship.
REFERENCE_PRICES = {
    "t3.nano": "0.0052", "t3.micro": "0.0104", "t3a.micro": "0.0094", "t4g.micro": "0.0084",
    "t2.micro": "0.0116", "t3.medium": "0.0416", "t3a.medium": "0.0376", "t2.medium": "0.0464",
    "t3.large": "0.0835", "m5.large": "0.096", "m4.xlarge": "0.20", "m4.2xlarge": "0.40",
    "c5.large": "0.085", "c5a.large": "0.077", "c6a.large": "0.0765", "c6i.large": "0.085",
    "c7i.large": "0.08925", "c7a.large": "0.10264", "c5.2xlarge": "0.34", "c5.4xlarge": "0.68",
    "c5.12xlarge": "2.04", "c5.18xlarge": "3.06", "c5.24xlarge": "4.08",
}  # fmt: skip


def test_shipped_table_holds_only_reference_prices_each_with_source_and_date() -> None:
    table = shipped_table()
    assert table.region == "us-east-1"
    assert {name: price.on_demand for name, price in table.prices.items()} == {
        name: Decimal(value) for name, value in REFERENCE_PRICES.items()
    }
    for price in table.prices.values():
        assert price.source and re.fullmatch(r"\d{4}-\d{2}-\d{2}", price.date)
    assert table.dates == ("2023-06-15", "2024-10-14")
    assert "dated 2023-06-15 to 2024-10-14" in table.label


def test_without_prices_the_shipped_table_is_used_and_labelled(runner: CliRunner) -> None:
    text = _group_file(2, {"instance_types": ["t3.medium"]})
    result = runner.invoke(app, ["scale-plan", "-", "-f", "json"], input=text)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    prices = report["groups"][0]["prices"]["instance_types"][0]
    assert prices["origin"] == "shipped" and prices["date"] == "2024-10-14"
    assert "instance-selector" in prices["source"]
    assert report["prices"]["shipped"]["newest"] == "2024-10-14"
    text_report = runner.invoke(app, ["scale-plan", "-"], input=text).stdout
    assert "prices dated 2023-06-15 to 2024-10-14" in text_report
    assert "shipped-prices" in text_report


def test_default_discounts_are_labelled() -> None:
    text = _group_file(2, {"purchase": {"commitment": "auto"}})
    group_plan = _plan(text).groups[0]
    assert group_plan.pricing is not None
    assert group_plan.pricing.discount.value == DEFAULT_DISCOUNTS["compute-savings-plan"]
    assert "default-discount" in {finding.code for finding in _findings(group_plan)}


def test_prices_option_overrides_the_file(runner: CliRunner, tmp_path: Path) -> None:
    text = _group_file(2, prices={"source": "file", "instance_types": {
        "m5.large": {"on_demand": 0.2}}})  # fmt: skip
    path = _write(tmp_path, text)
    override = _write(
        tmp_path,
        "prices:\n  source: my 2026 quote\n  instance_types:\n    m5.large: {on_demand: 0.5}\n"
        "  discounts: {compute-savings-plan: 0.25}\n",
        "prices.yaml",
    )
    report = json.loads(
        runner.invoke(app, ["scale-plan", path, "-f", "json", "--prices", override]).stdout
    )
    rate = report["groups"][0]["prices"]["instance_types"][0]
    assert (rate["on_demand"], rate["origin"]) == ("0.5", "--prices")
    assert "my 2026 quote" in rate["source"]
    assert report["groups"][0]["purchase"]["commitment"]["discount"] == "0.25"
    # A bare prices mapping (no `prices:` key) is accepted too.
    bare = _write(tmp_path, "instance_types:\n  m5.large: {on_demand: 0.7}\n", "bare.yaml")
    report = json.loads(
        runner.invoke(app, ["scale-plan", path, "-f", "json", "--prices", bare]).stdout
    )
    assert report["groups"][0]["prices"]["instance_types"][0]["on_demand"] == "0.7"


def test_malformed_prices_file_is_a_located_error(runner: CliRunner, tmp_path: Path) -> None:
    path = _write(tmp_path, _group_file(2))
    bad = _write(tmp_path, "instance_types:\n  m5.large: {on_demand: cheap}\n", "bad-prices.yaml")
    result = runner.invoke(app, ["scale-plan", path, "--prices", bad])
    assert result.exit_code == 2
    assert f"{bad}:2:25: error: on_demand must be a number" in result.stderr
    typo = _write(tmp_path, "instance_type: {}\n", "typo.yaml")
    result = runner.invoke(app, ["scale-plan", path, "--prices", typo])
    assert result.exit_code == 2 and f"{typo}:1:1: error: unknown key" in result.stderr
    missing = str(tmp_path / "nope.yaml")
    result = runner.invoke(app, ["scale-plan", path, "--prices", missing])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_missing_price_is_reported_where_cost_is_needed() -> None:
    group_plan = _plan(_group_file(2, {"instance_types": ["x9.huge", "m5.large"]})).groups[0]
    messages = [
        finding.message for finding in _findings(group_plan) if finding.code == "missing-price"
    ]
    assert messages and "x9.huge" in messages[0]
    assert group_plan.pricing is not None and group_plan.pricing.costs is not None
    unpriced = _plan(_group_file(2, {"instance_types": ["x9.huge"]})).groups[0]
    assert unpriced.pricing is not None and unpriced.pricing.costs is None


# -- demand files ---------------------------------------------------------------------------

STATISTICS_JSON = """{
    "Label": "RequestCount",
    "Datapoints": [
        {"Timestamp": "2024-05-01T01:10:00Z", "Maximum": 250.0, "Average": 120.5, "Unit": "Count"},
        {"Timestamp": "2024-05-01T00:00:00Z", "Maximum": 100, "Average": 80, "Unit": "Count"},
        {"Timestamp": "2024-05-01T01:40:00+00:00", "Maximum": 300.5, "Average": 1, "Unit": "Count"},
        {"Timestamp": "2024-05-01T03:05:00Z", "Maximum": 50, "Average": 5, "Unit": "Count"}
    ]
}
"""

METRIC_DATA_JSON = """{
    "MetricDataResults": [
        {
            "Id": "requests",
            "Label": "RequestCount",
            "Timestamps": ["2024-05-01T02:00:00Z", "2024-05-01T01:00:00Z", "2024-05-01T00:00:00Z"],
            "Values": [30.0, 20.0, 10.0],
            "StatusCode": "Complete"
        }
    ],
    "Messages": []
}
"""

CSV = """# exported from my dashboard
timestamp,value
2024-05-01T00:15:00Z,10
2024-05-01T00:45:00Z,12.5
1714528800,7
"""


def test_get_metric_statistics_json_is_bucketed_by_hour() -> None:
    profile = parse_metrics(STATISTICS_JSON, "m.json")
    assert profile.format == "get-metric-statistics" and profile.statistic == "Maximum"
    # Hours 00, 01, 02 (no point: 0), 03; an hour takes its largest point.
    assert profile.values == (Decimal(100), Decimal("300.5"), Decimal(0), Decimal(50))
    assert profile.start == datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
    assert (profile.points, profile.empty_hours) == (4, 1)


def test_get_metric_data_json() -> None:
    profile = parse_metrics(METRIC_DATA_JSON, "m.json")
    assert profile.format == "get-metric-data"
    assert profile.values == (Decimal(10), Decimal(20), Decimal(30))


def test_csv_with_header_comments_and_epoch_seconds() -> None:
    profile = parse_metrics(CSV, "m.csv")
    assert profile.format == "csv"
    # 1714528800 is 2024-05-01T02:00:00Z; hour 01 has no point.
    assert profile.values == (Decimal("12.5"), Decimal(0), Decimal(7))


def test_extended_statistic_when_it_is_the_only_one() -> None:
    text = (
        '{"Datapoints": [{"Timestamp": "2024-05-01T00:00:00Z", "ExtendedStatistics": {"p99": 7}}]}'
    )
    profile = parse_metrics(text, "m.json")
    assert profile.statistic == "ExtendedStatistics.p99" and profile.values == (Decimal(7),)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            '{"Datapoints": [\n  {"Timestamp": "2024-05-01T00:00:00Z", "Maximum": 1},\n]}',
            3,
            1,
            "not valid JSON",
        ),
        (
            '{"Datapoints": [\n  {"Timestamp": "yesterday", "Maximum": 1}\n]}',
            2,
            17,
            "not a timestamp",
        ),
        (
            '{"Datapoints": [\n  {"Timestamp": "2024-05-01T00:00:00Z", "Maximum": -4}\n]}',
            2,
            52,
            "not a demand value",
        ),
        (
            '{"Datapoints": [\n  {"Timestamp": "2024-05-01T00:00:00Z", "Maximum": NaN}\n]}',
            2,
            52,
            "not a demand value: NaN",
        ),
        (
            '{"Datapoints": [\n  {"Timestamp": "2024-05-01T00:00:00Z", "Maximum": 1},\n'
            '  {"Timestamp": "2024-05-01T01:00:00Z", "Average": 1}\n]}',
            3,
            3,
            'no "Maximum"',
        ),
        (
            '{"Datapoints": [\n  {"Timestamp": "2024-05-01T00:00:00Z", "Unit": "Count"}\n]}',
            2,
            3,
            "no statistic",
        ),
        (
            '{"MetricDataResults": [\n  {"Id": "a", "Timestamps": ["2024-05-01T00:00:00Z"],\n'
            '   "Values": [1, 2]}\n]}',
            3,
            14,
            "2 values for 1 timestamps",
        ),
        ('{"MetricDataResults": [{"Id": "a"}, {"Id": "b"}]}', 1, 23, '2 results ("a", "b")'),
        ('{"Metrics": []}', 1, 1, "not a CloudWatch metrics file"),
        ("timestamp,value\n2024-05-01T00:00:00Z,ten\n", 2, 22, "not a demand value"),
        ("2024-05-01T00:00:00Z,1\nnoon,2\n", 2, 1, "not a timestamp"),
        ("2024-05-01T00:00:00Z,1,2\n", 1, 24, "expected 2 fields"),
        ("timestamp,value\n", None, None, "no data points"),
        ("1,1\n99999999999,1\n", None, None, "span"),
        # Regression: timestamps outside Python's years 1..9999 crashed (ValueError,
        # OverflowError, decimal.DivisionImpossible); now located, milliseconds get a hint.
        (
            "t,v\n1714568400000,1\n",
            2,
            1,
            "outside the years 1 to 9999 as epoch seconds (epoch milliseconds? divide by 1000)",
        ),
        ("t,v\n1e30,1\n", 2, 1, "timestamp 1E+30 is outside the years 1 to 9999 as epoch seconds"),
        ("t,v\n9999-12-31T23:59:59-12:00,1\n", 2, 1, "outside the years 1 to 9999"),
        ("t,v\n0001-01-01T00:00:00+14:00,1\n", 2, 1, "outside the years 1 to 9999"),
        ("t,v\n-99999999999999,1\n", 2, 1, "timestamp -99999999999999 is outside"),
        (
            '{"Datapoints": [\n  {"Timestamp": 123456789012345678901234567890, "Maximum": 1}\n]}',
            2,
            17,
            "outside the years 1 to 9999",
        ),
        (
            '{"MetricDataResults": [{"Id": "a", "Timestamps": [1e30], "Values": [1]}]}',
            1,
            51,
            "outside the years 1 to 9999",
        ),
        # Regression: an integer past int's 4,300-digit text limit raised ValueError.
        (
            '{"Datapoints": [{"Timestamp": 1714568400, "Maximum": ' + "9" * 5000 + "}]}",
            1,
            54,
            "too large to be a real demand",
        ),
        ("t,v\n" + "9" * 5000 + ",1\n", 2, 1, "outside the years 1 to 9999"),
    ],
)
def test_malformed_metrics_are_located(
    text: str, line: int | None, column: int | None, message: str
) -> None:
    with pytest.raises(DemandFileError) as caught:
        parse_metrics(text, "metrics.json")
    error = caught.value
    assert message in error.message
    assert (error.line, error.column) == (line, column)
    assert error.path == "metrics.json"


def test_timestamps_at_the_ends_of_the_date_range() -> None:
    # The first and the last second Python can date are read, as ISO 8601 and epoch seconds.
    for text in ("0001-01-01T00:00:00Z", "-62135596800", "9999-12-31T23:59:59Z", "253402300799.9"):
        profile = parse_metrics(f"{text},1\n", "m.csv")
        assert profile.start is not None and profile.start.year in (1, 9999)
    assert parse_metrics("-0.5,1\n", "m.csv").start == datetime.datetime(
        1969, 12, 31, 23, tzinfo=datetime.UTC
    )  # floored, not truncated


def test_demand_file_through_the_cli(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "web.json").write_text(STATISTICS_JSON, encoding="utf-8")
    text = _group_file(2, {"demand": {"unit": "requests/s", "file": "metrics/web.json"}})
    path = _write(tmp_path, text)
    result = runner.invoke(app, ["scale-plan", path, "-f", "json"])
    assert result.exit_code == 0, result.output
    group = json.loads(result.stdout)["groups"][0]
    assert group["demand"]["file"] == "metrics/web.json"
    assert group["demand"]["start"] == "2024-05-01T00:00:00Z"
    assert [row["demand"] for row in group["hours"]] == ["100", "300.5", "0", "50"]
    assert group["hours"][1]["start"] == "2024-05-01T01:00:00Z"
    assert "demand-gaps" in {finding["code"] for finding in group["findings"]}


def test_malformed_demand_file_exits_two_at_its_place(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "web.csv").write_text("timestamp,value\n2024-05-01T00:00:00Z,-1\n", "utf-8")
    path = _write(tmp_path, _group_file(2, {"demand": {"file": "web.csv"}}))
    result = runner.invoke(app, ["scale-plan", path])
    assert result.exit_code == 2
    where = os.path.join(str(tmp_path), "web.csv")
    assert result.stderr.startswith(f"{where}:2:22: error: not a demand value")
    missing = _write(tmp_path, _group_file(2, {"demand": {"file": "gone.json"}}), "m.yaml")
    result = runner.invoke(app, ["scale-plan", missing])
    # A file that is not there is a mistake of the `file:` value: located in the architecture.
    line = next(
        number
        for number, text in enumerate(Path(missing).read_text("utf-8").splitlines(), 1)
        if "gone.json" in text
    )
    column = Path(missing).read_text("utf-8").splitlines()[line - 1].index("gone.json") + 1
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(
        f'{missing}:{line}:{column}: error: scaling group "web" cannot be planned: '
        'demand.file "gone.json" cannot be read: no such file ('
    )
    assert os.path.join(str(tmp_path), "gone.json") in result.stderr


# -- exit codes and findings ----------------------------------------------------------------


def test_forum_plans_clean(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scale-plan", FORUM])
    assert result.exit_code == 0, result.output


def test_under_provisioned_hours_exit_one_with_shortfall_and_unserved_demand(
    runner: CliRunner,
) -> None:
    # 100 per unit at 100 %; max 4; 650 requests/s need 7 units: 250 left unserved.
    text = _group_file(2, {"max": 4, "demand": {"unit": "requests/s", "hourly": [100, 650, 300]}})
    result = runner.invoke(app, ["scale-plan", "-", "-f", "json"], input=text)
    assert result.exit_code == 1
    group = json.loads(result.stdout)["groups"][0]
    row = group["hours"][1]
    assert (row["needed"], row["required"], row["capacity"], row["shortfall"]) == (7, 7, 4, 3)
    assert row["unserved"] == "250"
    assert group["summary"]["under_provisioned_hours"] == 1
    assert group["summary"]["largest_shortfall"] == 3
    finding = next(item for item in group["findings"] if item["code"] == "unserved-demand")
    assert finding["severity"] == "error"
    assert "250 requests/s left unserved" in finding["message"]


def test_az_loss_shortfall_exits_one(runner: CliRunner) -> None:
    # 3 AZs, max 10: 700 needs 7 units, N+1 needs ceil(7 x 3 / 2) = 11 (4/4/3) > 10.
    text = _group_file(
        3,
        {
            "max": 10,
            "demand": {"unit": "requests/s", "hourly": [700]},
            "availability": {"survive_az_loss": True},
        },
    )
    result = runner.invoke(app, ["scale-plan", "-", "-f", "json"], input=text)
    assert result.exit_code == 1
    group = json.loads(result.stdout)["groups"][0]
    row = group["hours"][0]
    assert (row["needed"], row["required"], row["capacity"]) == (7, 11, 10)
    assert row["unserved"] == "0"
    # Losing the fullest AZ of 10 units over 3 (4/3/3) leaves 6 units: 100 unserved.
    assert row["unserved_after_az_loss"] == "100"
    assert [item["code"] for item in group["findings"] if item["severity"] == "error"] == [
        "az-loss-shortfall"
    ]


def test_one_az_cannot_survive_an_az_loss(runner: CliRunner) -> None:
    text = _group_file(1, {"availability": {"survive_az_loss": True}})
    result = runner.invoke(app, ["scale-plan", "-"], input=text)
    assert result.exit_code == 1
    assert "CANNOT SURVIVE AN AZ LOSS" in result.stdout
    assert "az-loss-impossible" in result.stdout


def test_idle_hours_are_reported() -> None:
    group_plan = _plan(_group_file(2, {"min": 5, "demand": {"hourly": [100, 800]}})).groups[0]
    assert group_plan.capacity == [5, 8]
    assert any(
        finding.code == "idle-capacity" and "4 unit-hours" in finding.message
        for finding in _findings(group_plan)
    )


def test_omitted_percentage_is_a_warning_and_all_on_demand() -> None:
    text = _group_file(2, {"purchase": {"on_demand_base": 0}})
    group_plan = _plan(text).groups[0]
    assert all(group_plan.splits[level].spot == 0 for level in group_plan.splits)
    assert "on-demand-percentage-omitted" in {finding.code for finding in _findings(group_plan)}


def test_unknown_group_is_a_usage_error_naming_the_groups(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scale-plan", FORUM, "--group", "posts"])
    assert result.exit_code == 2
    assert '"users", "topics", "messages"' in result.stderr
    with pytest.raises(UnknownGroup, match="declares no scaling groups"):
        _plan("archplan: 1\n", "x")


def test_group_selection(runner: CliRunner) -> None:
    report = json.loads(
        runner.invoke(app, ["scale-plan", FORUM, "--group", "topics", "-f", "json"]).stdout
    )
    assert [group["name"] for group in report["groups"]] == ["topics"]


def test_unplannable_group_exits_two_and_a_group_without_demand_is_skipped(
    runner: CliRunner,
) -> None:
    text = _group_file(2, {"min": 9, "max": 3})
    result = runner.invoke(app, ["scale-plan", "-"], input=text)
    assert result.exit_code == 2
    assert re.match(
        r'<stdin>:\d+:\d+: error: scaling group "web" cannot be planned: min 9 is above max 3',
        result.stderr,
    ), result.stderr
    no_demand = _group_file(2, {"demand": None})
    result = runner.invoke(app, ["scale-plan", "-"], input=no_demand)
    assert result.exit_code == 0
    assert "Not planned: no demand profile" in result.stdout


def test_unreadable_architecture_exits_two(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["scale-plan", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "no such file" in result.stderr


# -- reports --------------------------------------------------------------------------------


def test_every_format_has_a_renderer_and_every_emit_an_emitter() -> None:
    assert set(RENDERERS) == set(ScaleFormat)
    assert set(EMITTERS) == set(ScaleEmit)


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        (["-f", "json"], "scale-plan-forum-ec2.json"),
        ([], "scale-plan-forum-ec2.txt"),
        (["--emit", "cloudformation"], "scale-plan-forum-ec2.cloudformation.yaml"),
        (["--emit", "terraform"], "scale-plan-forum-ec2.tf"),
        (["--emit", "aws-cli", "--group", "messages"], "scale-plan-forum-ec2.aws-cli.json"),
    ],
)
def test_golden_reports(
    runner: CliRunner, args: list[str], golden: str, update_golden: bool
) -> None:
    """Whole-report snapshots; refresh with `pytest tests/test_scale_plan.py --update-golden`."""
    first = runner.invoke(app, ["scale-plan", FORUM, *args])
    second = runner.invoke(app, ["scale-plan", FORUM, *args])
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout, "output must be byte-identical across runs"
    path = GOLDEN / golden
    if update_golden:
        path.write_text(first.stdout, encoding="utf-8")
    assert first.stdout == path.read_text(encoding="utf-8")


def test_json_shape(runner: CliRunner) -> None:
    report = json.loads(runner.invoke(app, ["scale-plan", FORUM, "-f", "json"]).stdout)
    assert set(report) == {"version", "file", "ok", "prices", "assumptions", "groups", "pools"}
    assert report["assumptions"] == list(ASSUMPTIONS)
    group = report["groups"][0]
    assert set(group) == {
        "name", "planned", "reason", "ok", "vpc", "region", "zones", "capacity", "availability",
        "scaling_policy",
        "purchase", "demand", "summary", "mix", "prices", "cost", "findings", "hours",
    }  # fmt: skip
    row = group["hours"][0]
    assert {
        "hour",
        "demand",
        "required",
        "capacity",
        "committed",
        "on_demand",
        "spot",
        "cost",
    } <= set(row)
    for row in group["hours"]:
        assert row["committed"] + row["on_demand"] + row["spot"] == row["capacity"]
        assert isinstance(row["cost"], str) and isinstance(row["demand"], str)
    cost = group["cost"]
    assert set(cost["per_month"]) == {
        "committed", "on_demand", "spot", "total", "all_on_demand", "saving",
    }  # fmt: skip
    # Exact money: the hourly rows add up to the profile's total.
    total = sum(Decimal(row["cost"]) for row in group["hours"])
    assert total == Decimal(cost["profile"]["total"])
    assert Decimal(cost["range_per_month"]["cheapest"]) <= Decimal(
        cost["range_per_month"]["dearest"]
    )


def test_text_report_shows_chart_mix_cost_prices_findings_and_assumptions(
    runner: CliRunner,
) -> None:
    args = ["scale-plan", FORUM, "--group", "messages", "--width", "1000"]
    text = runner.invoke(app, args).stdout
    for expected in (
        "Units by hour",
        "    capacity ",
        "Purchase mix",
        "per hour",
        "per month (730 h)",
        "c5.xlarge: On-Demand $0.17, Spot $0.081 per hour / weight 2",
        "Findings:",
        "idle-capacity",
        "Prices, first that has the type:",
        "Target tracking [UNCONFIRMED]",
        "split [UNCONFIRMED]",
    ):
        assert expected in text, expected
    assert re.search(r"needed +[▁▂▃▄▅▆▇█ ]{24}\n", text)


@pytest.mark.parametrize(("width", "per_column"), [(60, 187), (80, 131), (100, 101), (200, 92)])
def test_long_profiles_are_folded_to_fit_the_width_and_keep_their_axis(
    width: int, per_column: int
) -> None:
    """A year of hours: as many columns as fit (at most 96), each the largest of its hours,
    with the hour axis labelled in hours under them."""
    text = _group_file(2, {"demand": {"hourly": [float(hour % 24 * 10) for hour in range(8760)]}})
    report = RENDERERS[ScaleFormat.TEXT](_plan(text), "x.yaml", False, width)
    chart = re.search(r"    capacity ([▁▂▃▄▅▆▇█ ]+)\n", report)
    assert chart is not None and len(chart.group(1)) == -(-8760 // per_column) <= 96
    assert f"1 column = {per_column} hours (largest)" in report
    axis = re.search(r"\n    hour     (0 .*)\n", report)
    assert axis is not None and f" {6 * per_column} " in axis.group(1) + " "
    assert all(len(line) <= width for line in report.splitlines())


def test_a_shortfall_is_drawn_as_bars_of_its_own() -> None:
    text = _group_file(2, {"demand": {"hourly": [100.0] * 12 + [9000.0] * 12}})
    report = RENDERERS[ScaleFormat.TEXT](_plan(text), "x.yaml", False, 100)
    short = re.search(r"\n    short    ([▁▂▃▄▅▆▇█ ]+)\n", report)
    assert short is not None
    assert short.group(1)[:12].strip() == "" and short.group(1)[12:].strip() != ""


def test_colour_only_when_asked() -> None:
    result = _plan(_group_file(2))
    assert "\x1b[" in RENDERERS[ScaleFormat.TEXT](result, "x.yaml", True)
    assert "\x1b[" not in RENDERERS[ScaleFormat.TEXT](result, "x.yaml", False)


def test_docs_state_every_assumption() -> None:
    page = (ROOT / "docs" / "scale-plan.md").read_text(encoding="utf-8")
    for assumption in ASSUMPTIONS:
        assert f"- {assumption}\n" in page


def test_json_path_does_not_import_rich(tmp_path: Path) -> None:
    path = _write(tmp_path, _group_file(2))
    code = (
        "import sys\nfrom archplan.cli import main\n"
        f"sys.argv = ['archplan', 'scale-plan', {path!r}, '-f', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('rich.')),"
        " file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stderr.strip() == "[]"
    assert json.loads(result.stdout)["ok"] is True


def test_control_characters_in_names_are_escaped() -> None:
    text = _group_file(2).replace("web:", '"we\\u001b[31mb":')
    report = RENDERERS[ScaleFormat.TEXT](_plan(text), "x.yaml", False)
    assert "\x1b" not in report and "\\x1b" in report


# -- emits ----------------------------------------------------------------------------------


def _forum() -> tuple[Architecture, ScalePlan]:
    architecture = load_architecture(Source(FORUM, (ROOT / FORUM).read_text("utf-8"))).architecture
    return architecture, plan(architecture, price_book(architecture.prices))


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        # Refused before any emit, at the place of min.
        (
            {"min": 5, "max": 3},
            '<stdin>:22:10: error: scaling group "web" cannot be planned: min 5',
        ),
        (
            {"min": 1, "max": 3, "desired": 9},
            'group "web" cannot be written: desired 9 is outside min 1 to max 3',
        ),
    ],
)
def test_emit_refuses_sizes_aws_rejects(
    runner: CliRunner, sizes: dict[str, int], message: str
) -> None:
    # Regression (/tmp/rv/sg/min_gt_max.yaml, desired_out.yaml): these were written, exit 0.
    text = _group_file(2, sizes)
    for emit in ScaleEmit:
        result = runner.invoke(app, ["scale-plan", "-", "--emit", emit.value], input=text)
        assert result.exit_code == 2, (emit, result.output)
        assert result.stdout == ""
        assert message in result.stderr


def test_cloudformation_emit_has_the_resource_shape() -> None:
    architecture, result = _forum()
    template = yaml.safe_load(EMITTERS[ScaleEmit.CLOUDFORMATION](architecture, result, FORUM))
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    parameters = template["Parameters"]
    assert all(value["Type"] == "AWS::EC2::Subnet::Id" for value in parameters.values())
    resources = template["Resources"]
    assert set(resources) == {
        "UsersAutoScalingGroup", "TopicsAutoScalingGroup", "MessagesAutoScalingGroup",
        "UsersScalingPolicy", "TopicsScalingPolicy", "MessagesScalingPolicy",
    }  # fmt: skip
    for logical, resource in resources.items():
        assert re.fullmatch(r"[A-Za-z0-9]+", logical)
        if logical.endswith("ScalingPolicy"):  # each group's target tracking (test_tracking)
            assert resource["Type"] == "AWS::AutoScaling::ScalingPolicy"
            assert resource["Properties"]["AutoScalingGroupName"]["Ref"] in resources
            continue
        assert re.fullmatch(r"[A-Za-z0-9]+", logical)
        assert resource["Type"] == "AWS::AutoScaling::AutoScalingGroup"
        properties = resource["Properties"]
        for key in ("MinSize", "MaxSize", "DesiredCapacity"):
            assert isinstance(properties[key], str) and re.fullmatch(r"[0-9]+", properties[key])
        assert all(ref["Ref"] in parameters for ref in properties["VPCZoneIdentifier"])
        policy = properties["MixedInstancesPolicy"]
        assert set(policy) == {"InstancesDistribution", "LaunchTemplate"}
        distribution = policy["InstancesDistribution"]
        assert isinstance(distribution["OnDemandBaseCapacity"], int)
        assert isinstance(distribution["OnDemandPercentageAboveBaseCapacity"], int)
        specification = policy["LaunchTemplate"]["LaunchTemplateSpecification"]
        assert set(specification) == {"LaunchTemplateName", "Version"}
        for override in policy["LaunchTemplate"]["Overrides"]:
            assert set(override) <= {"InstanceType", "WeightedCapacity"}
            assert isinstance(override.get("WeightedCapacity", ""), str)
    messages = resources["MessagesAutoScalingGroup"]["Properties"]
    assert messages["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"] == [
        {"InstanceType": "c5.large", "WeightedCapacity": "1"},
        {"InstanceType": "c5.xlarge", "WeightedCapacity": "2"},
    ]
    assert (messages["MinSize"], messages["MaxSize"], messages["DesiredCapacity"]) == (
        "4", "24", "6",
    )  # fmt: skip


def test_cloudformation_emit_passes_cfn_lint_when_installed(tmp_path: Path) -> None:
    cfn_lint = shutil.which("cfn-lint")
    # A pyenv shim can exist for a version that does not have the program: ask it first.
    works = cfn_lint is not None and (
        subprocess.run([cfn_lint, "--version"], capture_output=True, timeout=120).returncode == 0
    )
    if cfn_lint is None or not works:
        pytest.skip("cfn-lint is not installed")
    architecture, result = _forum()
    path = tmp_path / "template.yaml"
    path.write_text(EMITTERS[ScaleEmit.CLOUDFORMATION](architecture, result, FORUM), "utf-8")
    checked = subprocess.run([cfn_lint, str(path)], capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _key_types(value: Any, path: str = "") -> dict[str, str]:
    """Every key path of a JSON document (list items as []) with its JSON type."""
    found: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            found[f"{path}.{key}"] = type(item).__name__
            found.update(_key_types(item, f"{path}.{key}"))
    elif isinstance(value, list):
        for item in value:
            found.update(_key_types(item, f"{path}[]"))
    return found


def test_aws_cli_emit_matches_the_documented_cli_input_json_shape() -> None:
    corpus = sorted(CORPUS.glob("*create*.json")) if CORPUS.is_dir() else []
    if not corpus:
        pytest.skip("no create-auto-scaling-group --cli-input-json files beside this checkout")
    documented: dict[str, set[str]] = {}
    for path in corpus:
        for key, kind in _key_types(json.loads(path.read_text("utf-8"))).items():
            documented.setdefault(key, set()).add(kind)
    architecture, result = _forum()
    for group_plan in result.groups:
        emitted = cli_input(architecture, group_plan)
        for key, kind in _key_types(emitted).items():
            assert key in documented, f"{key} is in no documented example"
            assert kind in documented[key], f"{key} is {kind}, documented as {documented[key]}"
        assert {"AutoScalingGroupName", "MinSize", "MaxSize", "MixedInstancesPolicy"} <= set(
            emitted
        )


def test_aws_cli_emit_needs_one_group(runner: CliRunner) -> None:
    result = runner.invoke(app, ["scale-plan", FORUM, "--emit", "aws-cli"])
    assert result.exit_code == 2
    assert "choose it with --group" in result.stderr
    single = runner.invoke(app, ["scale-plan", "-", "--emit", "aws-cli"], input=_group_file(2))
    assert single.exit_code == 0
    assert json.loads(single.stdout)["VPCZoneIdentifier"] == "<id of subnet s0>,<id of subnet s1>"


def test_terraform_emit_has_the_documented_snake_case_blocks() -> None:
    architecture, result = _forum()
    text = EMITTERS[ScaleEmit.TERRAFORM](architecture, result, FORUM)
    assert text.count('resource "aws_autoscaling_group"') == 3
    for block in (
        "mixed_instances_policy {",
        "instances_distribution {",
        "launch_template {",
        "launch_template_specification {",
        "override {",
    ):
        assert f"  {block}" in text, block
    for attribute in (
        "min_size", "max_size", "vpc_zone_identifier",
        "on_demand_base_capacity", "on_demand_percentage_above_base_capacity",
        "spot_allocation_strategy", "launch_template_name", "version", "instance_type",
        "weighted_capacity",
    ):  # fmt: skip
        assert re.search(rf"^ +{attribute} += ", text, re.M), attribute
    assert text.count("{") == text.count("}")
    # Not pinned (issue 13): Terraform would reset the group to it on every apply.
    assert not re.search(r"^ +desired_capacity += ", text, re.M)
    assert "desired_capacity is not pinned" in text
    assert 'weighted_capacity = "2"' in text
    assert 'variable "subnet_forum_app_a"' in text


def test_emits_write_the_omitted_percentage_and_escape_names() -> None:
    # A launch template name with such characters is refused (AP514); the group's name is not.
    name = 'web-"${x}"'
    text = _group_file(2, {"purchase": {}}).replace("  web:\n", f"  {json.dumps(name)}:\n")
    architecture = _architecture(text)
    result = plan(architecture, price_book(None))
    terraform = EMITTERS[ScaleEmit.TERRAFORM](architecture, result, "x.yaml")
    assert "on_demand_percentage_above_base_capacity = 100" in terraform
    assert 'name                = "web-\\"$${x}\\""' in terraform
    template = yaml.safe_load(EMITTERS[ScaleEmit.CLOUDFORMATION](architecture, result, "x.yaml"))
    (properties,) = (
        resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::AutoScaling::AutoScalingGroup"
    )
    assert properties["AutoScalingGroupName"] == name
    policy = properties["MixedInstancesPolicy"]
    assert policy["InstancesDistribution"]["OnDemandPercentageAboveBaseCapacity"] == 100
    assert "Overrides" in policy["LaunchTemplate"]
    assert "WeightedCapacity" not in policy["LaunchTemplate"]["Overrides"][0]


@pytest.mark.parametrize(
    ("group", "template"), [("web", "web"), ("g", "g-template"), ("web / api v2", "web-/-api-v2")]
)
def test_launch_template_defaults_to_a_valid_name_from_the_group(group: str, template: str) -> None:
    text = _group_file(2).replace("  web:\n", f"  {json.dumps(group)}:\n")
    architecture = _architecture(text)
    result = plan(architecture, price_book(None))
    emitted = cli_input(architecture, result.groups[0])
    specification = emitted["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]
    assert specification["LaunchTemplateName"] == template
    assert re.fullmatch(r"[A-Za-z0-9().\-/_]{3,128}", template)


def test_plan_group_without_a_file_profile_uses_hourly() -> None:
    architecture = _architecture(_group_file(2))
    group_plan = plan_group(architecture, architecture.scaling_groups["web"], price_book(None))
    assert group_plan.profile is not None and group_plan.profile.origin == "hourly"
    assert group_plan.hours == 2


def test_configuration_prices_feed_scale_plan(tmp_path: Path) -> None:
    """`prices = "..."` under [tool.archplan] acts as --prices; a broken config is exit 2."""
    import shutil

    from typer.testing import CliRunner

    from archplan.cli import app

    shutil.copy(ROOT / "examples" / "forum.yaml", tmp_path / "forum.yaml")
    (tmp_path / "p.yaml").write_text("instance_types:\n  m5.large: {on_demand: 1.5}\n")
    (tmp_path / ".archplan.toml").write_text('[tool.archplan]\nprices = "p.yaml"\n')
    target = str(tmp_path / "forum.yaml")
    result = CliRunner().invoke(app, ["scale-plan", target, "--format", "json"])
    assert json.loads(result.stdout)["prices"]["prices_file"].endswith("p.yaml")
    (tmp_path / ".archplan.toml").write_text("[tool.archplan\n")
    assert CliRunner().invoke(app, ["scale-plan", target]).exit_code == 2


def test_one_hour_of_demand_is_one_hour(tmp_path: Path) -> None:
    """Demand is "1 hour", not "1 hours" (review5 F29)."""
    text = (ROOT / FORUM).read_text(encoding="utf-8")
    one_hour, count = re.subn(r"hourly: \[[^\]]*\]", "hourly: [600]", text)
    assert count >= 1
    path = tmp_path / "forum.yaml"
    path.write_text(one_hour, encoding="utf-8")
    result = CliRunner().invoke(app, ["scale-plan", str(path)])
    assert "  Demand: 1 hour from demand.hourly;" in result.stdout, result.output
    assert "1 hours" not in result.stdout
