"""A scaling group's size, its subnets and its Availability Zones."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.regions import describe, is_availability_zone, known_distinct
from archplan.rules.registry import CONNECTED, UNIT, Problem, Related, rule, shared
from archplan.rules.zones import known_zone

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@rule(
    "AP501",
    "scaling-group-size",
    ERROR,
    "A scaling group whose min, desired and max disagree.",
    reads=UNIT,
)
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


@rule(
    "AP502", "scaling-group-no-subnets", ERROR, "A scaling group with no subnets.", reads=CONNECTED
)
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
        if (
            not group.subnets
            and group.vpc in architecture.vpcs
            and not architecture.is_rejected(*group.path, "subnets")
        ):  # subnets written but rejected (or under a misspelt key) are not "no subnets"
            yield Problem(
                f'scaling group "{group.name}" has no subnets: AWS has nowhere to launch its '
                "instances; list one subnet per Availability Zone",
                (*group.path, "subnets"),
            )


@rule(
    "AP503",
    "scaling-group-one-zone",
    WARNING,
    "A scaling group in one Availability Zone.",
    reads=CONNECTED,
)
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
    if not architecture.scaling_groups:
        return
    from archplan.analysis.addresses import group_subnets
    from archplan.rules.capacity import AZ_LOSS_IMPOSSIBLE, planned_groups

    # A group planned with survive_az_loss in one zone is AP517's error: one finding, not two.
    impossible = {
        group_plan.name
        for group_plan in shared(architecture, "scale-plan", planned_groups)
        if any(shortfall.kind == AZ_LOSS_IMPOSSIBLE for shortfall in group_plan.shortfalls)
    }
    for group in architecture.scaling_groups.values():
        subnets = group_subnets(architecture, group)
        if not subnets:
            continue
        vpc = architecture.vpcs.get(group.vpc or "")
        known = [known_zone(subnet, vpc.region if vpc else None) for subnet in subnets]
        if None in known:
            continue  # a zone not written, or wrong (AP114/AP117): the group may span two
        zones = {zone for zone in known if zone is not None}
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
