"""Whether a mesh link's routes would undo the file's own design: take traffic off a path
through a firewall, or change what one of its reachability intents expects.

A peering route is the peer's exact block, more specific than the default or summary route
that sends the pair's traffic through a transit gateway and an inspection VPC today, so
adding it moves that traffic onto the peering, around the firewall, and validate has nothing
to object to afterwards. Both questions are answered by archplan's path engine
(archplan.reach), as `archplan reach` and AP790 answer them:

- bypass: a link is checked only when one side routes the other's block somewhere that can
  lead to an inspection point (a transit gateway, firewall, Gateway Load Balancer or appliance
  endpoint, virtual private gateway or another peering) and the estate has one; then a packet
  from each route table's subnets of one side to the other, and its reply, are walked with
  network ACLs set aside (an ACL that drops the probe does not make the path uninspected). A
  firewall, Gateway Load Balancer endpoint or appliance on either leg leaves the link out.
- intents: each intent with one end in each VPC is asked again with the link's peering and
  routes added; one that holds today and would not afterwards leaves the link out.

Cost: the intents are resolved once; each link costs a lookup in its two VPCs' routes to
inspection points, and the walks only for the links that pass it (bounded by the pairs a mesh
planned pair by pair can have), so the plan stays linear in the estate.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from archplan.cidr import Block
from archplan.model import Architecture, Peering, Route, RouteTable, Target, Vpc
from archplan.network import TCP
from archplan.plan.tables import RouteNeed
from archplan.routes import vpc_blocks

if TYPE_CHECKING:  # the path engine is imported when a link needs it
    from archplan.reach.places import Place
    from archplan.reach.query import Spot

_Ends = list[tuple[int, "Place", "Place"]]

# Route targets whose traffic can meet an inspection point on its way to another VPC (a NAT
# gateway's traffic leaves by the NAT subnet's own table, checked as that table's routes).
_CARRIERS = frozenset({"tgw", "eni", "gwlbe", "firewall", "vgw", "peering"})
# The probe's packet: routing does not depend on it, a firewall's verdict does, and the
# firewall is on the path (and recorded) whatever it decides.
_PROBE_PORT = 443


class Guard:
    """The checks of one file, built once per plan."""

    def __init__(self, architecture: Architecture) -> None:
        self.architecture = architecture
        self._probe: Architecture | None = None
        self.refused: set[str] = set()  # the peerings left out for the design's sake
        inspects = any(vpc.firewalls or vpc.gwlb_endpoints for vpc in architecture.vpcs.values())
        # VPC -> destinations of its routes to carriers (None: a prefix list), when the estate
        # has an inspection point at all: without one there is nothing to bypass.
        self.carried: dict[str, list[Block | None]] = {}
        for vpc in architecture.vpcs.values():
            routes = [
                route.block
                for table in vpc.route_tables.values()
                for route in table.routes
                if route.target is not None and route.target.kind in _CARRIERS
            ]
            inspects = inspects or any(
                route.target is not None and route.target.kind == "eni"
                for table in vpc.route_tables.values()
                for route in table.routes
            )
            if routes:
                self.carried[vpc.name] = routes
        if not inspects:
            self.carried = {}
        # VPC pair -> the intents with one end in each, resolved on the first link that needs
        # them (most plans add no link, and `diff` plans many small parts of an estate).
        self._intents_by_pair: dict[frozenset[str], _Ends] | None = None

    @property
    def intents(self) -> dict[frozenset[str], _Ends]:
        if self._intents_by_pair is None:
            self._intents_by_pair = {}
            if self.architecture.reachability:
                from archplan.reach.places import Unresolved, resolve

                for position, intent in enumerate(self.architecture.reachability):
                    ends = (
                        resolve(self.architecture, intent.source),
                        resolve(self.architecture, intent.destination),
                    )
                    source, destination = ends
                    if isinstance(source, Unresolved) or isinstance(destination, Unresolved):
                        continue
                    if source.vpc is None or destination.vpc is None:
                        continue
                    if source.vpc != destination.vpc:
                        pair = frozenset((source.vpc, destination.vpc))
                        found = self._intents_by_pair.setdefault(pair, [])
                        found.append((position, source, destination))
        return self._intents_by_pair

    def problems(
        self,
        first: Vpc,
        second: Vpc,
        peering: str,
        adds: Iterable[tuple[str, str, RouteNeed]],
        new_peering: bool,
    ) -> list[str]:
        """Why adding the link's routes (and its peering, when new) is not safe; empty if it is."""
        found = self._bypass(first, second, peering)
        pair = frozenset((first.name, second.name))
        if pair in self.intents:
            found += self._intents(first, second, peering, list(adds), new_peering)
        if found:
            self.refused.add(peering)
        return found

    # -- bypass ---------------------------------------------------------------------------

    def _carries(self, vpc: Vpc, peer: Vpc) -> bool:
        routes = self.carried.get(vpc.name)
        if not routes:
            return False
        blocks = [block for block, _ in vpc_blocks(peer)]
        return any(
            route is None or any(route.overlaps(block) for block in blocks) for route in routes
        )

    def _bypass(self, first: Vpc, second: Vpc, peering: str) -> list[str]:
        if not (self._carries(first, second) or self._carries(second, first)):
            return []
        from archplan.reach.query import one

        probe = self._probe_architecture()
        inspected: list[str] = []
        for source, destination in ((first, second), (second, first)):
            starts = _spots(probe, source)
            ends = _spots(probe, destination)
            if not ends:
                continue
            for start, place in starts:
                end, end_place = ends[0]
                answer = one(probe, start, end, TCP, _PROBE_PORT, place, end_place)
                for leg in (answer.forward, answer.reply):
                    if leg is not None:
                        inspected += leg.inspected
                if inspected:
                    break  # one inspected path is reason enough
            if inspected:
                break
        if not inspected:
            return []
        points = ", ".join(self._describe(point) for point in dict.fromkeys(inspected))
        return [
            f'traffic between "{first.name}" and "{second.name}" passes {points} today '
            f"(`archplan reach vpc:{first.name} vpc:{second.name}` shows the path); the "
            f'routes of peering "{peering}" would take it around that inspection'
        ]

    def _describe(self, identity: str) -> str:
        """An inspection point as the reach engine records it (VPC/name), in words."""
        vpc_name, _, name = identity.partition("/")
        vpc = self.architecture.vpcs.get(vpc_name)
        if vpc is not None and name in vpc.firewalls:
            kind = "firewall endpoint"
        elif vpc is not None and name in vpc.gwlb_endpoints:
            kind = "Gateway Load Balancer endpoint"
        else:
            kind = "appliance"
        return f'{kind} "{name}" of VPC "{vpc_name}"'

    def _probe_architecture(self) -> Architecture:
        """The file with its network ACLs set aside (and a memo of its own): a probe dropped
        by an ACL before the transit gateway would hide the inspection on the path."""
        if self._probe is None:
            vpcs = {
                name: vpc._replace(network_acls={}) for name, vpc in self.architecture.vpcs.items()
            }
            self._probe = self.architecture._replace(vpcs=vpcs, memo={})
        return self._probe

    # -- intents --------------------------------------------------------------------------

    def _intents(
        self,
        first: Vpc,
        second: Vpc,
        peering: str,
        adds: list[tuple[str, str, RouteNeed]],
        new_peering: bool,
    ) -> list[str]:
        from archplan.reach.query import Answer, ask

        after = _with_link(self.architecture, first, second, peering, adds, new_peering)
        problems = []
        for position, source, destination in self.intents[frozenset((first.name, second.name))]:
            intent = self.architecture.reachability[position]
            now = ask(self.architecture, source, destination, intent.protocol, intent.port)
            later = ask(after, source, destination, intent.protocol, intent.port)
            if not isinstance(now, Answer) or not isinstance(later, Answer):
                continue
            if _fails(intent.expect, later.verdict) and not _fails(intent.expect, now.verdict):
                what = f"port {intent.port}" if intent.port is not None else "any traffic"
                problems.append(
                    f"the file's intent {intent.source} -> {intent.destination} ({what}) "
                    f'expects {intent.expect} and holds today; with peering "{peering}" it '
                    f"would be {later.verdict}"
                )
        return problems


def _fails(expect: str, verdict: str) -> bool:
    return (expect == "reachable" and verdict == "unreachable") or (
        expect == "unreachable" and verdict == "reachable"
    )


def _spots(architecture: Architecture, vpc: Vpc) -> list[tuple[Spot, Place]]:
    """One concrete end per route table serving the VPC's subnets, IPv4 first, with the place."""
    from archplan.reach.places import Place
    from archplan.reach.query import spots

    place = Place("vpc", vpc.name, vpc.name, tuple(vpc.subnets), path=vpc.path)
    for version in (4, 6):
        found = spots(architecture, place, version)
        if isinstance(found, str):
            continue
        tables: dict[str | None, tuple[Spot, Place]] = {}
        for spot in found:
            subnet = vpc.subnets[spot.start[2]]
            tables.setdefault(subnet.route_table, (spot, place))
        return list(tables.values())
    return []


def _with_link(
    architecture: Architecture,
    first: Vpc,
    second: Vpc,
    peering: str,
    adds: list[tuple[str, str, RouteNeed]],
    new_peering: bool,
) -> Architecture:
    """The file as it would be with the link: its peering (when new) and its routes."""
    vpcs = dict(architecture.vpcs)
    by_table: dict[tuple[str, str], list[RouteNeed]] = {}
    for vpc_name, table_name, need in adds:
        by_table.setdefault((vpc_name, table_name), []).append(need)
    for (vpc_name, table_name), needs in by_table.items():
        vpc = vpcs[vpc_name]
        tables = dict(vpc.route_tables)
        table = tables.get(table_name)
        path = (*vpc.path, "route_tables", table_name)
        routes = tuple(
            Route(
                str(need.destination),
                need.destination,
                None,
                Target("peering", need.peering),
                need.target,
                (*path, "routes", str(need.destination)),
            )
            for need in needs
        )
        if table is None:  # the plan creates the VPC's main table
            table = RouteTable(table_name, vpc_name, True, (), path)
        tables[table_name] = table._replace(routes=table.routes + routes)
        vpcs[vpc_name] = vpc._replace(route_tables=tables)
    peerings = dict(architecture.peerings)
    if new_peering:
        peerings[peering] = Peering(
            peering, first.name, second.name, "active", False, ("peerings", peering)
        )
    return architecture._replace(vpcs=vpcs, peerings=peerings, memo={})
