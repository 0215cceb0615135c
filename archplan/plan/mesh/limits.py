"""The largest full mesh the quotas allow, by peerings and by route table room."""

from __future__ import annotations

from archplan.model import Architecture, Vpc
from archplan.plan.mesh.arithmetic import largest_mesh, largest_mesh_by_routes
from archplan.plan.mesh.model import Link, MeshLimit
from archplan.plan.mesh.route_tables import member_tables


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
