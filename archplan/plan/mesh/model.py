"""What a peering plan is made of: links, members and their route tables, limits, the plan."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import NamedTuple

from archplan.cidr import Block
from archplan.plan.mesh.arithmetic import DEAD_STATUSES, links_needed
from archplan.plan.mesh.transit import TransitGatewayOption
from archplan.plan.tables import Conflict, LeftOut, RouteNeed


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
                "peering-plan plans one mesh of all VPCs when nothing connects them yet)"
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
    # The file's transit gateways that already attach two or more members, described.
    existing_gateways: tuple[str, ...] = ()

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


class Unplanned(NamedTuple):
    """Why a file without `meshes:` gets no mesh planned: fewer than two VPCs, or VPCs that
    already connect through transit gateways or peerings other than a full mesh (a deliberate
    hub and spoke, or inspection through a transit gateway, is not an incomplete mesh)."""

    vpcs: tuple[str, ...]
    through: tuple[str, ...]  # the connections, described: 'transit gateway "hub" (a, b)'

    @property
    def message(self) -> str:
        if len(self.vpcs) < 2:
            count = "no VPC" if not self.vpcs else "1 VPC"
            return f"{count}: nothing to peer"
        return (
            "no mesh declared; these VPCs already connect through "
            f"{'; '.join(self.through)}: declare `meshes:` to plan peerings"
        )


class Plan(NamedTuple):
    meshes: tuple[MeshPlan, ...]
    unplanned: Unplanned | None = None  # a file without `meshes:` whose VPCs are not planned

    @property
    def can_complete(self) -> bool:
        return all(mesh.can_complete for mesh in self.meshes)
