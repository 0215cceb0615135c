"""Availability Zones of a scaling group and N+1 sizing: enough capacity with any one AZ lost.

AWS balances a group evenly across its AZs, so N AZs each hold ⌈total / N⌉ units at most and
losing one leaves total − ⌈total / N⌉ = ⌊total × (N − 1) / N⌋. Surviving the loss of one AZ
therefore needs the smallest total with ⌊total × (N − 1) / N⌋ ≥ required, which is
⌈required × N / (N − 1)⌉ (for example required 30 over 3 AZs → 45; over 6 AZs
→ 36; and 5 over 3 AZs → 8, split 3/3/2, not ⌈5 / 2⌉ × 3 = 9: the AZs need not be equal).
"""

from __future__ import annotations

from archplan.capacity.arith import ceil_div
from archplan.model import Architecture, ScalingGroup
from archplan.regions import is_availability_zone, known_distinct, zone_exists


def zones_of(architecture: Architecture, group: ScalingGroup) -> tuple[str, ...]:
    """The AZs of the group's subnets that are surely distinct, sorted (with AZ names and IDs
    mixed, those of one notation: archplan.regions.known_distinct); their number is N.
    Local Zones and Wavelength Zones are not Availability Zones and do not count."""
    # Names and AZ IDs cannot be compared: count only the zones that are surely distinct.
    zones = zones_written(architecture, group)
    return known_distinct(zone for zone in zones if is_availability_zone(zone))


def zones_written(architecture: Architecture, group: ScalingGroup) -> tuple[str, ...]:
    """Every AZ the group's subnets are written in, sorted; names and IDs mixed may repeat a
    zone (a report lists these, and counts zones_of). Unknown subnets are skipped."""
    zones: set[str] = set()
    vpc = architecture.vpcs.get(group.vpc) if group.vpc is not None else None
    for name in group.subnets:
        subnet = vpc.subnets.get(name) if vpc is not None else None
        if subnet is None:  # the group's VPC is unknown: the subnet's own VPC, when unique
            owners = architecture.subnet_owner.get(name, [])
            if len(owners) == 1:
                subnet = architecture.vpcs[owners[0]].subnets.get(name)
        if subnet is not None and subnet.az is not None:
            zones.add(subnet.az)
    return tuple(sorted(zones))


def zones_known(architecture: Architecture, group: ScalingGroup) -> bool:
    """Whether every subnet of the group is known with its AZ: a subnet whose AZ is not known
    (not written, rejected, or wrong: another Region's, AP114, or one the Region lacks, AP117)
    may be in any zone, so N, and whether an AZ loss can be survived, is not known either."""
    vpc = architecture.vpcs.get(group.vpc) if group.vpc is not None else None
    if vpc is None:
        return False
    region = vpc.region
    for name in group.subnets:
        subnet = vpc.subnets.get(name)
        if subnet is None or subnet.az is None:
            return False
        if region is not None and not zone_exists(subnet.az, region):
            return False
    return not any(path[0] == "subnets" for path in group.invalid)


def survivable_total(required: int, zones: int) -> int:
    """Units to run over `zones` AZs (2 or more) so that `required` remain after losing any one."""
    if zones < 2:
        raise ValueError("surviving an AZ loss needs at least two AZs")
    return ceil_div(required * zones, zones - 1)


def largest_zone_share(total: int, zones: int) -> int:
    """Units in the fullest AZ when `total` units are balanced over `zones` AZs."""
    return ceil_div(total, zones)


def after_zone_loss(total: int, zones: int) -> int:
    """Units left when the fullest of `zones` AZs is lost (the worst single-AZ loss)."""
    return total - largest_zone_share(total, zones)
