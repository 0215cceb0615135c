"""Peering connections themselves: a VPC peered with itself, two peerings between the same VPCs,
peered VPCs that overlap."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture, Peering
from archplan.routes import vpc_overlaps
from archplan.rules.peering._shared import DEAD, vpcs_of
from archplan.rules.registry import CONNECTED, UNIT, Problem, Related, rule

ERROR = Severity.ERROR


@rule(
    "AP301",
    "peering-to-itself",
    ERROR,
    "A peering whose requester and accepter are the same VPC.",
    reads=UNIT,
)
def peering_to_itself(architecture: Architecture) -> Iterator[Problem]:
    """A peering connects two different VPCs; AWS refuses a VPC peered with itself.

    Fails:
        vpcs:
          a: {region: us-east-1, cidr: 10.0.0.0/16}
        peerings:
          a-a: {requester: a, accepter: a}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {a1: {cidr: 10.0.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets: {b1: {cidr: 10.1.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "How VPC peering connections work" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html>
    """
    for peering in architecture.peerings.values():
        if peering.requester is not None and peering.requester == peering.accepter:
            yield Problem(
                f'peering "{peering.name}" connects VPC "{peering.requester}" to itself; '
                "name the other VPC as accepter",
                (*peering.path, "accepter"),
            )


@rule(
    "AP302",
    "duplicate-peering",
    ERROR,
    "A second peering between the same two VPCs.",
    reads=CONNECTED,
)
def duplicate_peering(architecture: Architecture) -> Iterator[Problem]:
    """AWS allows one peering connection between two VPCs at a time, whichever asked
    (`VpcPeeringConnectionAlreadyExists`). Route through the first one; delete the second.

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {a1: {cidr: 10.0.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets: {b1: {cidr: 10.1.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}
          b-a: {requester: b, accepter: a}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {a1: {cidr: 10.0.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets: {b1: {cidr: 10.1.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "VPC peering limitations" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    first_of_pair: dict[frozenset[str], Peering] = {}
    for peering in architecture.peerings.values():
        if vpcs_of(architecture, peering) is None or peering.status in DEAD:
            continue  # one peering per pair *at a time*: a rejected or deleted one is gone
        pair = frozenset((peering.requester or "", peering.accepter or ""))
        first = first_of_pair.setdefault(pair, peering)
        if first is not peering:
            yield Problem(
                f'peering "{peering.name}" connects "{peering.requester}" and '
                f'"{peering.accepter}", already peered by "{first.name}" '
                "(VpcPeeringConnectionAlreadyExists)",
                peering.path,
                (Related(f'peering "{first.name}" is here', first.path),),
                on_key=True,
            )


@rule("AP303", "peering-overlap", ERROR, "Peered VPCs share address space.", reads=CONNECTED)
def peering_overlap(architecture: Architecture) -> Iterator[Problem]:
    """Two VPCs cannot be peered if any IPv4 block of one (primary or secondary) overlaps any
    IPv4 block of the other, or their IPv6 blocks overlap, "even if you intend to use only the
    non-overlapping CIDR blocks". AWS puts such a peering in `failed`. Re-address one VPC, or
    connect them through something that translates addresses.

    VPCs that overlap but are not peered to each other are fine: a hub may peer with two spokes
    that have identical blocks.

    Fails:
        vpcs:
          a: {region: us-east-1, cidr: 10.0.0.0/16}
          b: {region: us-east-1, cidr: 10.1.0.0/16, secondary_cidrs: [10.0.128.0/17]}
        peerings:
          a-b: {requester: a, accepter: b}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {a1: {cidr: 10.0.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets: {b1: {cidr: 10.1.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "VPC peering limitations" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations>
        Amazon VPC Peering Guide, "Unsupported VPC peering configurations" <https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html>
    """
    for peering in architecture.peerings.values():
        pair = vpcs_of(architecture, peering)
        if pair is None:
            continue
        requester, accepter = pair
        collisions = vpc_overlaps(requester, accepter)
        if not collisions:
            continue
        (mine, mine_path), (theirs, theirs_path) = collisions[0]
        more = f" (and {len(collisions) - 1} more)" if len(collisions) > 1 else ""
        yield Problem(
            f'peering "{peering.name}": VPC "{requester.name}" block {mine} overlaps VPC '
            f'"{accepter.name}" block {theirs}{more}; AWS puts a peering between overlapping '
            "VPCs in failed",
            peering.path,
            (
                Related(f'"{requester.name}" block {mine} is here', mine_path),
                Related(f'"{accepter.name}" block {theirs} is here', theirs_path),
            ),
            on_key=True,
        )
