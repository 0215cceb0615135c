"""Full-mesh peering plans: links, quotas after completion, and the transit gateway alternative.

The package's modules, each with one job (the pipeline reads top to bottom):
- arithmetic: links a full mesh needs, the largest mesh the quotas allow, live peerings;
- model: the plan's types (links, members, route tables, limits, recommendation);
- index: facts about the whole file every mesh reads (peerings by pair, overlaps, strays);
- links: which pairs are peered, which overlap, names of new peerings;
- route_tables, hazards, routing: which links --emit yaml can route safely, and the members'
  tables after completion;
- limits: the largest mesh by quota; transit: the transit gateway alternative and its cost;
- safety: whether a link's routes would take traffic around a firewall or break one of the
  file's reachability intents (asked of archplan.reach), which leaves it out;
- recommend: peering, transit gateway or readdress, and what blocks completion;
- planner: `plan` and `plan_mesh`, which put the above together.
This module re-exports what the CLI, the reports and `diff` use.
"""

from __future__ import annotations

from archplan.plan.mesh.arithmetic import (
    DEAD_STATUSES,
    is_live,
    largest_mesh,
    largest_mesh_by_routes,
    links_needed,
    peering_attachments,
)
from archplan.plan.mesh.limits import mesh_limit
from archplan.plan.mesh.links import iter_missing
from archplan.plan.mesh.model import (
    Choice,
    FamilyCount,
    Link,
    MeshLimit,
    MeshPlan,
    Overlap,
    Plan,
    Recommendation,
    TablePlan,
    UnknownMesh,
    Unplanned,
    VpcPlan,
)
from archplan.plan.mesh.planner import ALL_VPCS, PAIR_BY_PAIR_UP_TO, plan, plan_mesh
from archplan.plan.mesh.recommend import LISTED_PAIRS, PEERING_SUITS_FEWER_THAN, recommend
from archplan.plan.mesh.route_tables import (
    member_tables,
    needs_new_main_table,
    new_table_name,
    serving_tables,
)
from archplan.plan.mesh.transit import (
    DEFAULT_ATTACHMENT_HOUR,
    DEFAULT_PER_GB,
    DEFAULT_PRICE_SOURCE,
    PEERING_ATTACHMENTS_QUOTA,
    TransitGatewayOption,
    TransitGatewayPrices,
    monthly_cost,
    transit_gateway_option,
    transit_gateway_prices,
)

__all__ = [
    "ALL_VPCS",
    "DEAD_STATUSES",
    "DEFAULT_ATTACHMENT_HOUR",
    "DEFAULT_PER_GB",
    "DEFAULT_PRICE_SOURCE",
    "LISTED_PAIRS",
    "PAIR_BY_PAIR_UP_TO",
    "PEERING_ATTACHMENTS_QUOTA",
    "PEERING_SUITS_FEWER_THAN",
    "Choice",
    "FamilyCount",
    "Link",
    "MeshLimit",
    "MeshPlan",
    "Overlap",
    "Plan",
    "Recommendation",
    "TablePlan",
    "TransitGatewayOption",
    "TransitGatewayPrices",
    "UnknownMesh",
    "Unplanned",
    "VpcPlan",
    "is_live",
    "iter_missing",
    "largest_mesh",
    "largest_mesh_by_routes",
    "links_needed",
    "member_tables",
    "mesh_limit",
    "monthly_cost",
    "needs_new_main_table",
    "new_table_name",
    "peering_attachments",
    "plan",
    "plan_mesh",
    "recommend",
    "serving_tables",
    "transit_gateway_option",
    "transit_gateway_prices",
]
