"""Whether a scaling group's subnets have the addresses its instances need, with a margin."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.registry import CONNECTED, Problem, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING


# Below this share of free addresses a subnet pool is tight (subnet-addresses-margin).
MARGIN_PERCENT = 10


@rule(
    "AP510",
    "subnet-addresses-exhausted",
    ERROR,
    "A scaling group's subnets have too few addresses for its instances at max.",
    reads=CONNECTED,
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
    if not architecture.scaling_groups:
        return
    from archplan.analysis.addresses import pools

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
    reads=CONNECTED,
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
    if not architecture.scaling_groups:
        return
    from archplan.analysis.addresses import pools

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
