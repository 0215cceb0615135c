"""CloudFormation's network topology to format 1: VPCs and their CIDR blocks, subnets, route
tables and routes, internet/NAT/VPN gateways, peerings, transit gateways and their attachments,
and VPC endpoints."""

from __future__ import annotations

from typing import Any

from archplan.findings import Span
from archplan.importers.cfn_reading import (
    TemplateReader,
    logical_id_of,
    shown_value,
)
from archplan.importers.cloudformation import Resource
from archplan.importers.common import DocPath
from archplan.importers.intrinsics import Unresolved
from archplan.model import UNKNOWN_ZONE

# Route targets: the Route property, and how a reference through it is written in format 1.
_TARGETS = (
    "GatewayId",
    "NatGatewayId",
    "VpcPeeringConnectionId",
    "TransitGatewayId",
    "VpcEndpointId",
    "EgressOnlyInternetGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
    "VpcLatticeTargetId",
)


class TopologyMapper(TemplateReader):
    """The network topology of one template."""

    def vpc(self, resource: Resource) -> None:
        left_out = "the VPC and everything in it are left out"
        cidr = self.string(resource, "CidrBlock", left_out)
        if cidr is None:
            return
        name = self.name(resource)
        path: DocPath = ("vpcs", name)
        body: dict[str, Any] = {}
        if self.t.region != self.m.region:
            body["region"] = self.t.region
        body["cidr"] = str(cidr[0])
        self.record(path, resource.key, resource.logical_id)
        self.record((*path, "cidr"), cidr[1], f"{resource.logical_id}.Properties.CidrBlock")
        dns: dict[str, bool] = {}
        # CloudFormation's defaults differ from format 1's: DNS hostnames are off unless asked.
        hostnames = self.boolean(resource, "EnableDnsHostnames", "DNS hostnames are taken as off")
        if hostnames is None or not hostnames[0]:
            dns["hostnames"] = False
        resolution = self.boolean(resource, "EnableDnsSupport", "DNS resolution is taken as on")
        if resolution is not None and not resolution[0]:
            dns["resolution"] = False
        if dns:
            body["dns"] = dns
            span = hostnames[1] if hostnames else resource.key
            self.record((*path, "dns"), span, f"{resource.logical_id}.Properties")
        self.m.vpcs[name] = body
        self.vpc_names[resource.logical_id] = name

    def cidr_block(self, resource: Resource) -> None:
        left_out = "the block is left out"
        vpc = self.target(resource, "VpcId", self.vpc_names, "VPC", left_out)
        if vpc is None:
            return
        body = self.m.vpcs[vpc[0]]
        address = f"{resource.logical_id}.Properties"
        ipv4 = self.string(resource, "CidrBlock", left_out, required=False)
        ipv4_removed = self.removed
        if ipv4 is not None:
            blocks = body.setdefault("secondary_cidrs", [])
            self.record(("vpcs", vpc[0], "secondary_cidrs", len(blocks)), ipv4[1], address)
            blocks.append(str(ipv4[0]))
        ipv6 = self.string(resource, "Ipv6CidrBlock", left_out, required=False)
        if ipv6 is not None:
            blocks = body.setdefault("ipv6_cidrs", [])
            self.record(("vpcs", vpc[0], "ipv6_cidrs", len(blocks)), ipv6[1], address)
            blocks.append(str(ipv6[0]))
        if ipv4 is None and ipv6 is None and (ipv4_removed or self.removed):
            self.said_removed(resource, "CidrBlock" if ipv4_removed else "Ipv6CidrBlock", left_out)
        written = self.node(resource, "CidrBlock") or self.node(resource, "Ipv6CidrBlock")
        if written is None:
            self.issue(
                f"{resource.logical_id}: the block is assigned by AWS or IPAM at deployment; "
                "left out",
                resource.key,
                resource.logical_id,
            )

    def subnet(self, resource: Resource) -> None:
        left_out = "the subnet is left out"
        vpc = self.target(resource, "VpcId", self.vpc_names, "VPC", left_out)
        if vpc is None:
            return
        cidr = self.string(resource, "CidrBlock", left_out, required=False)
        if cidr is None and self.failed:
            return
        cidr_removed = self.removed
        ipv6 = self.string(
            resource,
            "Ipv6CidrBlock",
            left_out if cidr is None else "it is imported without an IPv6 block",
            required=False,
        )
        if cidr is None and ipv6 is None:
            if self.failed:
                return
            if cidr_removed:
                self.said_removed(resource, "CidrBlock", left_out)
            else:
                self.issue(
                    f"{resource.logical_id} has no CidrBlock (IPAM or IPv6 assigned at "
                    f"deployment); {left_out}",
                    resource.key,
                    resource.logical_id,
                )
            return
        zone, zone_prop, removed = None, "AvailabilityZone", ""
        for prop in ("AvailabilityZone", "AvailabilityZoneId"):
            if self.node(resource, prop) is None:
                continue
            zone, zone_prop = self.string(resource, prop, left_out, required=False), prop
            if zone is not None or self.failed:
                break
            removed = removed or prop
        if zone is None:
            if self.failed:
                return
            if removed:
                self.said_removed(resource, removed, left_out)
                return
            # AWS picks the zone at deployment: the subnet is kept with `az: unknown`, so
            # every check that needs no zone (its block, overlaps, routes) still runs.
            self.issue(
                f"{resource.logical_id} has no AvailabilityZone (AWS picks one at deployment); "
                "it is kept with az: unknown, and the checks that need its zone skip it",
                resource.key,
                resource.logical_id,
            )
            zone = (UNKNOWN_ZONE, resource.key)
            zone_prop = "AvailabilityZone"
        name = self.name(resource)
        path: DocPath = ("vpcs", vpc[0], "subnets", name)
        self.record(path, resource.key, resource.logical_id)
        body: dict[str, Any] = {}
        if cidr is not None:
            body["cidr"] = str(cidr[0])
            self.record((*path, "cidr"), cidr[1], f"{resource.logical_id}.Properties.CidrBlock")
        if ipv6 is not None:
            body["ipv6_cidr"] = str(ipv6[0])
            self.record(
                (*path, "ipv6_cidr"), ipv6[1], f"{resource.logical_id}.Properties.Ipv6CidrBlock"
            )
        body["az"] = str(zone[0])
        if zone[0] != UNKNOWN_ZONE:
            self.record((*path, "az"), zone[1], f"{resource.logical_id}.Properties.{zone_prop}")
        self.m.vpcs[vpc[0]].setdefault("subnets", {})[name] = body
        self.subnets[resource.logical_id] = (vpc[0], name)

    def route_table(self, resource: Resource) -> None:
        vpc = self.target(
            resource, "VpcId", self.vpc_names, "VPC", "the table and its routes are left out"
        )
        if vpc is None:
            return
        name = self.name(resource)
        self.record(("vpcs", vpc[0], "route_tables", name), resource.key, resource.logical_id)
        self.m.vpcs[vpc[0]].setdefault("route_tables", {})[name] = {"routes": {}}
        self.tables[resource.logical_id] = (vpc[0], name)

    def association(self, resource: Resource) -> None:
        left_out = "the association is left out"
        subnet = self.target(resource, "SubnetId", self.subnets, "subnet", left_out)
        # Without its table the subnet would fall back to its VPC's main table in the imported
        # estate, and the routing rules would judge it by routes it does not use: it goes too.
        table = self.target(
            resource,
            "RouteTableId",
            self.tables,
            "route table",
            left_out
            if subnet is None
            else f"the association and subnet {subnet[0][1]} are left out (on the main route "
            "table it would be judged by routes it does not use)",
        )
        if subnet is None:
            return
        vpc, subnet_name = subnet[0]
        if table is None:
            del self.m.vpcs[vpc]["subnets"][subnet_name]
            for logical_id, placed in list(self.subnets.items()):
                if placed == subnet[0]:
                    del self.subnets[logical_id]
            return
        table_vpc, table_name = table[0]
        if vpc != table_vpc:
            self.issue(
                f"{resource.logical_id}: subnet {subnet_name} and route table {table_name} are "
                f"in different VPCs, which AWS refuses; {left_out}",
                resource.key,
                resource.logical_id,
            )
            return
        body = self.m.vpcs[vpc]["subnets"][subnet_name]
        if "route_table" in body:
            self.issue(
                f"{resource.logical_id}: subnet {subnet_name} is already associated with "
                f"{body['route_table']}; a subnet has one route table, so {left_out}",
                resource.key,
                resource.logical_id,
            )
            return
        body["route_table"] = table_name
        self.record(
            ("vpcs", vpc, "subnets", subnet_name, "route_table"), table[1], resource.logical_id
        )

    def gateway_attachment(self, resource: Resource) -> None:
        if self.node(resource, "InternetGatewayId") is None:
            return  # a VPN gateway attachment: format 1 writes `vgw` on routes only
        if not self.attach_internet_gateway(resource):
            self.left_out_link(resource, "InternetGatewayId")

    def left_out_link(self, resource: Resource, gateway_prop: str) -> None:
        self.left_out_links.setdefault(gateway_prop, []).append(
            (self.peek(resource, gateway_prop), self.peek(resource, "VpcId"), resource.logical_id)
        )

    def peek(self, resource: Resource, prop: str) -> str | None:
        """The resource a reference property names, without reporting anything."""
        node = self.node(resource, prop)
        try:
            return logical_id_of(self.ev.value(node)) if node is not None else None
        except Unresolved:
            return None

    def link_left_out(self, gateway_prop: str, gateway: str, vpc: str) -> str | None:
        """The left-out attachment that may have linked VPC `vpc` (a format-1 name) to
        `gateway` (a logical ID, named by the attachment's `gateway_prop`), if any."""
        vpc_ids = {name: logical_id for logical_id, name in self.vpc_names.items()}
        for linked_gateway, linked_vpc, attachment in self.left_out_links.get(gateway_prop, []):
            if linked_gateway in (gateway, None) and linked_vpc in (vpc_ids.get(vpc), None):
                return attachment
        return None

    def dropped_with_link(
        self, resource: Resource, gateway_prop: str, gateway: str, vpc: str, span: Span
    ) -> bool:
        """Say so and return True when the route's VPC lost its attachment to `gateway`."""
        attachment = self.link_left_out(gateway_prop, gateway, vpc)
        if attachment is None:
            return False
        self.issue(
            f"{resource.logical_id}: {attachment}, which attaches VPC {vpc} to {gateway}, was "
            "left out (see its own finding); the route is left out with it",
            span,
            f"{resource.logical_id}.Properties",
        )
        return True

    def attach_internet_gateway(self, resource: Resource) -> bool:
        left_out = "the internet gateway attachment is left out"
        vpc = self.target(resource, "VpcId", self.vpc_names, "VPC", left_out)
        gateway = self.target(
            resource,
            "InternetGatewayId",
            {key: key for key in self.internet_gateways},
            "internet gateway",
            left_out,
        )
        if vpc is None or gateway is None:
            return False
        self.m.vpcs[vpc[0]]["internet_gateway"] = True
        self.record(("vpcs", vpc[0], "internet_gateway"), resource.key, resource.logical_id)
        return True

    def nat_gateway(self, resource: Resource) -> None:
        subnet = self.target(
            resource,
            "SubnetId",
            self.subnets,
            "subnet",
            "routes through this NAT gateway are left out",
        )
        if subnet is not None:
            self.nats[resource.logical_id] = subnet[0]

    def peering(self, resource: Resource) -> None:
        left_out = "the peering and routes through it are left out"
        requester = self.target(resource, "VpcId", self.vpc_names, "VPC", left_out)
        if requester is None:
            return
        accepter = self.target(resource, "PeerVpcId", self.vpc_names, "VPC", left_out)
        if accepter is None:
            return
        name = self.name(resource)
        path: DocPath = ("peerings", name)
        self.record(path, resource.key, resource.logical_id)
        self.record((*path, "requester"), requester[1], f"{resource.logical_id}.Properties.VpcId")
        self.record((*path, "accepter"), accepter[1], f"{resource.logical_id}.Properties.PeerVpcId")
        self.m.peerings[name] = {"requester": requester[0], "accepter": accepter[0]}
        self.peerings[resource.logical_id] = name

    def transit_gateway(self, resource: Resource) -> None:
        name = self.name(resource)
        self.record(("transit_gateways", name), resource.key, resource.logical_id)
        body: dict[str, Any] = {}
        if self.t.region != self.m.region:
            body["region"] = self.t.region
        self.m.transit_gateways[name] = body
        self.transit_gateways[resource.logical_id] = name

    def attachment(self, resource: Resource) -> None:
        if not self.attach_to_transit_gateway(resource):
            self.left_out_link(resource, "TransitGatewayId")

    def attach_to_transit_gateway(self, resource: Resource) -> bool:
        left_out = "the attachment is left out"
        gateway = self.target(
            resource, "TransitGatewayId", self.transit_gateways, "transit gateway", left_out
        )
        if gateway is None:
            return False
        vpc = self.target(resource, "VpcId", self.vpc_names, "VPC", left_out)
        if vpc is None:
            return False
        subnets = self.subnet_list(resource, "SubnetIds", left_out)
        if subnets is None:
            return False
        attachments = self.m.transit_gateways[gateway[0]].setdefault("attachments", {})
        if vpc[0] in attachments:
            self.issue(
                f"{resource.logical_id}: VPC {vpc[0]} is already attached to {gateway[0]}; "
                f"{left_out}",
                resource.key,
                resource.logical_id,
            )
            return False
        path: DocPath = ("transit_gateways", gateway[0], "attachments", vpc[0])
        self.record(path, resource.key, resource.logical_id)
        self.record((*path, "subnets"), subnets[1], f"{resource.logical_id}.Properties.SubnetIds")
        attachments[vpc[0]] = {"subnets": [subnet for _, subnet in subnets[0]]}
        options = self.get(resource, "Options", "appliance mode is taken as off")
        mode = (
            options[0].get("ApplianceModeSupport")
            if options and isinstance(options[0], dict)
            else None
        )
        if isinstance(mode, str) and mode.lower() == "enable":
            attachments[vpc[0]]["appliance_mode"] = True
            self.record(
                (*path, "appliance_mode"),
                options[1] if options else resource.key,
                f"{resource.logical_id}.Properties.Options",
            )
        self.attachments[resource.logical_id] = (gateway[0], vpc[0])
        return True

    def subnet_list(
        self, resource: Resource, prop: str, consequence: str
    ) -> tuple[list[tuple[str, str]], Span] | None:
        """A list of subnet references as (VPC, subnet) pairs; one unknown spoils the list."""
        found = self.require(resource, prop, consequence)
        if found is None:
            return None
        values, span = found
        subnets = self.subnets_named(
            resource, prop, values if isinstance(values, list) else [values], span, consequence
        )
        return (subnets, span) if subnets is not None else None

    def subnets_named(
        self, resource: Resource, prop: str, values: list[Any], span: Span, consequence: str
    ) -> list[tuple[str, str]] | None:
        """Subnet references as (VPC, subnet) pairs; one unknown spoils the list (said)."""
        subnets = []
        for value in values:
            subnet = self.resolve(resource, prop, value, span, self.subnets, "subnet", consequence)
            if subnet is None:
                return None
            subnets.append(subnet[0])
        return subnets

    def endpoint(self, resource: Resource) -> None:
        left_out = "the endpoint is left out"
        vpc = self.target(resource, "VpcId", self.vpc_names, "VPC", left_out)
        if vpc is None:
            return
        service = self.string(resource, "ServiceName", left_out)
        if service is None:
            return
        kind = self.string(resource, "VpcEndpointType", left_out, required=False)
        if kind is None and self.failed:
            return
        kind_name = str(kind[0]) if kind else "Gateway"
        if kind_name == "GatewayLoadBalancer":
            self.network.gwlb_endpoint(resource, vpc[0], resource.key)
            return
        if kind_name not in ("Gateway", "Interface"):
            span = kind[1] if kind else resource.key
            self.issue(
                f"{resource.logical_id}: {kind_name} endpoints are not in format 1; {left_out}",
                span,
                f"{resource.logical_id}.Properties.VpcEndpointType",
            )
            return
        name = self.name(resource)
        path: DocPath = ("vpcs", vpc[0], "endpoints", name)
        body: dict[str, Any] = {"service": str(service[0]), "type": str(kind_name).lower()}
        self.record(path, resource.key, resource.logical_id)
        self.record((*path, "service"), service[1], f"{resource.logical_id}.Properties.ServiceName")
        for prop, key, known in (
            ("RouteTableIds", "route_tables", self.tables),
            ("SubnetIds", "subnets", self.subnets),
        ):
            found = self.get(resource, prop, f"the endpoint is imported without its {key}")
            if found is None:
                continue
            values = found[0] if isinstance(found[0], list) else [found[0]]
            names = []
            for value in values:
                item = self.resolve(
                    resource,
                    prop,
                    value,
                    found[1],
                    known,
                    key[:-1].replace("_", " "),
                    "it is left out of the endpoint",
                )
                if item is not None and item[0][0] == vpc[0]:
                    names.append(item[0][1])
            body[key] = names
            self.record((*path, key), found[1], f"{resource.logical_id}.Properties.{prop}")
        if kind_name == "Interface":
            # CloudFormation's PrivateDnsEnabled defaults to false; format 1's to true.
            private = self.boolean(resource, "PrivateDnsEnabled", "private DNS is taken as off")
            body["private_dns"] = private is not None and bool(private[0])
            groups = self.network.group_list(resource, "SecurityGroupIds", vpc[0])
            if groups is not None:
                body["security_groups"] = groups[0]
                self.record(
                    (*path, "security_groups"),
                    groups[1],
                    f"{resource.logical_id}.Properties.SecurityGroupIds",
                )
        self.m.vpcs[vpc[0]].setdefault("endpoints", {})[name] = body
        self.endpoints[resource.logical_id] = (vpc[0], name)

    def route(self, resource: Resource) -> None:
        left_out = "the route is left out"
        table = self.target(resource, "RouteTableId", self.tables, "route table", left_out)
        if table is None:
            return
        vpc, table_name = table[0]
        destination, removed = None, ""
        for prop in ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId"):
            if self.node(resource, prop) is None:
                continue
            destination = self.string(resource, prop, left_out, required=False)
            if destination is None and self.failed:
                return
            if destination is None:  # AWS::NoValue: e.g. one of two Fn::If destinations
                removed = removed or prop
                continue
            if prop == "DestinationPrefixListId":
                self.issue(
                    f"{resource.logical_id}: prefix list {shown_value(destination[0])} is "
                    f"known only by its ID; {left_out}",
                    destination[1],
                    f"{resource.logical_id}.Properties.{prop}",
                )
                return
            break
        if destination is None:
            if removed:
                self.said_removed(resource, removed, left_out)
            else:
                self.issue(
                    f"{resource.logical_id} has no destination; {left_out}",
                    resource.key,
                    resource.logical_id,
                )
            return
        target = self.route_target(resource, vpc, left_out)
        if target is None:
            return
        routes = self.m.vpcs[vpc]["route_tables"][table_name]["routes"]
        key = str(destination[0])
        if key in routes:
            self.issue(
                f"{resource.logical_id}: route table {table_name} already has a route to {key} "
                f"(AWS refuses a second one); {left_out}",
                resource.key,
                resource.logical_id,
            )
            return
        routes[key] = target
        self.record(
            ("vpcs", vpc, "route_tables", table_name, "routes", key),
            resource.key,
            resource.logical_id,
        )

    def route_target(self, resource: Resource, vpc: str, left_out: str) -> str | None:
        for prop in _TARGETS:
            node = self.node(resource, prop)
            if node is None:
                continue
            if prop == "VpcEndpointId":  # a firewall or Gateway Load Balancer endpoint?
                special = self.network.endpoint_target(resource, node, vpc, left_out)
                if special != "":
                    return special
            found = self.get(resource, prop, left_out)
            if found is None and self.failed:
                return None
            if found is None:
                continue  # AWS::NoValue: e.g. one of two Fn::If targets
            value, span = found
            if prop == "GatewayId":
                logical_id = logical_id_of(value)
                if logical_id in self.internet_gateways:
                    attached = self.m.vpcs[vpc].get("internet_gateway", False)
                    if not attached and self.dropped_with_link(
                        resource, "InternetGatewayId", logical_id, vpc, span
                    ):
                        return None
                    return "igw"
                if logical_id in self.vpn_gateways:
                    return "vgw"
                if logical_id in self.endpoints:
                    return f"endpoint:{self.endpoints[logical_id][1]}"
                self.issue(
                    f'{resource.logical_id}.GatewayId: "{shown_value(value)}" is not a gateway of '
                    f"the template; {left_out}",
                    span,
                    f"{resource.logical_id}.Properties.GatewayId",
                )
                return None
            if prop == "NatGatewayId":
                nat = self.resolve(resource, prop, value, span, self.nats, "NAT gateway", left_out)
                return f"nat:{nat[0][1]}" if nat else None
            if prop == "VpcPeeringConnectionId":
                peering = self.resolve(
                    resource, prop, value, span, self.peerings, "peering", left_out
                )
                return f"peering:{peering[0]}" if peering else None
            if prop == "TransitGatewayId":
                tgw = self.resolve(
                    resource, prop, value, span, self.transit_gateways, "transit gateway", left_out
                )
                if tgw is None:
                    return None
                attachments = self.m.transit_gateways[tgw[0]].get("attachments", {})
                gateway_id = logical_id_of(value) or ""
                if vpc not in attachments and self.dropped_with_link(
                    resource, "TransitGatewayId", gateway_id, vpc, span
                ):
                    return None
                return f"tgw:{tgw[0]}"
            if prop == "VpcEndpointId":
                endpoint = self.resolve(
                    resource, prop, value, span, self.endpoints, "endpoint", left_out
                )
                return f"endpoint:{endpoint[0][1]}" if endpoint else None
            if prop == "EgressOnlyInternetGatewayId":
                return "egress-only-igw"
            if prop == "NetworkInterfaceId":
                logical_id = logical_id_of(value)
                return f"eni:{logical_id or shown_value(value)}"
            self.issue(
                f"{resource.logical_id}: routes through {prop[:-2] if prop.endswith('Id') else prop} "
                f"are not in format 1; {left_out}",
                span,
                f"{resource.logical_id}.Properties.{prop}",
            )
            return None
        self.issue(
            f"{resource.logical_id} has no target; {left_out}", resource.key, resource.logical_id
        )
        return None
