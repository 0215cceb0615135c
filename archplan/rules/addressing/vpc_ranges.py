"""A VPC's IPv4 blocks one by one: their size, and ranges AWS never assigns, keeps for future use,
or that clash with Docker's bridge."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.cidr import parse_block
from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.registry import UNIT, Problem, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING


NEVER_ASSIGNABLE = {
    "0.0.0.0/8": "reserved 'this network'",
    "127.0.0.0/8": "loopback",
    "169.254.0.0/16": "link-local (RFC 5735)",
    "224.0.0.0/4": "multicast",
}
NEVER_ASSIGNABLE_BLOCKS = [(parse_block(text), text, why) for text, why in NEVER_ASSIGNABLE.items()]
FUTURE_USE = [(parse_block("240.0.0.0/4"), "240.0.0.0/4 (reserved for future use, RFC 1112)")]
DOCKER_BRIDGE = parse_block("172.17.0.0/16")


@rule("AP101", "vpc-cidr-size", ERROR, "A VPC IPv4 block is not between /16 and /28.", reads=UNIT)
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


@rule(
    "AP102",
    "reserved-vpc-range",
    ERROR,
    "A VPC block in a range AWS never assigns.",
    reads=UNIT,
)
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


@rule(
    "AP103",
    "future-use-range",
    WARNING,
    "A VPC block in 240.0.0.0/4, reserved for future use.",
    reads=UNIT,
)
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


@rule(
    "AP104",
    "docker-bridge-range",
    WARNING,
    "A VPC block overlapping 172.17.0.0/16.",
    reads=UNIT,
)
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
