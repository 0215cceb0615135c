"""Instance types the price book has no price for."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.registry import Problem, Related, rule
from archplan.rules.scaling._shared import type_path

WARNING = Severity.WARNING


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
            if architecture.is_rejected("prices", "instance_types", instance_type) or (
                architecture.rejected_within("prices", "instance_types", instance_type)
            ):
                continue  # its price was written but rejected: AP003/AP006 says why
            yield Problem(
                f'{instance_type} of scaling group "{group.name}" has no price in {searched}, '
                f"so the cost of the group's {wanted} cannot be computed; "
                f"add {instance_type}: {{on_demand: ..., spot: ...}} (USD per instance-hour)",
                type_path(group, instance_type),
                (Related("the file's prices are here", ("prices", "instance_types")),),
                on_key=True,
            )
