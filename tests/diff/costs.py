"""What `scale-plan` says of one whole version, for the diff's cost tests: its plan through the
library, each group's figures as the diff reports them, and the file's monthly total as
docs/scale-plan.md defines it (the groups' cost tables, with each shared commitment's `pooled`
figure in place of its groups' On-Demand cost)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import yaml

from archplan.capacity.cost import per_month
from archplan.capacity.plan import GroupPlan, ScalePlan, plan
from archplan.diff.effects import GroupFigures
from archplan.diff.sides import from_text
from archplan.model import Architecture
from archplan.prices import price_book


def architecture_of(text: str) -> Architecture:
    return from_text("estate.yaml", text).loaded.architecture


def scale_plan_of(text: str, folder: str) -> ScalePlan:
    """`archplan scale-plan` of the whole file (every group, shared commitments included)."""
    architecture = architecture_of(text)
    return plan(architecture, price_book(architecture.prices), None, folder)


def figures(group: GroupPlan) -> GroupFigures:
    """One group of a whole-file plan as the diff reports it."""
    if not group.planned:
        return GroupFigures(False, group.reason, 0, 0, 0, 0, 0, 0, None)
    peak = max(group.capacity)
    split = group.splits[peak]
    costs = group.pricing.costs if group.pricing is not None else None
    return GroupFigures(
        True,
        None,
        max(group.required),
        peak,
        split.committed,
        split.on_demand,
        split.spot,
        group.commitment,
        per_month(costs.total, group.hours) if costs is not None else None,
        group.pooled,
    )


def figures_by_group(whole: ScalePlan) -> dict[str, GroupFigures]:
    return {group.name: figures(group) for group in whole.groups}


def scale_plan_total(whole: ScalePlan) -> Fraction:
    """The file's scaling groups per 730-hour month: each priced group's cost table, less the
    On-Demand cost of the groups in a shared commitment, plus each shared commitment's pooled
    On-Demand part."""
    total = Fraction(0)
    pooled = {name for pool in whole.pools for name in pool.groups}
    for group in whole.groups:
        costs = group.pricing.costs if group.pricing is not None else None
        if not group.planned or costs is None:
            continue
        total += per_month(costs.total, group.hours)
        if group.name in pooled:
            total -= per_month(costs.on_demand, group.hours)
    for pool in whole.pools:
        total += per_month(pool.cost, pool.hours)
    return total


DAY = [1000] * 12 + [0] * 12  # busy the first half of the day
NIGHT = [0] * 12 + [1000] * 12  # busy the second half


def estate(groups: dict[str, dict[str, Any]], discount: str = "0.4") -> str:
    """A file of one VPC per group (us-east-1 unless the group's `region` says), each group all
    On-Demand at 1 USD per unit-hour (m5.large; c5.large too), `commitment: auto` of a Compute
    Savings Plan unless its entries say otherwise; a group's entries replace the defaults
    (`purchase` entries one by one)."""
    vpcs: dict[str, Any] = {}
    scaling: dict[str, Any] = {}
    for index, (name, extra) in enumerate(groups.items()):
        own = dict(extra)
        region = own.pop("region", "us-east-1")
        vpcs[f"v{name}"] = {
            "cidr": f"10.{index}.0.0/16",
            "region": region,
            "subnets": {f"{name}-a": {"cidr": f"10.{index}.1.0/24", "az": f"{region}a"}},
        }
        purchase = {
            "on_demand_percentage_above_base": 100,
            "commitment": "auto",
            "commitment_type": "compute-savings-plan",
            **own.pop("purchase", {}),
        }
        scaling[name] = {
            "vpc": f"v{name}",
            "subnets": [f"{name}-a"],
            "instance_types": {"m5.large": 1},
            "min": 0,
            "max": 40,
            "capacity": {"per_unit": 100, "target_utilization": 100},
            "demand": {"unit": "requests/s", "hourly": DAY},
            "purchase": purchase,
            **own,
        }
    prices = {
        "instance_types": {"m5.large": {"on_demand": 1}, "c5.large": {"on_demand": 1}},
        "discounts": {
            kind: float(discount) for kind in ("compute-savings-plan", "ec2-instance-savings-plan")
        },
    }
    document = {"archplan": 1, "vpcs": vpcs, "scaling_groups": scaling, "prices": prices}
    return yaml.safe_dump(document, sort_keys=False)
