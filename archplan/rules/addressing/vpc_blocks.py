"""A VPC's blocks together: overlaps between them, how many the quota allows, and the secondary
blocks AWS's restriction table refuses."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.cidr import Block, Tagged, first_overlaps, parse_block
from archplan.findings import Path, Severity
from archplan.model import Architecture, Vpc
from archplan.rules.registry import UNIT, Problem, Related, quota_related, rule

ERROR = Severity.ERROR


RFC1918 = {
    "10.0.0.0/8": parse_block("10.0.0.0/8"),
    "172.16.0.0/12": parse_block("172.16.0.0/12"),
    "192.168.0.0/16": parse_block("192.168.0.0/16"),
}
BENCHMARK = parse_block("198.19.0.0/16")
TEN_SLASH_15 = parse_block("10.0.0.0/15")
TEN_SLASH_16 = parse_block("10.0.0.0/16")
DEFAULT_VPC_RANGE = parse_block("172.31.0.0/16")
SHARED_ADDRESS_SPACE = parse_block("100.64.0.0/10")


@rule("AP105", "vpc-cidr-overlap", ERROR, "Two blocks of the same VPC overlap.", reads=UNIT)
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


@rule(
    "AP106",
    "vpc-cidr-quota",
    ERROR,
    "A VPC has more CIDR blocks than the quota allows.",
    reads=UNIT,
)
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
    reads=UNIT,
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
