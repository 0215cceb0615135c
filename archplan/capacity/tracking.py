"""The target-tracking policy `scale-plan --emit` writes, chosen so AWS holds the planned capacity.

The plan sizes each hour as required = ceil(needed x N / (N - 1)), with needed = ceil(demand /
(per_unit x t / 100)), clamped to min..max. AWS target tracking keeps the group at about
desired = ceil(load / (load per instance at the target)), clamped to min..max: it rounds once
where the plan rounds twice. So a policy at t x (N - 1) / N can run one or more instances
below the plan (5 units needed at 60 % over 3 AZs: the plan holds 8, AWS at 40 % 7.5 -> 8, but
at a demand of 1.1 units AWS holds ceil(1.65) = 2 where the plan holds 3), and an hour whose
capacity is min or max is set by the clamp, not the target.

For each group the plan therefore simulates AWS hour by hour with each candidate policy and
keeps the cheapest that never runs below the plan's capacity in any hour:
- `target`: t x (N - 1) / N (t itself without an N+1 margin), rounded down to the metric's step;
- `lowered-target`: the highest target on the metric's step that holds every hour (found
  exactly: an hour at planned capacity c needs load / L > c - 1, L the load per instance at the
  target, so L must stay below the least load / (c - 1) of those hours);
- `min`: t x (N - 1) / N with min raised to the largest capacity it would miss.
Cheapest is fewest unit-hours over the profile; ties go in that order. The extra unit-hours
AWS runs above the plan are reported, since the plan's cost does not include them.

Exact integers and fractions throughout; the simulation is the property the tests check
(tests/test_tracking.py, brute force over random groups).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from archplan.capacity.plan import GroupPlan


class Metric(NamedTuple):
    """A predefined target-tracking metric of Auto Scaling groups."""

    key: str  # the file's capacity.metric
    aws: str  # PredefinedMetricType
    percent: bool  # the target is a utilization percentage; else a load per instance
    step: Decimal  # the precision the target is written with (rounded down to it)


# capacity.metric -> the metric. CPU is a percentage of what an instance serves at 100 %
# (`per_unit`); the network metrics are an average per instance in the demand's own unit.
METRICS: dict[str, Metric] = {
    "cpu": Metric("cpu", "ASGAverageCPUUtilization", True, Decimal("0.01")),
    "network-in": Metric("network-in", "ASGAverageNetworkIn", False, Decimal(1)),
    "network-out": Metric("network-out", "ASGAverageNetworkOut", False, Decimal(1)),
}
DEFAULT_METRIC = "cpu"


class Choice(enum.StrEnum):
    """How the policy makes AWS hold the planned capacity."""

    TARGET = "target"  # t x (N - 1) / N (or t without N+1) holds every hour
    LOWERED_TARGET = "lowered-target"  # a lower target holds every hour
    MIN = "min"  # t x (N - 1) / N with a higher min
    NONE = "none"  # no policy is written (reason says why)


class TrackingPolicy(NamedTuple):
    """The policy of one group, why, and what AWS then runs."""

    choice: Choice
    reason: str
    metric: Metric
    target_value: Decimal | None  # as written: percent for CPU, load per instance otherwise
    min: int  # the MinSize written with the policy (the file's min unless choice is MIN)
    nominal: Decimal | None  # t x (N - 1) / N (or t), rounded down to the metric's step
    short_hours_at_nominal: int  # hours AWS would run below the plan at `nominal`
    capacity: tuple[int, ...]  # what AWS holds each hour with this policy (the simulation)
    excess_unit_hours: int  # unit-hours AWS runs above the plan over the profile


class _Loads(NamedTuple):
    """A profile's demands over one common denominator: load_h = scaled[h] / denominator."""

    scaled: list[int]
    denominator: int


def _loads(values: Sequence[Decimal]) -> _Loads:
    ratios = [value.as_integer_ratio() for value in values]
    denominator = math.lcm(*{below for _, below in ratios}) if ratios else 1
    return _Loads([above * (denominator // below) for above, below in ratios], denominator)


def per_instance_load(metric: Metric, per_unit: Decimal, target_value: Decimal) -> Fraction:
    """The load one capacity unit carries when the metric is at `target_value`."""
    if metric.percent:
        return Fraction(per_unit) * Fraction(target_value) / 100
    return Fraction(target_value)


def simulate(
    values: Sequence[Decimal],
    metric: Metric,
    per_unit: Decimal,
    target_value: Decimal,
    low: int,
    high: int,
) -> list[int]:
    """What AWS target tracking holds each hour: ceil(load / load per unit at the target),
    clamped to low..high (the steady state; warm-up and cooldowns are not modelled)."""
    return _simulate(_loads(values), per_instance_load(metric, per_unit, target_value), low, high)


def _simulate(loads: _Loads, at_target: Fraction, low: int, high: int) -> list[int]:
    above, below = at_target.numerator, at_target.denominator
    divisor = loads.denominator * above
    # The hot loop (once per hour, up to three policies per group): ceil_div inlined.
    result = [-(-amount * below // divisor) for amount in loads.scaled]
    return [low if units < low else high if units > high else units for units in result]


def _bound(loads: _Loads, planned: Sequence[int], low: int) -> Fraction | None:
    """The load per unit every hour above min at planned capacity c >= 2 must stay below:
    AWS holds c when load / L > c - 1, so L < load / (c - 1) (the least of them)."""
    best: tuple[int, int] | None = None  # load / (c - 1) as (scaled load, c - 1)
    for amount, units in zip(loads.scaled, planned, strict=True):
        if (
            units > low
            and units >= 2
            and (best is None or amount * best[1] < best[0] * (units - 1))
        ):
            best = (amount, units - 1)
    return None if best is None else Fraction(best[0], loads.denominator * best[1])


def _round_down(value: Fraction, step: Decimal) -> Decimal:
    """`value` rounded down to a multiple of `step`."""
    count = math.floor(value / Fraction(step))
    return Decimal(count) * step


def _highest_below(bound: Fraction, step: Decimal) -> Decimal:
    """The largest multiple of `step` strictly below `bound`."""
    count = math.ceil(bound / Fraction(step)) - 1
    return Decimal(count) * step


def _target_from_load(metric: Metric, per_unit: Decimal, load: Fraction) -> Fraction:
    """The metric's target value at which one unit carries `load`."""
    return load * 100 / Fraction(per_unit) if metric.percent else load


def choose(plan: GroupPlan) -> TrackingPolicy:
    """The policy `--emit` writes for a planned group (see the module docstring)."""
    group = plan.group
    metric = METRICS.get(group.metric, METRICS[DEFAULT_METRIC])
    planned = plan.capacity
    low, high = plan.minimum, plan.maximum

    def none(reason: str) -> TrackingPolicy:
        return TrackingPolicy(Choice.NONE, reason, metric, None, low, None, 0, (), 0)

    if not plan.planned or plan.profile is None:
        return none("the group is not planned")
    if group.per_unit is None:
        return none(
            "it is sized by the ECS tasks packed onto it: ECS managed scaling (the capacity "
            "provider) sets its size, not a target-tracking policy"
        )
    if plan.hosts_tasks:
        return none(
            "its capacity includes the ECS tasks packed onto it, which its own demand's "
            "metric does not measure: ECS managed scaling (the capacity provider) sizes it"
        )
    per_unit = group.per_unit
    loads = _loads(plan.profile.values)
    t = group.target_utilization
    n = len(plan.zones)
    margin = plan.az_loss_asked and plan.az_loss_possible
    at_target = Fraction(group.per_unit) * t / 100
    if margin:
        at_target = at_target * (n - 1) / n
    nominal = _round_down(_target_from_load(metric, group.per_unit, at_target), metric.step)
    if margin:
        written = f"{t} %" if metric.percent else f"per_unit x {t} %"
        nominal_text = f"{written} x ({n} - 1) / {n} = {_percent(metric, nominal)}"
    else:
        nominal_text = f"{_percent(metric, nominal)} (target_utilization; no N+1 margin)"

    def run(value: Decimal, floor: int) -> list[int]:
        load = per_instance_load(metric, per_unit, value)
        return _simulate(loads, load, floor, high)

    def excess(held: list[int]) -> int:
        return sum(held) - sum(planned)

    candidates: list[tuple[int, int, TrackingPolicy]] = []  # (unit-hours, order, policy)
    short_hours = 0
    if nominal > 0:
        held = run(nominal, low)
        short = [hour for hour, units in enumerate(held) if units < planned[hour]]
        short_hours = len(short)
        if not short:
            why = f"target tracking at {nominal_text} holds the planned capacity in every hour" + (
                f": after losing one of {n} AZs, the other {n - 1} run at most {t} %"
                if margin
                else ""
            )
            policy = TrackingPolicy(
                Choice.TARGET, why, metric, nominal, low, nominal, 0, tuple(held), excess(held)
            )
            candidates.append((sum(held), 0, policy))
        else:
            raised = max(planned[hour] for hour in short)
            held = run(nominal, raised)
            why = (
                f"target tracking at {nominal_text} alone would run below the plan in "
                f"{_hours(short_hours)} (AWS rounds the instance count up once, the plan "
                f"rounds needed and then the N+1 total); min {raised} holds them"
            )
            policy = TrackingPolicy(
                Choice.MIN,
                why,
                metric,
                nominal,
                raised,
                nominal,
                short_hours,
                tuple(held),
                excess(held),
            )
            candidates.append((sum(held), 2, policy))
    bound = _bound(loads, planned, low) if short_hours else None
    if bound is not None:
        lowered = _highest_below(_target_from_load(metric, group.per_unit, bound), metric.step)
        if nominal > lowered > 0:
            held = run(lowered, low)
            why = (
                f"target tracking at {nominal_text} alone would run below the plan in "
                f"{_hours(short_hours)} (AWS rounds the instance count up once, the plan rounds "
                f"needed and then the N+1 total); {_percent(metric, lowered)} is the highest "
                "target that holds every hour"
            )
            policy = TrackingPolicy(
                Choice.LOWERED_TARGET,
                why,
                metric,
                lowered,
                low,
                nominal,
                short_hours,
                tuple(held),
                excess(held),
            )
            candidates.append((sum(held), 1, policy))
    if not candidates:
        return none(f"no {metric.aws} target of at least {metric.step} holds the plan")
    return min(candidates, key=lambda item: (item[0], item[1]))[2]


def _percent(metric: Metric, value: Decimal) -> str:
    return f"{value} %" if metric.percent else str(value)


def _hours(count: int) -> str:
    return f"{count} hour" + ("" if count == 1 else "s")
