"""The reply-path analysis behind AP314 and AP315 (and the captured replies AP312 reads):
for each route through a peering, where the peer sends the replies."""

from __future__ import annotations

from typing import NamedTuple

from archplan.cidr import Block
from archplan.findings import Path
from archplan.model import Architecture, Peering, Route, RouteTable, Subnet, Target, Vpc
from archplan.routes import (
    Candidate,
    Hop,
    candidates,
    next_hops,
    table_of,
    tables_in_use,
)
from archplan.rules.peering._shared import DEAD, peer_vpc, peering_routes, routed_sides, within_vpc
from archplan.rules.registry import Problem, Related, shared

# Next hops where a reply to a peered VPC's private address is lost, and how to say so.
LOST_REPLIES = {
    "blackhole": "drops replies (blackhole)",
    "igw": "sends replies to its internet gateway",
    "egress-only-igw": "sends replies to its egress-only internet gateway",
    "nat": "sends replies to its NAT gateway",
    "vgw": "sends replies to its VPN/Direct Connect gateway",
}


def reply_outcomes(architecture: Architecture) -> list[tuple[str, Problem]]:
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
        for peering, routed in shared(architecture, "routed-sides", routed_sides).items()
    }
    grouped: dict[tuple[str, Path, str], tuple[_Astray, list[str]]] = {}
    # Peerings routed on one side whose replies another peering captures (AP314, not AP312).
    captured: set[str] = set()
    architecture.memo["captured-replies"] = captured
    routes_cache: dict[tuple[str, str | None, int], list[Candidate]] = {}
    senders_cache: dict[tuple[str, str], list[Subnet]] = {}
    sources_cache: dict[tuple[str, str, int], _Sources] = {}
    answering_cache: dict[tuple[str, int, int, int], list[_Answering]] = {}
    for vpc, table, route, peering in shared(architecture, "peering-routes-list", peering_routes):
        if peering.status in DEAD:
            continue  # no request crosses a dead peering: route-via-dead-peering (AP305) says so
        peer = peer_vpc(architecture, vpc, peering)
        block = route.block
        if peer is None or block is None or not (vpc.blocks_known and peer.blocks_known):
            continue
        if not (vpc.routes_known and peer.routes_known):
            continue  # a route or association was rejected: where replies go is not known
        if architecture.rejected_within(*vpc.path, "subnets") or architecture.rejected_within(
            *peer.path, "subnets"
        ):
            continue  # a subnet rejected: which table it uses, and its block, are not known
        if not within_vpc(peer, block):
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
