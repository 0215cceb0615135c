"""Part of a file planned as `scale-plan` plans the whole, and the whole file's monthly total.

Groups whose `commitment` is `auto` share commitments (archplan.capacity.pool), so a group's
plan can depend on groups that name nothing in common with it. A pool's key is its groups'
commitment type, and for an EC2 Instance Savings Plan or Reserved Instances their Region and
instance families, and the hours of their profiles. The first three are read from the file
without planning anything (`pool_class`); every group that may share with a group is among
the groups of its class (`sharing`), so planning a part closed under classes
(`plan(..., only=...)`) gives each of its groups and pools exactly the whole file's plan.

The file's total per month is each planned, priced group's cost table (its On-Demand part
uncommitted when it shares a commitment, as scale-plan prints it) with each shared
commitment's `pooled` figure in place of its groups' On-Demand cost (docs/scale-plan.md).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from fractions import Fraction
from typing import NamedTuple

from archplan.capacity.cost import per_month
from archplan.capacity.plan import GroupPlan
from archplan.capacity.pool import ACCOUNT_WIDE, Pool, family
from archplan.model import Architecture, ScalingGroup


class PoolClass(NamedTuple):
    """What of a pool's key the file says without a plan: the commitment type, and where it
    applies (Region and families; None and () for a Compute Savings Plan)."""

    commitment_type: str
    region: str | None
    families: tuple[str, ...]


def pool_class(architecture: Architecture, group: ScalingGroup) -> PoolClass | None:
    """The class of the pools the group may join; None when its commitment is not `auto`
    (such a group shares nothing). Read as plan._member and pool.key_of read a plan."""
    purchase = group.purchase
    if purchase.commitment != "auto":
        return None
    if purchase.commitment_type == ACCOUNT_WIDE:
        return PoolClass(purchase.commitment_type, None, ())
    vpc = architecture.vpcs.get(group.vpc) if group.vpc is not None else None
    region = vpc.region if vpc is not None else architecture.default_region
    families = tuple(sorted({family(name) for name in group.instance_types}))
    return PoolClass(purchase.commitment_type, region, families)


def class_of(pool: Pool) -> PoolClass:
    return PoolClass(pool.key.commitment_type, pool.key.region, pool.key.families)


def sharing(architecture: Architecture, classes: Collection[PoolClass]) -> set[str]:
    """The groups of the file in any of `classes`: every group that may share a commitment
    with a group of those classes."""
    if not classes:
        return set()
    return {
        name
        for name, group in architecture.scaling_groups.items()
        if pool_class(architecture, group) in classes
    }


def group_monthly(plan: GroupPlan) -> Fraction | None:
    """A group's cost table per 730-hour month at the dearest rates (as scale-plan prints it);
    None when it is not planned or not priced."""
    pricing = plan.pricing
    if not plan.planned or pricing is None or pricing.costs is None or not plan.hours:
        return None
    return per_month(pricing.costs.total, plan.hours)


def pool_monthly(pool: Pool) -> Fraction:
    """What sharing changes in the file's total per month: the pooled On-Demand part in place
    of its groups' uncommitted On-Demand cost (which their cost tables count)."""
    return per_month(pool.cost - pool.all_on_demand, pool.hours)


def monthly_total(groups: Iterable[GroupPlan], pools: Iterable[Pool]) -> Fraction:
    """The file's scaling groups per month: the priced groups' tables and the pools' part."""
    total = Fraction(0)
    for plan in groups:
        monthly = group_monthly(plan)
        if monthly is not None:
            total += monthly
    return total + sum((pool_monthly(pool) for pool in pools), Fraction(0))
