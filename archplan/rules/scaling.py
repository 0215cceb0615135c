"""Auto Scaling group rules: size, zones, instance types and weights, purchase mix, addresses, prices."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archplan.analysis.addresses import group_subnets as _subnets
from archplan.analysis.addresses import pools
from archplan.findings import Path, Severity
from archplan.model import MAX_WEIGHT, MIN_WEIGHT, Architecture, ScalingGroup
from archplan.regions import describe, is_availability_zone, known_distinct
from archplan.rules.registry import Problem, Related, rule, shared
from archplan.spelling import did_you_mean

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# LaunchTemplateOverrides.InstanceType: up to 40 types per group (WeightedCapacity: model.py)
# (autoscaling-purchase.md §1 and §2 "Limits", ASG-API).
MAX_INSTANCE_TYPES = 40

# EC2 instance type names are FAMILY.SIZE: the family is letters and digits, sometimes with
# hyphenated parts (u-6tb1, m7i-flex, mac2-m2pro); the size is one of a short list.
_FAMILY = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_SIZE = re.compile(
    r"^(?:nano|micro|small|medium|large|[1-9][0-9]*xlarge|xlarge|metal(?:-[1-9][0-9]*xl)?)$"
)
SIZES = (
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
    "12xlarge", "16xlarge", "24xlarge", "48xlarge", "metal",
)  # fmt: skip

# Below this share of free addresses a subnet pool is tight (subnet-addresses-margin).
MARGIN_PERCENT = 10


def _type_path(group: ScalingGroup, instance_type: str) -> Path:
    """Where a type is written: its key when `instance_types` is a mapping.

    The model keeps no index for the list form, so there the finding points at the
    `instance_types` key (the engine falls back to the nearest place that exists).
    """
    return (*group.path, "instance_types", instance_type)


@rule("AP501", "scaling-group-size", ERROR, "A scaling group whose min, desired and max disagree.")
def scaling_group_size(architecture: Architecture) -> Iterator[Problem]:
    """AWS requires `min ≤ desired ≤ max`; a group outside that range is refused.

    `desired` defaults to `min`, as in AWS's API, so only a `min` above `max` or a `desired`
    outside `min..max` is wrong. AWS's own message for the second is "Desired capacity:15
    must be between the specified min size:0 and max size:10". Set `desired` within the
    range, or move `min` / `max`.

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
            min: 0
            max: 10
            desired: 15
            purchase: {on_demand_percentage_above_base: 100}

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
            min: 0
            max: 10
            desired: 10
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Auto Scaling User Guide, "Set scaling limits for your Auto Scaling group" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html>
        Amazon EC2 Auto Scaling API Reference, "CreateAutoScalingGroup" <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html>
    """
    for group in architecture.scaling_groups.values():
        low, high = group.min, group.max
        if low is None or high is None:
            continue
        if low > high:
            yield Problem(
                f'scaling group "{group.name}" has min {low} above max {high}; AWS refuses it: '
                f"lower min or raise max",
                (*group.path, "min"),
                (Related(f"max {high} is here", (*group.path, "max")),),
            )
        elif group.desired is not None and not low <= group.desired <= high:
            yield Problem(
                f'scaling group "{group.name}": desired capacity {group.desired} must be between '
                f"min {low} and max {high} (AWS refuses it with a ValidationError); set desired "
                f"within {low}..{high}, or change min or max",
                (*group.path, "desired"),
            )


@rule("AP502", "scaling-group-no-subnets", ERROR, "A scaling group with no subnets.")
def scaling_group_no_subnets(architecture: Architecture) -> Iterator[Problem]:
    """A group in a VPC launches its instances in the subnets it lists (VPCZoneIdentifier).

    With no subnet AWS has nowhere to launch and refuses the group. List one subnet per
    Availability Zone the group should use. (Subnets that do not exist, or that belong to
    another VPC than the group's, are reported by AP005.)

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
        scaling_groups:
          web:
            vpc: app
            subnets: []
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

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
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Auto Scaling API Reference, "CreateAutoScalingGroup" <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html>
    """
    for group in architecture.scaling_groups.values():
        if not group.subnets and group.vpc in architecture.vpcs:
            yield Problem(
                f'scaling group "{group.name}" has no subnets: AWS has nowhere to launch its '
                "instances; list one subnet per Availability Zone",
                (*group.path, "subnets"),
            )


@rule("AP503", "scaling-group-one-zone", WARNING, "A scaling group in one Availability Zone.")
def scaling_group_one_zone(architecture: Architecture) -> Iterator[Problem]:
    """A group whose subnets are all in one Availability Zone stops entirely with that zone.

    Auto Scaling balances instances across the zones of its subnets and, when a zone fails,
    launches replacements in the others; with one zone there are no others. Add a subnet in
    a second (better, a third) zone. With `availability.survive_az_loss` the group asks for
    capacity that survives the loss of a zone, which one zone can never give; for a group
    with a demand profile that is the error AP517, reported instead of this warning.

    A Local Zone (us-west-2-lax-1a) or a Wavelength Zone is not an Availability Zone: a group
    in one AZ and a Local Zone is still in one AZ.

    Changed: widened the scope to a group in one AZ and Local or Wavelength Zones,
    and narrowed it: a planned group asking to survive an AZ loss is AP517's error instead.

    Changed: a group with a demand profile that asks to survive an AZ loss in one
    zone is reported by AP517 (error) instead; silent when a subnet of the group was
    rejected.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-a2: {cidr: 10.0.1.0/24, az: us-east-1a}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-a2]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

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
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling benefits for application architecture" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-benefits.html>
        Amazon EC2 Auto Scaling User Guide, "Set scaling limits for your Auto Scaling group" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html>
        AWS Local Zones User Guide, "What is AWS Local Zones?" <https://docs.aws.amazon.com/local-zones/latest/ug/what-is-aws-local-zones.html>
    """
    from archplan.rules.capacity import AZ_LOSS_IMPOSSIBLE, planned_groups

    # A group planned with survive_az_loss in one zone is AP517's error: one finding, not two.
    impossible = {
        group_plan.name
        for group_plan in shared(architecture, "scale-plan", planned_groups)
        if any(shortfall.kind == AZ_LOSS_IMPOSSIBLE for shortfall in group_plan.shortfalls)
    }
    for group in architecture.scaling_groups.values():
        subnets = _subnets(architecture, group)
        if not subnets or any(subnet.az is None for subnet in subnets):
            continue
        zones = {subnet.az for subnet in subnets if subnet.az is not None}
        proper = {zone for zone in zones if is_availability_zone(zone)}
        others = zones - proper  # Local and Wavelength Zones: not Availability Zones
        one_zone = len(known_distinct(zones)) == 1
        one_az_and_local = len(known_distinct(proper)) == 1 and bool(others)
        if not (one_zone or one_az_and_local) or group.name in impossible:
            continue
        if any(path[0] == "subnets" for path in group.invalid):
            continue  # a subnet written but rejected may be in another zone
        survive = (
            "; availability.survive_az_loss cannot be met in one zone"
            if group.survive_az_loss
            else ""
        )
        if one_zone:
            where = f"{describe(zones)} only"
        else:
            where = (
                f"one Availability Zone, {describe(proper)} (a Local or Wavelength Zone, "
                f"{describe(others)}, is not an Availability Zone)"
            )
        yield Problem(
            f'scaling group "{group.name}" has subnets in {where}: if that Availability '
            f"Zone fails, the whole group stops; add a subnet in a second zone{survive}",
            (*group.path, "subnets"),
        )


def _type_name_problem(instance_type: str) -> str | None:
    """Why a name is not FAMILY.SIZE, with a suggestion; None when it looks right."""
    family, dot, size = instance_type.partition(".")
    if instance_type != instance_type.lower():
        return f'instance types are lower case (did you mean "{instance_type.lower()}"?)'
    if not dot or not family or not size:
        return "an instance type is FAMILY.SIZE, e.g. m6i.large"
    if not _FAMILY.match(family) or not any(char.isdigit() for char in family):
        return f'"{family}" is not an instance family (letters and a generation digit, e.g. m6i)'
    if not _SIZE.match(size):
        hint = did_you_mean(instance_type, [f"{family}.{known}" for known in SIZES])
        sizes = " (nano, micro, small, medium, large, xlarge, 2xlarge ... 48xlarge, metal)"
        return f'"{size}" is not an instance size{hint or sizes}'
    return None


@rule("AP504", "instance-type-name", ERROR, "An instance type that does not look like family.size.")
def instance_type_name(architecture: Architecture) -> Iterator[Problem]:
    """EC2 instance types are named FAMILY.SIZE in lower case: `m6i.large`, `c5.2xlarge`.

    A typo (`m5.larg`, `m5large`, `M5.large`) is refused by EC2 when the group launches,
    often long after the template was deployed. The family has a generation digit (`m6i`,
    `u-6tb1`, `m7i-flex`); the size is `nano`, `micro`, `small`, `medium`, `large`,
    `xlarge`, `Nxlarge`, `metal` or `metal-Nxl`.

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
            instance_types: {m6i.large: 1, m5.larg: 1}
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

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
            instance_types: {m6i.large: 1, m5.large: 1, m7i-flex.2xlarge: 4}
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Instance Types, "Amazon EC2 instance type naming conventions" <https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html>
    """
    for group in architecture.scaling_groups.values():
        for instance_type in group.instance_types:
            problem = _type_name_problem(instance_type)
            if problem is not None:
                yield Problem(
                    f'"{instance_type}" in scaling group "{group.name}" is not an EC2 instance '
                    f"type: {problem}",
                    _type_path(group, instance_type),
                    on_key=True,
                )


@rule("AP505", "instance-type-count", ERROR, "A scaling group with more than 40 instance types.")
def instance_type_count(architecture: Architecture) -> Iterator[Problem]:
    """A mixed instances policy takes at most 40 instance types (launch template overrides).

    AWS refuses a 41st. Keep the types that matter: Spot needs flexibility over about ten
    types and all zones, not forty.

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
            instance_types: [
              m5.large, m5a.large, m5d.large, m5ad.large, m5n.large, m5dn.large, m5zn.large,
              m6i.large, m6a.large, m6id.large, m6in.large, m6idn.large, m7i.large, m7a.large,
              c5.large, c5a.large, c5d.large, c5ad.large, c5n.large, c6i.large, c6a.large,
              c6id.large, c6in.large, c7i.large, c7a.large, r5.large, r5a.large, r5d.large,
              r5ad.large, r5n.large, r5dn.large, r6i.large, r6a.large, r6id.large, r6in.large,
              r6idn.large, r7i.large, r7a.large, m4.large, c4.large, r4.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

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
            instance_types: [m5.large, m6i.large, m6a.large, c5.large, c6i.large, r5.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Auto Scaling API Reference, "LaunchTemplateOverrides" <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LaunchTemplateOverrides.html>
    """
    for group in architecture.scaling_groups.values():
        count = len(group.instance_types)
        if count > MAX_INSTANCE_TYPES:
            yield Problem(
                f'scaling group "{group.name}" lists {count} instance types; a mixed instances '
                f"policy takes at most {MAX_INSTANCE_TYPES}: drop {count - MAX_INSTANCE_TYPES}",
                (*group.path, "instance_types"),
            )


@rule("AP506", "instance-weight", ERROR, "An instance weight outside 1-999.")
def instance_weight(architecture: Architecture) -> Iterator[Problem]:
    """A weight (WeightedCapacity) says how many capacity units one instance counts for.

    AWS accepts whole numbers from 1 to 999. Weights are relative: give the smallest type 1
    and the others its multiple (a type with twice the vCPUs counts 2).

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
            instance_types: {c5.large: 0, c5.xlarge: 2}
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

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
            instance_types: {c5.large: 1, c5.xlarge: 2}
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Auto Scaling API Reference, "LaunchTemplateOverrides" <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LaunchTemplateOverrides.html>
        Amazon EC2 Auto Scaling User Guide, "Configure an Auto Scaling group to use instance weights" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-mixed-instances-groups-instance-weighting.html>
    """
    for group in architecture.scaling_groups.values():
        for instance_type, weight in group.instance_types.items():
            if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
                yield Problem(
                    f'the weight of {instance_type} in scaling group "{group.name}" is {weight}; '
                    f"AWS accepts weights from {MIN_WEIGHT} to {MAX_WEIGHT} (capacity units one "
                    "instance counts for)",
                    _type_path(group, instance_type),
                )


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


# -- subnet addresses ---------------------------------------------------------------------


@rule(
    "AP510",
    "subnet-addresses-exhausted",
    ERROR,
    "A scaling group's subnets have too few addresses for its instances at max.",
)
def subnet_addresses_exhausted(architecture: Architecture) -> Iterator[Problem]:
    """Each instance takes an IPv4 address in its subnet; when the subnets are full, launches
    fail for want of a free address and the group cannot reach `max`.

    archplan counts, for the subnets of each group, their usable addresses (size − 5: AWS
    reserves the first four and the last) against the peak instances of every group that
    launches in any of them:

    - instances at max = ⌈max / smallest weight⌉ (with weights, max counts units; the
      overshoot of up to the largest weight comes from one last launch and never adds an
      instance past this count);
    - plus the AZ-rebalancing margin: max(1, ⌈10 % of that⌉) instances. AWS documents "10
      percent or one instance, whichever is greater"; the rounding is [UNCONFIRMED], archplan
      rounds up.

    Another group sharing a subnet counts in full, even if it has subnets elsewhere: with a
    zone lost it launches everything in the zones it has left. One address per instance
    (its primary network interface) is assumed; extra interfaces or secondary addresses
    (for example EKS pods) need more. Instance refresh above 100 % healthy and Spot capacity
    rebalancing can also exceed max; the format does not describe them. Use larger or more
    subnets, or lower `max`.

    The finding is at the `max` of the group whose peak is the largest among those sharing
    the subnets: the one whose max overflows them. When a group sharing them asks to survive
    an AZ loss (`availability.survive_az_loss`), each zone is counted: with the zone whose
    subnets hold the most addresses lost, the subnets of the other zones must still hold
    every instance, since Auto Scaling relaunches the lost ones there.

    Changed: moved the finding from the subnets of the first group naming them to
    the max of the group that overflows them, and added the count per zone for groups that
    ask to survive an AZ loss.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/28, az: us-east-1a}
              app-b: {cidr: 10.0.0.16/28, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 21
            purchase: {on_demand_percentage_above_base: 100}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/27, az: us-east-1a}
              app-b: {cidr: 10.0.0.32/27, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 20
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling benefits for application architecture" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-benefits.html>
        Amazon EC2 Auto Scaling User Guide, "Configure an Auto Scaling group to use instance weights" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-mixed-instances-groups-instance-weighting.html>
        Amazon VPC User Guide, "Subnet CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>
    """
    for pool in pools(architecture):
        needed, blamed = pool.needed, pool.blamed
        if needed > pool.addresses:
            yield Problem(
                f'{pool.describe()}; "{blamed.name}" has the largest max: use larger or more '
                "subnets, or lower max",
                (*blamed.path, "max"),
                pool.related(),
            )
            continue
        surviving = [group for group, _ in pool.users if group.survive_az_loss]
        loss = pool.zone_loss() if surviving else None
        if loss is not None and needed > loss[1]:
            zone, left = loss
            yield Problem(
                f"{pool.describe()}; with {zone} lost (its subnets hold the most addresses), "
                f"the other zones' subnets have {left} for the {needed} instances "
                f'"{surviving[0].name}" asks to keep through an AZ loss (survive_az_loss): '
                "use larger subnets, or lower max",
                (*blamed.path, "max"),
                pool.related(),
            )


@rule(
    "AP511",
    "subnet-addresses-margin",
    WARNING,
    "A scaling group's subnets have less than 10 % of their addresses to spare at max.",
)
def subnet_addresses_margin(architecture: Architecture) -> Iterator[Problem]:
    """Subnets that the groups' peak instances fill to more than 90 % leave little for what
    else takes an address there: load balancer nodes, interface endpoints, NAT gateways,
    Lambda functions in the VPC, a later increase of `max`.

    The count is the one of subnet-addresses-exhausted (AP510): usable addresses of the
    group's subnets against the peak instances of every group launching in them. Plan
    subnets with room to grow, or keep `max` lower. The 10 % margin is archplan's choice, not
    an AWS limit.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/27, az: us-east-1a}
              app-b: {cidr: 10.0.0.32/27, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 45
            purchase: {on_demand_percentage_above_base: 100}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/26, az: us-east-1a}
              app-b: {cidr: 10.0.0.64/26, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 45
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Auto Scaling User Guide, "Amazon EC2 Auto Scaling benefits for application architecture" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-benefits.html>
        Amazon VPC User Guide, "Subnet CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>
    """
    for pool in pools(architecture):
        needed = pool.needed
        tight = needed * 100 > pool.addresses * (100 - MARGIN_PERCENT)
        if needed <= pool.addresses and tight:
            free = pool.addresses - needed
            yield Problem(
                f"{pool.describe()}: only {free} stay free, under {MARGIN_PERCENT} %, for load "
                "balancers, endpoints and growth; use larger subnets or lower max",
                (*pool.group.path, "subnets"),
                pool.related(),
            )


@rule(
    "AP512",
    "instance-type-unpriced",
    WARNING,
    "An instance type with no price, in a group whose cost is wanted.",
)
def instance_type_unpriced(architecture: Architecture) -> Iterator[Problem]:
    """A group with a demand profile or a commitment is one whose cost `scale-plan` reports;
    a type priced neither in the file's `prices.instance_types` nor in archplan's shipped
    sample table (us-east-1 Linux On-Demand, archplan/data/prices-us-east-1.json) leaves that
    cost unknown, exactly as `scale-plan` would find it. Prices given with `validate --prices
    FILE` (or the configuration's `prices`) count too, as they do for `scale-plan`. Add the type
    with its On-Demand price (and Spot price when the group runs Spot), in USD per
    instance-hour.

    Changed: silent for a type whose price in the file was written but rejected.

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
            instance_types: {m6i.large: 1, m7i.large: 1}
            min: 2
            max: 10
            demand: {unit: requests/s, hourly: [100, 300, 200]}
            purchase: {on_demand_percentage_above_base: 100}
        prices:
          source: "own price list, 2026-01"
          instance_types:
            m6i.large: {on_demand: 0.096}

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
            instance_types: {m6i.large: 1, m7i.large: 1}
            min: 2
            max: 10
            demand: {unit: requests/s, hourly: [100, 300, 200]}
            purchase: {on_demand_percentage_above_base: 100}
        prices:
          source: "own price list, 2026-01"
          instance_types:
            m6i.large: {on_demand: 0.096}
            m7i.large: {on_demand: 0.1008}

    References:
        Amazon EC2 On-Demand Pricing <https://aws.amazon.com/ec2/pricing/on-demand/>
    """
    if not architecture.scaling_groups:
        return
    from archplan.prices import shipped_table  # reads a data file: only when groups exist

    priced = set(shipped_table().prices)
    if architecture.prices is not None:
        priced |= set(architecture.prices.instance_types)
    given = architecture.surroundings.prices  # --prices FILE or the configuration's prices
    searched = "prices.instance_types nor in archplan's shipped table"
    if given is not None:
        priced |= set(given.instance_types)
        name = architecture.surroundings.prices_name or "FILE"
        searched = f"--prices {name}, prices.instance_types nor in archplan's shipped table"
    for group in architecture.scaling_groups.values():
        has_demand = group.demand_hourly is not None or group.demand_file is not None
        commitment = group.purchase.commitment
        committed = commitment == "auto" or (isinstance(commitment, int) and commitment > 0)
        if not (has_demand or committed):
            continue
        wanted = "demand profile" if has_demand else "commitment"
        for instance_type in group.instance_types:
            if instance_type in priced:
                continue
            if architecture.rejected_within("prices", "instance_types", instance_type):
                continue  # its price was written but rejected: AP003/AP006 says why
            yield Problem(
                f'{instance_type} of scaling group "{group.name}" has no price in {searched}, '
                f"so the cost of the group's {wanted} cannot be computed; "
                f"add {instance_type}: {{on_demand: ..., spot: ...}} (USD per instance-hour)",
                _type_path(group, instance_type),
                (Related("the file's prices are here", ("prices", "instance_types")),),
                on_key=True,
            )
