"""Zone rules: an Availability Zone that its Region does not have."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from archplan.findings import Severity
from archplan.model import Architecture, Subnet
from archplan.regions import ZONE_ID, missing_zone, notation, zone_in_region, zone_table
from archplan.rules.registry import UNIT, Problem, rule


def known_zone(subnet: Subnet, region: str | None) -> str | None:
    """The subnet's zone for rules that compare or count zones, None when unknown: not
    written, rejected, or wrong (another Region's, AP114, or one the Region lacks, AP117).
    A wrong zone stands for the zone the user meant, which is not known: no rule may count
    `us-east-1z` as a zone of its own (no cascade from AP117 into AP213 or AP503)."""
    if subnet.az is None or region is None:
        return subnet.az
    return subnet.az if _valid(subnet.az, region) else None


@lru_cache(maxsize=4096)
def _valid(zone: str, region: str) -> bool:
    return zone_in_region(zone, region) and missing_zone(zone, region) is None


@rule(
    "AP117",
    "unknown-zone",
    Severity.ERROR,
    "An Availability Zone that its Region does not have.",
    reads=UNIT,
)
def unknown_zone(architecture: Architecture) -> Iterator[Problem]:
    """A zone name or AZ ID of the right Region that does not exist (`us-east-1z`, `eu-west-1d`,
    `use1-az9`) is a typo: AWS refuses the subnet, and zone counts built on it are wrong.

    archplan knows each Region's zones from a shipped, dated table (archplan/data/zones.json).
    In the Regions AWS maps to zone letters independently per account, every letter some
    account has is accepted. A Region the table does not list, Local Zones and Wavelength Zones
    are not checked; a zone of another Region is subnet-az-region (AP114).

    Fails:
        vpcs:
          shared:
            region: eu-west-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/24, az: eu-west-1d}

    Passes:
        vpcs:
          shared:
            region: eu-west-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/24, az: eu-west-1c}

    References:
        AWS Regions and Availability Zones, "AWS Availability Zones" <https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html>
        AWS Regions and Availability Zones, "AZ IDs" <https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html>
    """
    for vpc in architecture.vpcs.values():
        if vpc.region is None:
            continue
        for subnet in vpc.subnets.values():
            if subnet.az is None:
                continue
            zones = missing_zone(subnet.az, vpc.region)
            if zones is None:
                continue
            if notation(subnet.az) == ZONE_ID:
                known = f"AZ IDs {zones.ids(vpc.region)}"
            else:
                known = f"zones {zones.names(vpc.region)}"
            yield Problem(
                f'subnet "{subnet.name}" zone "{subnet.az}" does not exist: Region '
                f'"{vpc.region}" has {known} (archplan\'s zone table of {zone_table().date})',
                (*subnet.path, "az"),
            )
