"""The On-Demand / Spot split exactly as EC2 Auto Scaling rounds it, and the commitment carve-out.

AWS: "Amazon EC2 Auto Scaling converts the percentage to the equivalent number of instances. If
the result creates a fractional number, Amazon EC2 Auto Scaling rounds up to the next integer in
favor of On-Demand Instances." With AWS's Example 5 (a base larger than the group is capped at
the group's size) that is `od = min(base, total) + ⌈max(total − base, 0) × pct / 100⌉`.
Integers only: in floats 100 × 0.07 is 7.000000000000001, whose ceiling is 8, not 7.
"""

from __future__ import annotations

from typing import NamedTuple

# OnDemandPercentageAboveBaseCapacity when the field is omitted: a mixed instances policy with no
# distribution is all On-Demand (Amazon EC2 Auto Scaling API Reference, "InstancesDistribution",
# https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html).
AWS_DEFAULT_PERCENTAGE = 100


class Split(NamedTuple):
    """One hour's capacity units by how they are paid for; the three add up to the total.

    `committed` is the part of the On-Demand units a Savings Plan or Reserved Instances cover,
    `on_demand` the On-Demand units left at the On-Demand rate, `spot` the Spot units.
    """

    committed: int
    on_demand: int
    spot: int

    @property
    def total(self) -> int:
        return self.committed + self.on_demand + self.spot

    @property
    def on_demand_part(self) -> int:
        """Every On-Demand unit, covered by the commitment or not (AWS's On-Demand count)."""
        return self.committed + self.on_demand


def ceil_percent(units: int, percentage: int) -> int:
    """⌈units × percentage / 100⌉ for units ≥ 0 and percentage 0..100, in integers."""
    return (units * percentage + 99) // 100


def on_demand_units(total: int, base: int, percentage: int | None) -> int:
    """On-Demand units AWS runs in a group of `total` units (None: the omitted field, 100 %)."""
    if percentage is None:
        percentage = AWS_DEFAULT_PERCENTAGE
    if total <= base:
        return total
    return base + ceil_percent(total - base, percentage)


def split(total: int, base: int, percentage: int | None, commitment: int = 0) -> Split:
    """`total` units split as AWS does, the commitment carved out of the On-Demand part.

    A commitment larger than the hour's On-Demand part covers only that part; the rest of it
    is paid for and unused (the cost model charges it every hour).
    """
    on_demand = on_demand_units(total, base, percentage)
    committed = min(commitment, on_demand)
    return Split(committed, on_demand - committed, total - on_demand)
