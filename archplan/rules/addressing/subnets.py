"""Subnets: size, placement inside the VPC, overlaps, Availability Zone against Region, quota."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.cidr import Tagged, first_overlaps
from archplan.findings import Path, Severity
from archplan.model import Architecture
from archplan.regions import KNOWN_REGIONS, zone_in_region
from archplan.rules.registry import UNIT, Problem, Related, quota_related, rule

ERROR = Severity.ERROR


@rule(
    "AP111",
    "subnet-size",
    ERROR,
    "A subnet IPv4 block is not between /16 and /28.",
    reads=UNIT,
)
def subnet_size(architecture: Architecture) -> Iterator[Problem]:
    """Subnet IPv4 blocks are /16 to /28; AWS refuses others with `InvalidSubnet.Range`.

    Each subnet loses 5 addresses to AWS (network, router, DNS, future use, broadcast), so a
    /28 has 11 usable addresses.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/29, az: us-east-1a}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/28, az: us-east-1a}

    References:
        Amazon VPC User Guide, "Subnet CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    for vpc in architecture.vpcs.values():
        for subnet in vpc.subnets.values():
            block = subnet.cidr
            if block is not None and not 16 <= block.prefix <= 28:
                yield Problem(
                    f'subnet "{subnet.name}" block {block} is /{block.prefix}; AWS allows /16 to '
                    "/28 (InvalidSubnet.Range)",
                    (*subnet.path, "cidr"),
                )


@rule(
    "AP112",
    "subnet-outside-vpc",
    ERROR,
    "A subnet block is not inside one of its VPC's blocks.",
    reads=UNIT,
)
def subnet_outside_vpc(architecture: Architecture) -> Iterator[Problem]:
    """A subnet's IPv4 block must lie inside one IPv4 block of its VPC (it may equal it).

    A subnet that spans two adjacent VPC blocks is refused too: it must be a subset of a single
    block. Move the subnet inside a block, or add the block it needs to `secondary_cidrs`.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.1.0.0/24, az: us-east-1a}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.1.0/24, az: us-east-1a}

    References:
        Amazon VPC User Guide, "Subnet CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>
    """
    for vpc in architecture.vpcs.values():
        blocks = vpc.ipv4_block_paths()
        if not blocks or not vpc.blocks_known:
            continue
        for subnet in vpc.subnets.values():
            block = subnet.cidr
            if block is None or any(outer.contains(block) for outer, _ in blocks):
                continue
            touched = [(outer, path) for outer, path in blocks if outer.overlaps(block)]
            if len(touched) > 1:
                names = " and ".join(str(outer) for outer, _ in touched)
                message = (
                    f'subnet "{subnet.name}" block {block} straddles VPC "{vpc.name}" blocks '
                    f"{names}; a subnet must lie inside a single block"
                )
            else:
                listed = ", ".join(str(outer) for outer, _ in blocks)
                message = (
                    f'subnet "{subnet.name}" block {block} is not inside VPC "{vpc.name}" '
                    f"({listed})"
                )
            related = tuple(
                Related(f"VPC block {outer} is here", path) for outer, path in touched or blocks[:1]
            )
            yield Problem(message, (*subnet.path, "cidr"), related)


@rule("AP113", "subnet-overlap", ERROR, "Two subnets of one VPC overlap.", reads=UNIT)
def subnet_overlap(architecture: Architecture) -> Iterator[Problem]:
    """Subnet blocks in one VPC must not overlap, IPv4 or IPv6.

    AWS refuses the second with `InvalidSubnet.Conflict` ("conflicts with that of another
    subnet in your VPC"). Give each subnet its own range.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a}
              b: {cidr: 10.0.0.128/25, az: us-east-1b}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a}
              b: {cidr: 10.0.1.0/24, az: us-east-1b}

    References:
        Amazon VPC User Guide, "Subnet CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    for vpc in architecture.vpcs.values():
        tagged: list[Tagged[Path]] = []
        names: dict[Path, str] = {}
        for subnet in vpc.subnets.values():
            for field, block in (("cidr", subnet.cidr), ("ipv6_cidr", subnet.ipv6_cidr)):
                if block is not None:
                    path = (*subnet.path, field)
                    tagged.append(Tagged(block, path))
                    names[path] = subnet.name
        for first, second in first_overlaps(tagged):
            yield Problem(
                f'subnet "{names[second.owner]}" block {second.block} overlaps subnet '
                f'"{names[first.owner]}" block {first.block} in VPC "{vpc.name}" '
                "(InvalidSubnet.Conflict)",
                second.owner,
                (Related(f'subnet "{names[first.owner]}" is here', first.owner),),
            )


@rule(
    "AP114",
    "subnet-az-region",
    ERROR,
    "A subnet's Availability Zone is not in its VPC's Region.",
    reads=UNIT,
)
def subnet_az_region(architecture: Architecture) -> Iterator[Problem]:
    """A subnet lives in one Availability Zone of its VPC's Region (`us-east-1a` in `us-east-1`).

    A zone from another Region is a typo or a copy-paste from another estate.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-west-2a}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a}

    References:
        Amazon VPC User Guide, "Subnets for your VPC" <https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html>
        AWS Regions and Availability Zones, "AWS Availability Zones" <https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html>
    """
    for vpc in architecture.vpcs.values():
        if vpc.region is None:
            continue
        for subnet in vpc.subnets.values():
            if subnet.az is None or zone_in_region(subnet.az, vpc.region):
                continue
            if subnet.az in KNOWN_REGIONS:
                message = (
                    f'subnet "{subnet.name}" zone "{subnet.az}" is a Region, not an Availability '
                    f"Zone; name the zone, e.g. {subnet.az}a"
                )
            else:
                message = (
                    f'subnet "{subnet.name}" zone "{subnet.az}" is not in VPC "{vpc.name}" '
                    f'Region "{vpc.region}" (expected e.g. {vpc.region}a)'
                )
            yield Problem(message, (*subnet.path, "az"))


@rule("AP115", "subnet-quota", ERROR, "A VPC has more subnets than the quota allows.", reads=UNIT)
def subnet_quota(architecture: Architecture) -> Iterator[Problem]:
    """A VPC may have at most `subnets_per_vpc` subnets (default 200, adjustable).

    AWS refuses more with `SubnetLimitExceeded`. Record a raised quota under `quotas:`.

    Fails:
        quotas: {subnets_per_vpc: 1}
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a}
              b: {cidr: 10.0.1.0/24, az: us-east-1b}

    Passes:
        quotas: {subnets_per_vpc: 2}
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a}
              b: {cidr: 10.0.1.0/24, az: us-east-1b}

    References:
        Amazon VPC User Guide, "Amazon VPC quotas" <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    limit = architecture.quotas["subnets_per_vpc"]
    for vpc in architecture.vpcs.values():
        if len(vpc.subnets) > limit:
            extra = list(vpc.subnets.values())[limit]
            yield Problem(
                f'VPC "{vpc.name}" has {len(vpc.subnets)} subnets; the subnets_per_vpc quota is '
                f"{limit} (SubnetLimitExceeded)",
                extra.path,
                quota_related(architecture, "subnets_per_vpc"),
                on_key=True,
            )
