"""Plan every mesh of a file: pair by pair, or per VPC for a mesh beyond the quotas."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from archplan.model import Architecture, Mesh, Vpc
from archplan.plan.mesh.arithmetic import links_needed
from archplan.plan.mesh.index import Index, build_index, overlapping_vpc_pairs
from archplan.plan.mesh.limits import mesh_limit
from archplan.plan.mesh.links import find_present_links, link_between
from archplan.plan.mesh.model import (
    Link,
    MeshLimit,
    MeshPlan,
    Plan,
    Recommendation,
    UnknownMesh,
    VpcPlan,
)
from archplan.plan.mesh.recommend import completion_blockers, recommend, recommend_beyond
from archplan.plan.mesh.routing import per_vpc_plans
from archplan.plan.mesh.transfer import Traffic
from archplan.plan.mesh.transit import TransitGatewayOption, transit_gateway_option
from archplan.plan.tables import LeftOut
from archplan.wording import plural

# The name of the one mesh planned when the file declares none.
ALL_VPCS = "all-vpcs"


# A mesh larger than the quotas allow is planned pair by pair up to this many VPCs: the most a
# full mesh can ever have (AWS raises active_peerings_per_vpc to 125 at most), so the plan
# still says which route table overflows, at a bounded cost (7,875 pairs). Beyond, and beyond
# the quotas, it is planned per VPC (see MeshPlan).
PAIR_BY_PAIR_UP_TO = 126


def plan(
    architecture: Architecture,
    mesh: str | None = None,
    traffic_gb_month: Traffic | Decimal | None = None,
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
    index = build_index(architecture)
    declared = bool(architecture.meshes)
    return Plan(
        tuple(plan_mesh(architecture, item, declared, index, traffic_gb_month) for item in meshes)
    )


def plan_mesh(
    architecture: Architecture,
    mesh: Mesh,
    declared: bool,
    index: Index | None = None,
    traffic_gb_month: Traffic | Decimal | None = None,
) -> MeshPlan:
    """The plan of one mesh: its links, its members after completion, the transit gateway.

    A mesh larger than the quotas allow is planned per VPC (see MeshPlan), in time linear in
    its members, their blocks and peerings, and the impossible pairs."""
    if index is None:
        index = build_index(architecture)
    members = list(dict.fromkeys(mesh.members))
    vpcs = [architecture.vpcs[name] for name in members if name in architecture.vpcs]
    unknown = tuple(name for name in members if name not in architecture.vpcs)
    present_links = find_present_links(vpcs, index)
    limit = mesh_limit(architecture, vpcs, present_links)
    option = transit_gateway_option(architecture, vpcs, traffic_gb_month)
    if len(vpcs) > limit.vpcs and len(vpcs) > PAIR_BY_PAIR_UP_TO:
        links = _links_per_vpc(architecture, index, vpcs, unknown, limit, present_links, option)
    else:
        links = _links_pair_by_pair(architecture, index, vpcs, unknown, option)
    return MeshPlan(
        name=mesh.name,
        declared=declared,
        vpcs=tuple(vpc.name for vpc in vpcs),
        unknown=unknown,
        present=links.present,
        missing=links.missing,
        per_vpc=links.per_vpc,
        left_out=links.left_out,
        largest_mesh=limit,
        transit_gateway=option,
        recommendation=links.recommendation,
        blockers=links.blockers,
        per_vpc_only=links.per_vpc_only,
    )


class _Links(NamedTuple):
    """What planning pair by pair and planning per VPC say differently of one mesh."""

    present: tuple[Link, ...]
    missing: tuple[Link, ...]
    per_vpc: tuple[VpcPlan, ...]
    left_out: tuple[LeftOut, ...]
    recommendation: Recommendation
    blockers: tuple[str, ...]
    per_vpc_only: bool


def _links_pair_by_pair(
    architecture: Architecture,
    index: Index,
    vpcs: list[Vpc],
    unknown: tuple[str, ...],
    option: TransitGatewayOption,
) -> _Links:
    """Every pair of members: present or missing, and each member's route tables planned."""
    present: list[Link] = []
    missing: list[Link] = []
    overlapping = overlapping_vpc_pairs(vpcs)
    for position, first in enumerate(vpcs):
        for second in vpcs[position + 1 :]:
            pair = frozenset((first.name, second.name))
            link, is_present = link_between(first, second, pair in overlapping, index)
            (present if is_present else missing).append(link)
    per_vpc, left_out = per_vpc_plans(architecture, vpcs, present, missing, index)
    return _Links(
        present=tuple(present),
        missing=tuple(missing),
        per_vpc=per_vpc,
        left_out=left_out,
        recommendation=recommend(len(vpcs), missing, per_vpc, option),
        blockers=completion_blockers(unknown, missing, per_vpc),
        per_vpc_only=False,
    )


def _links_per_vpc(
    architecture: Architecture,
    index: Index,
    vpcs: list[Vpc],
    unknown: tuple[str, ...],
    limit: MeshLimit,
    present_links: list[Link],
    option: TransitGatewayOption,
) -> _Links:
    """A mesh larger than the quotas allow: counts per VPC, the impossible pairs from a sweep
    over the sorted blocks, no pair enumerated."""
    order = {vpc.name: place for place, vpc in enumerate(vpcs)}
    by_name = {vpc.name: vpc for vpc in vpcs}
    present = sorted(present_links, key=lambda link: (order[link.first], order[link.second]))
    impossible = []
    # The file's overlapping pairs were found by one sweep over every VPC's sorted blocks.
    for pair in (pair for pair in index.overlapping if pair <= order.keys()):
        first, second = sorted(pair, key=order.__getitem__)
        link, _ = link_between(by_name[first], by_name[second], True, index)
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
    return _Links(
        present=tuple(present),
        missing=tuple(impossible),
        per_vpc=per_vpc,
        left_out=(),
        recommendation=recommend_beyond(len(vpcs), impossible, per_vpc, option, limit),
        blockers=tuple(blockers),
        per_vpc_only=True,
    )
