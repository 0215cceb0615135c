"""Routes through a peering that leave the peer VPC.

One diagnosis assigns each such route to exactly one rule: transitive (AP308), edge-to-edge
(AP309), a gateway endpoint's prefix list (AP310), or simply outside the peer (AP311)."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.cidr import Block, parse_block
from archplan.findings import Severity
from archplan.model import Architecture, Peering, Route, Vpc
from archplan.routes import (
    longest_match,
    tables_in_use,
    vpc_blocks,
)
from archplan.rules.peering._shared import DEAD, peer_vpc, peering_routes, within_vpc
from archplan.rules.registry import CONNECTED, Problem, Related, rule, shared

ERROR = Severity.ERROR


# Ranges that never reach the internet, so a route to them is not an internet (edge) route.
PRIVATE_RANGES = [
    parse_block(text)
    for text in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
]


def _peering_between(architecture: Architecture, first: str, second: str) -> Peering | None:
    """A live peering connecting the two VPCs, either way round."""
    for peering in architecture.peerings.values():
        if peering.status not in DEAD and {peering.requester, peering.accepter} == {first, second}:
            return peering
    return None


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


def _relation(block: Block, third: Vpc) -> str:
    """How a route's block meets a VPC: inside it, covering it (a wide block), or partly."""
    blocks = [*third.ipv4_blocks, *third.ipv6_cidrs]
    if any(own.contains(block) for own in blocks):
        return f'is in VPC "{third.name}"'
    covered = [own for own in blocks if block.contains(own)]
    if covered:
        return f'covers VPC "{third.name}" ({", ".join(str(own) for own in covered)})'
    return f'overlaps VPC "{third.name}"'


def _diagnose(
    architecture: Architecture, vpc: Vpc, route: Route, peering: Peering
) -> _Diagnosis | None:
    """None when the route stays inside the peer VPC; else the precise reason it does not."""
    peer = peer_vpc(architecture, vpc, peering)
    if peer is None or not peer.blocks_known:
        return None
    if route.prefix_list is not None:
        return _Diagnosis(
            "AP310",
            f"{route.prefix_list} is the peer's gateway endpoint, which cannot be used from "
            f'another VPC; give VPC "{vpc.name}" its own gateway endpoint',
        )
    block = route.block
    if block is None or within_vpc(peer, block):
        return None
    for other in architecture.peerings.values():
        if other.name == peering.name or not other.involves(peer.name) or other.status in DEAD:
            continue
        third = peer_vpc(architecture, peer, other)
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
                f'{block} {_relation(block, third)}, which "{peer.name}" reaches through peering '
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
    for vpc, table, route, peering in shared(architecture, "peering-routes-list", peering_routes):
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
    "AP308",
    "transitive-peering-route",
    ERROR,
    "A route that would cross a peer into a third VPC.",
    reads=CONNECTED,
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
    reads=CONNECTED,
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


@rule(
    "AP310",
    "gateway-endpoint-via-peering",
    ERROR,
    "A prefix-list route through a peering.",
    reads=CONNECTED,
)
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
    reads=CONNECTED,
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
