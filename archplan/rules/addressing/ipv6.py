"""IPv6 blocks: VPC and subnet sizes, and subnets outside their VPC's IPv6 blocks."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.cidr import Block
from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.registry import UNIT, Problem, rule

ERROR = Severity.ERROR


def _ipv6_size_ok(block: Block, shortest: int, longest: int) -> bool:
    return shortest <= block.prefix <= longest and block.prefix % 4 == 0


@rule(
    "AP108",
    "vpc-ipv6-size",
    ERROR,
    "A VPC IPv6 block is not /44 to /60 in steps of 4.",
    reads=UNIT,
)
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


@rule(
    "AP109",
    "subnet-ipv6-size",
    ERROR,
    "A subnet IPv6 block is not /44 to /64 in steps of 4.",
    reads=UNIT,
)
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
    "AP110",
    "subnet-ipv6-outside-vpc",
    ERROR,
    "A subnet IPv6 block outside the VPC's IPv6 blocks.",
    reads=UNIT,
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
