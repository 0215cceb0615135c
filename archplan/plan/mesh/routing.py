"""Which links --emit yaml routes, link by link, and each member's peerings and tables after completion."""

from __future__ import annotations

from archplan.model import Architecture, RouteTable, Vpc
from archplan.plan.mesh.hazards import (
    ambiguous_replies,
    made_transitive,
    quota_problems,
    reroutes_strays,
)
from archplan.plan.mesh.index import Index
from archplan.plan.mesh.model import Link, VpcPlan
from archplan.plan.mesh.route_tables import member_tables, serving_tables, table_plan
from archplan.plan.mesh.safety import Guard
from archplan.plan.tables import Conflict, LeftOut, RouteNeed, TableState, check
from archplan.routes import vpc_blocks


def per_vpc_plans(
    architecture: Architecture,
    vpcs: list[Vpc],
    present: list[Link],
    missing: list[Link],
    index: Index,
    guard: Guard | None = None,
) -> tuple[tuple[VpcPlan, ...], tuple[LeftOut, ...]]:
    """Each member after completion, and the links the snippet leaves out.

    The links are tried one by one, present ones first (they exist: their routes come before
    new peerings'), then missing ones, each in mesh order. A link is added only when every
    route it needs, on both sides and in every table that serves a subnet, can be added
    without overlapping a route already there (the file's or another link's) and within the
    quotas. Then each side routes all of the other's blocks from every subnet and the other
    side answers every one of them through the same peering: no one-sided route, no reply
    that leaves through another peering. Anything less is left for a human, with the reason;
    so is a link the guard finds would bypass a firewall or break one of the file's
    reachability intents (see plan.mesh.safety).
    """
    by_name = {vpc.name: vpc for vpc in vpcs}
    order = {vpc.name: position for position, vpc in enumerate(vpcs)}
    blocks = {vpc.name: [block for block, _ in vpc_blocks(vpc)] for vpc in vpcs}
    links = [link for link in present + missing if link.possible and link.peering is not None]
    peers: dict[str, list[tuple[Vpc, str]]] = {vpc.name: [] for vpc in vpcs}
    for link in links:
        assert link.peering is not None  # for mypy: filtered above
        peers[link.first].append((by_name[link.second], link.peering))
        peers[link.second].append((by_name[link.first], link.peering))
    tables: dict[str, list[tuple[str, RouteTable | None]]] = {}
    for vpc in vpcs:
        # A VPC with no peer gets no new table, but its own tables are still shown.
        tables[vpc.name] = (
            member_tables(vpc)
            if peers[vpc.name]
            else [(table.name, table) for table in serving_tables(vpc)]
        )
        for name, table in tables[vpc.name]:
            index.tables.setdefault((vpc.name, name), TableState(table))

    def needs(vpc: Vpc, peer: Vpc, peering: str) -> list[RouteNeed]:
        return [
            RouteNeed(block, peering, peer.name)
            for block in blocks[peer.name]
            # An IPv4-only VPC has no IPv6 address to send from: a route to the peer's IPv6
            # block would carry nothing.
            if block.version == 4 or vpc.ipv6_cidrs
        ]

    peering_quota = architecture.quotas["active_peerings_per_vpc"]
    route_quota = architecture.quotas["routes_per_route_table"]
    added: set[tuple[str, str, RouteNeed]] = set()
    conflicts: dict[tuple[str, str], list[Conflict]] = {}
    left_out: list[LeftOut] = []
    is_present = {frozenset((link.first, link.second)) for link in present}
    for link in links:
        assert link.peering is not None
        first, second = by_name[link.first], by_name[link.second]
        sides = [
            (vpc.name, name, needs(vpc, peer, link.peering))
            for vpc, peer in ((first, second), (second, first))
            for name, _ in tables[vpc.name]
        ]
        adds, found = check(index.tables, sides)
        pair = frozenset((link.first, link.second))
        new_peering = pair not in is_present and pair not in index.added_pairs
        problems = quota_problems(
            index,
            adds,
            (link.first, link.second) if new_peering else (),
            peering_quota,
            route_quota,
        )
        if new_peering:
            problems += tuple(made_transitive(index, first, second))
        if adds:
            problems += tuple(ambiguous_replies(index, link.first, link.second))
            problems += tuple(reroutes_strays(index, adds))
        if guard is not None and (adds or new_peering) and not found and not problems:
            problems += tuple(guard.problems(first, second, link.peering, adds, new_peering))
        if found or problems:
            for item in found:
                conflicts.setdefault((item.vpc, item.table), []).append(item.conflict)
            left_out.append(
                LeftOut(
                    link.first,
                    link.second,
                    link.peering,
                    pair in is_present,
                    tuple(found),
                    problems,
                )
            )
            continue
        for vpc_name, table_name, need in adds:
            index.tables[(vpc_name, table_name)].add(need.destination, need.target)
            added.add((vpc_name, table_name, need))
        if new_peering:
            index.peers.setdefault(link.first, set()).add(link.second)
            index.peers.setdefault(link.second, set()).add(link.first)
            index.added_pairs.add(pair)
            for name in pair:
                index.added_peerings[name] = index.added_peerings.get(name, 0) + 1
    created: dict[str, int] = dict.fromkeys(peers, 0)
    for link in missing:
        if link.possible:
            created[link.first] += 1
            created[link.second] += 1
    plans = []
    for vpc in vpcs:
        ordered = sorted(peers[vpc.name], key=lambda item: order[item[0].name])
        wanted = [need for peer, peering in ordered for need in needs(vpc, peer, peering)]
        plans.append(
            VpcPlan(
                name=vpc.name,
                peerings_now=index.live_count.get(vpc.name, 0),
                peerings_added=created[vpc.name],
                peering_quota=peering_quota,
                tables=tuple(
                    table_plan(
                        name,
                        table,
                        [need for need in wanted if (vpc.name, name, need) in added],
                        wanted,
                        tuple(conflicts.get((vpc.name, name), ())),
                        route_quota,
                    )
                    for name, table in tables[vpc.name]
                ),
            )
        )
    return tuple(plans), tuple(left_out)
