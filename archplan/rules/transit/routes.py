"""Routes to a transit gateway that it cannot deliver: a destination no attachment owns, or from a
zone it is not attached in."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from archplan.cidr import Block
from archplan.findings import Severity
from archplan.model import Architecture, Attachment, Route, TransitGateway, Vpc
from archplan.regions import may_be_among
from archplan.routes import table_of, vpc_blocks
from archplan.rules.registry import CONNECTED, Problem, Related, rule
from archplan.rules.transit._shared import attachment_subnets
from archplan.rules.zones import known_zone

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def _attached_zones(vpc: Vpc, attachment: Attachment) -> list[str]:
    """The Availability Zones the attachment has a subnet in, in the order written."""
    zones: dict[str, None] = {}
    for _, subnet in attachment_subnets(vpc, attachment):
        zone = known_zone(subnet, vpc.region)
        if zone is not None:
            zones.setdefault(zone)
    return list(zones)


class _AttachedBlocks:
    """Which VPCs attached to one transit gateway have addresses in a block, without a scan.

    Asking every VPC the same question for each route makes a rule
    quadratic when thousands of VPCs each route through one transit gateway. CIDR blocks
    either nest or are disjoint, so the blocks overlapping a destination are the ones that
    contain it (one candidate per prefix length) and the ones inside it (a run of blocks
    sorted by first address).
    """

    def __init__(self, architecture: Architecture, gateway: TransitGateway) -> None:
        self.exact: dict[tuple[int, int, int], list[str]] = {}
        self.starts: dict[int, list[tuple[int, str]]] = {4: [], 6: []}
        for name in gateway.attachments:
            vpc = architecture.vpcs.get(name)
            for block, _ in vpc_blocks(vpc) if vpc is not None else ():
                self.exact.setdefault((block.version, block.first, block.prefix), []).append(name)
                self.starts[block.version].append((block.first, name))
        # A VPC whose blocks were rejected may own the range: then say nothing.
        self.complete = all(
            vpc.blocks_known
            for name in gateway.attachments
            if (vpc := architecture.vpcs.get(name)) is not None
        )
        for starts in self.starts.values():
            starts.sort()
        self.firsts = {version: [first for first, _ in s] for version, s in self.starts.items()}
        self.prefixes = {
            version: sorted({prefix for v, _, prefix in self.exact if v == version})
            for version in (4, 6)
        }

    def owned_by_other(self, block: Block, vpc_name: str) -> bool:
        """Whether a VPC other than `vpc_name` has a block overlapping `block`."""
        width = 32 if block.version == 4 else 128
        for prefix in self.prefixes[block.version]:
            if prefix > block.prefix:
                break
            first = block.first >> (width - prefix) << (width - prefix)
            owners = self.exact.get((block.version, first, prefix), ())
            if any(owner != vpc_name for owner in owners):
                return True
        starts = self.starts[block.version]
        index = bisect_left(self.firsts[block.version], block.first)
        while index < len(starts) and starts[index][0] <= block.last:
            if starts[index][1] != vpc_name:
                return True
            index += 1
        return False


@rule(
    "AP404",
    "tgw-route-unknown-destination",
    WARNING,
    "A route through a transit gateway to addresses no attached VPC has.",
    reads=CONNECTED,
)
def tgw_route_unknown_destination(architecture: Architecture) -> Iterator[Problem]:
    """A route via `tgw:NAME` should lead to a VPC attached to that transit gateway.

    When no other attached VPC has addresses in the destination, the transit gateway has
    nowhere to send the traffic from what archplan can see: a typo in the destination, or a
    VPC that was never attached. It is a warning, not an error, because format 1 does not
    describe VPN, Direct Connect or peering attachments: if the transit gateway reaches the
    range that way (on-premises networks, another Region), the route is right.

    A default route (`0.0.0.0/0`, `::/0`) to a transit gateway is never reported: sending all
    other traffic to a central egress or inspection VPC through the transit gateway is the
    standard pattern. A route via a transit gateway that the VPC is not attached to is AP207.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
            route_tables:
              main: {main: true, routes: {10.9.0.0/16: "tgw:hub"}}
          shared:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              shared-tgw-a: {cidr: 10.1.0.0/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a]}
              shared: {subnets: [shared-tgw-a]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
            route_tables:
              main: {main: true, routes: {10.1.0.0/16: "tgw:hub", 0.0.0.0/0: "tgw:hub"}}
          shared:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              shared-tgw-a: {cidr: 10.1.0.0/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a]}
              shared: {subnets: [shared-tgw-a]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
        AWS Transit Gateway Guide, "Transit gateway route tables" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html>
    """
    attached: dict[str, _AttachedBlocks] = {}
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for route in table.routes:
                target, block = route.target, route.block
                if target is None or target.kind != "tgw" or block is None or block.prefix == 0:
                    continue
                gateway = architecture.transit_gateways.get(target.name or "")
                if gateway is None or vpc.name not in gateway.attachments:
                    continue  # an unknown gateway is AP005's, a missing attachment AP207's
                if gateway.name not in attached:
                    attached[gateway.name] = _AttachedBlocks(architecture, gateway)
                index = attached[gateway.name]
                if not index.complete or index.owned_by_other(block, vpc.name):
                    continue
                yield Problem(
                    f'route table "{table.name}" of VPC "{vpc.name}" sends {block} to transit '
                    f'gateway "{gateway.name}", but no other VPC attached to it has addresses '
                    "in that range; check the destination, or attach the VPC that owns it "
                    "(ignore this if the transit gateway reaches it through a VPN, Direct "
                    "Connect or peering attachment)",
                    route.path,
                    (Related(f'transit gateway "{gateway.name}" is here', gateway.path),),
                    on_key=True,
                )


@rule(
    "AP405",
    "tgw-route-from-unattached-az",
    ERROR,
    "A subnet routes to a transit gateway from a zone without an attachment subnet.",
    reads=CONNECTED,
)
def tgw_route_from_unattached_az(architecture: Architecture) -> Iterator[Problem]:
    """Traffic enters a transit gateway only in Availability Zones where the VPC's attachment
    has a subnet. A subnet in any other zone cannot reach the transit gateway, even with a
    route to it: its traffic is dropped.

    Add an attachment subnet in that zone (one per zone the VPC uses), or move the subnet.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
              app-b: {cidr: 10.0.16.0/20, az: us-east-1b}
            route_tables:
              main: {main: true, routes: {0.0.0.0/0: "tgw:hub"}}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
              app-tgw-b: {cidr: 10.0.0.16/28, az: us-east-1b}
              app-b: {cidr: 10.0.16.0/20, az: us-east-1b}
            route_tables:
              main: {main: true, routes: {0.0.0.0/0: "tgw:hub"}}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a, app-tgw-b]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
    """
    for vpc in architecture.vpcs.values():
        for subnet in vpc.subnets.values():
            table = table_of(vpc, subnet)
            zone = known_zone(subnet, vpc.region)
            if zone is None or table is None:
                continue  # zone not written, or wrong (AP114/AP117)
            first_route: dict[str, Route] = {}
            for route in table.routes:
                if route.target is not None and route.target.kind == "tgw":
                    first_route.setdefault(route.target.name or "", route)
            for name, route in first_route.items():
                gateway = architecture.transit_gateways.get(name)
                attachment = gateway.attachments.get(vpc.name) if gateway else None
                if gateway is None or attachment is None:
                    continue  # AP005 or AP207
                if architecture.rejected_within(*attachment.path, "subnets"):
                    continue  # an attachment subnet written but rejected may be in this zone
                zones = _attached_zones(vpc, attachment)
                if not zones or may_be_among(zone, zones):
                    continue  # an attachment without subnets is AP402's
                if any(
                    known_zone(other, vpc.region) is None
                    for _, other in attachment_subnets(vpc, attachment)
                ):
                    continue  # an attachment subnet's zone is unknown: it may be this one
                yield Problem(
                    f'subnet "{subnet.name}" in {subnet.az} routes {route.destination} to '
                    f'transit gateway "{gateway.name}", but the attachment of VPC "{vpc.name}" '
                    f"has no subnet in {subnet.az} (only {', '.join(zones)}), so its traffic "
                    f"cannot reach the transit gateway: add an attachment subnet in {subnet.az}",
                    subnet.path,
                    (
                        Related(f'the route in table "{table.name}" is here', route.path),
                        Related(f'the attachment to "{gateway.name}" is here', attachment.path),
                    ),
                )
