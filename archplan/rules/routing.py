"""Basic routing rules: main tables, reserved and local-shadowing destinations, targets, quotas."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.cidr import parse_block
from archplan.findings import Severity
from archplan.model import Architecture, Route, RouteTable, Vpc
from archplan.rules.registry import CONNECTED, UNIT, Problem, Related, quota_related, rule

ERROR = Severity.ERROR

RESERVED_DESTINATIONS = (
    (parse_block("169.254.168.0/22"), "169.254.168.0/22"),
    (parse_block("fd00:ec2::/32"), "fd00:ec2::/32"),
)
# Targets AWS accepts for a route more specific than `local` (a whole subnet): NAT gateways and
# network interfaces (a Gateway Load Balancer endpoint too, which format 1 does not model).
# Targets that may take a whole subnet's traffic (a route more specific than local) or replace
# the target of the local route itself: NAT gateway, network interface, Gateway Load Balancer
# endpoint, Network Firewall endpoint (VPC route-table-options, "Routing for a middlebox").
MIDDLEBOX_TARGETS = ("nat", "eni", "gwlbe", "firewall")


def _routes(architecture: Architecture) -> Iterator[tuple[Vpc, RouteTable, Route]]:
    """Every route whose destination parsed (the others are already reported)."""
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for route in table.routes:
                if route.block is not None or route.prefix_list is not None:
                    yield vpc, table, route


@rule(
    "AP201",
    "multiple-main-route-tables",
    ERROR,
    "A VPC marks more than one route table as main.",
    reads=UNIT,
)
def multiple_main_route_tables(architecture: Architecture) -> Iterator[Problem]:
    """A VPC has exactly one main route table; subnets without an explicit table use it.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              public: {main: true}
              private: {main: true}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              public: {main: true}
              private: {}

    References:
        Amazon VPC User Guide, "Configure route tables" <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>
    """
    for vpc in architecture.vpcs.values():
        mains = [table for table in vpc.route_tables.values() if table.main]
        for extra in mains[1:]:
            yield Problem(
                f'VPC "{vpc.name}" already has main route table "{mains[0].name}"; '
                f'"{extra.name}" cannot be main too',
                (*extra.path, "main"),
                (Related(f'"{mains[0].name}" is main here', (*mains[0].path, "main")),),
            )


@rule(
    "AP202",
    "reserved-route-destination",
    ERROR,
    "A route to an address range AWS reserves.",
    reads=UNIT,
)
def reserved_route_destination(architecture: Architecture) -> Iterator[Problem]:
    """Destinations equal to or inside `169.254.168.0/22` or `fd00:ec2::/32` are refused.

    These ranges carry the instance metadata service and Amazon DNS.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {routes: {169.254.169.0/24: blackhole}}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {routes: {192.0.2.0/24: blackhole}}

    References:
        Amazon VPC User Guide, "Configure route tables" <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>
        Amazon VPC User Guide, "VPC CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>
    """
    for _vpc, table, route in _routes(architecture):
        if route.block is None:
            continue
        for reserved, text in RESERVED_DESTINATIONS:
            if reserved.contains(route.block):
                yield Problem(
                    f'route table "{table.name}" routes {route.block}, equal to or inside {text}, '
                    "which AWS reserves for the metadata service and Amazon DNS",
                    route.path,
                    on_key=True,
                )


@rule(
    "AP203",
    "route-shadows-local",
    ERROR,
    "A route inside the VPC's own range that AWS refuses.",
    reads=UNIT,
)
def route_shadows_local(architecture: Architecture) -> Iterator[Problem]:
    """Every table has an implicit `local` route for each VPC block. AWS accepts two routes
    inside a VPC block, both to send traffic through a middlebox (a NAT gateway, a network
    interface, a Gateway Load Balancer endpoint or a Network Firewall endpoint): a route for a
    whole subnet's block (more specific than local), and a route for the whole VPC block, which
    replaces the target of the local route. Anything else inside a VPC block is refused.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            internet_gateway: true
            route_tables:
              private: {routes: {10.0.5.0/24: igw}}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app: {cidr: 10.0.5.0/24, az: us-east-1a}
              edge: {cidr: 10.0.9.0/24, az: us-east-1a}
            gwlb_endpoints:
              inspect: {subnet: edge}
            route_tables:
              private: {routes: {10.0.5.0/24: "nat:edge", 10.0.0.0/16: "gwlbe:inspect"}}

    References:
        Amazon VPC User Guide, "Configure route tables" <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>
        Amazon VPC User Guide, "Route priority" <https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html>
        Amazon VPC User Guide, "Subnet route tables" and "Routing for a middlebox appliance" <https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html>
    """
    for vpc, table, route in _routes(architecture):
        block = route.block
        if block is None:
            continue
        blocks = vpc.ipv4_blocks if block.version == 4 else vpc.ipv6_cidrs
        local = next((outer for outer in blocks if outer.contains(block)), None)
        if local is None:
            continue
        target = route.target
        to_middlebox = target is not None and target.kind in MIDDLEBOX_TARGETS
        if local.prefix == block.prefix:
            if to_middlebox:
                continue  # the local route's target, replaced
            yield Problem(
                f'route table "{table.name}" route {block} duplicates the implicit local route of '
                f'VPC "{vpc.name}"; traffic inside the VPC always stays local (only a NAT '
                "gateway, network interface, Gateway Load Balancer or firewall endpoint may "
                "replace the local route's target)",
                route.path,
                on_key=True,
            )
            continue
        whole_subnet = any(
            block in (subnet.cidr, subnet.ipv6_cidr) for subnet in vpc.subnets.values()
        )
        if whole_subnet and to_middlebox:
            continue
        reason = (
            "only a NAT gateway, network interface, Gateway Load Balancer endpoint or firewall "
            "endpoint may take a subnet's traffic"
            if whole_subnet
            else "only a whole subnet's block may be routed more specifically than local"
        )
        yield Problem(
            f'route table "{table.name}" route {block} is inside VPC "{vpc.name}" block {local} '
            f"(the local route); {reason}",
            route.path,
            on_key=True,
        )


@rule(
    "AP204",
    "igw-not-attached",
    ERROR,
    "A route to the internet gateway of a VPC that has none.",
    reads=UNIT,
)
def igw_not_attached(architecture: Architecture) -> Iterator[Problem]:
    """A route to `igw` needs the VPC to have an internet gateway (`internet_gateway: true`).

    Changed: silent when `internet_gateway` was written with an invalid value
    (AP003 reports it), rather than reading it as false.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              public: {routes: {0.0.0.0/0: igw}}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            internet_gateway: true
            route_tables:
              public: {routes: {0.0.0.0/0: igw}}

    References:
        Amazon VPC User Guide, "Enable internet access for a VPC using an internet gateway" <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html>
    """
    for vpc, table, route in _routes(architecture):
        if route.target is not None and route.target.kind == "igw" and not vpc.internet_gateway:
            if architecture.is_rejected(*vpc.path, "internet_gateway"):
                continue  # written but invalid (`internet_gateway: igw`): AP003 says so
            yield Problem(
                f'route table "{table.name}" sends {route.destination} to igw, but VPC '
                f'"{vpc.name}" has no internet gateway; set internet_gateway: true',
                route.path,
                (Related(f'VPC "{vpc.name}" is here', vpc.path),),
            )


@rule(
    "AP205",
    "nat-in-other-vpc",
    ERROR,
    "A route to a NAT gateway placed in another VPC's subnet.",
    reads=CONNECTED,
)
def nat_in_other_vpc(architecture: Architecture) -> Iterator[Problem]:
    """`nat:SUBNET` names the subnet a NAT gateway sits in; it must be a subnet of the same VPC.

    A NAT gateway in a peered VPC cannot be used (no edge-to-edge routing).

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {routes: {0.0.0.0/0: "nat:b-public"}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              b-public: {cidr: 10.1.0.0/24, az: us-east-1a}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            internet_gateway: true
            subnets:
              a-public: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: public}
            route_tables:
              public: {routes: {0.0.0.0/0: igw}}
              private: {routes: {0.0.0.0/0: "nat:a-public"}}

    References:
        Amazon VPC User Guide, "NAT gateways" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html>
        Amazon VPC Peering Guide, "VPC peering limitations" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations>
    """
    for vpc, table, route in _routes(architecture):
        target = route.target
        if target is None or target.kind != "nat" or target.name in vpc.subnets:
            continue
        owners = architecture.subnet_owner.get(target.name or "", [])
        if owners:
            yield Problem(
                f'route table "{table.name}" of VPC "{vpc.name}" uses a NAT gateway in subnet '
                f'"{target.name}" of VPC "{owners[0]}"; a NAT gateway serves only its own VPC',
                route.path,
                (
                    Related(
                        "that subnet is here",
                        architecture.vpcs[owners[0]].subnets[target.name or ""].path,
                    ),
                ),
            )


@rule(
    "AP206",
    "peering-not-involving-vpc",
    ERROR,
    "A route through a peering this VPC is not part of.",
    reads=CONNECTED,
)
def peering_not_involving_vpc(architecture: Architecture) -> Iterator[Problem]:
    """A route can use a peering connection only in one of the two VPCs it connects.

    Fails:
        vpcs:
          a: {region: us-east-1, cidr: 10.0.0.0/16}
          b: {region: us-east-1, cidr: 10.1.0.0/16}
          c:
            region: us-east-1
            cidr: 10.2.0.0/16
            route_tables:
              main: {routes: {10.1.0.0/16: "peering:a-b"}}
        peerings:
          a-b: {requester: a, accepter: b}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              main: {routes: {10.1.0.0/16: "peering:a-b"}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables:
              main: {routes: {10.0.0.0/16: "peering:a-b"}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "Update your route tables for a VPC peering connection" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html>
    """
    for vpc, table, route in _routes(architecture):
        target = route.target
        if target is None or target.kind != "peering":
            continue
        peering = architecture.peerings.get(target.name or "")
        if peering is None or peering.requester is None or peering.accepter is None:
            continue  # a missing or invalid end is reported where it is written (AP003, AP004)
        if not peering.involves(vpc.name):
            yield Problem(
                f'route table "{table.name}" of VPC "{vpc.name}" uses peering "{peering.name}", '
                f'which connects "{peering.requester}" and "{peering.accepter}", not "{vpc.name}"',
                route.path,
                (Related(f'peering "{peering.name}" is here', peering.path),),
            )


@rule(
    "AP207",
    "tgw-not-attached",
    ERROR,
    "A route to a transit gateway the VPC is not attached to.",
    reads=CONNECTED,
)
def tgw_not_attached(architecture: Architecture) -> Iterator[Problem]:
    """A VPC reaches a transit gateway only through its own attachment.

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              main: {routes: {10.1.0.0/16: "tgw:hub"}}
        transit_gateways:
          hub: {region: us-east-1, attachments: {}}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}
            route_tables:
              main: {main: true, routes: {10.1.0.0/16: "tgw:hub"}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              b-tgw: {cidr: 10.1.0.0/28, az: us-east-1a}
            route_tables:
              main: {main: true, routes: {10.0.0.0/16: "tgw:hub"}}
        transit_gateways:
          hub:
            region: us-east-1
            attachments: {a: {subnets: [a-tgw]}, b: {subnets: [b-tgw]}}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
    """
    for vpc, table, route in _routes(architecture):
        target = route.target
        if target is None or target.kind != "tgw":
            continue
        gateway = architecture.transit_gateways.get(target.name or "")
        if (
            gateway is not None
            and vpc.name not in gateway.attachments
            and not architecture.is_rejected(*gateway.path, "attachments", vpc.name)
        ):  # an attachment written but rejected (or under a misspelt key) may be this one
            yield Problem(
                f'route table "{table.name}" of VPC "{vpc.name}" uses transit gateway '
                f'"{gateway.name}", but VPC "{vpc.name}" is not attached to it; add an attachment',
                route.path,
                (Related(f'transit gateway "{gateway.name}" is here', gateway.path),),
            )


@rule(
    "AP208",
    "duplicate-route",
    ERROR,
    "Two routes in one table for the same destination.",
    reads=UNIT,
)
def duplicate_route(architecture: Architecture) -> Iterator[Problem]:
    """A table holds one route per destination; AWS refuses the second (`RouteAlreadyExists`).

    Two keys can name the same destination once AWS canonicalises them (`10.1.0.0/16` and
    `10.1.0.1/16`), which YAML's duplicate-key check cannot see.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {routes: {10.1.0.0/16: blackhole, 10.1.0.1/16: vgw}}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {routes: {10.1.0.0/16: blackhole, 10.2.0.0/16: vgw}}

    References:
        Amazon VPC User Guide, "Configure route tables" <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            seen: dict[tuple[int, int, int], Route] = {}
            for route in table.routes:
                if route.block is None:
                    continue
                key = (route.block.version, route.block.first, route.block.prefix)
                first = seen.setdefault(key, route)
                if first is not route:
                    yield Problem(
                        f'route table "{table.name}" already has a route for {route.block}: '
                        f'"{route.destination}" and "{first.destination}" are the same '
                        "destination (RouteAlreadyExists)",
                        route.path,
                        (Related("the first route is here", first.path, None),),
                        on_key=True,
                    )


@rule(
    "AP209",
    "route-target-family",
    ERROR,
    "An egress-only internet gateway used for IPv4.",
    reads=UNIT,
)
def route_target_family(architecture: Architecture) -> Iterator[Problem]:
    """An egress-only internet gateway carries IPv6 only; IPv4 needs a NAT gateway or `igw`.

    Fails:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {routes: {0.0.0.0/0: egress-only-igw}}

    Passes:
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {routes: {"::/0": egress-only-igw}}

    References:
        Amazon VPC User Guide, "Enable outbound IPv6 traffic using an egress-only internet gateway" <https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html>
    """
    for _vpc, table, route in _routes(architecture):
        target = route.target
        if (
            target is not None
            and target.kind == "egress-only-igw"
            and route.block is not None
            and route.block.version == 4
        ):
            yield Problem(
                f'route table "{table.name}" sends IPv4 {route.block} to egress-only-igw, '
                "which carries IPv6 only; use a NAT gateway (nat:SUBNET) for IPv4",
                route.path,
            )


@rule(
    "AP210",
    "route-quota",
    ERROR,
    "A route table has more routes than the quota allows.",
    reads=UNIT,
)
def route_quota(architecture: Architecture) -> Iterator[Problem]:
    """A table may hold `routes_per_route_table` routes you add (default 500, up to 1,000),
    counted separately for IPv4 and IPv6. The implicit local routes are not counted.

    AWS refuses more with `RouteLimitExceeded`. Split subnets over several tables, summarise
    destinations, or raise the quota and record it under `quotas:`.

    Fails:
        quotas: {routes_per_route_table: 1}
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {routes: {10.1.0.0/16: vgw, 10.2.0.0/16: vgw}}

    Passes:
        quotas: {routes_per_route_table: 2}
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {routes: {10.1.0.0/16: vgw, 10.2.0.0/16: vgw}}

    References:
        Amazon VPC User Guide, "Amazon VPC quotas" <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    limit = architecture.quotas["routes_per_route_table"]
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for version, family in ((4, "IPv4"), (6, "IPv6")):
                routes = [
                    route
                    for route in table.routes
                    if route.block is not None and route.block.version == version
                ]
                if len(routes) > limit:
                    yield Problem(
                        f'route table "{table.name}" of VPC "{vpc.name}" has {len(routes)} '
                        f"{family} routes; the routes_per_route_table quota is {limit} "
                        "(RouteLimitExceeded)",
                        routes[limit].path,
                        quota_related(architecture, "routes_per_route_table"),
                        on_key=True,
                    )


@rule(
    "AP211",
    "route-table-quota",
    ERROR,
    "A VPC has more route tables than the quota allows.",
    reads=UNIT,
)
def route_table_quota(architecture: Architecture) -> Iterator[Problem]:
    """A VPC may have at most `route_tables_per_vpc` route tables (default 200; the main table
    counts). AWS refuses more with `RouteTableLimitExceeded`.

    Fails:
        quotas: {route_tables_per_vpc: 1}
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              public: {main: true}
              private: {}

    Passes:
        quotas: {route_tables_per_vpc: 2}
        vpcs:
          shared:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              public: {main: true}
              private: {}

    References:
        Amazon VPC User Guide, "Amazon VPC quotas" <https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    limit = architecture.quotas["route_tables_per_vpc"]
    for vpc in architecture.vpcs.values():
        # Without a table marked main, AWS still creates one, and it counts.
        count = len(vpc.route_tables) + (0 if vpc.main_route_table() else 1)
        if count > limit:
            yield Problem(
                f'VPC "{vpc.name}" has {count} route tables (the main table counts); the '
                f"route_tables_per_vpc quota is {limit} (RouteTableLimitExceeded)",
                (*vpc.path, "route_tables"),
                quota_related(architecture, "route_tables_per_vpc"),
                on_key=True,
            )
