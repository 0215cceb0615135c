"""Full-mesh peering plans: links, quotas after completion, and the transit gateway alternative."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

from archplan.cidr import Block, Tagged, overlapping_pairs
from archplan.model import Architecture, Mesh, Peering, Prices, RouteTable, Target, Vpc
from archplan.money import HOURS_PER_MONTH
from archplan.routes import tables_in_use, vpc_blocks, vpc_overlaps

# A peering in one of these states carries nothing and never will (aws-network-rules.md §4.4);
# pending-acceptance and provisioning still count, since they become active once accepted.
DEAD_STATUSES = frozenset({"failed", "rejected", "expired", "deleted"})

# The name of the one mesh planned when the file declares none.
ALL_VPCS = "all-vpcs"


# AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS Network Infrastructure": peering
# "is best used when ... the number of VPCs to be connected is less than 10" (§5.1).
PEERING_SUITS_FEWER_THAN = 10

# Used only when the file has no prices.transit_gateway. These us-east-1 figures come from
# third-party pages; no AWS page confirmed them (aws-network-rules.md §5.4, §10).
DEFAULT_ATTACHMENT_HOUR = Decimal("0.05")
DEFAULT_PER_GB = Decimal("0.02")
DEFAULT_PRICE_SOURCE = (
    "archplan default: us-east-1 $0.05 per attachment-hour and $0.02 per GB, third-party "
    "figures not confirmed by AWS; set prices.transit_gateway in the file"
)


class Choice(enum.StrEnum):
    """What the plan recommends for a mesh."""

    NONE = "none"  # fewer than two VPCs: nothing to connect
    PEERING = "peering"
    TRANSIT_GATEWAY = "transit-gateway"
    READDRESS = "readdress"  # overlapping VPCs: neither peering nor a transit gateway routes them


class UnknownMesh(ValueError):
    """`--mesh NAME` names no mesh of the file."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        self.known = tuple(known)
        if self.known:
            listed = ", ".join(f'"{mesh}"' for mesh in self.known)
            message = f'no mesh "{name}"; the file declares {listed}'
        else:
            message = (
                f'no mesh "{name}"; the file declares no meshes (without --mesh, '
                "peering-plan plans one mesh of all VPCs)"
            )
        super().__init__(message)


class Overlap(NamedTuple):
    """Two colliding blocks: `first` belongs to the link's first VPC, `second` to the other."""

    first: Block
    second: Block


class Link(NamedTuple):
    """One pair of mesh members, in mesh order.

    `peering` names the existing peering of a present link. For a link that can be created it
    is the name planned for it: a new name, or a failed/rejected/expired/deleted peering of the
    pair that the plan re-creates (then `status` is that dead status). For an impossible link it
    is the pair's peering (which cannot work), or None.
    """

    first: str
    second: str
    peering: str | None
    status: str | None  # the existing peering's status; None when there is none
    overlaps: tuple[Overlap, ...]  # non-empty: AWS refuses to peer these two VPCs

    @property
    def possible(self) -> bool:
        return not self.overlaps

    @property
    def recreated(self) -> bool:
        """A missing link the plan fills by bringing a dead peering of the pair back."""
        return self.possible and self.status in DEAD_STATUSES


class RouteNeed(NamedTuple):
    """A route a table must gain: the peer's block through the pair's peering."""

    destination: Block
    peering: str
    peer: str

    @property
    def target(self) -> str:
        return f"peering:{self.peering}"


class Conflict(NamedTuple):
    """A route the plan cannot add: the table already sends that destination, or an overlapping
    one, elsewhere (AWS keeps one route per destination; overlaps split traffic by prefix)."""

    destination: Block  # the route the mesh needs
    existing: Block  # the table's route in the way (equal to destination, or overlapping it)
    current: str  # that route's target
    peering: str  # the peering the mesh needs for destination

    @property
    def description(self) -> str:
        if self.existing == self.destination:
            return f"{self.destination} already goes to {self.current}"
        return f"{self.destination} overlaps {self.existing}, which goes to {self.current}"


class FamilyCount(NamedTuple):
    """Static routes of one address family in one table: now, and how many the plan adds."""

    now: int
    added: int

    @property
    def after(self) -> int:
        return self.now + self.added


class TablePlan(NamedTuple):
    """One route table of a mesh member after completion."""

    name: str
    new: bool  # no table serves the VPC's subnets: the plan creates it as the main table
    ipv4: FamilyCount
    ipv6: FamilyCount
    quota: int  # routes_per_route_table, which AWS applies to each family separately
    routes: tuple[RouteNeed, ...]  # to add
    conflicts: tuple[Conflict, ...]

    @property
    def over_quota(self) -> bool:
        return self.ipv4.after > self.quota or self.ipv6.after > self.quota


class VpcPlan(NamedTuple):
    """One mesh member after completion: its peerings and its route tables."""

    name: str
    peerings_now: int  # every peering of the VPC not failed/rejected/expired/deleted
    peerings_added: int  # missing mesh links of this VPC that can be created
    peering_quota: int  # active_peerings_per_vpc
    tables: tuple[TablePlan, ...]

    @property
    def peerings_after(self) -> int:
        return self.peerings_now + self.peerings_added

    @property
    def over_quota(self) -> bool:
        return self.peerings_after > self.peering_quota


class TransitGatewayPrices(NamedTuple):
    """The prices used for the transit gateway cost, and where each came from."""

    attachment_hour: Decimal
    per_gb: Decimal
    attachment_hour_from_file: bool
    per_gb_from_file: bool
    source: str | None  # prices.source of the file

    @property
    def description(self) -> str:
        """One line saying where the prices come from, for every report."""
        if self.attachment_hour_from_file and self.per_gb_from_file:
            return f"file prices ({self.source})" if self.source else "file prices"
        if not self.attachment_hour_from_file and not self.per_gb_from_file:
            return DEFAULT_PRICE_SOURCE
        defaulted = "per_gb" if self.attachment_hour_from_file else "attachment_hour"
        return f"file prices, except {defaulted}: {DEFAULT_PRICE_SOURCE}"


class TransitGatewayOption(NamedTuple):
    """What the same VPCs would need through one transit gateway, and its monthly cost."""

    attachments: int  # one per VPC
    attachments_quota: int
    route_entries: int  # one per VPC block, in the transit gateway's route table
    prices: TransitGatewayPrices
    traffic_gb_month: Decimal | None
    attachment_cost: Decimal  # per month
    data_cost: Decimal | None  # per month; None without --traffic-gb-month

    @property
    def monthly_cost(self) -> Decimal:
        return self.attachment_cost + (self.data_cost or 0)


class Recommendation(NamedTuple):
    choice: Choice
    reason: str


class MeshPlan(NamedTuple):
    """The plan of one mesh."""

    name: str
    declared: bool  # False for the implicit mesh of all VPCs
    vpcs: tuple[str, ...]  # members that exist, in mesh order, each once
    unknown: tuple[str, ...]  # members that name no VPC
    present: tuple[Link, ...]
    missing: tuple[Link, ...]  # every pair not present, the impossible ones included
    per_vpc: tuple[VpcPlan, ...]
    largest_mesh: int
    transit_gateway: TransitGatewayOption
    recommendation: Recommendation
    blockers: tuple[str, ...]  # why the mesh cannot be completed; empty when it can

    @property
    def n(self) -> int:
        return len(self.vpcs)

    @property
    def needed(self) -> int:
        return links_needed(self.n)

    @property
    def impossible(self) -> tuple[Link, ...]:
        return tuple(link for link in self.missing if not link.possible)

    @property
    def to_create(self) -> tuple[Link, ...]:
        return tuple(link for link in self.missing if link.possible)

    @property
    def complete(self) -> bool:
        """Every pair is peered now."""
        return not self.missing and not self.unknown

    @property
    def can_complete(self) -> bool:
        return not self.blockers


class Plan(NamedTuple):
    meshes: tuple[MeshPlan, ...]

    @property
    def can_complete(self) -> bool:
        return all(mesh.can_complete for mesh in self.meshes)


# -- arithmetic -----------------------------------------------------------------------------


def links_needed(n: int) -> int:
    """Peerings a full mesh of n VPCs needs: one per unordered pair, n(n-1)/2."""
    return n * (n - 1) // 2


def largest_mesh(active_peerings_per_vpc: int) -> int:
    """The most VPCs a full mesh can have: each member peers with the n-1 others, n-1 <= quota."""
    return active_peerings_per_vpc + 1


def monthly_cost(
    attachments: int, attachment_hour: Decimal, per_gb: Decimal, traffic_gb: Decimal | None
) -> tuple[Decimal, Decimal | None]:
    """Transit gateway cost per month: attachment-hours over 730 hours, and data processed."""
    hours = attachments * attachment_hour * HOURS_PER_MONTH
    return hours, (per_gb * traffic_gb if traffic_gb is not None else None)


def is_live(peering: Peering) -> bool:
    """Whether a peering is, or can still become, active."""
    return peering.status not in DEAD_STATUSES


# -- planning -------------------------------------------------------------------------------


class _Index(NamedTuple):
    """Facts about the whole file that every mesh's plan reads, and the names given so far to
    new peerings (shared, so that a pair missing from two meshes gets one peering)."""

    live_by_pair: dict[frozenset[str], Peering]  # the first live peering of each pair of VPCs
    dead_by_pair: dict[frozenset[str], Peering]  # the first dead one, for pairs with no live one
    live_count: dict[str, int]  # live peerings per VPC
    planned: dict[frozenset[str], str]  # names given to the peerings the plan creates
    taken: set[str]  # peering names in use, the planned ones included


def plan(
    architecture: Architecture, mesh: str | None = None, traffic_gb_month: Decimal | None = None
) -> Plan:
    """Plan every mesh of the file, or only `mesh`; raises UnknownMesh for a name not declared."""
    if architecture.meshes:
        meshes = list(architecture.meshes.values())
        if mesh is not None:
            if mesh not in architecture.meshes:
                raise UnknownMesh(mesh, architecture.meshes)
            meshes = [architecture.meshes[mesh]]
    else:
        if mesh is not None:
            raise UnknownMesh(mesh, ())
        meshes = [Mesh(ALL_VPCS, tuple(architecture.vpcs), ())]
    index = _index(architecture)
    declared = bool(architecture.meshes)
    return Plan(
        tuple(plan_mesh(architecture, item, declared, index, traffic_gb_month) for item in meshes)
    )


def _index(architecture: Architecture) -> _Index:
    live_by_pair: dict[frozenset[str], Peering] = {}
    dead_by_pair: dict[frozenset[str], Peering] = {}
    live_count: dict[str, int] = {}
    for peering in architecture.peerings.values():
        if not is_live(peering) or peering.requester is None or peering.accepter is None:
            continue
        ends = {peering.requester, peering.accepter}
        for vpc in ends:
            live_count[vpc] = live_count.get(vpc, 0) + 1
        if len(ends) == 2:
            live_by_pair.setdefault(frozenset(ends), peering)
    for peering in architecture.peerings.values():
        pair = frozenset((peering.requester or "", peering.accepter or ""))
        if not is_live(peering) and len(pair) == 2 and pair not in live_by_pair:
            dead_by_pair.setdefault(pair, peering)
    return _Index(live_by_pair, dead_by_pair, live_count, {}, set(architecture.peerings))


def plan_mesh(
    architecture: Architecture,
    mesh: Mesh,
    declared: bool,
    index: _Index | None = None,
    traffic_gb_month: Decimal | None = None,
) -> MeshPlan:
    """The plan of one mesh: its links, its members after completion, the transit gateway."""
    if index is None:
        index = _index(architecture)
    members = list(dict.fromkeys(mesh.members))
    vpcs = [architecture.vpcs[name] for name in members if name in architecture.vpcs]
    unknown = tuple(name for name in members if name not in architecture.vpcs)
    present: list[Link] = []
    missing: list[Link] = []
    overlapping = _overlapping_pairs(vpcs)
    for position, first in enumerate(vpcs):
        for second in vpcs[position + 1 :]:
            pair = frozenset((first.name, second.name))
            link, is_present = _link(first, second, pair in overlapping, index)
            (present if is_present else missing).append(link)
    per_vpc = _per_vpc(architecture, vpcs, present, missing, index)
    option = transit_gateway_option(architecture, vpcs, traffic_gb_month)
    blockers = _blockers(unknown, missing, per_vpc)
    return MeshPlan(
        name=mesh.name,
        declared=declared,
        vpcs=tuple(vpc.name for vpc in vpcs),
        unknown=unknown,
        present=tuple(present),
        missing=tuple(missing),
        per_vpc=per_vpc,
        largest_mesh=largest_mesh(architecture.quotas["active_peerings_per_vpc"]),
        transit_gateway=option,
        recommendation=recommend(len(vpcs), missing, per_vpc, option),
        blockers=blockers,
    )


def _overlapping_pairs(vpcs: list[Vpc]) -> set[frozenset[str]]:
    """The pairs of VPCs with overlapping blocks, by one sweep instead of a look at each pair."""
    tagged = [Tagged(block, vpc.name) for vpc in vpcs for block, _ in vpc_blocks(vpc)]
    return {
        frozenset((one.owner, other.owner))
        for one, other in overlapping_pairs(tagged)
        if one.owner != other.owner
    }


def _link(first: Vpc, second: Vpc, overlapping: bool, index: _Index) -> tuple[Link, bool]:
    """The link between two members, and whether it is present."""
    pair = frozenset((first.name, second.name))
    # vpc_overlaps says which blocks collide (and stays the one definition of a collision).
    pairs = vpc_overlaps(first, second) if overlapping else []
    overlaps = tuple(Overlap(mine, theirs) for (mine, _), (theirs, _) in pairs)
    existing = index.live_by_pair.get(pair)
    if overlaps:
        # AWS puts a peering of overlapping VPCs in `failed`, whatever the file says.
        name, status = (existing.name, existing.status) if existing else (None, None)
        return Link(first.name, second.name, name, status, overlaps), False
    if existing is not None:
        return Link(first.name, second.name, existing.name, existing.status, ()), True
    dead = index.dead_by_pair.get(pair)
    if dead is not None:
        # Re-created under its own name: a second peering record for the pair would read as a
        # duplicate, and the routes that name it start working again.
        return Link(first.name, second.name, dead.name, dead.status, ()), False
    return Link(
        first.name, second.name, _planned_name(first.name, second.name, index), None, ()
    ), False


def _planned_name(first: str, second: str, index: _Index) -> str:
    """A new peering's name: `first-second`, numbered when taken; one name per pair of VPCs."""
    pair = frozenset((first, second))
    if pair in index.planned:
        return index.planned[pair]
    base = name = f"{first}-{second}"
    number = 2
    while name in index.taken:
        name = f"{base}-{number}"
        number += 1
    index.planned[pair] = name
    index.taken.add(name)
    return name


def _per_vpc(
    architecture: Architecture,
    vpcs: list[Vpc],
    present: list[Link],
    missing: list[Link],
    index: _Index,
) -> tuple[VpcPlan, ...]:
    # Each member's links that carry traffic after completion, with the peering to route through.
    peers: dict[str, list[tuple[Vpc, str]]] = {vpc.name: [] for vpc in vpcs}
    added: dict[str, int] = dict.fromkeys(peers, 0)
    by_name = {vpc.name: vpc for vpc in vpcs}
    order = {vpc.name: position for position, vpc in enumerate(vpcs)}
    for link in present + missing:
        if not link.possible or link.peering is None:
            continue
        peers[link.first].append((by_name[link.second], link.peering))
        peers[link.second].append((by_name[link.first], link.peering))
    for link in missing:
        if link.possible:
            added[link.first] += 1
            added[link.second] += 1
    peering_quota = architecture.quotas["active_peerings_per_vpc"]
    route_quota = architecture.quotas["routes_per_route_table"]
    blocks = {vpc.name: [block for block, _ in vpc_blocks(vpc)] for vpc in vpcs}
    return tuple(
        VpcPlan(
            name=vpc.name,
            peerings_now=index.live_count.get(vpc.name, 0),
            peerings_added=added[vpc.name],
            peering_quota=peering_quota,
            tables=table_plans(
                vpc,
                sorted(peers[vpc.name], key=lambda item: order[item[0].name]),
                route_quota,
                blocks,
            ),
        )
        for vpc in vpcs
    )


def table_plans(
    vpc: Vpc,
    peers: list[tuple[Vpc, str]],
    quota: int,
    blocks: Mapping[str, list[Block]] | None = None,
) -> tuple[TablePlan, ...]:
    """Every table serving the VPC's subnets, with the routes to each peer through its peering.

    `blocks` maps VPC names to their blocks when the caller has them (a mesh asks n² times).
    """
    if blocks is None:
        blocks = {peer.name: [block for block, _ in vpc_blocks(peer)] for peer, _ in peers}
    tables: list[tuple[str, RouteTable | None]] = [
        (table.name, table) for table in serving_tables(vpc)
    ]
    if needs_new_main_table(vpc) and peers:
        tables.append((new_table_name(vpc), None))
    needs = [
        RouteNeed(block, peering, peer.name)
        for peer, peering in peers
        for block in blocks[peer.name]
        # An IPv4-only VPC has no IPv6 address to send from: a route to the peer's IPv6 block
        # would carry nothing.
        if block.version == 4 or vpc.ipv6_cidrs
    ]
    return tuple(_table_plan(name, table, needs, quota) for name, table in tables)


def _table_plan(
    name: str, table: RouteTable | None, needs: list[RouteNeed], quota: int
) -> TablePlan:
    existing = {
        route.block: route for route in (table.routes if table else ()) if route.block is not None
    }
    # Destinations sent through a peering, with the target: a new route overlapping one of them
    # through another peering would take part of that peer's traffic by longest prefix match,
    # and replies would follow it (aws-network-rules.md §4.6). The plan leaves that to a human.
    # The table's peering routes come first, then the needs in order; overlaps are found by
    # one sweep, since comparing every need with every route is cubic over a large mesh.
    through = [
        (block, route.target_text)
        for block, route in existing.items()
        if route.target is not None and route.target.kind == "peering"
    ]
    through += [(need.destination, need.target) for need in needs]
    overlapping: dict[int, list[int]] = {}
    tagged = [Tagged(block, index) for index, (block, _) in enumerate(through)]
    for one, other in overlapping_pairs(tagged):
        overlapping.setdefault(one.owner, []).append(other.owner)
        overlapping.setdefault(other.owner, []).append(one.owner)
    first_need = len(through) - len(needs)
    accepted = set(range(first_need))
    routes: dict[Block, RouteNeed] = {}
    conflicts: list[Conflict] = []
    for index, need in enumerate(needs, start=first_need):
        route = existing.get(need.destination)
        if route is not None:
            if route.target != Target("peering", need.peering):
                conflicts.append(
                    Conflict(need.destination, need.destination, route.target_text, need.peering)
                )
            continue
        clash = next(
            (
                through[other]
                for other in sorted(overlapping.get(index, ()))
                if other in accepted and through[other][1] != need.target
            ),
            None,
        )
        if clash is not None:
            conflicts.append(Conflict(need.destination, clash[0], clash[1], need.peering))
            continue
        routes[need.destination] = need
        accepted.add(index)
    return TablePlan(
        name=name,
        new=table is None,
        ipv4=_count(existing, routes, 4),
        ipv6=_count(existing, routes, 6),
        quota=quota,
        routes=tuple(routes.values()),
        conflicts=tuple(conflicts),
    )


def _count(
    existing: Mapping[Block, object], added: Mapping[Block, object], version: int
) -> FamilyCount:
    return FamilyCount(
        sum(1 for block in existing if block.version == version),
        sum(1 for block in added if block.version == version),
    )


def serving_tables(vpc: Vpc) -> list[RouteTable]:
    """The tables that carry the VPC's traffic: those in use, else the main table."""
    tables = tables_in_use(vpc)
    if not tables and (main := vpc.main_route_table()) is not None:
        return [main]
    return tables


def needs_new_main_table(vpc: Vpc) -> bool:
    """Whether some traffic uses AWS's implicit, empty main table (the file declares none)."""
    if vpc.main_route_table() is not None:
        return False
    if not vpc.subnets:
        return not vpc.route_tables
    return any(subnet.route_table is None for subnet in vpc.subnets.values())


def new_table_name(vpc: Vpc) -> str:
    name, number = "main", 2
    while name in vpc.route_tables:
        name = f"main-{number}"
        number += 1
    return name


def transit_gateway_prices(prices: Prices | None) -> TransitGatewayPrices:
    """The file's transit gateway prices, each falling back to archplan's labelled default."""
    hour = prices.transit_gateway_attachment_hour if prices else None
    per_gb = prices.transit_gateway_per_gb if prices else None
    return TransitGatewayPrices(
        attachment_hour=DEFAULT_ATTACHMENT_HOUR if hour is None else hour,
        per_gb=DEFAULT_PER_GB if per_gb is None else per_gb,
        attachment_hour_from_file=hour is not None,
        per_gb_from_file=per_gb is not None,
        source=prices.source if prices else None,
    )


def transit_gateway_option(
    architecture: Architecture, vpcs: list[Vpc], traffic_gb_month: Decimal | None
) -> TransitGatewayOption:
    """One attachment per VPC and one transit gateway route per VPC block, priced per month."""
    prices = transit_gateway_prices(architecture.prices)
    attachment_cost, data_cost = monthly_cost(
        len(vpcs), prices.attachment_hour, prices.per_gb, traffic_gb_month
    )
    return TransitGatewayOption(
        attachments=len(vpcs),
        attachments_quota=architecture.quotas["attachments_per_transit_gateway"],
        route_entries=sum(len(vpc_blocks(vpc)) for vpc in vpcs),
        prices=prices,
        traffic_gb_month=traffic_gb_month,
        attachment_cost=attachment_cost,
        data_cost=data_cost,
    )


def _blockers(
    unknown: tuple[str, ...], missing: list[Link], per_vpc: tuple[VpcPlan, ...]
) -> tuple[str, ...]:
    reasons = [f'VPC "{name}" is listed in the mesh but does not exist' for name in unknown]
    reasons += [
        f'VPCs "{link.first}" and "{link.second}" overlap ({_overlap_text(link.overlaps)}): '
        "AWS refuses to peer them"
        for link in missing
        if not link.possible
    ]
    for vpc in per_vpc:
        if vpc.over_quota:
            reasons.append(
                f'VPC "{vpc.name}" would have {vpc.peerings_after} active peerings; the '
                f"active_peerings_per_vpc quota is {vpc.peering_quota}"
            )
        for table in vpc.tables:
            for family, count in (("IPv4", table.ipv4), ("IPv6", table.ipv6)):
                if count.after > table.quota:
                    reasons.append(
                        f'route table "{table.name}" of VPC "{vpc.name}" would have {count.after} '
                        f"{family} routes; the routes_per_route_table quota is {table.quota}"
                    )
    return tuple(reasons)


def _overlap_text(overlaps: tuple[Overlap, ...]) -> str:
    return ", ".join(f"{overlap.first} with {overlap.second}" for overlap in overlaps)


def recommend(
    n: int, missing: list[Link], per_vpc: tuple[VpcPlan, ...], option: TransitGatewayOption
) -> Recommendation:
    """Peering or a transit gateway, and why (AWS whitepaper and Well-Architected, §5.1)."""
    if n < 2:
        return Recommendation(Choice.NONE, f"a mesh of {n} VPC needs no connection")
    impossible = [link for link in missing if not link.possible]
    if impossible:
        pairs = ", ".join(f"{link.first}/{link.second}" for link in impossible)
        return Recommendation(
            Choice.READDRESS,
            f"overlapping VPCs ({pairs}) can be connected neither by peering nor through a "
            "transit gateway, which does not route between overlapping VPCs; change their "
            "address ranges first",
        )
    quotas = sorted(
        {"active_peerings_per_vpc" for vpc in per_vpc if vpc.over_quota}
        | {"routes_per_route_table" for vpc in per_vpc for table in vpc.tables if table.over_quota}
    )
    if quotas:
        return Recommendation(
            Choice.TRANSIT_GATEWAY,
            f"completing the mesh exceeds {' and '.join(quotas)}; a transit gateway needs one "
            f"attachment per VPC ({option.attachments}) instead of {n - 1} peerings each",
        )
    links = links_needed(n)
    if n >= PEERING_SUITS_FEWER_THAN:
        return Recommendation(
            Choice.TRANSIT_GATEWAY,
            f"{n} VPCs need {links} peerings; AWS's multi-VPC whitepaper suggests peering for "
            f"fewer than {PEERING_SUITS_FEWER_THAN} VPCs and a transit gateway beyond, and "
            "Well-Architected REL02-BP04 prefers hub-and-spoke over a mesh",
        )
    if n == 2:
        return Recommendation(
            Choice.PEERING,
            "two VPCs need one peering: the lowest cost and highest aggregate performance "
            "(AWS multi-VPC whitepaper)",
        )
    return Recommendation(
        Choice.PEERING,
        f"{n} VPCs need {links} peerings, within the quotas; AWS's multi-VPC whitepaper "
        f"suggests peering for fewer than {PEERING_SUITS_FEWER_THAN} VPCs (lowest cost, highest "
        "aggregate performance); Well-Architected REL02-BP04 prefers hub-and-spoke (a transit "
        "gateway) once more than two networks connect, so plan the move as the mesh grows",
    )
