"""Transit gateway route table rules: associations, the route back, overlapping propagations,
blackholes over wanted routes, and appliance mode for inspection VPCs.

They speak only about gateways whose file writes route tables (`route_tables`,
`default_association`, `default_propagation`); without them archplan models AWS's default
route table, where every attachment is associated and propagates.
"""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture, Attachment, TransitGateway, Vpc
from archplan.regions import known_distinct
from archplan.routes import table_of, tables_in_use, vpc_blocks
from archplan.rules.registry import Problem, Related, rule
from archplan.rules.zones import known_zone
from archplan.tgw_tables import (
    associated_table,
    explicit,
    overlapping_vpcs,
    propagating,
    routes_back,
)

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def _explicit_gateways(architecture: Architecture) -> Iterator[TransitGateway]:
    """Gateways with route tables written, none of whose parts was rejected (a table judged
    without an association or route that failed to decode would be a cascade)."""
    for gateway in architecture.transit_gateways.values():
        if explicit(gateway) and not architecture.rejected_within(*gateway.path):
            yield gateway


@rule(
    "AP420",
    "tgw-no-route-back",
    WARNING,
    "A VPC routes to another through a transit gateway whose table for the other has no route back.",
)
def tgw_no_route_back(architecture: Architecture) -> Iterator[Problem]:
    """A transit gateway forwards each packet by the route table associated with the
    attachment it arrived on. A VPC that routes another VPC's range to the transit gateway
    gets its packets there only if the reply can come back: the table associated with the
    other VPC's attachment needs a route (static or propagated) to the first VPC's range.
    Without one, every reply is dropped at the transit gateway.

    Propagate the first VPC's attachment into that table, or add a static route to it.
    Reported at the route that sends the traffic, once per destination VPC, when no route of
    the other table reaches any of the first VPC's blocks.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {app-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "tgw:hub"}}}
          shared:
            cidr: 10.1.0.0/16
            subnets: {shared-tgw: {cidr: 10.1.0.0/28, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "tgw:hub"}}}
        transit_gateways:
          hub:
            attachments:
              app: {subnets: [app-tgw]}
              shared: {subnets: [shared-tgw]}
            route_tables:
              spokes: {associations: [app], propagations: [shared]}
              services: {associations: [shared]}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {app-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "tgw:hub"}}}
          shared:
            cidr: 10.1.0.0/16
            subnets: {shared-tgw: {cidr: 10.1.0.0/28, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "tgw:hub"}}}
        transit_gateways:
          hub:
            attachments:
              app: {subnets: [app-tgw]}
              shared: {subnets: [shared-tgw]}
            route_tables:
              spokes: {associations: [app], propagations: [shared]}
              services: {associations: [shared], propagations: [app]}

    References:
        AWS Transit Gateway Guide, "How AWS Transit Gateway works" <https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html>
        AWS Transit Gateway Guide, "Transit gateway route tables" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html>
    """
    for gateway in _explicit_gateways(architecture):
        for name in gateway.attachments:
            vpc = architecture.vpcs.get(name)
            if vpc is None or not vpc.blocks_known or not vpc.routes_known:
                continue
            own = vpc_blocks(vpc)
            if not own:
                continue
            reported: set[str] = set()
            for table in tables_in_use(vpc):
                for route in table.routes:
                    target, block = route.target, route.block
                    if target is None or target.kind != "tgw" or target.name != gateway.name:
                        continue
                    if block is None or block.prefix == 0:
                        continue  # a default route names no VPC it must reach
                    for other_name in gateway.attachments:
                        other = architecture.vpcs.get(other_name)
                        if other is None or other_name == name or other_name in reported:
                            continue
                        if not any(b.overlaps(block) for b, _ in vpc_blocks(other)):
                            continue
                        back = associated_table(gateway, other_name)
                        if back is None:
                            continue  # no association at all: AP421
                        if any(routes_back(architecture, gateway, back, b) for b, _ in own):
                            continue
                        reported.add(other_name)
                        yield Problem(
                            f'VPC "{vpc.name}" sends {block} to transit gateway '
                            f'"{gateway.name}" for VPC "{other_name}", but route table '
                            f'"{back.name}", associated with "{other_name}"\'s attachment, has '
                            f'no route to "{vpc.name}" ({", ".join(str(b) for b, _ in own)}): '
                            f'the replies are dropped; propagate "{vpc.name}" into '
                            f'"{back.name}" or add a static route',
                            route.path,
                            (
                                Related(f'route table "{back.name}" is here', back.path),
                                Related(
                                    f'"{other_name}" is attached here',
                                    gateway.attachments[other_name].path,
                                ),
                            ),
                            on_key=True,
                        )


@rule(
    "AP421",
    "tgw-attachment-unassociated",
    WARNING,
    "A transit gateway attachment associated with no route table.",
)
def tgw_attachment_unassociated(architecture: Architecture) -> Iterator[Problem]:
    """Every attachment needs exactly one associated route table: the transit gateway looks
    up traffic arriving from the attachment in it. An attachment associated with none (no
    table lists it and the gateway has no default association table) has all its traffic
    dropped at the transit gateway.

    List the attachment under a table's `associations`, or name a `default_association`.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {app-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}
        transit_gateways:
          hub:
            attachments:
              app: {subnets: [app-tgw]}
            route_tables:
              spokes: {propagations: [app]}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {app-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}
        transit_gateways:
          hub:
            attachments:
              app: {subnets: [app-tgw]}
            route_tables:
              spokes: {associations: [app], propagations: [app]}

    References:
        AWS Transit Gateway Guide, "How AWS Transit Gateway works" <https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html>
        Reachability Analyzer Guide, "Reachability Analyzer explanation codes" <https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html>
    """
    for gateway in _explicit_gateways(architecture):
        for name, attachment in gateway.attachments.items():
            if associated_table(gateway, name) is not None:
                continue
            yield Problem(
                f'the attachment of VPC "{name}" to transit gateway "{gateway.name}" is '
                "associated with no route table and the gateway has no default association "
                "table: traffic from it is dropped; list it under a route table's associations",
                attachment.path,
                (
                    Related(
                        f'the route tables of "{gateway.name}" are here',
                        (*gateway.path, "route_tables"),
                    ),
                ),
                on_key=True,
            )


@rule(
    "AP422",
    "tgw-overlapping-propagation",
    ERROR,
    "Two overlapping VPCs propagate into one transit gateway route table.",
)
def tgw_overlapping_propagation(architecture: Architecture) -> Iterator[Problem]:
    """A transit gateway route table holds one route per destination: when two attached VPCs
    with overlapping blocks propagate into the same table, the later VPC's routes are not
    propagated, and the traffic for the overlapping range goes to the first VPC only.

    Renumber one VPC, or keep them in separate route tables (VPCs that overlap may share a
    transit gateway when no table holds both; AP403 then only warns).

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          blue: {cidr: 10.0.0.0/16, subnets: {blue-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}}
          green: {cidr: 10.0.0.0/16, subnets: {green-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}}
        transit_gateways:
          hub:
            attachments:
              blue: {subnets: [blue-tgw]}
              green: {subnets: [green-tgw]}
            route_tables:
              shared: {associations: [blue, green], propagations: [blue, green]}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          blue: {cidr: 10.0.0.0/16, subnets: {blue-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}}
          green: {cidr: 10.1.0.0/16, subnets: {green-tgw: {cidr: 10.1.0.0/28, az: us-east-1a}}}
        transit_gateways:
          hub:
            attachments:
              blue: {subnets: [blue-tgw]}
              green: {subnets: [green-tgw]}
            route_tables:
              shared: {associations: [blue, green], propagations: [blue, green]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
    """
    for gateway in _explicit_gateways(architecture):
        for table in gateway.route_tables.values():
            found = propagating(gateway, table)
            where = dict(found)
            for earlier, later in overlapping_vpcs(architecture, [name for name, _ in found]):
                yield Problem(
                    f'VPCs "{earlier}" and "{later}" overlap and both propagate into route table '
                    f'"{table.name}" of transit gateway "{gateway.name}": the routes of "{later}" '
                    f"are not propagated; renumber one, or propagate them into separate tables",
                    where[later],
                    (
                        Related(f'"{earlier}" propagates here', where[earlier]),
                        Related(f'VPC "{earlier}" is here', architecture.vpcs[earlier].path),
                        Related(f'VPC "{later}" is here', architecture.vpcs[later].path),
                    ),
                )


@rule(
    "AP423",
    "tgw-blackhole-shadows-route",
    WARNING,
    "A transit gateway blackhole route drops traffic another route wants delivered.",
)
def tgw_blackhole_shadows_route(architecture: Architecture) -> Iterator[Problem]:
    """A blackhole route drops what it matches, and a static route wins over a propagated
    route for the same destination. A blackhole that covers a whole VPC block propagated into
    the same table (by an explicit propagation), or the whole destination a VPC associated with
    the table routes to the transit gateway, throws away traffic that the file asks to deliver.

    Remove the blackhole, narrow it, or stop routing (or propagating) that range.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {app-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "tgw:hub"}}}
          data:
            cidr: 10.1.0.0/16
            subnets: {data-tgw: {cidr: 10.1.0.0/28, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "tgw:hub"}}}
        transit_gateways:
          hub:
            attachments:
              app: {subnets: [app-tgw]}
              data: {subnets: [data-tgw]}
            route_tables:
              all:
                associations: [app, data]
                propagations: [app, data]
                routes: {10.1.0.0/16: blackhole}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {app-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "tgw:hub"}}}
          data:
            cidr: 10.1.0.0/16
            subnets: {data-tgw: {cidr: 10.1.0.0/28, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "tgw:hub"}}}
        transit_gateways:
          hub:
            attachments:
              app: {subnets: [app-tgw]}
              data: {subnets: [data-tgw]}
            route_tables:
              all:
                associations: [app, data]
                propagations: [app, data]
                routes: {192.168.0.0/16: blackhole}

    References:
        AWS Transit Gateway Guide, "Transit gateway route tables" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html>
        AWS Transit Gateway Guide, "How AWS Transit Gateway works" <https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html>
    """
    for gateway in _explicit_gateways(architecture):
        for table in gateway.route_tables.values():
            for route in table.routes:
                if route.attachment is not None or route.block is None:
                    continue
                hole = route.block
                reported = False
                for index, name in enumerate(table.propagations):
                    vpc = architecture.vpcs.get(name)
                    if vpc is None or name not in gateway.attachments:
                        continue
                    covered = [b for b, _ in vpc_blocks(vpc) if hole.contains(b)]
                    if covered:
                        reported = True
                        yield Problem(
                            f'blackhole route {hole} in table "{table.name}" of transit gateway '
                            f'"{gateway.name}" drops all of VPC "{name}" ({covered[0]}), which '
                            "propagates into the same table: traffic for it is thrown away; "
                            "remove the blackhole or the propagation",
                            route.path,
                            (
                                Related(
                                    f'"{name}" propagates here',
                                    (*table.path, "propagations", index),
                                ),
                            ),
                            on_key=True,
                        )
                        break
                if reported:
                    continue
                for name in table.associations:
                    vpc = architecture.vpcs.get(name)
                    if vpc is None or not vpc.routes_known:
                        continue
                    wanted = [
                        (vpc_table, vpc_route)
                        for vpc_table in tables_in_use(vpc)
                        for vpc_route in vpc_table.routes
                        if vpc_route.target is not None
                        and vpc_route.target.kind == "tgw"
                        and vpc_route.target.name == gateway.name
                        and vpc_route.block is not None
                        and hole.contains(vpc_route.block)
                    ]
                    if not wanted:
                        continue
                    vpc_table, vpc_route = wanted[0]
                    yield Problem(
                        f'blackhole route {hole} in table "{table.name}" of transit gateway '
                        f'"{gateway.name}" drops all of {vpc_route.block}, which VPC "{name}" '
                        f"(associated with the table) routes to the transit gateway in table "
                        f'"{vpc_table.name}": remove the blackhole or that route',
                        route.path,
                        (Related(f'the route of "{name}" is here', vpc_route.path),),
                        on_key=True,
                    )
                    break


@rule(
    "AP424",
    "inspection-without-appliance-mode",
    WARNING,
    "An inspection VPC's transit gateway attachment without appliance mode.",
)
def inspection_without_appliance_mode(architecture: Architecture) -> Iterator[Problem]:
    """A firewall endpoint or Gateway Load Balancer endpoint is stateful: it must see both
    directions of a flow. Without appliance mode, a transit gateway keeps each packet in the
    Availability Zone it arrived from, so a reply from another zone enters the inspection VPC
    in that zone and reaches an endpoint that never saw the request, which drops it.

    Enable appliance mode on the inspection VPC's attachment (`appliance_mode: true`). Reported
    for a VPC that holds firewall or Gateway Load Balancer endpoints, whose attachment spans
    two or more zones and whose attachment subnets route traffic to those endpoints.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          inspection:
            cidr: 100.64.0.0/16
            subnets:
              tgw-a: {cidr: 100.64.0.0/28, az: us-east-1a, route_table: to-fw-a}
              tgw-b: {cidr: 100.64.0.16/28, az: us-east-1b, route_table: to-fw-b}
              fw-a: {cidr: 100.64.1.0/28, az: us-east-1a, route_table: back}
              fw-b: {cidr: 100.64.1.16/28, az: us-east-1b, route_table: back}
            route_tables:
              to-fw-a: {routes: {0.0.0.0/0: "firewall:fw-a"}}
              to-fw-b: {routes: {0.0.0.0/0: "firewall:fw-b"}}
              back: {routes: {0.0.0.0/0: "tgw:hub"}}
            firewalls:
              fw-a: {subnet: fw-a, firewall: inspection}
              fw-b: {subnet: fw-b, firewall: inspection}
        transit_gateways:
          hub:
            attachments:
              inspection: {subnets: [tgw-a, tgw-b]}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          inspection:
            cidr: 100.64.0.0/16
            subnets:
              tgw-a: {cidr: 100.64.0.0/28, az: us-east-1a, route_table: to-fw-a}
              tgw-b: {cidr: 100.64.0.16/28, az: us-east-1b, route_table: to-fw-b}
              fw-a: {cidr: 100.64.1.0/28, az: us-east-1a, route_table: back}
              fw-b: {cidr: 100.64.1.16/28, az: us-east-1b, route_table: back}
            route_tables:
              to-fw-a: {routes: {0.0.0.0/0: "firewall:fw-a"}}
              to-fw-b: {routes: {0.0.0.0/0: "firewall:fw-b"}}
              back: {routes: {0.0.0.0/0: "tgw:hub"}}
            firewalls:
              fw-a: {subnet: fw-a, firewall: inspection}
              fw-b: {subnet: fw-b, firewall: inspection}
        transit_gateways:
          hub:
            attachments:
              inspection: {subnets: [tgw-a, tgw-b], appliance_mode: true}

    References:
        AWS Network Firewall Developer Guide, "Transit gateway attachment configuration for AWS Network Firewall" <https://docs.aws.amazon.com/network-firewall/latest/developerguide/vpc-config-tgw-multi-az.html>
        AWS Transit Gateway Guide, "Example: Appliance in a shared services VPC" <https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html>
    """
    for gateway in architecture.transit_gateways.values():
        for name, attachment in gateway.attachments.items():
            vpc = architecture.vpcs.get(name)
            if vpc is None or attachment.appliance_mode or not vpc.routes_known:
                continue
            if architecture.rejected_within(*attachment.path) or architecture.rejected_within(
                *vpc.path
            ):
                continue
            endpoints = {f"firewall:{n}" for n in vpc.firewalls} | {
                f"gwlbe:{n}" for n in vpc.gwlb_endpoints
            }
            if not endpoints:
                continue
            # Only zones known to exist count: a wrong one (AP117) may be the other subnet's.
            zones = [
                known_zone(vpc.subnets[s], vpc.region)
                for s in attachment.subnets
                if s in vpc.subnets
            ]
            if len(known_distinct(z for z in zones if z is not None)) < 2:
                continue
            inspected = _inspecting_route(vpc, attachment, endpoints)
            if inspected is None:
                continue
            yield Problem(
                f'VPC "{name}" inspects traffic from transit gateway "{gateway.name}" '
                f"({inspected}) in several Availability Zones, but its attachment has no "
                "appliance mode: replies from another zone reach an endpoint that never saw the "
                "request and are dropped; set appliance_mode: true",
                attachment.path,
                (
                    Related(
                        "the attachment subnets' route to the endpoint is here",
                        _route_path(vpc, attachment, endpoints),
                    ),
                ),
                on_key=True,
            )


def _inspecting(
    vpc: Vpc, attachment: Attachment, endpoints: set[str]
) -> list[tuple[str, tuple[str | int, ...]]]:
    found = []
    for subnet_name in attachment.subnets:
        subnet = vpc.subnets.get(subnet_name)
        table = table_of(vpc, subnet) if subnet is not None else None
        for route in table.routes if table is not None else ():
            target = route.target
            text = f"{target.kind}:{target.name}" if target is not None else ""
            if text in endpoints:
                found.append((text, route.path))
    return found


def _inspecting_route(vpc: Vpc, attachment: Attachment, endpoints: set[str]) -> str | None:
    found = _inspecting(vpc, attachment, endpoints)
    return ", ".join(sorted({target for target, _ in found})) if found else None


def _route_path(vpc: Vpc, attachment: Attachment, endpoints: set[str]) -> tuple[str | int, ...]:
    return _inspecting(vpc, attachment, endpoints)[0][1]
