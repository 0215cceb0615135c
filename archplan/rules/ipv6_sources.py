"""Where a VPC's IPv6 block can come from: Amazon provides /56 only; other sizes need IPAM or BYOIP."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.registry import Problem, rule

INFO = Severity.INFO
AMAZON_PROVIDED_PREFIX = 56


@rule(
    "AP518",
    "vpc-ipv6-not-amazon-provided",
    INFO,
    "A VPC IPv6 block of another size than /56 needs an IPAM pool or BYOIP.",
)
def vpc_ipv6_not_amazon_provided(architecture: Architecture) -> Iterator[Problem]:
    """An Amazon-provided IPv6 block is always a /56: you choose neither its range nor its
    size. A VPC block of another size AWS allows (/44, /48, /52, /60) can only come from an
    IPv6 pool of Amazon VPC IP Address Manager (IPAM) or from addresses you bring (BYOIP).
    The file does not say where its blocks come from, so this is information: if the block is
    meant to be Amazon-provided, write the /56 AWS assigns; otherwise make sure the IPAM pool
    or BYOIP range exists. (A size outside /44 to /60 in steps of 4 is AP108's error.)

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16, ipv6_cidrs: ["2600:1f18:1a00::/48"]}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16, ipv6_cidrs: ["2600:1f18:1a2b:3c00::/56"]}

    References:
        Amazon EC2 API Reference, "AssociateVpcCidrBlock" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateVpcCidrBlock.html>
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
    """
    for vpc in architecture.vpcs.values():
        for block, path in vpc.ipv6_block_paths():
            size_ok = 44 <= block.prefix <= 60 and block.prefix % 4 == 0
            if size_ok and block.prefix != AMAZON_PROVIDED_PREFIX:
                yield Problem(
                    f'VPC "{vpc.name}" IPv6 block {block} is /{block.prefix}: an Amazon-provided '
                    f"block is always /{AMAZON_PROVIDED_PREFIX}, so this one must come from an "
                    "IPAM pool or from addresses you bring (BYOIP)",
                    path,
                )
