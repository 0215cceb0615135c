"""Full-mesh peering plans: links, quotas after completion, and the transit gateway alternative."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import NamedTuple

from archplan.cidr import Block, Tagged, covered, overlapping_pairs
from archplan.model import Architecture, Mesh, Peering, Prices, RouteTable, Vpc
from archplan.money import HOURS_PER_MONTH
from archplan.plan.tables import Conflict, LeftOut, RouteNeed, TableState, check
from archplan.routes import tables_in_use, vpc_blocks, vpc_overlaps
from archplan.wording import plural

# A peering in one of these states carries nothing and never will (aws-network-rules.md §4.4);
# pending-acceptance and provisioning still count, since they become active once accepted.
DEAD_STATUSES = frozenset({"failed", "rejected", "expired", "deleted"})

# The name of the one mesh planned when the file declares none.
ALL_VPCS = "all-vpcs"

# A mesh larger than the quotas allow is planned pair by pair up to this many VPCs: the most a
# full mesh can ever have (AWS raises active_peerings_per_vpc to 125 at most), so the plan
# still says which route table overflows, at a bounded cost (7,875 pairs). Beyond, and beyond
# the quotas, it is planned per VPC (see MeshPlan).
PAIR_BY_PAIR_UP_TO = 126

# Overlapping pairs a recommendation names before it counts the rest.
LISTED_PAIRS = 10


# AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS Network Infrastructure": peering
# "is best used when ... the number of VPCs to be connected is less than 10" (§5.1).
PEERING_SUITS_FEWER_THAN = 10

# Peering attachments per transit gateway (aws-network-rules.md §5.2, TGWQ-new).
PEERING_ATTACHMENTS_QUOTA = 50

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


class FamilyCount(NamedTuple):
    """Static routes of one address family in one table: now, and how many completing the mesh
    adds (one per peer block not routed yet, whether or not the snippet can add it safely)."""

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
    routes: tuple[RouteNeed, ...]  # what --emit yaml adds: the links it can route safely
    conflicts: tuple[Conflict, ...]  # routes in the way of a link, which is then left out

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
    """What the same VPCs would need through transit gateways, and the monthly cost.

    A transit gateway is regional: a mesh spanning k Regions needs one per Region, and the k
    gateways peered with each other (a full mesh of peering attachments, k(k-1)/2).
    """

    regions: tuple[str, ...]  # the members' Regions, in mesh order
    attachments: int  # VPC attachments: one per VPC
    attachments_quota: int
    peering_attachments: int  # between the Regions' transit gateways: k(k-1)/2
    route_entries: int  # every mesh VPC block in each Region's transit gateway route table
    prices: TransitGatewayPrices
    traffic_gb_month: Decimal | None
    attachment_cost: Decimal  # per month, VPC and peering attachments
    data_cost: Decimal | None  # per month; None without --traffic-gb-month

    @property
    def transit_gateways(self) -> int:
        return len(self.regions)

    @property
    def peering_attachments_per_gateway(self) -> int:
        return max(self.transit_gateways - 1, 0)

    @property
    def billed_attachments(self) -> int:
        return self.attachments + self.peering_attachments

    @property
    def monthly_cost(self) -> Decimal:
        return self.attachment_cost + (self.data_cost or 0)


class Recommendation(NamedTuple):
    choice: Choice
    reason: str


class MeshLimit(NamedTuple):
    """The largest full mesh the quotas allow, by each quota, and the route table that limits it."""

    by_peerings: int  # n - 1 <= active_peerings_per_vpc
    by_routes: int  # every table fits one route per block of each of n - 1 peers
    route_table: tuple[str, str] | None  # (VPC, table) with the least room; None without tables
    blocks_per_peer: tuple[int, int]  # IPv4, IPv6 blocks assumed per peer: the members' most

    @property
    def vpcs(self) -> int:
        return min(self.by_peerings, self.by_routes)

    @property
    def binding(self) -> str:
        """The quota that sets the limit (both when they agree)."""
        if self.by_peerings == self.by_routes:
            return "both"
        if self.by_peerings < self.by_routes:
            return "active_peerings_per_vpc"
        return "routes_per_route_table"


class MeshPlan(NamedTuple):
    """The plan of one mesh.

    A mesh larger than the quotas allow and than PAIR_BY_PAIR_UP_TO is planned per VPC
    (`per_vpc_only`): completing it is impossible, and listing its n(n-1)/2 pairs would make
    the plan grow with n² for nothing.
    Then `missing` holds only the impossible links (found by a sweep over the sorted blocks),
    each member's VpcPlan counts its peerings but plans no route table, and nothing is left
    for --emit yaml. `missing_count` counts every missing link in both modes.
    """

    name: str
    declared: bool  # False for the implicit mesh of all VPCs
    vpcs: tuple[str, ...]  # members that exist, in mesh order, each once
    unknown: tuple[str, ...]  # members that name no VPC
    present: tuple[Link, ...]
    missing: tuple[Link, ...]  # every pair not present (only the impossible ones per VPC)
    per_vpc: tuple[VpcPlan, ...]
    left_out: tuple[LeftOut, ...]  # links --emit yaml does not add, and why
    largest_mesh: MeshLimit
    transit_gateway: TransitGatewayOption
    recommendation: Recommendation
    blockers: tuple[str, ...]  # why the mesh cannot be completed; empty when it can
    per_vpc_only: bool = False

    @property
    def n(self) -> int:
        return len(self.vpcs)

    @property
    def needed(self) -> int:
        return links_needed(self.n)

    @property
    def missing_count(self) -> int:
        return self.needed - len(self.present)

    @property
    def impossible(self) -> tuple[Link, ...]:
        return tuple(link for link in self.missing if not link.possible)

    @property
    def to_create(self) -> tuple[Link, ...]:
        """The missing links that can be created (listed only when the mesh is planned pair
        by pair; see iter_missing for the others)."""
        return tuple(link for link in self.missing if link.possible)

    @property
    def to_create_count(self) -> int:
        return self.missing_count - len(self.impossible)

    @property
    def complete(self) -> bool:
        """Every pair is peered now."""
        return not self.missing_count and not self.unknown

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


def largest_mesh_by_routes(quota: int, routes_now: int, blocks_per_peer: int) -> int:
    """The most VPCs a full mesh can have when a table holding `routes_now` routes gains
    `blocks_per_peer` routes for each of the n-1 peers: routes_now + (n-1) * blocks <= quota."""
    if routes_now > quota:
        return 1  # already over: not even one peer fits
    return (quota - routes_now) // blocks_per_peer + 1


def peering_attachments(regions: int) -> int:
    """Peering attachments joining one transit gateway per Region into a full mesh."""
    return links_needed(regions)


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
    # What --emit yaml adds so far, shared so that two meshes never add conflicting routes:
    # each (VPC, route table) as filled, the new peerings per VPC, and their pairs.
    tables: dict[tuple[str, str], TableState]
    added_peerings: dict[str, int]
    added_pairs: set[frozenset[str]]
    # Routes of the file through a peering to a destination outside the peer, by peer VPC:
    # (VPC routing, destination, peering). Peering that peer with a VPC owning the
    # destination would turn such a route into a transitive one (a new finding).
    # Found on first use (_strays_of): a mesh planned per VPC never needs them.
    strays: list[dict[str, list[tuple[str, Block, str]]]]
    # Each VPC's peers (the file's live peerings and the ones the plan adds), and the pairs of
    # VPCs of the file whose blocks overlap.
    peers: dict[str, set[str]]
    overlapping: set[frozenset[str]]
    architecture: Architecture


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
    peers: dict[str, set[str]] = {}
    for peering in architecture.peerings.values():
        if not is_live(peering) or peering.requester is None or peering.accepter is None:
            continue
        peers.setdefault(peering.requester, set()).add(peering.accepter)
        peers.setdefault(peering.accepter, set()).add(peering.requester)
        ends = {peering.requester, peering.accepter}
        for vpc in ends:
            live_count[vpc] = live_count.get(vpc, 0) + 1
        if len(ends) == 2:
            live_by_pair.setdefault(frozenset(ends), peering)
    for peering in architecture.peerings.values():
        pair = frozenset((peering.requester or "", peering.accepter or ""))
        if not is_live(peering) and len(pair) == 2 and pair not in live_by_pair:
            dead_by_pair.setdefault(pair, peering)
    return _Index(
        live_by_pair,
        dead_by_pair,
        live_count,
        {},
        set(architecture.peerings),
        {},
        {},
        set(),
        [],
        peers,
        _overlapping_pairs(list(architecture.vpcs.values())),
        architecture,
    )


def _strays_of(index: _Index, name: str) -> list[tuple[str, Block, str]]:
    """The routes of the file through a peering to `name` for addresses outside it."""
    if not index.strays:
        index.strays.append(_strays(index.architecture))
    return index.strays[0].get(name, [])


def _strays(architecture: Architecture) -> dict[str, list[tuple[str, Block, str]]]:
    strays: dict[str, list[tuple[str, Block, str]]] = {}
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for route in table.routes:
                target, block = route.target, route.block
                if target is None or target.kind != "peering" or block is None:
                    continue
                peering = architecture.peerings.get(target.name or "")
                if peering is None or not peering.involves(vpc.name):
                    continue
                peer_name = peering.accepter if peering.requester == vpc.name else peering.requester
                peer = architecture.vpcs.get(peer_name or "")
                if peer is None or peer.name == vpc.name:
                    continue
                own = [mine for mine, _ in vpc_blocks(peer) if mine.version == block.version]
                if not covered(block, own):
                    strays.setdefault(peer.name, []).append((vpc.name, block, peering.name))
    return strays


def _ambiguous_replies(index: _Index, first: str, second: str) -> list[str]:
    """Why routing a link would send replies to the wrong VPC: one side is peered with a third
    VPC overlapping the other side, so its route to the other side's blocks would also catch
    replies meant for the third VPC (AWS does no reverse-path forwarding, §4.6)."""
    problems = []
    for vpc, peer in ((first, second), (second, first)):
        for third in sorted(index.peers.get(vpc, ())):
            if third != peer and frozenset((third, peer)) in index.overlapping:
                problems.append(
                    f'VPC "{vpc}" is also peered with "{third}", which overlaps "{peer}": its '
                    f'replies to one of them would go to the other; route "{vpc}"\'s subnets '
                    "to each by hand"
                )
    return problems


def _reroutes_strays(index: _Index, adds: list[tuple[str, str, RouteNeed]]) -> list[str]:
    """Why a link's routes would change where a broken route of the file leads: a route in
    VPC X through a peering to Y, for addresses outside Y, is judged by where Y sends them
    (its VPN, its internet gateway...); a new route in Y for those addresses changes that."""
    problems = []
    for vpc, table, need in adds:
        for source, block, peering in _strays_of(index, vpc):
            if block.overlaps(need.destination):
                problems.append(
                    f'VPC "{source}" routes {block} through peering "{peering}" to "{vpc}", '
                    f'which is not in "{vpc}"; a route to {need.destination} in route table '
                    f'"{table}" of "{vpc}" would change where it leads: fix it first'
                )
    return list(dict.fromkeys(problems))


def _made_transitive(index: _Index, first: Vpc, second: Vpc) -> list[str]:
    """Why a new peering of `first` and `second` would turn a route of the file transitive."""
    problems = []
    for peer, other in ((first, second), (second, first)):
        for vpc, block, peering in _strays_of(index, peer.name):
            if vpc != other.name and any(block.overlaps(own) for own, _ in vpc_blocks(other)):
                problems.append(
                    f'VPC "{vpc}" routes {block} through peering "{peering}" to "{peer.name}", '
                    f'which is not in "{peer.name}"; peering "{peer.name}" with "{other.name}" '
                    "would make that route transitive: fix it first"
                )
    return problems


def plan_mesh(
    architecture: Architecture,
    mesh: Mesh,
    declared: bool,
    index: _Index | None = None,
    traffic_gb_month: Decimal | None = None,
) -> MeshPlan:
    """The plan of one mesh: its links, its members after completion, the transit gateway.

    A mesh larger than the quotas allow is planned per VPC (see MeshPlan), in time linear in
    its members, their blocks and peerings, and the impossible pairs."""
    if index is None:
        index = _index(architecture)
    members = list(dict.fromkeys(mesh.members))
    vpcs = [architecture.vpcs[name] for name in members if name in architecture.vpcs]
    unknown = tuple(name for name in members if name not in architecture.vpcs)
    present_links = _present_links(vpcs, index)
    limit = mesh_limit(architecture, vpcs, present_links)
    if len(vpcs) > limit.vpcs and len(vpcs) > PAIR_BY_PAIR_UP_TO:
        return _plan_per_vpc(
            architecture,
            mesh,
            declared,
            index,
            traffic_gb_month,
            vpcs,
            unknown,
            limit,
            present_links,
        )
    present: list[Link] = []
    missing: list[Link] = []
    overlapping = _overlapping_pairs(vpcs)
    for position, first in enumerate(vpcs):
        for second in vpcs[position + 1 :]:
            pair = frozenset((first.name, second.name))
            link, is_present = _link(first, second, pair in overlapping, index)
            (present if is_present else missing).append(link)
    per_vpc, left_out = _per_vpc(architecture, vpcs, present, missing, index)
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
        left_out=left_out,
        largest_mesh=limit,
        transit_gateway=option,
        recommendation=recommend(len(vpcs), missing, per_vpc, option),
        blockers=blockers,
    )


def _present_links(vpcs: list[Vpc], index: _Index) -> list[Link]:
    """The members' live peerings with each other that can work (the blocks do not overlap),
    in the order of the file's peerings: linear in the peerings, whatever the mesh's size."""
    position = {vpc.name: place for place, vpc in enumerate(vpcs)}
    links = []
    for pair, peering in index.live_by_pair.items():
        if all(name in position for name in pair) and pair not in index.overlapping:
            first, second = sorted(pair, key=position.__getitem__)
            links.append(Link(first, second, peering.name, peering.status, ()))
    return links


def _plan_per_vpc(
    architecture: Architecture,
    mesh: Mesh,
    declared: bool,
    index: _Index,
    traffic_gb_month: Decimal | None,
    vpcs: list[Vpc],
    unknown: tuple[str, ...],
    limit: MeshLimit,
    present_links: list[Link],
) -> MeshPlan:
    """The plan of a mesh larger than the quotas allow: counts per VPC, the impossible pairs
    from a sweep over the sorted blocks, no pair enumerated."""
    order = {vpc.name: place for place, vpc in enumerate(vpcs)}
    by_name = {vpc.name: vpc for vpc in vpcs}
    present = sorted(present_links, key=lambda link: (order[link.first], order[link.second]))
    impossible = []
    # The file's overlapping pairs were found by one sweep over every VPC's sorted blocks.
    for pair in (pair for pair in index.overlapping if pair <= order.keys()):
        first, second = sorted(pair, key=order.__getitem__)
        link, _ = _link(by_name[first], by_name[second], True, index)
        impossible.append(link)
    impossible.sort(key=lambda link: (order[link.first], order[link.second]))
    linked = dict.fromkeys(order, 0)  # present or impossible: not to create
    for link in (*present, *impossible):
        linked[link.first] += 1
        linked[link.second] += 1
    peering_quota = architecture.quotas["active_peerings_per_vpc"]
    per_vpc = tuple(
        VpcPlan(
            name=vpc.name,
            peerings_now=index.live_count.get(vpc.name, 0),
            peerings_added=len(vpcs) - 1 - linked[vpc.name],
            peering_quota=peering_quota,
            tables=(),
        )
        for vpc in vpcs
    )
    option = transit_gateway_option(architecture, vpcs, traffic_gb_month)
    over = [vpc for vpc in per_vpc if vpc.over_quota]
    blockers = [f'VPC "{name}" is listed in the mesh but does not exist' for name in unknown]
    blockers.append(
        f"a full mesh of {plural(len(vpcs), 'VPC')} needs {links_needed(len(vpcs)):,} peerings; "
        f"the quotas allow a full mesh of at most {plural(limit.vpcs, 'VPC')} "
        f"(active_peerings_per_vpc {peering_quota}, routes_per_route_table "
        f"{architecture.quotas['routes_per_route_table']})"
    )
    if impossible:
        blockers.append(
            f"{plural(len(impossible), 'pair')} of VPCs overlap: AWS refuses to peer them"
        )
    if over:
        blockers.append(
            f"{plural(len(over), 'VPC')} would have more active peerings than the "
            f"active_peerings_per_vpc quota ({peering_quota})"
        )
    return MeshPlan(
        name=mesh.name,
        declared=declared,
        vpcs=tuple(vpc.name for vpc in vpcs),
        unknown=unknown,
        present=tuple(present),
        missing=tuple(impossible),
        per_vpc=per_vpc,
        left_out=(),
        largest_mesh=limit,
        transit_gateway=option,
        recommendation=_recommend_beyond(len(vpcs), impossible, per_vpc, option, limit),
        blockers=tuple(blockers),
        per_vpc_only=True,
    )


def iter_missing(architecture: Architecture, plan: MeshPlan) -> Iterator[Link]:
    """Every missing link of a mesh planned per VPC, in mesh order, one at a time (n² of them:
    for `--all`, which writes each as it comes). A link to create carries the dead peering
    it would bring back, else no name: none is planned for a mesh that cannot be built."""
    present = {frozenset((link.first, link.second)) for link in plan.present}
    impossible = {frozenset((link.first, link.second)): link for link in plan.impossible}
    dead: dict[frozenset[str], Peering] = {}
    members = set(plan.vpcs)
    for peering in architecture.peerings.values():
        pair = frozenset((peering.requester or "", peering.accepter or ""))
        if not is_live(peering) and len(pair) == 2 and pair <= members:
            dead.setdefault(pair, peering)
    names = plan.vpcs
    for position, first in enumerate(names):
        for second in names[position + 1 :]:
            pair = frozenset((first, second))
            if pair in present:
                continue
            link = impossible.get(pair)
            if link is None:
                gone = dead.get(pair)
                link = Link(
                    first, second, gone.name if gone else None, gone.status if gone else None, ()
                )
            yield link


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
) -> tuple[tuple[VpcPlan, ...], tuple[LeftOut, ...]]:
    """Each member after completion, and the links the snippet leaves out.

    The links are tried one by one, present ones first (they exist: their routes come before
    new peerings'), then missing ones, each in mesh order. A link is added only when every
    route it needs, on both sides and in every table that serves a subnet, can be added
    without overlapping a route already there (the file's or another link's) and within the
    quotas. Then each side routes all of the other's blocks from every subnet and the other
    side answers every one of them through the same peering: no one-sided route, no reply
    that leaves through another peering. Anything less is left for a human, with the reason.
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
        problems = _quota_problems(
            index,
            adds,
            (link.first, link.second) if new_peering else (),
            peering_quota,
            route_quota,
        )
        if new_peering:
            problems += tuple(_made_transitive(index, first, second))
        if adds:
            problems += tuple(_ambiguous_replies(index, link.first, link.second))
            problems += tuple(_reroutes_strays(index, adds))
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
                    _table_plan(
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


def _quota_problems(
    index: _Index,
    adds: list[tuple[str, str, RouteNeed]],
    new_peering: tuple[str, ...],
    peering_quota: int,
    route_quota: int,
) -> tuple[str, ...]:
    """The quotas adding one link would exceed (the snippet must not trip peering-quota or
    route-quota)."""
    problems = []
    for name in new_peering:
        after = index.live_count.get(name, 0) + index.added_peerings.get(name, 0) + 1
        if after > peering_quota:
            problems.append(
                f'VPC "{name}" would have {after} peerings; the active_peerings_per_vpc quota '
                f"is {peering_quota}"
            )
    growth: dict[tuple[str, str, int], int] = {}
    for vpc, table, need in adds:
        if index.tables[(vpc, table)].lookup(need.destination) is None:
            key = (vpc, table, need.destination.version)
            growth[key] = growth.get(key, 0) + 1
    for (vpc, table, version), count in growth.items():
        after = index.tables[(vpc, table)].counts[version] + count
        if after > route_quota:
            problems.append(
                f'route table "{table}" of VPC "{vpc}" would have {after} IPv{version} routes; '
                f"the routes_per_route_table quota is {route_quota}"
            )
    return tuple(problems)


def member_tables(vpc: Vpc) -> list[tuple[str, RouteTable | None]]:
    """The tables a peering route must go in: those serving the VPC's subnets, plus the main
    table the plan creates (None) when some traffic uses AWS's implicit, empty one."""
    tables: list[tuple[str, RouteTable | None]] = [
        (table.name, table) for table in serving_tables(vpc)
    ]
    if needs_new_main_table(vpc):
        tables.append((new_table_name(vpc), None))
    return tables


def _table_plan(
    name: str,
    table: RouteTable | None,
    routes: list[RouteNeed],
    wanted: list[RouteNeed],
    conflicts: tuple[Conflict, ...],
    quota: int,
) -> TablePlan:
    existing = {
        route.block: route for route in (table.routes if table else ()) if route.block is not None
    }
    # After completion the table holds one route per peer block; a destination it already has
    # is replaced, not added (AWS keeps one route per destination).
    needed = {need.destination: need for need in wanted if need.destination not in existing}
    return TablePlan(
        name=name,
        new=table is None,
        ipv4=_count(existing, needed, 4),
        ipv6=_count(existing, needed, 6),
        quota=quota,
        routes=tuple(routes),
        conflicts=conflicts,
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
    """One transit gateway per Region, peered with each other; one attachment per VPC; every
    mesh VPC block routed in each gateway's table; all priced per month.

    A transit gateway attaches VPCs of its own Region only (aws-network-rules.md §5.3), so
    VPCs of other Regions are reached through a peering attachment between the gateways,
    with static routes (§5.3: "TGW peering needs static TGW routes").
    """
    prices = transit_gateway_prices(architecture.prices)
    regions = tuple(dict.fromkeys(vpc.region for vpc in vpcs if vpc.region is not None))
    if vpcs and not regions:
        regions = ("",)  # no Region known (validate reports it): still one transit gateway
    peerings = peering_attachments(len(regions))
    # §5.4 prices a transit gateway "per attachment-hour" and names no other rate for peering
    # attachments, so they are priced like VPC attachments (the report says so).
    attachment_cost, data_cost = monthly_cost(
        len(vpcs) + peerings, prices.attachment_hour, prices.per_gb, traffic_gb_month
    )
    return TransitGatewayOption(
        regions=regions,
        attachments=len(vpcs),
        attachments_quota=architecture.quotas["attachments_per_transit_gateway"],
        peering_attachments=peerings,
        route_entries=len(regions) * sum(len(vpc_blocks(vpc)) for vpc in vpcs),
        prices=prices,
        traffic_gb_month=traffic_gb_month,
        attachment_cost=attachment_cost,
        data_cost=data_cost,
    )


def mesh_limit(architecture: Architecture, vpcs: list[Vpc], present: list[Link]) -> MeshLimit:
    """The largest full mesh by each quota.

    By peerings, n - 1 <= active_peerings_per_vpc. By routes, each route table of a member
    needs one route per block of each of its n - 1 peers, IPv4 and IPv6 counted separately,
    on top of the routes it has besides the mesh's own peering routes. Peers joining later
    are assumed to have as many blocks as the member with the most (of each family).
    """
    quota = architecture.quotas["routes_per_route_table"]
    mesh_peerings = {link.peering for link in present if link.peering is not None}
    per_peer = (
        max((len(vpc.ipv4_blocks) for vpc in vpcs), default=0) or 1,
        max((len(vpc.ipv6_cidrs) for vpc in vpcs), default=0),
    )
    by_routes = largest_mesh_by_routes(quota, 0, per_peer[0])
    tightest: tuple[str, str] | None = None
    for vpc in vpcs:
        for name, table in member_tables(vpc):
            for version, blocks in ((4, per_peer[0]), (6, per_peer[1])):
                if not blocks or (version == 6 and not vpc.ipv6_cidrs):
                    continue  # no IPv6 route is needed in an IPv4-only VPC
                now = sum(
                    1
                    for route in (table.routes if table else ())
                    if route.block is not None
                    and route.block.version == version
                    and not (
                        route.target is not None
                        and route.target.kind == "peering"
                        and route.target.name in mesh_peerings
                    )
                )
                limit = largest_mesh_by_routes(quota, now, blocks)
                if tightest is None or limit < by_routes:
                    by_routes, tightest = limit, (vpc.name, name)
    return MeshLimit(
        by_peerings=largest_mesh(architecture.quotas["active_peerings_per_vpc"]),
        by_routes=by_routes,
        route_table=tightest,
        blocks_per_peer=per_peer,
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


def _recommend_beyond(
    n: int,
    impossible: list[Link],
    per_vpc: tuple[VpcPlan, ...],
    option: TransitGatewayOption,
    limit: MeshLimit,
) -> Recommendation:
    """The recommendation for a mesh larger than the quotas allow."""
    if impossible:
        return recommend(n, impossible, per_vpc, option)
    binding = "both quotas" if limit.binding == "both" else limit.binding
    return Recommendation(
        Choice.TRANSIT_GATEWAY,
        f"a full mesh of {n} VPCs exceeds the quotas ({binding} allows at most {limit.vpcs}); "
        f"a transit gateway needs one attachment per VPC ({option.attachments}) instead of "
        f"{n - 1} peerings each",
    )


def recommend(
    n: int, missing: list[Link], per_vpc: tuple[VpcPlan, ...], option: TransitGatewayOption
) -> Recommendation:
    """Peering or a transit gateway, and why (AWS whitepaper and Well-Architected, §5.1)."""
    if n < 2:
        return Recommendation(Choice.NONE, f"a mesh of {n} VPC needs no connection")
    impossible = [link for link in missing if not link.possible]
    if impossible:
        pairs = ", ".join(f"{link.first}/{link.second}" for link in impossible[:LISTED_PAIRS])
        if len(impossible) > LISTED_PAIRS:
            pairs += f" and {len(impossible) - LISTED_PAIRS:,} more"
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
