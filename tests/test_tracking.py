"""scale-plan's target-tracking policy: AWS, simulated with the emitted values, never runs below
the plan's N+1 capacity in any hour (archplan.capacity.tracking), on the examples and on random
groups; the emitted forms carry the chosen target and min, and Terraform does not pin
desired_capacity."""

from __future__ import annotations

import json
import math
import os
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from archplan.capacity.choices import ScaleEmit
from archplan.capacity.emit import EMITTERS, cli_input, policy_input
from archplan.capacity.plan import GroupPlan, plan
from archplan.capacity.tracking import METRICS, Choice, choose, simulate
from archplan.engine import load_architecture
from archplan.prices import price_book
from archplan.source import Source
from tests.conftest import ROOT

# Random groups checked: a small budget in CI, more with ARCHPLAN_TRACKING_CASES=20000.
CASES = int(os.environ.get("ARCHPLAN_TRACKING_CASES", "400"))


def _aws(
    values: list[Decimal], per_unit: Decimal, metric: str, target: Decimal, low: int, high: int
) -> list[int]:
    """AWS target tracking written out plainly, one Fraction per hour: desired =
    ceil(load / (per-instance capacity x target)), clamped to min..max."""
    if METRICS[metric].percent:
        at_target = Fraction(per_unit) * Fraction(target) / 100
    else:
        at_target = Fraction(target)
    return [min(max(math.ceil(Fraction(value) / at_target), low), high) for value in values]


def _plans(path: Path) -> list[GroupPlan]:
    architecture = load_architecture(Source(str(path), path.read_text("utf-8"))).architecture
    result = plan(architecture, price_book(architecture.prices), None, str(path.parent))
    return [group for group in result.groups if group.planned]


def _holds(group: GroupPlan) -> None:
    policy = choose(group)
    assert policy.choice is not Choice.NONE, policy.reason
    assert policy.target_value is not None and group.profile is not None
    assert group.group.per_unit is not None
    held = _aws(
        list(group.profile.values),
        group.group.per_unit,
        group.group.metric,
        policy.target_value,
        policy.min,
        group.maximum,
    )
    assert held == list(policy.capacity)
    below = [hour for hour, units in enumerate(held) if units < group.capacity[hour]]
    assert not below, (group.name, policy, below)
    assert policy.excess_unit_hours == sum(held) - sum(group.capacity)
    assert policy.min >= group.minimum
    if policy.choice is Choice.TARGET:
        assert policy.min == group.minimum and policy.target_value == policy.nominal
    if policy.choice is Choice.LOWERED_TARGET:
        # The highest target on the metric's step: one step more runs below the plan somewhere.
        higher = policy.target_value + policy.metric.step
        again = _aws(
            list(group.profile.values),
            group.group.per_unit,
            group.group.metric,
            higher,
            policy.min,
            group.maximum,
        )
        assert any(units < group.capacity[hour] for hour, units in enumerate(again))
        assert policy.target_value < (policy.nominal or 0)
    if policy.choice is Choice.MIN:
        assert policy.target_value == policy.nominal and policy.min > group.minimum
    if policy.short_hours_at_nominal:
        # The nominal target alone (t x (N-1)/N) really falls short, as the reason says.
        nominal = _aws(
            list(group.profile.values),
            group.group.per_unit,
            group.group.metric,
            policy.nominal or Decimal(0),
            group.minimum,
            group.maximum,
        )
        short = sum(units < group.capacity[hour] for hour, units in enumerate(nominal))
        assert short == policy.short_hours_at_nominal


EXAMPLES = sorted(
    path
    for path in [
        *ROOT.glob("examples/*.yaml"),
        *ROOT.glob("examples/*/*.yaml"),
        *ROOT.glob("examples/broken/AP51*.yaml"),
    ]
    if "scaling_groups" in path.read_text("utf-8")
)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_the_policy_holds_the_plan_on_the_examples(path: Path) -> None:
    groups = [group for group in _plans(path) if group.group.per_unit is not None]
    for group in groups:
        if group.hosts_tasks:  # a capacity provider: ECS managed scaling sizes it
            assert choose(group).choice is Choice.NONE
            continue
        _holds(group)


def test_the_forum_example_needs_a_lowered_target() -> None:
    """60 % x (2 - 1) / 2 = 30 % falls short: AWS rounds once where the plan rounds twice."""
    (users,) = [
        group for group in _plans(ROOT / "examples/forum-ec2.yaml") if group.name == "users"
    ]
    policy = choose(users)
    assert policy.choice is Choice.LOWERED_TARGET
    assert (policy.nominal, policy.target_value, policy.short_hours_at_nominal) == (
        Decimal("30.00"),
        Decimal("26.66"),
        5,
    )


def _file(group: dict[str, Any], zones: int) -> str:
    subnets = {
        f"s{index}": {"cidr": f"10.0.{index}.0/24", "az": f"us-east-1{'abcdef'[index]}"}
        for index in range(zones)
    }
    body = {"vpc": "app", "subnets": list(subnets), "instance_types": ["m5.large"], **group}
    return yaml.safe_dump(
        {
            "archplan": 1,
            "defaults": {"region": "us-east-1"},
            "vpcs": {"app": {"cidr": "10.0.0.0/16", "subnets": subnets}},
            "scaling_groups": {"web": body},
        },
        sort_keys=False,
    )


def _random_group(rng: random.Random) -> tuple[dict[str, Any], int]:
    low = rng.randint(0, 4)
    hours = rng.randint(1, 30)
    scale = rng.choice([1, 10, 100])
    return (
        {
            "min": low,
            "max": low + rng.randint(0, 40),
            "capacity": {
                "per_unit": rng.choice([1, 3, 7, 50, 100, 120, 333])
                * Decimal(rng.choice(["1", "0.5", "1.25"])),
                "target_utilization": rng.randint(1, 100),
                "metric": rng.choice(["cpu", "cpu", "network-in"]),
            },
            "demand": {
                "hourly": [
                    rng.randint(0, 60 * scale) / Decimal(rng.choice([1, 4, 10]))
                    for _ in range(hours)
                ]
            },
            "availability": {"survive_az_loss": rng.random() < 0.8},
        },
        rng.randint(1, 5),
    )


def _decimals_to_float(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dict):
        return {key: _decimals_to_float(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decimals_to_float(item) for item in value]
    return value


def test_random_groups_never_run_below_the_plan() -> None:
    rng = random.Random(13)
    choices: set[Choice] = set()
    for _ in range(CASES):
        group, zones = _random_group(rng)
        text = _file(_decimals_to_float(group), zones)
        architecture = load_architecture(Source("random.yaml", text)).architecture
        (planned,) = plan(architecture, price_book(None)).groups
        if not planned.planned:
            continue
        policy = choose(planned)
        choices.add(policy.choice)
        if policy.choice is Choice.NONE:
            assert policy.metric.key == "network-in"  # a target below one byte per instance
            continue
        _holds(planned)
    assert {Choice.TARGET, Choice.LOWERED_TARGET, Choice.MIN} <= choices


def test_simulate_is_the_plain_formula() -> None:
    values = [Decimal("1.1"), Decimal(0), Decimal("250"), Decimal("7")]
    for target in (Decimal("40.00"), Decimal("26.66"), Decimal("100")):
        assert simulate(values, METRICS["cpu"], Decimal(100), target, 1, 9) == _aws(
            values, Decimal(100), "cpu", target, 1, 9
        )


def _forum() -> tuple[Any, Any]:
    path = ROOT / "examples/forum-ec2.yaml"
    architecture = load_architecture(Source(str(path), path.read_text("utf-8"))).architecture
    return architecture, plan(
        architecture, price_book(architecture.prices), "users", str(path.parent)
    )


def test_emitted_forms_carry_the_chosen_policy() -> None:
    architecture, result = _forum()
    (users,) = result.groups
    policy = choose(users)
    cloudformation = yaml.safe_load(EMITTERS[ScaleEmit.CLOUDFORMATION](architecture, result, "f"))
    resources = cloudformation["Resources"]
    scaling = resources["UsersScalingPolicy"]["Properties"]
    assert scaling["PolicyType"] == "TargetTrackingScaling"
    assert scaling["AutoScalingGroupName"] == {"Ref": "UsersAutoScalingGroup"}
    configuration = scaling["TargetTrackingConfiguration"]
    assert Decimal(str(configuration["TargetValue"])) == policy.target_value
    assert configuration["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "ASGAverageCPUUtilization"
    }
    assert resources["UsersAutoScalingGroup"]["Properties"]["MinSize"] == str(policy.min)
    document = policy_input(users)
    assert (
        Decimal(str(document["TargetTrackingConfiguration"]["TargetValue"])) == policy.target_value
    )
    assert json.loads(EMITTERS[ScaleEmit.AWS_CLI_POLICY](architecture, result, "f")) == document
    terraform = EMITTERS[ScaleEmit.TERRAFORM](architecture, result, "f")
    assert f"target_value = {policy.target_value}" in terraform
    assert 'resource "aws_autoscaling_policy" "users"' in terraform


def test_a_raised_min_is_written_and_terraform_never_pins_desired() -> None:
    # Over 3 AZs at 60 %: 40 % holds 2 units where the plan holds 3 at a demand of 66 (1.1
    # units), and holds the 30 the plan needs at 1,200. A target low enough for the quiet hours
    # (32.99 %) would run 37 in the busy ones; min 3 costs nothing more.
    text = _file(
        {
            "min": 1,
            "max": 40,
            "desired": 2,
            "capacity": {"per_unit": 100, "target_utilization": 60},
            "demand": {"hourly": [66, 66] + [1200] * 20},
            "availability": {"survive_az_loss": True},
        },
        3,
    )
    architecture = load_architecture(Source("min.yaml", text)).architecture
    result = plan(architecture, price_book(None))
    (web,) = result.groups
    policy = choose(web)
    assert policy.choice is Choice.MIN and policy.min == 3 and policy.excess_unit_hours == 0
    _holds(web)
    document = cli_input(architecture, web)
    assert (document["MinSize"], document["DesiredCapacity"]) == (3, 3)
    terraform = EMITTERS[ScaleEmit.TERRAFORM](architecture, result, "min.yaml")
    assert "min_size            = 3" in terraform or "min_size = 3" in terraform.replace("  ", " ")
    assert "desired_capacity" not in terraform.replace("desired_capacity is not pinned", "")
    for path in EXAMPLES:
        architecture = load_architecture(Source(str(path), path.read_text("utf-8"))).architecture
        every = plan(architecture, price_book(architecture.prices), None, str(path.parent))
        try:
            written = EMITTERS[ScaleEmit.TERRAFORM](architecture, every, path.name)
        except ValueError:
            continue
        lines = [line for line in written.splitlines() if not line.lstrip().startswith("#")]
        assert not any("desired_capacity" in line for line in lines), path


def test_the_metric_field_is_checked_and_spelt(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from archplan.cli import app

    forum = (ROOT / "examples/forum-ec2.yaml").read_text("utf-8")
    cases = (
        ("metirc: cpu", 'unknown key "metirc" (did you mean "metric"?)', "validate"),
        (
            "metric: memory",
            'capacity.metric is invalid: must be one of: cpu, network-in, network-out, got "memory"',
            "scale-plan",
        ),
    )
    for written, said, command in cases:
        text = forum.replace("target_utilization: 60}", f"target_utilization: 60, {written}}}")
        path = tmp_path / "forum.yaml"
        path.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(app, [command, str(path)])
        assert said in result.output, result.output
        if command == "scale-plan":
            assert result.exit_code == 2
    text = forum.replace("target_utilization: 60}", "target_utilization: 60, metric: network-in}")
    architecture = load_architecture(Source("n.yaml", text)).architecture
    result = plan(architecture, price_book(architecture.prices), "users", str(ROOT / "examples"))
    (users,) = result.groups
    policy = choose(users)
    assert policy.metric.aws == "ASGAverageNetworkIn"
    # A load per instance in the demand's unit: per_unit 200 x 60 % x (2 - 1) / 2 = 60.
    assert policy.nominal == Decimal(60)
    _holds(users)
