"""A scaling group's purchase options: the On-Demand/Spot mix, the On-Demand base, the lowest-price
Spot strategy."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture, ScalingGroup
from archplan.rules.registry import Problem, Related, rule

WARNING, INFO = Severity.WARNING, Severity.INFO


@rule(
    "AP507",
    "on-demand-percentage-default",
    WARNING,
    "A scaling group that leaves the On-Demand percentage to AWS's default of 100.",
)
def on_demand_percentage_default(architecture: Architecture) -> Iterator[Problem]:
    """Without `on_demand_percentage_above_base` AWS uses 100: all capacity is On-Demand.

    Users who list several instance types and a Spot strategy expect Spot, and find a bill
    for On-Demand instead (eksctl users hit exactly this). Say what you mean: 100 for all
    On-Demand, or a lower percentage to run the rest on Spot (30 gives 70 % Spot above the
    base; AWS rounds the On-Demand share up). A percentage written with an invalid value
    (101, -1, "half") is not left out: invalid-value (AP006) alone reports it.

    The rule speaks only where the group shows it means to mix purchase options: several
    instance types (a mixed instances policy), an `on_demand_base` or a
    `spot_allocation_strategy` under `purchase`. A group with one instance type and no such
    field (a launch template or configuration alone, as most templates have) has no
    On-Demand/Spot split to set, and is all On-Demand as AWS documents. A group with a field
    that was rejected or unknown (`purchse:`, instance types of the wrong type) is left to
    that finding: what it meant is not known.

    Changed: narrowed the scope: the rule no longer fires on a group with one
    instance type and no Spot field (it fired on every such group, a false warning on most
    real templates), nor beside a rejected or unknown purchase key.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            purchase: {on_demand_base: 2, spot_allocation_strategy: price-capacity-optimized}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            purchase:
              on_demand_base: 2
              on_demand_percentage_above_base: 30
              spot_allocation_strategy: price-capacity-optimized
          batch:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [c6i.large]
            min: 1
            max: 4

    References:
        Amazon EC2 Auto Scaling API Reference, "InstancesDistribution" <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html>
        Amazon EC2 Auto Scaling User Guide, "Auto Scaling groups with multiple instance types and purchase options" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-mixed-instances-groups.html>
    """
    for group in architecture.scaling_groups.values():
        if not shows_spot_intent(group) or _intent_unknown(group):
            continue
        if group.purchase.on_demand_percentage_above_base is None:
            yield Problem(
                f'scaling group "{group.name}" does not set '
                "purchase.on_demand_percentage_above_base, so AWS uses 100: every instance "
                "above the On-Demand base is On-Demand and none is Spot; write 100 if that is "
                "intended, or a lower percentage (e.g. 30) to run the rest on Spot",
                (*group.path, "purchase"),
            )


# Purchase fields that only mean something when a group mixes On-Demand and Spot.
_SPOT_FIELDS = frozenset({"on_demand_base", "spot_allocation_strategy"})


def shows_spot_intent(group: ScalingGroup) -> bool:
    """Whether the group means to mix purchase options: several instance types (a mixed
    instances policy) or a base or Spot strategy written under `purchase`."""
    return len(group.instance_types) > 1 or bool(group.purchase.written & _SPOT_FIELDS)


def _intent_unknown(group: ScalingGroup) -> bool:
    """A key of the group, or anything under `purchase` or `instance_types`, was rejected:
    the file's intent for the purchase options is not known (issue 13, no cascades)."""
    return any(
        (len(path) == 1 and rejection.on_key) or path[0] in ("purchase", "instance_types")
        for path, rejection in group.invalid.items()
    )


@rule(
    "AP508",
    "on-demand-base-above-max",
    WARNING,
    "An On-Demand base larger than the group's max.",
)
def on_demand_base_above_max(architecture: Architecture) -> Iterator[Problem]:
    """`on_demand_base` (OnDemandBaseCapacity) is launched On-Demand before any percentage.

    A base above `max` makes the whole group On-Demand at every size, so the percentage and
    the Spot strategy never apply; AWS caps the base at the group's size (AWS's Example 5:
    base 12 in a group of 10 gives 10 On-Demand). The base counts capacity units, like `max`.
    Lower the base to what must never be Spot.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            purchase:
              on_demand_base: 12
              on_demand_percentage_above_base: 0
              spot_allocation_strategy: price-capacity-optimized

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            purchase:
              on_demand_base: 2
              on_demand_percentage_above_base: 0
              spot_allocation_strategy: price-capacity-optimized

    References:
        Amazon EC2 Auto Scaling API Reference, "InstancesDistribution" <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html>
        Amazon EC2 Auto Scaling User Guide, "Auto Scaling groups with multiple instance types and purchase options" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-mixed-instances-groups.html>
    """
    for group in architecture.scaling_groups.values():
        base = group.purchase.on_demand_base
        if group.max is not None and base > group.max:
            yield Problem(
                f'scaling group "{group.name}" has an On-Demand base of {base}, above its max '
                f"{group.max}: the group is On-Demand at every size and never runs Spot; lower "
                f"on_demand_base to at most {group.max}",
                (*group.path, "purchase", "on_demand_base"),
                (Related(f"max {group.max} is here", (*group.path, "max")),),
            )


@rule(
    "AP509",
    "spot-lowest-price",
    INFO,
    "Spot capacity chosen by lowest price, which AWS discourages.",
)
def spot_lowest_price(architecture: Architecture) -> Iterator[Problem]:
    """The `lowest-price` Spot strategy fills the cheapest pools, which are often the ones
    about to be reclaimed; AWS warns that it "might lead to high interruption rates" and
    recommends `price-capacity-optimized`.

    `lowest-price` is also what AWS uses when a group runs Spot (an On-Demand percentage
    below 100) and sets no `spot_allocation_strategy`, so that case is reported too.

    Changed: silent when `spot_allocation_strategy` was written with an invalid
    value, rather than reading it as omitted.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 30, spot_allocation_strategy: lowest-price}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            purchase:
              on_demand_percentage_above_base: 30
              spot_allocation_strategy: price-capacity-optimized

    References:
        Amazon EC2 Auto Scaling API Reference, "InstancesDistribution" <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html>
        Amazon EC2 Auto Scaling User Guide, "Auto Scaling groups with multiple instance types and purchase options" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-mixed-instances-groups.html>
    """
    for group in architecture.scaling_groups.values():
        purchase = group.purchase
        strategy_path = (*group.path, "purchase", "spot_allocation_strategy")
        if purchase.spot_allocation_strategy == "lowest-price":
            yield Problem(
                f'scaling group "{group.name}" picks Spot capacity by lowest price, which AWS '
                'discourages ("might lead to high interruption rates"); use '
                "price-capacity-optimized",
                strategy_path,
            )
        elif (
            purchase.spot_allocation_strategy is None
            and not group.is_invalid("purchase", "spot_allocation_strategy")
            and purchase.on_demand_percentage_above_base is not None
            and purchase.on_demand_percentage_above_base < 100
        ):
            yield Problem(
                f'scaling group "{group.name}" runs Spot (on_demand_percentage_above_base '
                f"{purchase.on_demand_percentage_above_base}) without a "
                "spot_allocation_strategy, so AWS uses lowest-price, which it discourages; "
                "set spot_allocation_strategy: price-capacity-optimized",
                (*group.path, "purchase"),
            )
