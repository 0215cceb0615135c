"""Capacity verdicts of `scale-plan` as rules: a group whose demand, or whose N+1 total, needs
more than its max, or that asks to survive an AZ loss with one AZ (issue 12, item 3).

The numbers are `scale-plan`'s own: each group is planned by archplan.capacity.plan and the
verdicts are `GroupPlan.shortfalls`, worded by the same function as the report's, so
`validate` (and its pre-commit hook) and `scale-plan` never disagree on a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.registry import CONNECTED, Problem, Related, rule, shared

if TYPE_CHECKING:
    from archplan.capacity.plan import GroupPlan

ERROR = Severity.ERROR
# The kinds of GroupPlan.shortfalls (archplan.capacity.plan's UNSERVED_DEMAND, ... : a test
# checks they are the same), spelled here so that a file without demand never imports the
# planner: it and its price, demand and commitment modules are a tenth of validate's imports.
UNSERVED_DEMAND, AZ_LOSS_SHORTFALL, AZ_LOSS_IMPOSSIBLE = (
    "unserved-demand",
    "az-loss-shortfall",
    "az-loss-impossible",
)


def planned_groups(architecture: Architecture) -> tuple[GroupPlan, ...]:
    """Every group with a demand profile planned as `scale-plan` plans it (same prices, same
    demand files, read relative to the file); () when a demand file cannot be read, which
    AP513 reports and `scale-plan` refuses (exit 2)."""
    if not any(
        group.demand_hourly is not None or group.demand_file is not None
        for group in architecture.scaling_groups.values()
    ):
        return ()
    # Only when some group has demand: the planner and the price table are not needed otherwise.
    from archplan.capacity.demand import DemandFileError
    from archplan.capacity.plan import plan
    from archplan.prices import price_book

    surroundings = architecture.surroundings
    book = price_book(architecture.prices, surroundings.prices, surroundings.prices_name)
    try:
        result = plan(architecture, book, None, surroundings.folder, surroundings.max_file_size)
    except DemandFileError:
        return ()
    return result.groups


def _verdicts(architecture: Architecture, kind: str) -> Iterator[Problem]:
    plans = shared(architecture, "scale-plan", planned_groups)
    if not plans:  # no group has demand: nothing of the planner is loaded
        return
    from archplan.reports.scale_findings import shortfall_text

    for group_plan in plans:
        for shortfall in group_plan.shortfalls:
            if shortfall.kind != kind:
                continue
            group = group_plan.group
            related = (
                ()
                if kind == AZ_LOSS_IMPOSSIBLE
                else (Related("max is here", (*group.path, "max")),)
            )
            yield Problem(
                f'scaling group "{group.name}": {shortfall_text(group_plan, shortfall)}; '
                "`archplan scale-plan` shows it hour by hour",
                group.path,
                related,
                on_key=True,
            )


@rule(
    "AP515",
    "demand-above-max",
    ERROR,
    "A scaling group whose demand needs more than its max, with every AZ up.",
    reads=CONNECTED,
)
def demand_above_max(architecture: Architecture) -> Iterator[Problem]:
    """A group sized by target tracking never grows past `max`: in the hours whose demand
    needs more capacity units than `max`, the excess demand goes unserved (slow responses,
    errors, a queue that grows) with every Availability Zone up.

    archplan plans the group hour by hour exactly as `archplan scale-plan` does: each hour
    needs ⌈demand / (per_unit × target_utilization / 100)⌉ units; an hour needing more than
    `max` is short, and `scale-plan` exits 1 on the same file. The finding is at the group,
    with the number of hours short, the worst hour and the demand left unserved. Raise `max`
    (and check the subnets' addresses, AP510), or lower the demand the group must serve.
    A group without `demand` is not planned and never reported.

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
            instance_types: [m5.large]
            min: 2
            max: 4
            capacity: {per_unit: 100, target_utilization: 50}
            demand: {unit: requests/s, hourly: [100, 300, 250]}

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
            instance_types: [m5.large]
            min: 2
            max: 6
            capacity: {per_unit: 100, target_utilization: 50}
            demand: {unit: requests/s, hourly: [100, 300, 250]}

    References:
        Amazon EC2 Auto Scaling User Guide, "Set scaling limits for your Auto Scaling group" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html>
        Amazon EC2 Auto Scaling User Guide, "Target tracking scaling policies for Amazon EC2 Auto Scaling" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html>
    """
    yield from _verdicts(architecture, UNSERVED_DEMAND)


@rule(
    "AP516",
    "az-loss-shortfall",
    ERROR,
    "A scaling group asked to survive an AZ loss whose N+1 total needs more than its max.",
    reads=CONNECTED,
)
def az_loss_shortfall(architecture: Architecture) -> Iterator[Problem]:
    """With `availability.survive_az_loss`, the group must still hold the capacity its demand
    needs after losing the fullest of its N Availability Zones: ⌈needed × N / (N − 1)⌉ units
    in all. When AWS loses a zone it launches replacements in the others, but never above
    `max`: in the hours whose N+1 total is above `max` (the demand alone fits), an AZ loss
    leaves the group short.

    The hours are `scale-plan`'s own, and `scale-plan` exits 1 on the same file. Raise `max`
    to the N+1 total the finding names, add an AZ (N+1 over more zones costs less), or drop
    `survive_az_loss` if the group may degrade with a zone.

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
            instance_types: [m5.large]
            min: 2
            max: 6
            capacity: {per_unit: 100, target_utilization: 50}
            demand: {unit: requests/s, hourly: [100, 300, 250]}
            availability: {survive_az_loss: true}

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
            instance_types: [m5.large]
            min: 2
            max: 12
            capacity: {per_unit: 100, target_utilization: 50}
            demand: {unit: requests/s, hourly: [100, 300, 250]}
            availability: {survive_az_loss: true}

    References:
        Amazon EC2 Auto Scaling User Guide, "Add an Availability Zone" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-add-availability-zone.html>
        Amazon EC2 Auto Scaling User Guide, "Auto Scaling group Availability Zone distribution" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-availability-zone-balanced.html>
        Amazon EC2 Auto Scaling User Guide, "Set scaling limits for your Auto Scaling group" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html>
    """
    yield from _verdicts(architecture, AZ_LOSS_SHORTFALL)


@rule(
    "AP517",
    "az-loss-impossible",
    ERROR,
    "A scaling group asked to survive an AZ loss whose subnets are in one AZ.",
    reads=CONNECTED,
)
def az_loss_impossible(architecture: Architecture) -> Iterator[Problem]:
    """`availability.survive_az_loss` asks for capacity that outlives an Availability Zone; a
    group whose subnets are all in one zone (or in zones written as a name and an AZ ID that
    may be the same zone) loses everything with it, at any `max`.

    Reported for a group with a demand profile, as `scale-plan` reports it (exit 1); a group
    in one zone is also a warning of AP503 with or without demand. Add a subnet in another
    zone, or write every subnet's zone in one notation.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: use1-az2}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m5.large]
            min: 2
            max: 12
            capacity: {per_unit: 100, target_utilization: 50}
            demand: {unit: requests/s, hourly: [100, 300, 250]}
            availability: {survive_az_loss: true}

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
            instance_types: [m5.large]
            min: 2
            max: 12
            capacity: {per_unit: 100, target_utilization: 50}
            demand: {unit: requests/s, hourly: [100, 300, 250]}
            availability: {survive_az_loss: true}

    References:
        Amazon EC2 Auto Scaling User Guide, "Add an Availability Zone" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-add-availability-zone.html>
        AWS RAM User Guide, "Availability Zone IDs for your AWS resources" <https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html>
    """
    yield from _verdicts(architecture, AZ_LOSS_IMPOSSIBLE)
