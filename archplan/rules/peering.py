"""Peering rules: overlaps, duplicates, status, quotas, routes that stay in the peer, reply paths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, cast

from archplan.cidr import Block, covered, parse_block
from archplan.findings import Path, Severity
from archplan.model import Architecture, Peering, Route, RouteTable, Subnet, Target, Vpc
from archplan.routes import (
    Candidate,
    Hop,
    candidates,
    longest_match,
    next_hops,
    table_of,
    tables_in_use,
    vpc_blocks,
    vpc_overlaps,
)
from archplan.rules.registry import Problem, Related, quota_related, rule, shared

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# Next hops where a reply to a peered VPC's private address is lost, and how to say so.
LOST_REPLIES = {
    "blackhole": "drops replies (blackhole)",
    "igw": "sends replies to its internet gateway",
    "egress-only-igw": "sends replies to its egress-only internet gateway",
    "nat": "sends replies to its NAT gateway",
    "vgw": "sends replies to its VPN/Direct Connect gateway",
}
WAITING = ("pending-acceptance", "provisioning", "initiating-request")
DEAD = ("failed", "rejected", "expired", "deleted", "deleting")
# Ranges that never reach the internet, so a route to them is not an internet (edge) route.
PRIVATE_RANGES = [
    parse_block(text)
    for text in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
]


def _vpcs_of(architecture: Architecture, peering: Peering) -> tuple[Vpc, Vpc] | None:
    """Both VPCs of a peering, when both exist and differ."""
    requester = architecture.vpcs.get(peering.requester or "")
    accepter = architecture.vpcs.get(peering.accepter or "")
    if requester is None or accepter is None or requester.name == accepter.name:
        return None
    return requester, accepter


def _routing_described(architecture: Architecture, name: str | None) -> bool:
    """Whether the source describes the VPC's route tables, all of them valid: a VPC written
    or imported without any says nothing about its routes (every real VPC has at least its
    main table), and one with a rejected route may route through the peering there."""
    vpc = architecture.vpcs.get(name or "")
    return vpc is not None and bool(vpc.route_tables) and vpc.routes_known


def _other(peering: Peering, vpc: str) -> str | None:
    return peering.accepter if peering.requester == vpc else peering.requester


def _peering_routes(architecture: Architecture) -> list[tuple[Vpc, RouteTable, Route, Peering]]:
    """Every route through a peering that involves the route's own VPC."""
    found = []
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for route in table.routes:
                target = route.target
                if target is None or target.kind != "peering":
                    continue
                peering = architecture.peerings.get(target.name or "")
                if peering is not None and peering.involves(vpc.name):
                    found.append((vpc, table, route, peering))
    return found


@rule(
    "AP301", "peering-to-itself", ERROR, "A peering whose requester and accepter are the same VPC."
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


@rule("AP302", "duplicate-peering", ERROR, "A second peering between the same two VPCs.")
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
        if _vpcs_of(architecture, peering) is None or peering.status in DEAD:
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


@rule("AP303", "peering-overlap", ERROR, "Peered VPCs share address space.")
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
        pair = _vpcs_of(architecture, peering)
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


@rule(
    "AP304",
    "route-via-waiting-peering",
    WARNING,
    "A route through a peering that is not active yet.",
)
def route_via_waiting_peering(architecture: Architecture) -> Iterator[Problem]:
    """Routes to a peering that is `pending-acceptance` or `provisioning` are accepted but are
    blackholes until the peering is `active`: traffic is dropped until the accepter accepts.

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
          a-b: {requester: a, accepter: b, status: pending-acceptance}

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
          a-b: {requester: a, accepter: b, status: active}

    References:
        Amazon VPC Peering Guide, "VPC peering connection lifecycle" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle>
    """
    for vpc, table, route, peering in shared(architecture, "peering-routes-list", _peering_routes):
        if peering.status in WAITING:
            yield Problem(
                f'route table "{table.name}" of VPC "{vpc.name}" uses peering "{peering.name}", '
                f"which is {peering.status}: the route is a blackhole until it is active",
                route.path,
                (Related(f'status of "{peering.name}"', (*peering.path, "status")),),
            )


@rule(
    "AP305",
    "route-via-dead-peering",
    ERROR,
    "A route through a failed, rejected or deleted peering.",
)
def route_via_dead_peering(architecture: Architecture) -> Iterator[Problem]:
    """A peering that is `failed`, `rejected`, `expired`, `deleting` or `deleted` never carries
    traffic again and cannot be accepted (`InvalidStateTransition`); routes to it are dead.
    Create a new peering, or remove the routes.

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
          a-b: {requester: a, accepter: b, status: rejected}

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
        Amazon VPC Peering Guide, "VPC peering connection lifecycle" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    for vpc, table, route, peering in shared(architecture, "peering-routes-list", _peering_routes):
        if peering.status in DEAD:
            yield Problem(
                f'route table "{table.name}" of VPC "{vpc.name}" uses peering "{peering.name}", '
                f"which is {peering.status} and will never carry traffic",
                route.path,
                (Related(f'status of "{peering.name}"', (*peering.path, "status")),),
            )


@rule(
    "AP306",
    "pending-peering-expires",
    INFO,
    "A pending peering request expires after 7 days.",
)
def pending_peering_expires(architecture: Architecture) -> Iterator[Problem]:
    """A peering request that is not accepted expires after 7 days (168 hours, not
    adjustable), and can then be neither accepted nor rejected: this holds for every request,
    between two accounts or within one. Plans that depend on it need the accepter VPC's owner
    to act within a week.

    Changed: widened the scope from cross-account requests to every pending request
    (same account, or accounts not written), as AWS documents.

    Fails:
        vpcs:
          a: {region: us-east-1, account: "111111111111", cidr: 10.0.0.0/16}
          b: {region: us-east-1, account: "222222222222", cidr: 10.1.0.0/16}
        peerings:
          a-b: {requester: a, accepter: b, status: pending-acceptance}

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
        Amazon VPC Peering Guide, "VPC peering connection lifecycle" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle>
        Amazon VPC Peering Guide, "VPC peering quotas" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html>
        Amazon EC2 API Reference, "CreateVpcPeeringConnection" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcPeeringConnection.html>
    """
    for peering in architecture.peerings.values():
        pair = _vpcs_of(architecture, peering)
        if pair is None or peering.status != "pending-acceptance":
            continue
        requester, accepter = pair
        if requester.account and accepter.account and requester.account != accepter.account:
            who = f"account {accepter.account}"
        else:
            who = f'the owner of VPC "{accepter.name}"'
        yield Problem(
            f'peering "{peering.name}" waits for {who} to accept it; the request expires '
            "after 7 days (168 hours), and cannot then be accepted",
            (*peering.path, "status"),
        )


@rule("AP307", "peering-quota", ERROR, "A VPC has more active peerings than the quota allows.")
def peering_quota(architecture: Architecture) -> Iterator[Problem]:
    """A VPC may have at most `active_peerings_per_vpc` active peering connections (default 50,
    adjustable up to 125; `ActiveVpcPeeringConnectionPerVpcLimitExceeded`). Beyond that, use a
    transit gateway; if you raise the quota, raise `routes_per_route_table` with it.

    Fails:
        quotas: {active_peerings_per_vpc: 1}
        vpcs:
          a: {region: us-east-1, cidr: 10.0.0.0/16}
          b: {region: us-east-1, cidr: 10.1.0.0/16}
          c: {region: us-east-1, cidr: 10.2.0.0/16}
        peerings:
          a-b: {requester: a, accepter: b, status: pending-acceptance}
          a-c: {requester: a, accepter: c, status: pending-acceptance}

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
        Amazon VPC Peering Guide, "VPC peering quotas" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    # The failing example counts pending peerings too: the quota counts what will be active.
    limit = architecture.quotas["active_peerings_per_vpc"]
    counted: dict[str, list[Peering]] = {}
    for peering in architecture.peerings.values():
        if peering.status in DEAD or _vpcs_of(architecture, peering) is None:
            continue
        for vpc in (peering.requester or "", peering.accepter or ""):
            counted.setdefault(vpc, []).append(peering)
    for vpc, peerings in counted.items():
        if len(peerings) > limit:
            extra = peerings[limit]
            yield Problem(
                f'VPC "{vpc}" has {len(peerings)} peerings; the active_peerings_per_vpc quota is '
                f"{limit} (AWS allows up to 125); consider a transit gateway",
                extra.path,
                quota_related(architecture, "active_peerings_per_vpc"),
                on_key=True,
            )


def _peer(architecture: Architecture, vpc: Vpc, peering: Peering) -> Vpc | None:
    other = architecture.vpcs.get(_other(peering, vpc.name) or "")
    return other if other is not None and other.name != vpc.name else None


def _peering_between(architecture: Architecture, first: str, second: str) -> Peering | None:
    """A live peering connecting the two VPCs, either way round."""
    for peering in architecture.peerings.values():
        if peering.status not in DEAD and {peering.requester, peering.accepter} == {first, second}:
            return peering
    return None


def _inside(vpc: Vpc, block: Block) -> bool:
    """Every address of `block` is the VPC's, even when it spans two adjacent blocks."""
    if vpc.cidr is not None and vpc.cidr.contains(block):
        return True  # the usual case, decided without listing the VPC's blocks
    own = [mine for mine, _ in vpc_blocks(vpc) if mine.version == block.version]
    return any(mine.contains(block) for mine in own) or covered(block, own)


def _aimed_at(block: Block, third: Vpc) -> bool:
    """Whether a route's destination is aimed at a third VPC: inside one of its blocks, or a
    private range overlapping it. A default route, or a public range, that merely includes
    the third VPC is aimed at the internet (AP309 when the peer would carry it there)."""
    own = [mine for mine, _ in vpc_blocks(third) if mine.version == block.version]
    if any(mine.contains(block) for mine in own):
        return True
    internet = block.prefix == 0 or not any(private.overlaps(block) for private in PRIVATE_RANGES)
    return not internet and any(mine.overlaps(block) for mine in own)


def _first_overlap(first: Vpc, second: Vpc) -> tuple[Block, Block] | None:
    """A block of each VPC that overlap, or None."""
    for mine, _ in vpc_blocks(first):
        for theirs, _ in vpc_blocks(second):
            if mine.overlaps(theirs):
                return mine, theirs
    return None


class _Diagnosis:
    """Why a route through a peering leaves the peer VPC, and which rule says so."""

    def __init__(self, rule_id: str, reason: str, related: tuple[Related, ...] = ()) -> None:
        self.rule_id, self.reason, self.related = rule_id, reason, related


def _diagnose(
    architecture: Architecture, vpc: Vpc, route: Route, peering: Peering
) -> _Diagnosis | None:
    """None when the route stays inside the peer VPC; else the precise reason it does not."""
    peer = _peer(architecture, vpc, peering)
    if peer is None or not peer.blocks_known:
        return None
    if route.prefix_list is not None:
        return _Diagnosis(
            "AP310",
            f"{route.prefix_list} is the peer's gateway endpoint, which cannot be used from "
            f'another VPC; give VPC "{vpc.name}" its own gateway endpoint',
        )
    block = route.block
    if block is None or _inside(peer, block):
        return None
    for other in architecture.peerings.values():
        if other.name == peering.name or not other.involves(peer.name) or other.status in DEAD:
            continue
        third = _peer(architecture, peer, other)
        if third is None or third.name == vpc.name:
            continue
        if _aimed_at(block, third):
            direct = _peering_between(architecture, vpc.name, third.name)
            clash = _first_overlap(vpc, third)
            if clash is not None:
                # AWS refuses to peer overlapping VPCs, and a transit gateway cannot route
                # between them either: the only way is to readdress, as peering-plan says.
                advice = (
                    f'"{vpc.name}" ({clash[0]}) and "{third.name}" ({clash[1]}) overlap, so AWS '
                    "would refuse a peering between them and a transit gateway could not route "
                    "between them: readdress one of them"
                )
            elif direct is not None:
                advice = f'route it through peering "{direct.name}" instead'
            else:
                advice = (
                    f'peer "{vpc.name}" with "{third.name}" directly (or use a transit gateway)'
                )

            return _Diagnosis(
                "AP308",
                f'{block} is in VPC "{third.name}", which "{peer.name}" reaches through peering '
                f'"{other.name}"; peering is not transitive: {advice}',
                (Related(f'peering "{other.name}" is here', other.path),),
            )
    for table in tables_in_use(peer):
        first_hop = longest_match(peer, table, block)
        if first_hop.target is not None and first_hop.target.kind == "vgw" and first_hop.route:
            return _Diagnosis(
                "AP309",
                f'"{peer.name}" sends {block} to its VPN/Direct Connect gateway; a peer\'s '
                "on-premises link cannot be used (edge-to-edge routing): connect on-premises "
                f'to "{vpc.name}" directly',
                (Related(f'"{peer.name}" routes it here', first_hop.route.path),),
            )
    if block.prefix == 0 or not any(private.overlaps(block) for private in PRIVATE_RANGES):
        return _Diagnosis(
            "AP309",
            f'{block} leaves "{peer.name}" through its internet or NAT gateway, which a peer '
            f'cannot use (edge-to-edge routing): give "{vpc.name}" its own internet or NAT gateway',
        )
    blocks = ", ".join(str(own) for own, _ in vpc_blocks(peer))
    wider = (
        " (it is wider than the peer: traffic outside it is dropped)"
        if any(block.contains(own) for own, _ in vpc_blocks(peer))
        else ""
    )
    return _Diagnosis(
        "AP311",
        f'{block} is not inside peer VPC "{peer.name}" ({blocks}){wider}; route only the '
        "peer's blocks, subnets or addresses through the peering",
    )


def _routes_leaving_peer(architecture: Architecture, rule_id: str) -> Iterator[Problem]:
    for found_id, problem in shared(architecture, "peering-routes", _diagnose_all):
        if found_id == rule_id:
            yield problem


def _diagnose_all(architecture: Architecture) -> list[tuple[str, Problem]]:
    """Every route through a peering that leaves the peer, with the rule that says why."""
    problems = []
    for vpc, table, route, peering in shared(architecture, "peering-routes-list", _peering_routes):
        diagnosis = _diagnose(architecture, vpc, route, peering)
        if diagnosis is not None:
            problem = Problem(
                f'route table "{table.name}" of VPC "{vpc.name}" sends {route.destination} '
                f'through peering "{peering.name}": {diagnosis.reason}',
                route.path,
                diagnosis.related,
            )
            problems.append((diagnosis.rule_id, problem))
    return problems


@rule(
    "AP308", "transitive-peering-route", ERROR, "A route that would cross a peer into a third VPC."
)
def transitive_peering_route(architecture: Architecture) -> Iterator[Problem]:
    """Peering is not transitive: with A–B and B–C, A cannot reach C through B. A route in A to
    C's block through the A–B peering sends traffic that B drops. Peer A with C, or use a
    transit gateway.

    A route is aimed at a third VPC when its destination lies inside the third VPC's blocks,
    or is a private range overlapping them; a default route or a public range through a peer
    with its own internet access is edge-to-edge routing (AP309), even if it also covers the
    peer's other peers. When the VPC and the third one overlap, AWS would refuse to peer them
    and a transit gateway could not route between them: the advice is then to readdress.

    Changed: narrowed the scope (0.0.0.0/0 and public ranges through a peer are
    AP309's) and changed the advice for overlapping VPCs.
    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b", 10.2.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b", 10.2.0.0/16: "peering:b-c"}}}
          c:
            region: us-east-1
            cidr: 10.2.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:b-c"}}}
        peerings:
          a-b: {requester: a, accepter: b}
          b-c: {requester: b, accepter: c}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b", 10.2.0.0/16: "peering:b-c"}}}
          c:
            region: us-east-1
            cidr: 10.2.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:b-c"}}}
        peerings:
          a-b: {requester: a, accepter: b}
          b-c: {requester: b, accepter: c}

    References:
        Amazon VPC Peering Guide, "Unsupported VPC peering configurations" <https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html>
        Amazon VPC Peering Guide, "VPC peering limitations" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations>
    """
    yield from _routes_leaving_peer(architecture, "AP308")


@rule(
    "AP309",
    "edge-to-edge-route",
    ERROR,
    "A route that would use the peer's internet, NAT or on-premises link.",
)
def edge_to_edge_route(architecture: Architecture) -> Iterator[Problem]:
    """A VPC cannot use its peer's internet gateway, NAT gateway, VPN or Direct Connect
    (no edge-to-edge routing). A default route (`0.0.0.0/0`, `::/0`) or a public range through
    a peering, or a range the peer sends to its virtual private gateway, is dropped by the
    peer. Give the VPC its own gateway or on-premises connection.

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b", 0.0.0.0/0: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            internet_gateway: true
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b", 0.0.0.0/0: igw}}}
        peerings:
          a-b: {requester: a, accepter: b}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            internet_gateway: true
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b", 0.0.0.0/0: igw}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            internet_gateway: true
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b", 0.0.0.0/0: igw}}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "Unsupported VPC peering configurations" <https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html>
        AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS Network Infrastructure", "VPC peering" <https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/vpc-peering.html>
    """
    yield from _routes_leaving_peer(architecture, "AP309")


@rule("AP310", "gateway-endpoint-via-peering", ERROR, "A prefix-list route through a peering.")
def gateway_endpoint_via_peering(architecture: Architecture) -> Iterator[Problem]:
    """Resources across a peering cannot use a VPC's gateway endpoint for S3 or DynamoDB.
    Create a gateway endpoint in each VPC (free), or use an interface endpoint, which is
    reachable through a peering.

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b", "pl:s3": "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
            endpoints: {s3: {service: s3, type: gateway, route_tables: [main]}}
        peerings:
          a-b: {requester: a, accepter: b}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
            endpoints: {s3: {service: s3, type: gateway, route_tables: [main]}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
            endpoints: {s3: {service: s3, type: gateway, route_tables: [main]}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        AWS PrivateLink Guide, "Gateway endpoints" <https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>
        Amazon VPC Peering Guide, "Unsupported VPC peering configurations" <https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html>
    """
    yield from _routes_leaving_peer(architecture, "AP310")


@rule(
    "AP311",
    "route-outside-peer",
    ERROR,
    "A route through a peering to addresses the peer does not have.",
)
def route_outside_peer(architecture: Architecture) -> Iterator[Problem]:
    """A route through a peering must stay inside the peer VPC: its destination must be the
    peer's block, part of it (a subnet), or one address in it. Traffic to anything else is
    dropped by the peer.

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/8: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/24: "peering:a-b", 10.1.7.7/32: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "Update your route tables for a VPC peering connection" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html>
    """
    yield from _routes_leaving_peer(architecture, "AP311")


@rule("AP312", "one-sided-peering", WARNING, "A peering routed from one side only.")
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
    shared(architecture, "reply-paths", _reply_outcomes)  # fills "captured-replies"
    captured = cast("set[str]", architecture.memo.get("captured-replies", set()))
    for peering, sides in shared(architecture, "routed-sides", _routed_sides).items():
        if len(sides) != 1:
            continue
        ((routed, first_route),) = sides.items()
        silent = _other(peering, routed)
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


@rule("AP313", "unused-peering", WARNING, "A peering that no route uses.")
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
    sides = shared(architecture, "routed-sides", _routed_sides)
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


def _routed_sides(architecture: Architecture) -> dict[Peering, dict[str, Route]]:
    """For each live peering between two existing VPCs: which side routes through it (first route)."""
    sides: dict[Peering, dict[str, Route]] = {
        peering: {}
        for peering in architecture.peerings.values()
        if peering.status not in DEAD and _vpcs_of(architecture, peering) is not None
    }
    for vpc, _table, route, peering in shared(architecture, "peering-routes-list", _peering_routes):
        if peering in sides:
            sides[peering].setdefault(vpc.name, route)
    return sides


def _reply_outcomes(architecture: Architecture) -> list[tuple[str, Problem]]:
    """Follow the replies to every subnet that reaches a peer through a peering.

    For a route in VPC X sending destination D to peer Y through peering P, every subnet S of X
    using that table sends requests into Y. Y answers from its subnets inside D, each through
    its own route table, by longest prefix match on S's addresses; AWS does no reverse-path
    forwarding. When that match is another peering, the replies go to another VPC; when
    nothing matches (or a blackhole), Y cannot answer at all. Subnets that go astray the same
    way are reported together, at the peer route (or table) responsible.
    """
    # By peering name: hashing a Peering record hashes all its fields, once per route.
    sides = {
        peering.name: routed
        for peering, routed in shared(architecture, "routed-sides", _routed_sides).items()
    }
    grouped: dict[tuple[str, Path, str], tuple[_Astray, list[str]]] = {}
    # Peerings routed on one side whose replies another peering captures (AP314, not AP312).
    captured: set[str] = set()
    architecture.memo["captured-replies"] = captured
    routes_cache: dict[tuple[str, str | None, int], list[Candidate]] = {}
    senders_cache: dict[tuple[str, str], list[Subnet]] = {}
    sources_cache: dict[tuple[str, str, int], _Sources] = {}
    answering_cache: dict[tuple[str, int, int, int], list[_Answering]] = {}
    for vpc, table, route, peering in shared(architecture, "peering-routes-list", _peering_routes):
        peer = _peer(architecture, vpc, peering)
        block = route.block
        if peer is None or block is None or not (vpc.blocks_known and peer.blocks_known):
            continue
        if not (vpc.routes_known and peer.routes_known):
            continue  # a route or association was rejected: where replies go is not known
        if not _inside(peer, block):
            continue  # routes that leave the peer are reported by the rules above
        # The peer has no route through this peering: its replies may still be captured by a
        # route to another peering (AP314, said instead of AP312); that it has no way back at
        # all is one-sided-peering's (AP312), not reply-unroutable's.
        one_sided = peer.name not in sides.get(peering.name, {})
        sending = (vpc.name, table.name, block.version)
        if sending not in sources_cache:
            sources_cache[sending] = _sources(_senders(senders_cache, vpc, table), block.version)
        sources, low, high = sources_cache[sending]
        if not sources:
            continue
        back = Target("peering", peering.name)
        answering_key = (peer.name, block.version, block.first, block.last)
        if answering_key not in answering_cache:
            answering_cache[answering_key] = [
                (peer_table, _routes_of(routes_cache, peer, peer_table, block.version))
                for peer_table in _answering_tables(peer, block)
            ]
        answering = answering_cache[answering_key]
        if all(_all_return(peer_routes, low, high, back) for _, peer_routes in answering):
            continue  # the usual case, decided once per route instead of once per subnet
        # Only a peer route overlapping some sender can be a next hop for one: filter the
        # peer's routes once per route here rather than once per subnet in next_hops.
        answering = [
            (
                peer_table,
                [item for item in peer_routes if item[0].first <= high and low <= item[0].last],
            )
            for peer_table, peer_routes in answering
        ]
        for subnet, source in sources:
            for peer_table, peer_routes in answering:
                hops = next_hops(peer, peer_table, source, peer_routes)
                if len(hops) == 1 and hops[0].target == back:
                    continue  # the usual case: every reply returns through the peering
                # Part of a subnet answered (a route to one instance) is the documented
                # "specific instances" configuration: only a subnet with no way back at all
                # is unroutable. Replies that reach another peer are always reported.
                answered = any(hop.target == back for hop in hops)
                for hop in hops:
                    astray = _astray(vpc, peer, peer_table, peering, route, hop)
                    if astray is not None and one_sided:
                        if astray.rule_id != "AP314":
                            continue
                        captured.add(peering.name)
                    if astray is not None and not (answered and astray.rule_id == "AP315"):
                        key = (astray.rule_id, astray.blame, astray.describe("*"))
                        subnets = grouped.setdefault(key, (astray, []))[1]
                        if subnet.name not in subnets:
                            subnets.append(subnet.name)
    outcomes = []
    for astray, subnets in grouped.values():
        names = ", ".join(f'"{name}"' for name in subnets[:5])
        more = f" and {len(subnets) - 5} more" if len(subnets) > 5 else ""
        plural = "s" if len(subnets) > 1 else ""
        message = astray.describe(f"subnet{plural} {names}{more}")
        outcomes.append(
            (astray.rule_id, Problem(message, astray.blame, (astray.request,), on_key=True))
        )
    return outcomes


# A peer route table that answers a destination, with its routes of that address family (the
# list is computed once per peer and destination: every VPC of a mesh routes the same block).
_Answering = tuple[RouteTable | None, list[Candidate]]


class _Sources(NamedTuple):
    """The sending subnets with their blocks of one family, and the range they span."""

    subnets: list[tuple[Subnet, Block]]
    low: int
    high: int


def _sources(senders: list[Subnet], version: int) -> _Sources:
    pairs = [
        (subnet, source)
        for subnet in senders
        if (source := subnet.cidr if version == 4 else subnet.ipv6_cidr) is not None
    ]
    if not pairs:
        return _Sources([], 0, -1)
    return _Sources(
        pairs, min(source.first for _, source in pairs), max(source.last for _, source in pairs)
    )


def _senders(
    cache: dict[tuple[str, str], list[Subnet]], vpc: Vpc, table: RouteTable
) -> list[Subnet]:
    """The VPC's subnets that use `table`, grouped once per VPC for all of its routes."""
    if (vpc.name, table.name) not in cache:
        for name in vpc.route_tables:
            cache[(vpc.name, name)] = []
        for subnet in vpc.subnets.values():
            used = table_of(vpc, subnet)
            if used is not None:
                cache[(vpc.name, used.name)].append(subnet)
    return cache[(vpc.name, table.name)]


def _routes_of(
    cache: dict[tuple[str, str | None, int], list[Candidate]],
    vpc: Vpc,
    table: RouteTable | None,
    version: int,
) -> list[Candidate]:
    key = (vpc.name, table.name if table else None, version)
    if key not in cache:
        cache[key] = candidates(vpc, table, version)
    return cache[key]


class _Astray(NamedTuple):
    """Replies from one peer table that do not return through the request's peering."""

    rule_id: str
    blame: Path
    request: Related
    template: str  # the message, with {subnets} for the subnets affected

    def describe(self, subnets: str) -> str:
        return self.template.replace("{subnets}", subnets)


def _all_return(routes: list[Candidate], low: int, high: int, back: Target) -> bool:
    """Whether every address from `low` to `high` is answered through `back`.

    True when each route overlapping the range contains all of it (so every sender in the
    range has the same longest match, the first most specific route as in next_hops) and
    that route is `back`.
    """
    best: Candidate | None = None
    for item in routes:
        destination = item[0]
        if destination.first <= high and low <= destination.last:
            if not (destination.first <= low and high <= destination.last):
                return False
            if best is None or destination.prefix > best[0].prefix:
                best = item
    return best is not None and best[1] == back


def _answering_tables(peer: Vpc, destination: Block) -> list[RouteTable | None]:
    """The route tables of the peer's subnets inside the destination (None: AWS's empty main)."""
    if not peer.subnets:
        return list(tables_in_use(peer))
    tables: list[RouteTable | None] = []
    for subnet in peer.subnets.values():
        own = subnet.cidr if destination.version == 4 else subnet.ipv6_cidr
        if own is not None and own.overlaps(destination):
            table = table_of(peer, subnet)
            if table not in tables:
                tables.append(table)
    return tables


def _astray(
    vpc: Vpc,
    peer: Vpc,
    peer_table: RouteTable | None,
    peering: Peering,
    route: Route,
    hop: Hop,
) -> _Astray | None:
    target = hop.target
    if target is not None and target.kind == "peering" and target.name == peering.name:
        return None  # the reply returns: decided before any message is built
    table_name = peer_table.name if peer_table else "main"
    request = Related(
        f'"{vpc.name}" sends {route.destination} through "{peering.name}" here', route.path
    )
    if target is not None and target.kind == "peering":
        if hop.route is None:
            return None
        return _Astray(
            "AP314",
            hop.route.path,
            request,
            f'replies from VPC "{peer.name}" (route table "{table_name}") to {{subnets}} of '
            f'VPC "{vpc.name}" go through peering "{target.name}", not back through '
            f'"{peering.name}" ({hop.destination} is the longest match); route those '
            "addresses through the peering the requests use",
        )
    if target is None or target.kind in LOST_REPLIES:
        blame = hop.route.path if hop.route else (peer_table.path if peer_table else peer.path)
        where = "has no route back to" if target is None else LOST_REPLIES[target.kind] + " for"
        return _Astray(
            "AP315",
            blame,
            request,
            f'VPC "{peer.name}" (route table "{table_name}") {where} {{subnets}} of VPC '
            f'"{vpc.name}", so it cannot answer requests arriving through "{peering.name}"; '
            f'route those subnets through "{peering.name}"',
        )
    return None


@rule(
    "AP314",
    "reply-to-other-peer",
    WARNING,
    "Replies to a peered subnet leave through another peering.",
)
def reply_to_other_peer(architecture: Architecture) -> Iterator[Problem]:
    """AWS does no reverse-path forwarding: a reply follows the replying VPC's route table, not
    the peering the request came in on. When a hub peers with two spokes whose blocks overlap,
    and its route for a spoke's subnet points at the other spoke, replies go to the wrong VPC.
    Route each spoke's addresses through its own peering, from the subnets that serve it.

    Changed: silent for a VPC with a rejected route, route table or association,
    whose replies cannot be followed.

    Changed: widened the scope to peerings routed on one side only, whose other side
    answers through another peering (reported as one-sided-peering, AP312, before).

    Fails:
        vpcs:
          hub:
            region: us-east-1
            cidr: 10.9.0.0/16
            subnets: {h1: {cidr: 10.9.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:hub-a", 10.0.5.0/24: "peering:hub-b"}}}
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {a5: {cidr: 10.0.5.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.9.0.0/16: "peering:hub-a"}}}
          b:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {b5: {cidr: 10.0.5.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.9.0.0/16: "peering:hub-b"}}}
        peerings:
          hub-a: {requester: hub, accepter: a}
          hub-b: {requester: hub, accepter: b}

    Passes:
        vpcs:
          hub:
            region: us-east-1
            cidr: 10.9.0.0/16
            subnets:
              h1: {cidr: 10.9.1.0/24, az: us-east-1a, route_table: to-a}
              h2: {cidr: 10.9.2.0/24, az: us-east-1a, route_table: to-b}
            route_tables:
              to-a: {routes: {10.0.0.0/16: "peering:hub-a"}}
              to-b: {routes: {10.0.0.0/16: "peering:hub-b"}}
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {a5: {cidr: 10.0.5.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.9.1.0/24: "peering:hub-a"}}}
          b:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {b5: {cidr: 10.0.5.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.9.2.0/24: "peering:hub-b"}}}
        peerings:
          hub-a: {requester: hub, accepter: a}
          hub-b: {requester: hub, accepter: b}

    References:
        Amazon VPC Peering Guide, "VPC peering configurations with specific routes" <https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html>
        Amazon VPC Peering Guide, "VPC peering limitations" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations>
    """
    for rule_id, problem in shared(architecture, "reply-paths", _reply_outcomes):
        if rule_id == "AP314":
            yield problem


@rule("AP315", "reply-unroutable", WARNING, "A peer has no route back to a subnet that reaches it.")
def reply_unroutable(architecture: Architecture) -> Iterator[Problem]:
    """A subnet that sends requests through a peering needs the peer to route its addresses
    back through the same peering, from the peer subnets that answer. A peer that routes only
    part of the requester's blocks leaves the other subnets without replies.

    Changed: silent for a VPC with a rejected route, route table or association,
    whose replies cannot be followed.

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a1: {cidr: 10.0.1.0/24, az: us-east-1a}
              a2: {cidr: 10.0.2.0/24, az: us-east-1a}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets: {b1: {cidr: 10.1.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.1.0/24: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a1: {cidr: 10.0.1.0/24, az: us-east-1a}
              a2: {cidr: 10.0.2.0/24, az: us-east-1a}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets: {b1: {cidr: 10.1.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "Update your route tables for a VPC peering connection" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html>
        Amazon VPC Peering Guide, "VPC peering configurations with specific routes" <https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html>
    """
    for rule_id, problem in shared(architecture, "reply-paths", _reply_outcomes):
        if rule_id == "AP315":
            yield problem


@rule("AP316", "peering-dns-disabled", WARNING, "Peering DNS resolution with DNS off in a VPC.")
def peering_dns_disabled(architecture: Architecture) -> Iterator[Problem]:
    """Resolving the peer's private DNS names through a peering (`dns_resolution: true`) needs
    DNS hostnames and DNS resolution enabled in both VPCs (EC2
    `InvalidVpcPeeringConnectionState.DnsHostnamesDisabled`).

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            dns: {hostnames: false}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b, dns_resolution: true}

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
          a-b: {requester: a, accepter: b, dns_resolution: true}

    References:
        Amazon VPC Peering Guide, "Enable DNS resolution for a VPC peering connection" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html>
        Amazon VPC User Guide, "DNS attributes for your VPC" <https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html>
    """
    for peering in architecture.peerings.values():
        pair = _vpcs_of(architecture, peering)
        if pair is None or not peering.dns_resolution:
            continue
        for vpc in pair:
            if not (vpc.dns_hostnames and vpc.dns_resolution):
                yield Problem(
                    f'peering "{peering.name}" resolves DNS across the peering, but VPC '
                    f'"{vpc.name}" has DNS hostnames or resolution disabled; enable both',
                    (*peering.path, "dns_resolution"),
                    (Related(f'VPC "{vpc.name}" is here', vpc.path),),
                )
