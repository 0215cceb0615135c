"""The route tables a mesh member routes its peers in, and their route counts after completion."""

from __future__ import annotations

from collections.abc import Mapping

from archplan.cidr import Block
from archplan.model import RouteTable, Vpc
from archplan.plan.mesh.model import FamilyCount, TablePlan
from archplan.plan.tables import Conflict, RouteNeed
from archplan.routes import tables_in_use


def member_tables(vpc: Vpc) -> list[tuple[str, RouteTable | None]]:
    """The tables a peering route must go in: those serving the VPC's subnets, plus the main
    table the plan creates (None) when some traffic uses AWS's implicit, empty one."""
    tables: list[tuple[str, RouteTable | None]] = [
        (table.name, table) for table in serving_tables(vpc)
    ]
    if needs_new_main_table(vpc):
        tables.append((new_table_name(vpc), None))
    return tables


def table_plan(
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
