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
from archplan.diff.effects import Costs, GroupFigures
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
    (`purchase` entries one by one; `region` is its VPC's, `az` its subnet's or None for
    none, `index` picks its VPC's block)."""
    vpcs: dict[str, Any] = {}
    scaling: dict[str, Any] = {}
    for index, (name, extra) in enumerate(groups.items()):
        own = dict(extra)
        region = own.pop("region", "us-east-1")
        index = own.pop("index", index)  # the VPC's block: kept when other groups go
        subnet = {"cidr": f"10.{index}.1.0/24"}
        zone = own.pop("az", f"{region}a")
        if zone is not None:  # None: the subnet's zone is not written
            subnet["az"] = zone
        vpcs[f"v{name}"] = {
            "cidr": f"10.{index}.0.0/16",
            "region": region,
            "subnets": {f"{name}-a": subnet},
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


def costs_of(old_text: str, new_text: str, folder: str = ".") -> Costs:
    """The diff's capacity and cost of two versions (its cost step alone: the findings of
    each version, which the whole diff also computes, play no part in it)."""
    from archplan.diff.changes import object_changes
    from archplan.diff.effects import Settings, costs
    from archplan.diff.match import objects

    old = from_text("old.yaml", old_text, folder)
    new = from_text("new.yaml", new_text, folder)
    changes = object_changes(old, new, objects(old.data), objects(new.data))
    return costs(old, new, changes, Settings())


def check_against_scale_plan(old_text: str, new_text: str, folder: str = ".") -> Costs:
    """The diff's costs of two versions, checked against scale-plan of each whole version:
    every group listed has scale-plan's figures in each, every group whose figures differ is
    listed, and each total is scale-plan's total of the version and its transit gateway part."""
    old_plan, new_plan = scale_plan_of(old_text, folder), scale_plan_of(new_text, folder)
    found = costs_of(old_text, new_text, folder)
    old_figures, new_figures = figures_by_group(old_plan), figures_by_group(new_plan)
    listed = {group.name for group in found.groups}
    for group in found.groups:
        assert group.old == old_figures.get(group.name), group.name
        assert group.new == new_figures.get(group.name), group.name
    for name in set(old_figures) | set(new_figures):
        if old_figures.get(name) != new_figures.get(name):
            assert name in listed, name
    transit = found.transit.monthly
    assert found.old_total == scale_plan_total(old_plan) + Fraction(transit[0])
    assert found.new_total == scale_plan_total(new_plan) + Fraction(transit[1])
    return found
