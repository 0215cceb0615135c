"""Addressing rules: VPC and subnet blocks, sizes, reserved ranges, overlaps, zones, quotas."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.cidr import Block, Tagged, first_overlaps, parse_block
from archplan.findings import Path, Severity
from archplan.model import ApiGateway, Architecture, TransitGateway, Vpc
from archplan.regions import KNOWN_REGIONS, zone_in_region
from archplan.rules.registry import Problem, Related, quota_related, rule
from archplan.spelling import did_you_mean

ERROR, WARNING = Severity.ERROR, Severity.WARNING

RFC1918 = {
    "10.0.0.0/8": parse_block("10.0.0.0/8"),
    "172.16.0.0/12": parse_block("172.16.0.0/12"),
    "192.168.0.0/16": parse_block("192.168.0.0/16"),
}
BENCHMARK = parse_block("198.19.0.0/16")
TEN_SLASH_15 = parse_block("10.0.0.0/15")
TEN_SLASH_16 = parse_block("10.0.0.0/16")
DEFAULT_VPC_RANGE = parse_block("172.31.0.0/16")
NEVER_ASSIGNABLE = {
    "0.0.0.0/8": "reserved 'this network'",
    "127.0.0.0/8": "loopback",
    "169.254.0.0/16": "link-local (RFC 5735)",
    "224.0.0.0/4": "multicast",
}
NEVER_ASSIGNABLE_BLOCKS = [(parse_block(text), text, why) for text, why in NEVER_ASSIGNABLE.items()]
FUTURE_USE = [(parse_block("240.0.0.0/4"), "240.0.0.0/4 (reserved for future use, RFC 1112)")]
DOCKER_BRIDGE = parse_block("172.17.0.0/16")
SHARED_ADDRESS_SPACE = parse_block("100.64.0.0/10")


@rule("AP101", "vpc-cidr-size", ERROR, "A VPC IPv4 block is not between /16 and /28.")
def vpc_cidr_size(architecture: Architecture) -> Iterator[Problem]:
    """Every IPv4 block of a VPC, primary or secondary, must be /16 (65,536 addresses) to /28 (16).

    AWS refuses anything else with `InvalidVpcRange`: "The block range must be between a /28
    netmask and /16 netmask". Split a larger range into several /16 blocks.

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/8}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}

    References:
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    for vpc in architecture.vpcs.values():
        for block, path in vpc.ipv4_block_paths():
            if not 16 <= block.prefix <= 28:
                yield Problem(
                    f'VPC "{vpc.name}" block {block} is /{block.prefix}; AWS allows /16 to /28 '
                    f"(InvalidVpcRange)",
                    path,
                )


@rule("AP102", "reserved-vpc-range", ERROR, "A VPC block in a range AWS never assigns.")
def reserved_vpc_range(architecture: Architecture) -> Iterator[Problem]:
    """`0.0.0.0/8`, `127.0.0.0/8`, `169.254.0.0/16` and `224.0.0.0/4` can never be VPC blocks.

    They are 'this network', loopback, link-local (used by the instance metadata service and
    Amazon DNS) and multicast. Choose an RFC 1918 range such as `10.0.0.0/16`.

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 169.254.0.0/16}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}

    References:
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
        IANA IPv4 Special-Purpose Address Registry <https://www.iana.org/assignments/iana-ipv4-special-registry/iana-ipv4-special-registry.xhtml>
    """
    for vpc in architecture.vpcs.values():
        for block, path in vpc.ipv4_block_paths():
            for reserved, text, why in NEVER_ASSIGNABLE_BLOCKS:
                if block.overlaps(reserved):
                    yield Problem(
                        f'VPC "{vpc.name}" block {block} overlaps {text} ({why}), which cannot '
                        "be assigned to a VPC; use an RFC 1918 range such as 10.0.0.0/16",
                        path,
                    )


@rule("AP103", "future-use-range", WARNING, "A VPC block in 240.0.0.0/4, reserved for future use.")
def future_use_range(architecture: Architecture) -> Iterator[Problem]:
    """`240.0.0.0/4` is reserved (RFC 1112) and unroutable on most networks.

    No AWS page names it, so this is a warning: AWS may refuse it, and hosts that do accept it
    cannot reach most of the internet or on-premises networks from it.

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 240.0.0.0/16}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}

    References:
        IANA IPv4 Special-Purpose Address Registry <https://www.iana.org/assignments/iana-ipv4-special-registry/iana-ipv4-special-registry.xhtml>
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
    """
    for vpc in architecture.vpcs.values():
        for block, path in vpc.ipv4_block_paths():
            for reserved, text in FUTURE_USE:
                if block.overlaps(reserved):
                    yield Problem(f'VPC "{vpc.name}" block {block} overlaps {text}', path)


@rule("AP104", "docker-bridge-range", WARNING, "A VPC block overlapping 172.17.0.0/16.")
def docker_bridge_range(architecture: Architecture) -> Iterator[Problem]:
    """AWS accepts `172.17.0.0/16` but says not to use it: some AWS services use it.

    AWS Cloud9 and Amazon SageMaker AI use the range, and so does Docker's default bridge, so
    hosts in such a VPC cannot reach those services' or containers' addresses.

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 172.17.0.0/16}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 172.18.0.0/16}

    References:
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
    """
    for vpc in architecture.vpcs.values():
        for block, path in vpc.ipv4_block_paths():
            if block.overlaps(DOCKER_BRIDGE):
                yield Problem(
                    f'VPC "{vpc.name}" block {block} overlaps 172.17.0.0/16, which AWS services '
                    "(Cloud9, SageMaker AI) and Docker's bridge use; choose another range",
                    path,
                )


@rule("AP105", "vpc-cidr-overlap", ERROR, "Two blocks of the same VPC overlap.")
def vpc_cidr_overlap(architecture: Architecture) -> Iterator[Problem]:
    """A new block must not overlap any block already on the VPC (IPv4 or IPv6).

    AWS refuses the association. Pick a secondary block outside the existing ones.

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16, secondary_cidrs: [10.0.128.0/17]}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16, secondary_cidrs: [10.1.0.0/16]}

    References:
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
    """
    for vpc in architecture.vpcs.values():
        tagged = [
            Tagged(block, path) for block, path in vpc.ipv4_block_paths() + vpc.ipv6_block_paths()
        ]
        for first, second in first_overlaps(tagged):
            yield Problem(
                f'VPC "{vpc.name}" block {second.block} overlaps its own block {first.block}',
                second.owner,
                (Related(f"{first.block} is here", first.owner),),
            )


@rule("AP106", "vpc-cidr-quota", ERROR, "A VPC has more CIDR blocks than the quota allows.")
def vpc_cidr_quota(architecture: Architecture) -> Iterator[Problem]:
    """A VPC may have at most `cidr_blocks_per_vpc` IPv4 blocks (default 5, up to 50) and
    `ipv6_cidr_blocks_per_vpc` IPv6 blocks (default 5, up to 50).

    Request a quota increase and record it under `quotas:`, or consolidate blocks.

    Fails:
        quotas: {cidr_blocks_per_vpc: 2}
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            secondary_cidrs: [10.1.0.0/16, 10.2.0.0/16]

    Passes:
        quotas: {cidr_blocks_per_vpc: 3}
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            secondary_cidrs: [10.1.0.0/16, 10.2.0.0/16]

    References:
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
        Amazon VPC User Guide, "Amazon VPC quotas" <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html>
    """
    for vpc in architecture.vpcs.values():
        for quota_name, pairs, family in (
            ("cidr_blocks_per_vpc", vpc.ipv4_block_paths(), "IPv4"),
            ("ipv6_cidr_blocks_per_vpc", vpc.ipv6_block_paths(), "IPv6"),
        ):
            limit = architecture.quotas[quota_name]
            if len(pairs) > limit:
                related = quota_related(architecture, quota_name)
                yield Problem(
                    f'VPC "{vpc.name}" has {len(pairs)} {family} blocks; the {quota_name} quota '
                    f"is {limit}",
                    pairs[limit][1],
                    related,
                )


def _range_class(block: Block) -> str:
    """The row of AWS's secondary-block table that an existing block selects."""
    for name, rfc in RFC1918.items():
        if block.overlaps(rfc):
            return name
    if block.overlaps(BENCHMARK):
        return "198.19.0.0/16"
    return "public"


def _refused_ranges(primary: Block, existing: list[Block]) -> list[tuple[Block, str]]:
    """Ranges a new secondary block may not come from: the primary block picks the table row."""
    row = _range_class(primary)
    ten, one72, one92 = (RFC1918[name] for name in RFC1918)
    if row == "10.0.0.0/8":
        refused = [
            (one72, "172.16.0.0/12"),
            (one92, "192.168.0.0/16"),
            (BENCHMARK, "198.19.0.0/16"),
        ]
        # "if any of the CIDR blocks associated with the VPC" is in 10.0.0.0/15.
        if any(block.overlaps(TEN_SLASH_15) for block in existing):
            refused.append((TEN_SLASH_16, "10.0.0.0/16, refused once a block is in 10.0.0.0/15"))
        return refused
    if row == "172.16.0.0/12":
        return [
            (ten, "10.0.0.0/8"),
            (one92, "192.168.0.0/16"),
            (DEFAULT_VPC_RANGE, "172.31.0.0/16"),
            (BENCHMARK, "198.19.0.0/16"),
        ]
    if row == "192.168.0.0/16":
        return [(ten, "10.0.0.0/8"), (one72, "172.16.0.0/12"), (BENCHMARK, "198.19.0.0/16")]
    rfc1918 = [(block, text) for text, block in RFC1918.items()]
    if row == "198.19.0.0/16":
        return rfc1918
    return [*rfc1918, (BENCHMARK, "198.19.0.0/16")]


@rule(
    "AP107",
    "secondary-cidr-restricted",
    ERROR,
    "A secondary block AWS's restriction table refuses.",
)
def secondary_cidr_restricted(architecture: Architecture) -> Iterator[Problem]:
    """Which secondary blocks a VPC may take depends on the blocks it already has.

    | existing block in | refused |
    | --- | --- |
    | 10.0.0.0/8 | 172.16.0.0/12, 192.168.0.0/16, 198.19.0.0/16; and 10.0.0.0/16 if a block is in 10.0.0.0/15 |
    | 172.16.0.0/12 | 10.0.0.0/8, 192.168.0.0/16, 172.31.0.0/16, 198.19.0.0/16 |
    | 192.168.0.0/16 | 10.0.0.0/8, 172.16.0.0/12, 198.19.0.0/16 |
    | 198.19.0.0/16 | all RFC 1918 ranges |
    | public or 100.64.0.0/10 | all RFC 1918 ranges, 198.19.0.0/16 |

    Order matters: an RFC 1918 primary may take a public secondary, but a public primary may not
    take an RFC 1918 secondary ("add that CIDR first when you create the VPC").

    Assumption: the row is picked by the primary block, which AWS's order rule implies; the
    10.0.0.0/15 condition looks at every block associated before the new one, as AWS words it.
    Picking the row by any earlier block would refuse the common EKS plan of a 10.x primary,
    a 100.64.0.0/16 secondary for pods and then another 10.x block.

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16, secondary_cidrs: [172.16.0.0/16]}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16, secondary_cidrs: [100.64.0.0/16]}

    References:
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
    """
    for vpc in architecture.vpcs.values():
        pairs = vpc.ipv4_block_paths()
        for index in range(1, len(pairs)):
            new_block, new_path = pairs[index]
            problem = _first_refusal(vpc, pairs[:index], new_block, new_path)
            if problem is not None:
                yield problem


def _first_refusal(
    vpc: Vpc, existing: list[tuple[Block, Path]], new_block: Block, new_path: Path
) -> Problem | None:
    if any(new_block.overlaps(block) for block, _ in existing):
        return None  # vpc-cidr-overlap reports that, and says more
    primary, primary_path = existing[0]
    for refused, text in _refused_ranges(primary, [block for block, _ in existing]):
        if new_block.overlaps(refused):
            row = _range_class(primary)
            if row == "public":
                shared = primary.overlaps(SHARED_ADDRESS_SPACE)
                row = "100.64.0.0/10 (shared address space)" if shared else "a public range"
            return Problem(
                f'VPC "{vpc.name}" cannot add {new_block} ({text}): its primary block '
                f"{primary} is in {row}, and AWS refuses that combination",
                new_path,
                (Related(f"primary block {primary} is here", primary_path),),
            )
    return None


def _ipv6_size_ok(block: Block, shortest: int, longest: int) -> bool:
    return shortest <= block.prefix <= longest and block.prefix % 4 == 0


@rule("AP108", "vpc-ipv6-size", ERROR, "A VPC IPv6 block is not /44 to /60 in steps of 4.")
def vpc_ipv6_size(architecture: Architecture) -> Iterator[Problem]:
    """VPC IPv6 blocks are /44 to /60 in increments of /4 (Amazon-provided blocks are /56).

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16, ipv6_cidrs: ["2600:1f18:1a2b::/58"]}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16, ipv6_cidrs: ["2600:1f18:1a2b:3c00::/56"]}

    References:
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
    """
    for vpc in architecture.vpcs.values():
        for block, path in vpc.ipv6_block_paths():
            if not _ipv6_size_ok(block, 44, 60):
                yield Problem(
                    f'VPC "{vpc.name}" IPv6 block {block} is /{block.prefix}; AWS allows /44 to '
                    "/60 in steps of 4 (/44, /48, /52, /56, /60)",
                    path,
                )


@rule("AP109", "subnet-ipv6-size", ERROR, "A subnet IPv6 block is not /44 to /64 in steps of 4.")
def subnet_ipv6_size(architecture: Architecture) -> Iterator[Problem]:
    """Subnet IPv6 blocks are /44 to /64 in increments of /4; /64 is the usual size.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            ipv6_cidrs: ["2600:1f18:1a2b:3c00::/56"]
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a, ipv6_cidr: "2600:1f18:1a2b:3c00::/80"}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            ipv6_cidrs: ["2600:1f18:1a2b:3c00::/56"]
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a, ipv6_cidr: "2600:1f18:1a2b:3c00::/64"}

    References:
        Amazon VPC User Guide, "Subnet CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>
    """
    for vpc in architecture.vpcs.values():
        for subnet in vpc.subnets.values():
            block = subnet.ipv6_cidr
            if block is not None and not _ipv6_size_ok(block, 44, 64):
                yield Problem(
                    f'subnet "{subnet.name}" IPv6 block {block} is /{block.prefix}; AWS allows '
                    "/44 to /64 in steps of 4",
                    (*subnet.path, "ipv6_cidr"),
                )


@rule(
    "AP110", "subnet-ipv6-outside-vpc", ERROR, "A subnet IPv6 block outside the VPC's IPv6 blocks."
)
def subnet_ipv6_outside_vpc(architecture: Architecture) -> Iterator[Problem]:
    """A subnet's IPv6 block must be carved from one of its VPC's IPv6 blocks.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            ipv6_cidrs: ["2600:1f18:1a2b:3c00::/56"]
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a, ipv6_cidr: "2600:1f18:1a2b:4c00::/64"}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            ipv6_cidrs: ["2600:1f18:1a2b:3c00::/56"]
            subnets:
              a: {cidr: 10.0.0.0/24, az: us-east-1a, ipv6_cidr: "2600:1f18:1a2b:3c01::/64"}

    References:
        Amazon VPC User Guide, "Subnet CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>
    """
    for vpc in architecture.vpcs.values():
        for subnet in vpc.subnets.values():
            block = subnet.ipv6_cidr
            if block is None or not vpc.blocks_known:
                continue
            if any(outer.contains(block) for outer in vpc.ipv6_cidrs):
                continue
            if vpc.ipv6_cidrs:
                blocks = ", ".join(str(outer) for outer in vpc.ipv6_cidrs)
                message = f'subnet "{subnet.name}" IPv6 block {block} is not inside VPC "{vpc.name}" IPv6 blocks ({blocks})'
            else:
                message = f'subnet "{subnet.name}" has IPv6 block {block} but VPC "{vpc.name}" has no IPv6 block; add one to ipv6_cidrs'
            yield Problem(message, (*subnet.path, "ipv6_cidr"))


@rule("AP111", "subnet-size", ERROR, "A subnet IPv4 block is not between /16 and /28.")
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


@rule("AP112", "subnet-outside-vpc", ERROR, "A subnet block is not inside one of its VPC's blocks.")
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


@rule("AP113", "subnet-overlap", ERROR, "Two subnets of one VPC overlap.")
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
    "AP114", "subnet-az-region", ERROR, "A subnet's Availability Zone is not in its VPC's Region."
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


@rule("AP115", "subnet-quota", ERROR, "A VPC has more subnets than the quota allows.")
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


@rule("AP116", "unknown-region", WARNING, "A Region code that AWS does not have.")
def unknown_region(architecture: Architecture) -> Iterator[Problem]:
    """A misspelled Region (`us-est-1`) would make every zone and endpoint check meaningless.

    This is a warning, not an error, so that a Region newer than archplan does not fail a build.

    Fails:
        vpcs:
          shared: {region: us-est-1, cidr: 10.0.0.0/16}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}

    References:
        AWS Regions and Availability Zones, "AWS Regions" <https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html>
    """
    written: list[tuple[str | None, Path]] = [(architecture.default_region, ("defaults", "region"))]
    regional: list[
        tuple[str, dict[str, Vpc] | dict[str, TransitGateway] | dict[str, ApiGateway]]
    ] = [
        ("vpcs", architecture.vpcs),
        ("transit_gateways", architecture.transit_gateways),
        ("api_gateways", architecture.api_gateways),
    ]
    for section, objects in regional:
        for name, item in objects.items():
            # Inherited Regions were checked once, at defaults.region.
            if item.region != architecture.default_region:
                written.append((item.region, (section, name, "region")))
    if architecture.prices is not None:
        written.append((architecture.prices.region, ("prices", "region")))
    for region, path in written:
        if region is not None and region not in KNOWN_REGIONS:
            yield Problem(
                f'"{region}" is not an AWS Region{did_you_mean(region, sorted(KNOWN_REGIONS))}',
                path,
            )
