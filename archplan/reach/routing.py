"""Route selection: a VPC route table (longest prefix match over the implicit local routes,
static and prefix-list routes and routes propagated from the virtual private gateway) and a
transit gateway route table (static, blackhole and propagated routes).

Ties at one prefix length follow AWS: the local route wins over anything more specific that
was propagated, a static route over a prefix-list route over a propagated one; in a transit
gateway table static wins over propagated (VPC before Direct Connect before VPN).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, cast

from archplan.cidr import Block
from archplan.findings import Path
from archplan.model import Architecture, RouteTable, Target, TransitGateway, Vpc
from archplan.network import TgwRouteTable

LOCAL = Target("local")
_TIE = {"local": 0, "static": 1, "prefix-list": 2, "propagated": 3}


class Choice(NamedTuple):
    """The route that carries a packet: its target, the text to show and where it is."""

    target: Target
    destination: str
    path: Path | None
    origin: str  # local, static, prefix-list, propagated


def table_of(vpc: Vpc, subnet: str) -> RouteTable | None:
    """The subnet's table: its own, else the main table (None: AWS's main table, local only)."""
    name = vpc.subnets[subnet].route_table
    if name is not None and name in vpc.route_tables:
        return vpc.route_tables[name]
    return vpc.main_route_table()


def gateway_table(vpc: Vpc, gateway: str) -> RouteTable | None:
    """The table edge-associated with the VPC's internet or virtual private gateway."""
    return next((t for t in vpc.route_tables.values() if t.gateway == gateway), None)


def vgw_prefixes(architecture: Architecture, vpc: str) -> list[tuple[Block, str]]:
    """On-premises prefixes the VPC's virtual private gateway knows, with the network."""
    known: list[tuple[Block, str]] = []
    for network in architecture.on_premises.values():
        for link in network.links:
            if link.kind == "vgw" and link.name == vpc:
                routes = link.static_routes if link.static_routes is not None else network.prefixes
                known += [(block, network.name) for block in routes]
    for dx in architecture.direct_connect_gateways.values():
        if any(a.kind == "vpc" and a.name == vpc for a in dx.associations):
            for network in architecture.on_premises.values():
                if any(link.kind == "dx" and link.name == dx.name for link in network.links):
                    known += [(block, network.name) for block in network.prefixes]
    return known


def _contains(block: Block, version: int, address: int) -> bool:
    return block.version == version and block.first <= address <= block.last


def choose(
    architecture: Architecture,
    vpc: Vpc,
    table: RouteTable | None,
    version: int,
    address: int,
) -> Choice | None:
    """The route a packet to `address` takes from `table` (None: no route)."""
    candidates: list[tuple[int, int, Choice]] = []
    blocks = vpc.ipv4_blocks if version == 4 else vpc.ipv6_cidrs
    replaced = {
        route.block: route for route in (table.routes if table else ()) if route.block is not None
    }
    inside_vpc = False
    for block in blocks:
        if _contains(block, version, address):
            inside_vpc = True
            route = replaced.get(block)
            if route is not None and route.target is not None:
                candidates.append(
                    (
                        block.prefix,
                        _TIE["local"],
                        Choice(route.target, route.destination, route.path, "local"),
                    )
                )
            else:
                candidates.append(
                    (block.prefix, _TIE["local"], Choice(LOCAL, str(block), None, "local"))
                )
    for route in table.routes if table else ():
        if route.target is None:
            continue
        if route.block is not None:
            if route.block in blocks:
                continue  # the local route's own target, handled above
            if _contains(route.block, version, address):
                candidates.append(
                    (
                        route.block.prefix,
                        _TIE["static"],
                        Choice(route.target, route.destination, route.path, "static"),
                    )
                )
        elif route.prefix_list is not None:
            listed = architecture.prefix_lists.get(route.prefix_list.removeprefix("pl:"))
            for entry in listed.entries if listed else ():
                if _contains(entry, version, address):
                    candidates.append(
                        (
                            entry.prefix,
                            _TIE["prefix-list"],
                            Choice(route.target, route.destination, route.path, "prefix-list"),
                        )
                    )
    if table is not None and table.vgw_propagation and not inside_vpc:
        for block, network in vgw_prefixes(architecture, vpc.name):
            if _contains(block, version, address):
                candidates.append(
                    (
                        block.prefix,
                        _TIE["propagated"],
                        Choice(
                            Target("vgw"),
                            f"{block} (propagated from {network})",
                            (*table.path, "vgw_propagation"),
                            "propagated",
                        ),
                    )
                )
    if not candidates:
        return None
    return min(candidates, key=lambda c: (-c[0], c[1]))[2]


class TgwChoice(NamedTuple):
    attachment: str | None  # None: blackhole
    destination: str
    path: Path | None
    origin: str  # static or propagated


def associated_table(gateway: TransitGateway, attachment: str) -> TgwRouteTable | None:
    for table in gateway.route_tables.values():
        if attachment in table.associations:
            return table
    if gateway.default_association is not None:
        return gateway.route_tables.get(gateway.default_association)
    return None


def propagated_routes(
    architecture: Architecture, gateway: TransitGateway, table: TgwRouteTable
) -> list[tuple[Block, str, int]]:
    """(block, attachment, preference) learned by `table`; preference: VPC 0, DX 1, VPN 2."""
    key = f"reach-propagated:{gateway.name}:{table.name}"
    memo = architecture.memo.get(key)
    if memo is not None:
        return memo  # type: ignore[return-value]
    found: list[tuple[Block, str, int]] = []
    attachments = set(table.propagations)
    if gateway.default_propagation == table.name:
        explicit = {a for t in gateway.route_tables.values() for a in t.propagations}
        attachments |= set(gateway.attachments) - explicit
    for name in sorted(attachments):
        vpc = architecture.vpcs.get(name) if name in gateway.attachments else None
        if vpc is not None:
            found += [(block, name, 0) for block in (*vpc.ipv4_blocks, *vpc.ipv6_cidrs)]
            continue
        network = architecture.on_premises.get(name)
        if network is not None:
            found += [(block, name, 2) for block in network.prefixes]
            continue
        dx = architecture.direct_connect_gateways.get(name)
        if dx is not None:
            for other in architecture.on_premises.values():
                if any(link.kind == "dx" and link.name == name for link in other.links):
                    found += [(block, name, 1) for block in other.prefixes]
    architecture.memo[key] = found
    return found


def choose_tgw(
    architecture: Architecture,
    gateway: TransitGateway,
    table: TgwRouteTable,
    version: int,
    address: int,
) -> TgwChoice | None:
    best: tuple[int, int, TgwChoice] | None = None
    for route in table.routes:
        if route.block is not None and _contains(route.block, version, address):
            candidate = (
                route.block.prefix,
                -1,
                TgwChoice(route.attachment, route.destination, route.path, "static"),
            )
            if best is None or (candidate[0], -candidate[1]) > (best[0], -best[1]):
                best = candidate
    for block, attachment, preference in propagated_routes(architecture, gateway, table):
        if _contains(block, version, address):
            candidate = (
                block.prefix,
                preference,
                TgwChoice(
                    attachment,
                    f"{block} (propagated from {attachment})",
                    (*table.path, "propagations"),
                    "propagated",
                ),
            )
            if best is None or (candidate[0], -candidate[1]) > (best[0], -best[1]):
                best = candidate
    return best[2] if best else None


def table_label(architecture: Architecture, vpc: Vpc, table: RouteTable | None) -> str:
    """How a hop names a route table: with its VPC when another VPC has a table of that name
    (hub-and-spoke files name every spoke's table "private")."""
    if table is None:
        return f"main route table of {vpc.name}"
    shared = _repeated_table_names(architecture, "vpcs", architecture.vpcs.values())
    if table.name in shared:
        return f"route table {table.name} of VPC {vpc.name}"
    return f"route table {table.name}"


def tgw_table_name(
    architecture: Architecture, gateway: TransitGateway, table: TgwRouteTable
) -> str:
    """How a hop names a transit gateway route table: with its gateway when another gateway
    has a table of that name (as `table_label` names a VPC's table with its VPC), else by its
    name alone."""
    shared = _repeated_table_names(
        architecture, "transit_gateways", architecture.transit_gateways.values()
    )
    if table.name in shared:
        return f"{table.name} of {gateway.name}"
    return table.name


def _repeated_table_names(
    architecture: Architecture, owners: str, found: Iterable[Vpc | TransitGateway]
) -> set[str]:
    """The route table names that two or more of the owners (VPCs, or transit gateways) use,
    worked out once per file."""
    key = f"reach-shared-table-names-{owners}"
    known = architecture.memo.get(key)
    if known is None:
        seen: set[str] = set()
        repeated: set[str] = set()
        for each in found:
            for name in each.route_tables:
                (repeated if name in seen else seen).add(name)
        architecture.memo[key] = known = repeated
    return cast("set[str]", known)
