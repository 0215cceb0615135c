"""Peerings routed from one side only, or by no route at all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.peering._replies import reply_outcomes
from archplan.rules.peering._shared import WAITING, other_vpc, routed_sides
from archplan.rules.registry import CONNECTED, Problem, Related, rule, shared

WARNING = Severity.WARNING


def _routing_described(architecture: Architecture, name: str | None) -> bool:
    """Whether the source describes the VPC's route tables, all of them valid: a VPC written
    or imported without any says nothing about its routes (every real VPC has at least its
    main table), and one with a rejected route may route through the peering there."""
    vpc = architecture.vpcs.get(name or "")
    return vpc is not None and bool(vpc.route_tables) and vpc.routes_known


@rule(
    "AP312", "one-sided-peering", WARNING, "A peering routed from one side only.", reads=CONNECTED
)
def one_sided_peering(architecture: Architecture) -> Iterator[Problem]:
    """Each side of a peering must add its own route: with a route on one side only, requests
    arrive but replies have no way back.

    The silent side must have its route tables described: a VPC written (or imported) without
    `route_tables` says nothing about its routes, and the rule then says nothing either.

    When the silent side's replies are captured by a route to another peering (longest prefix
    match), they do have a way, to the wrong VPC: reply-to-other-peer (AP314) says so at the
    capturing route instead.

    Changed: narrowed the scope: a peer whose route tables the file does not
    describe is no longer taken as having no route back, and replies captured by another
    peering are AP314's.

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true}}
        peerings:
          a-b: {requester: a, accepter: b}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "Update your route tables for a VPC peering connection" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html>
    """
    shared(architecture, "reply-paths", reply_outcomes)  # fills "captured-replies"
    captured = cast("set[str]", architecture.memo.get("captured-replies", set()))
    for peering, sides in shared(architecture, "routed-sides", routed_sides).items():
        if len(sides) != 1:
            continue
        ((routed, first_route),) = sides.items()
        silent = other_vpc(peering, routed)
        if not _routing_described(architecture, silent):
            continue
        if peering.name in captured:
            continue  # the replies go to another VPC: AP314 says where, at the capturing route
        yield Problem(
            f'peering "{peering.name}" is routed only from VPC "{routed}": VPC "{silent}" has '
            f"no route through it, so replies have no way back; add a route to "
            f'"{routed}"\'s blocks in "{silent}"',
            peering.path,
            (Related(f'"{routed}" routes through it here', first_route.path),),
            on_key=True,
        )


@rule("AP313", "unused-peering", WARNING, "A peering that no route uses.", reads=CONNECTED)
def unused_peering(architecture: Architecture) -> Iterator[Problem]:
    """A peering carries only traffic that route tables send to it. With no route on either
    side it carries nothing: add routes on both sides, or remove the peering.

    At least one side must have its route tables described (`route_tables` written, or
    imported): a file or an import that describes no route table of either VPC (a
    describe-vpc-peering-connections output alone) says nothing about the routes, and the
    rule then says nothing either. One side described without a route through the peering is
    enough: no reply, or no request, can cross it.

    Changed: narrowed the scope: a peering between two VPCs whose route tables the
    source does not describe is no longer reported.

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true}}
        peerings:
          a-b: {requester: a, accepter: b}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "Update your route tables for a VPC peering connection" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html>
    """
    sides = shared(architecture, "routed-sides", routed_sides)
    for peering in architecture.peerings.values():
        # AWS's procedure is to accept first and route afterwards: no routes yet is expected.
        if peering.status in WAITING:
            continue
        if peering in sides and not sides[peering]:
            ends = (peering.requester, peering.accepter)
            if not any(_routing_described(architecture, vpc) for vpc in ends):
                continue  # neither VPC's routes are known: nothing to say
            if any(not architecture.vpcs[vpc].routes_known for vpc in ends if vpc):
                continue  # a rejected route may be the one through this peering
            yield Problem(
                f'peering "{peering.name}" has no route on either side, so it carries nothing; '
                f"route each VPC's blocks through it in the other's tables, or remove it",
                peering.path,
                on_key=True,
            )
