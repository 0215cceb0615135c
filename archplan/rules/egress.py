"""Internet egress rules: NAT gateways' own routes and zones, IPv6 from private subnets."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.cidr import parse_block
from archplan.findings import Severity
from archplan.model import Architecture, Route, RouteTable, Subnet, Vpc
from archplan.regions import describe, may_be_among
from archplan.routes import longest_match, table_of, tables_in_use
from archplan.rules.registry import UNIT, Problem, Related, rule
from archplan.rules.zones import known_zone

ERROR, WARNING = Severity.ERROR, Severity.WARNING

IPV4_DEFAULT = parse_block("0.0.0.0/0")
IPV6_DEFAULT = parse_block("::/0")


def _subnets_using(vpc: Vpc, table: RouteTable) -> list[Subnet]:
    """The VPC's subnets whose route table is `table` (explicitly, or as the main table)."""
    return [subnet for subnet in vpc.subnets.values() if table_of(vpc, subnet) is table]


def _judged_tables(architecture: Architecture) -> Iterator[tuple[Vpc, RouteTable]]:
    """Each route table in use, of the VPCs whose routing is judged: a rejected route or
    association leaves a VPC's routing unknown, and its tables are skipped."""
    for vpc in architecture.vpcs.values():
        if vpc.routes_known:
            for table in tables_in_use(vpc):
                yield vpc, table


def _default_route(table: RouteTable, version: int) -> Route | None:
    default = IPV4_DEFAULT if version == 4 else IPV6_DEFAULT
    return next((route for route in table.routes if route.block == default), None)


def _nat_routes(vpc: Vpc, table: RouteTable) -> list[tuple[Route, Subnet]]:
    """The table's routes to NAT gateways placed in a subnet of the same VPC (a NAT gateway in
    another VPC is AP205's, an unknown subnet AP005's)."""
    found = []
    for route in table.routes:
        target = route.target
        if target is not None and target.kind == "nat" and target.name in vpc.subnets:
            found.append((route, vpc.subnets[target.name]))
    return found


@rule(
    "AP212",
    "private-ipv6-via-igw",
    WARNING,
    "A private subnet's table sends IPv6 traffic to the internet gateway.",
    reads=UNIT,
)
def private_ipv6_via_igw(architecture: Architecture) -> Iterator[Problem]:
    """A route table that sends `0.0.0.0/0` to a NAT gateway serves private subnets: their
    instances must not be reachable from the internet. If the same table sends `::/0` to the
    internet gateway, every IPv6 address in those subnets is public: an internet gateway
    carries IPv6 in both directions, and IPv6 has no NAT in between. AWS's IPv6 counterpart
    of a NAT gateway is the egress-only internet gateway, which lets instances start
    connections but "prevents the internet from initiating an IPv6 connection".

    Route `::/0` to `egress-only-igw` instead. The rule speaks only when some subnet using the
    table has an IPv6 block (without one, the route carries nothing).

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            ipv6_cidrs: ["2600:1f18:1a2b:3c00::/56"]
            internet_gateway: true
            subnets:
              public-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: public}
              app-a:
                cidr: 10.0.16.0/20
                ipv6_cidr: "2600:1f18:1a2b:3c01::/64"
                az: us-east-1a
                route_table: private
            route_tables:
              public: {routes: {0.0.0.0/0: igw}}
              private: {routes: {0.0.0.0/0: "nat:public-a", "::/0": igw}}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            ipv6_cidrs: ["2600:1f18:1a2b:3c00::/56"]
            internet_gateway: true
            subnets:
              public-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: public}
              app-a:
                cidr: 10.0.16.0/20
                ipv6_cidr: "2600:1f18:1a2b:3c01::/64"
                az: us-east-1a
                route_table: private
            route_tables:
              public: {routes: {0.0.0.0/0: igw}}
              private: {routes: {0.0.0.0/0: "nat:public-a", "::/0": egress-only-igw}}

    References:
        Amazon VPC User Guide, "Enable outbound IPv6 traffic using an egress-only internet gateway" <https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html>
        Amazon VPC User Guide, "NAT gateways" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html>
    """
    for vpc, table in _judged_tables(architecture):
        ipv4 = _default_route(table, 4)
        ipv6 = _default_route(table, 6)
        if ipv4 is None or ipv6 is None or ipv6.target is None or ipv4.target is None:
            continue
        if ipv4.target.kind != "nat" or ipv6.target.kind != "igw":
            continue
        dual = [s for s in _subnets_using(vpc, table) if s.ipv6_cidr is not None]
        if not dual:
            continue
        names = ", ".join(f'"{subnet.name}"' for subnet in dual)
        yield Problem(
            f'route table "{table.name}" sends IPv4 internet traffic to a NAT gateway, so '
            f"its subnets are private, but sends ::/0 to the internet gateway: the IPv6 "
            f"addresses of {names} are reachable from the internet; route ::/0 to "
            "egress-only-igw instead",
            ipv6.path,
            (
                Related("the IPv4 default route to the NAT gateway is here", ipv4.path),
                Related(f'"{dual[0].name}" has its IPv6 block here', (*dual[0].path, "ipv6_cidr")),
            ),
            on_key=True,
        )


@rule(
    "AP213",
    "nat-in-other-zone",
    WARNING,
    "Subnets whose only NAT gateway is in another Availability Zone.",
    reads=UNIT,
)
def nat_in_other_zone(architecture: Architecture) -> Iterator[Problem]:
    """A NAT gateway lives in one Availability Zone. Subnets of other zones that route through
    it lose internet access when its zone fails, although their own zone is up; AWS's advice
    is one NAT gateway per zone, each zone's subnets routed to their own (it also avoids
    cross-zone data charges).

    Give each zone a NAT gateway and a route table of its own. Reported once per route table,
    at its route to the NAT gateway, when none of the table's NAT gateways is in the zone of
    a subnet using it (zones written as names and as IDs are never judged different).

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            internet_gateway: true
            subnets:
              public-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: public}
              app-a: {cidr: 10.0.16.0/20, az: us-east-1a, route_table: private}
              app-b: {cidr: 10.0.32.0/20, az: us-east-1b, route_table: private}
            route_tables:
              public: {routes: {0.0.0.0/0: igw}}
              private: {routes: {0.0.0.0/0: "nat:public-a"}}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            internet_gateway: true
            subnets:
              public-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: public}
              public-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: public}
              app-a: {cidr: 10.0.16.0/20, az: us-east-1a, route_table: private-a}
              app-b: {cidr: 10.0.32.0/20, az: us-east-1b, route_table: private-b}
            route_tables:
              public: {routes: {0.0.0.0/0: igw}}
              private-a: {routes: {0.0.0.0/0: "nat:public-a"}}
              private-b: {routes: {0.0.0.0/0: "nat:public-b"}}

    References:
        Amazon VPC User Guide, "NAT gateways" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html>
    """
    for vpc, table in _judged_tables(architecture):
        nats = _nat_routes(vpc, table)
        nat_zones = [known_zone(nat, vpc.region) for _, nat in nats]
        if not nats or None in nat_zones:
            continue  # a NAT subnet's zone is unknown (or wrong: AP114/AP117)
        zones = [zone for zone in nat_zones if zone is not None]
        stranded = [
            subnet
            for subnet in _subnets_using(vpc, table)
            if (zone := known_zone(subnet, vpc.region)) is not None
            and not may_be_among(zone, zones)
            and subnet.name not in {nat.name for _, nat in nats}
        ]
        if not stranded:
            continue
        route, nat = nats[0]
        names = ", ".join(f'"{subnet.name}" ({subnet.az})' for subnet in stranded)
        yield Problem(
            f'route table "{table.name}" sends traffic to NAT gateways in '
            f"{describe(zones)} only, but subnets {names} use it: they lose internet "
            "access when that zone fails; give each zone its own NAT gateway and route "
            "table",
            route.path,
            (
                Related(f'the NAT gateway is in subnet "{nat.name}" here', (*nat.path, "az")),
                Related(
                    f'"{stranded[0].name}" is in {stranded[0].az} here',
                    (*stranded[0].path, "az"),
                ),
            ),
            on_key=True,
        )


@rule(
    "AP214",
    "nat-without-internet-route",
    ERROR,
    "Internet traffic is sent to a NAT gateway whose own subnet has no route out.",
    reads=UNIT,
)
def nat_without_internet_route(architecture: Architecture) -> Iterator[Problem]:
    """A public NAT gateway forwards what it receives by its own subnet's route table: it
    must sit in a public subnet, whose table sends internet traffic to the internet gateway.
    AWS creates the NAT gateway in a subnet without that route (the VPC just needs an internet
    gateway), and then every connection through it is dropped at the NAT gateway's subnet.

    Reported when a table sends `0.0.0.0/0` to a NAT gateway whose subnet's table has no route
    for `0.0.0.0/0` at all (or a blackhole). Put the NAT gateway in a public subnet, or add
    `0.0.0.0/0: igw` to its subnet's table. A route from the NAT gateway's subnet to a
    firewall, a Gateway Load Balancer endpoint, a transit gateway or another middlebox is
    taken as deliberate and not judged.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            internet_gateway: true
            subnets:
              nat-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: nat}
              app-a: {cidr: 10.0.16.0/20, az: us-east-1a, route_table: private}
            route_tables:
              nat: {routes: {10.1.0.0/16: "tgw:hub"}}
              private: {routes: {0.0.0.0/0: "nat:nat-a"}}
          shared:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              shared-a: {cidr: 10.1.0.0/24, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [nat-a]}
              shared: {subnets: [shared-a]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            internet_gateway: true
            subnets:
              nat-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: public}
              app-a: {cidr: 10.0.16.0/20, az: us-east-1a, route_table: private}
            route_tables:
              public: {routes: {0.0.0.0/0: igw}}
              private: {routes: {0.0.0.0/0: "nat:nat-a"}}

    References:
        Amazon VPC User Guide, "NAT gateways" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html>
        Amazon VPC User Guide, "Troubleshoot NAT gateways" <https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html>
    """
    for vpc in architecture.vpcs.values():
        if not vpc.routes_known:
            continue  # a rejected route or association: its routing is not judged
        for table in vpc.route_tables.values():
            default = _default_route(table, 4)
            target = default.target if default is not None else None
            if default is None or target is None or target.kind != "nat":
                continue
            nat = vpc.subnets.get(target.name or "")
            if nat is None:
                continue
            own = table_of(vpc, nat)
            hop = longest_match(vpc, own, IPV4_DEFAULT)
            if hop.target is not None and hop.target.kind != "blackhole":
                continue
            where = f'route table "{own.name}"' if own is not None else "AWS's main route table"
            yield Problem(
                f'route table "{table.name}" sends internet traffic to the NAT gateway in subnet '
                f'"{nat.name}", but that subnet\'s table ({where}) has no route for 0.0.0.0/0, so the '
                "NAT gateway cannot forward it: put the NAT gateway in a public subnet, or add "
                "0.0.0.0/0: igw to its subnet's table",
                default.path,
                (Related(f'subnet "{nat.name}" is here', nat.path),),
                on_key=True,
            )
