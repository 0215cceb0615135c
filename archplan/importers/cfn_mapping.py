"""CloudFormation resources to format-1 objects: VPCs, subnets, routes, peerings, TGWs, ASGs."""

from __future__ import annotations

from typing import Any

from archplan.findings import Span
from archplan.importers.cfn_network import NetworkMapper
from archplan.importers.cloudformation import READ_TYPES, Resource, Template
from archplan.importers.common import DocPath, Imported, ImportIssue, Origin, object_name
from archplan.importers.intrinsics import NO_VALUE, Attribute, ResourceRef, Unresolved, text
from archplan.loader import Mapping, Node
from archplan.model import UNKNOWN_ZONE

Located = tuple[Any, Span]  # an evaluated property value and where it is written

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
_VPC_KEYS = (
    "region",
    "cidr",
    "secondary_cidrs",
    "ipv6_cidrs",
    "dns",
    "internet_gateway",
    "subnets",
    "route_tables",
    "endpoints",
    "security_groups",
    "network_acls",
    "gwlb_endpoints",
    "firewalls",
)
_SPOT = {
    "lowest-price",
    "capacity-optimized",
    "capacity-optimized-prioritized",
    "price-capacity-optimized",
}


class Mapper:
    """Builds the document from the templates in order, recording an origin for each path."""

    def __init__(self, templates: list[Template], issues: list[ImportIssue]) -> None:
        self.templates = templates
        self.issues = issues
        self.taken: set[str] = set()
        self.origins: dict[DocPath, Origin] = {}
        self.region = templates[0].region if templates else "us-east-1"
        self.vpcs: dict[str, dict[str, Any]] = {}
        self.peerings: dict[str, dict[str, Any]] = {}
        self.transit_gateways: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.hosts: dict[str, dict[str, Any]] = {}
        self.services: dict[str, dict[str, Any]] = {}
        self.functions: dict[str, dict[str, Any]] = {}
        self.clusters: dict[str, dict[str, Any]] = {}

    def build(self) -> Imported:
        for template in self.templates:
            _TemplateMapper(self, template).run()
        for name, body in self.vpcs.items():  # format 1's order, whatever the template's
            self.vpcs[name] = {key: body[key] for key in _VPC_KEYS if key in body}
        document: dict[str, Any] = {"archplan": 1, "defaults": {"region": self.region}}
        if self.templates:
            first = self.templates[0]
            self.origins[()] = Origin(first.file, first.root.line, first.root.column, "")
        for key, section in (
            ("vpcs", self.vpcs),
            ("peerings", self.peerings),
            ("transit_gateways", self.transit_gateways),
            ("scaling_groups", self.groups),
            ("hosts", self.hosts),
            ("services", self.services),
            ("functions", self.functions),
            ("kubernetes", self.clusters),
        ):
            if section:
                document[key] = section
        return Imported(document, self.origins, self.issues)


class _TemplateMapper:
    """The mapping of one template; logical IDs are looked up within it only."""

    def __init__(self, mapper: Mapper, template: Template) -> None:
        self.m = mapper
        self.t = template
        self.ev = template.evaluator
        self.vpc_names: dict[str, str] = {}
        self.subnets: dict[str, tuple[str, str]] = {}  # logical ID -> (VPC, subnet)
        self.tables: dict[str, tuple[str, str]] = {}
        self.nats: dict[str, tuple[str, str]] = {}  # NAT -> (VPC, its subnet)
        self.peerings: dict[str, str] = {}
        self.transit_gateways: dict[str, str] = {}
        self.endpoints: dict[str, tuple[str, str]] = {}
        self.attachments: dict[str, tuple[str, str]] = {}  # logical ID -> (gateway, VPC)
        self.internet_gateways: set[str] = set()
        self.vpn_gateways: set[str] = set()
        self.groups: dict[str, str] = {}  # scaling group logical ID -> its name
        self.failed = False  # whether the last `get` reported an unresolvable value
        self.removed = False  # whether the last `get` found AWS::NoValue
        # Gateway attachments left out, by the gateway property they set: (gateway, VPC,
        # attachment) logical IDs, None when unknown. Routes of that VPC through that gateway
        # are left out with them, so no rule reports a VPC "not attached" only because the
        # import dropped the attachment.
        self.left_out_links: dict[str, list[tuple[str | None, str | None, str]]] = {}
        self.network = NetworkMapper(self)

    def of_type(self, *kinds: str) -> list[Resource]:
        return [r for r in self.t.resources.values() if r.type in kinds]

    def run(self) -> None:
        for resource in self.of_type("AWS::EC2::InternetGateway"):
            self.internet_gateways.add(resource.logical_id)
        for resource in self.of_type("AWS::EC2::VPNGateway"):
            self.vpn_gateways.add(resource.logical_id)
        for resource in self.of_type("AWS::EC2::VPC"):
            self.vpc(resource)
        for resource in self.of_type("AWS::EC2::VPCCidrBlock"):
            self.cidr_block(resource)
        for resource in self.of_type("AWS::EC2::Subnet"):
            self.subnet(resource)
        for resource in self.of_type("AWS::EC2::RouteTable"):
            self.route_table(resource)
        for resource in self.of_type("AWS::EC2::SubnetRouteTableAssociation"):
            self.association(resource)
        for resource in self.of_type("AWS::EC2::VPCGatewayAttachment"):
            self.gateway_attachment(resource)
        for resource in self.of_type("AWS::EC2::NatGateway"):
            self.nat_gateway(resource)
        for resource in self.of_type("AWS::EC2::VPCPeeringConnection"):
            self.peering(resource)
        for resource in self.of_type("AWS::EC2::TransitGateway"):
            self.transit_gateway(resource)
        for resource in self.of_type(
            "AWS::EC2::TransitGatewayAttachment", "AWS::EC2::TransitGatewayVpcAttachment"
        ):
            self.attachment(resource)
        self.network.security_groups()
        self.network.hosts()
        self.network.network_acls()
        self.network.firewalls_in_vpcs()
        for resource in self.of_type("AWS::EC2::VPCEndpoint"):
            self.endpoint(resource)
        for resource in self.of_type("AWS::EC2::Route"):
            self.route(resource)
        self.network.transit_gateway_tables()
        for resource in self.of_type("AWS::AutoScaling::AutoScalingGroup"):
            self.scaling_group(resource)
        from archplan.importers.cfn_containers import ContainerMapper

        ContainerMapper(self).run()

    # -- reading properties -------------------------------------------------------------------

    def issue(self, message: str, span: Span, address: str, severity: str = "warning") -> None:
        origin = Origin(
            self.t.file, span.line, span.column, address, span.end_line, span.end_column
        )
        self.m.issues.append(ImportIssue(message, origin, severity))

    def record(self, path: DocPath, span: Span, address: str) -> None:
        self.m.origins[path] = Origin(
            self.t.file, span.line, span.column, address, span.end_line, span.end_column
        )

    def node(self, resource: Resource, prop: str) -> Node | None:
        if resource.properties is None:
            return None
        entry = resource.properties.entries.get(prop)
        return entry.value if entry else None

    def get(self, resource: Resource, prop: str, consequence: str) -> Located | None:
        """The evaluated property, or None when absent, AWS::NoValue or unresolvable (then an
        issue says so and what `consequence` it has)."""
        self.failed = False
        self.removed = False
        node = self.node(resource, prop)
        if node is None:
            return None
        try:
            value = self.ev.value(node)
        except Unresolved as error:
            self.failed = True
            self.issue(
                f"{resource.logical_id}.{prop}: {error.message}; {consequence}",
                error.span,
                f"{resource.logical_id}.Properties.{prop}",
                error.severity,
            )
            return None
        if value is NO_VALUE:
            self.removed = True
            return None
        return value, node.span

    def require(self, resource: Resource, prop: str, consequence: str) -> Located | None:
        """A property the object cannot be imported without: absent or AWS::NoValue is said."""
        if self.node(resource, prop) is None:
            self.issue(
                f"{resource.logical_id} has no {prop}; {consequence}",
                resource.key,
                resource.logical_id,
            )
            return None
        found = self.get(resource, prop, consequence)
        if found is None and self.removed:
            self.said_removed(resource, prop, consequence)
        return found

    def said_removed(self, resource: Resource, prop: str, consequence: str) -> None:
        node = self.node(resource, prop)
        self.issue(
            f"{resource.logical_id}.{prop} is AWS::NoValue (removed), as if not written; "
            f"{consequence}",
            node.span if node is not None else resource.key,
            f"{resource.logical_id}.Properties.{prop}",
        )

    def string(
        self, resource: Resource, prop: str, consequence: str, required: bool = True
    ) -> Located | None:
        """A property CloudFormation types as a string (a CIDR block, a zone, a name): numbers
        read as CloudFormation writes them; a list, a mapping or a boolean is an error."""
        found = (self.require if required else self.get)(resource, prop, consequence)
        if found is None:
            return None
        value, span = found
        if isinstance(value, ResourceRef | Attribute):
            what = "the ID of" if isinstance(value, ResourceRef) else f"attribute {value.name} of"
            self.issue(
                f"{resource.logical_id}.{prop}: {what} {value.logical_id} is known only at "
                f"deployment; {consequence}",
                span,
                f"{resource.logical_id}.Properties.{prop}",
            )
            self.failed = True
            return None
        if isinstance(value, bool) or text(value) is None:
            self.issue(
                f"{resource.logical_id}.{prop}: {_kind_of(value)} where CloudFormation expects "
                f"a string, so it rejects the template; {consequence}",
                span,
                f"{resource.logical_id}.Properties.{prop}",
                "error",
            )
            self.failed = True
            return None
        return text(value), span

    def boolean(self, resource: Resource, prop: str, consequence: str) -> Located | None:
        """A Boolean property: true/false, or the strings "true"/"false" CloudFormation takes."""
        found = self.get(resource, prop, consequence)
        if found is None:
            return None
        value, span = found
        if isinstance(value, bool):
            return value, span
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true", span
        if isinstance(value, ResourceRef | Attribute):
            self.issue(
                f"{resource.logical_id}.{prop}: {_shown(value)} is known only at deployment; "
                f"{consequence}",
                span,
                f"{resource.logical_id}.Properties.{prop}",
            )
            return None
        self.issue(
            f"{resource.logical_id}.{prop}: {_kind_of(value)} where CloudFormation expects "
            f"true or false, so it rejects the template; {consequence}",
            span,
            f"{resource.logical_id}.Properties.{prop}",
            "error",
        )
        return None

    def target(
        self,
        resource: Resource,
        prop: str,
        known: dict[str, Any],
        kind: str,
        consequence: str,
    ) -> tuple[Any, Span] | None:
        """The object a reference property names, among the `known` ones of its `kind`."""
        found = self.require(resource, prop, consequence)
        if found is None:
            return None
        value, span = found
        return self.resolve(resource, prop, value, span, known, kind, consequence)

    def resolve(
        self,
        resource: Resource,
        prop: str,
        value: Any,
        span: Span,
        known: dict[str, Any],
        kind: str,
        consequence: str,
    ) -> tuple[Any, Span] | None:
        logical_id = _logical_id(value)
        if logical_id is not None and logical_id in known:
            return known[logical_id], span
        declared = self.t.declared.get(logical_id or "")
        if isinstance(value, bool | list | dict):
            self.issue(
                f"{resource.logical_id}.{prop}: {_kind_of(value)} where CloudFormation expects "
                f"the ID of a {kind}, so it rejects the template; {consequence}",
                span,
                f"{resource.logical_id}.Properties.{prop}",
                "error",
            )
            return None
        if logical_id is not None and logical_id in self.t.resources:
            why = f"{logical_id} was not imported as a {kind}"
        elif logical_id is not None and declared in READ_TYPES:
            why = f"{logical_id} is not created (its condition is false)"
        elif logical_id is not None:
            why = f"{logical_id} is a {declared}, not a {kind} archplan reads"
        else:
            why = f'"{_shown(value)}" is not a {kind} of the template'
        self.issue(
            f"{resource.logical_id}.{prop}: {why}; {consequence}",
            span,
            f"{resource.logical_id}.Properties.{prop}",
        )
        return None

    def name(self, resource: Resource) -> str:
        return object_name(resource.logical_id, self.m.taken)

    def m_name(self, raw: str) -> str:
        return object_name(raw, self.m.taken)

    # -- resources ------------------------------------------------------------------------------

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
            return _logical_id(self.ev.value(node)) if node is not None else None
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
        if not isinstance(values, list):
            values = [values]
        subnets = []
        for value in values:
            subnet = self.resolve(resource, prop, value, span, self.subnets, "subnet", consequence)
            if subnet is None:
                return None
            subnets.append(subnet[0])
        return subnets, span

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
                    f"{resource.logical_id}: prefix list {_shown(destination[0])} is "
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
                logical_id = _logical_id(value)
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
                    f'{resource.logical_id}.GatewayId: "{_shown(value)}" is not a gateway of '
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
                gateway_id = _logical_id(value) or ""
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
                logical_id = _logical_id(value)
                return f"eni:{logical_id or _shown(value)}"
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

    def scaling_group(self, resource: Resource) -> None:
        left_out = "the scaling group is left out"
        subnets = self.subnet_list(resource, "VPCZoneIdentifier", left_out)
        if subnets is None:
            return
        vpcs = sorted({vpc for vpc, _ in subnets[0]})
        if len(vpcs) != 1:
            self.issue(
                f"{resource.logical_id}: its subnets are in VPCs {', '.join(vpcs)}; {left_out}",
                subnets[1],
                f"{resource.logical_id}.Properties.VPCZoneIdentifier",
            )
            return
        capacity_type = self.get(resource, "DesiredCapacityType", left_out)
        if capacity_type is not None and text(capacity_type[0]) not in ("units", None):
            self.issue(
                f"{resource.logical_id}: capacity in {capacity_type[0]} is not in format 1 "
                f"(capacity units only); {left_out}",
                capacity_type[1],
                f"{resource.logical_id}.Properties.DesiredCapacityType",
            )
            return
        sizes = {}
        for prop, key in (("MinSize", "min"), ("MaxSize", "max"), ("DesiredCapacity", "desired")):
            found = (
                self.string(resource, prop, left_out)
                if key != "desired"
                else self.string(
                    resource, prop, "it is imported without a desired capacity", required=False
                )
            )
            if found is None:
                if key != "desired":
                    return
                continue
            try:
                sizes[key] = (int(str(found[0])), found[1], prop)
                if sizes[key][0] < 0:
                    raise ValueError
            except ValueError:
                self.issue(
                    f"{resource.logical_id}.{prop}: {_kind_of(found[0])} is not a count "
                    f"(a whole number, 0 or more); {left_out}",
                    found[1],
                    f"{resource.logical_id}.Properties.{prop}",
                )
                return
        types = self.instance_types(resource, left_out)
        if types is None:
            return
        name = self.name(resource)
        self.groups[resource.logical_id] = name
        path: DocPath = ("scaling_groups", name)
        self.record(path, resource.key, resource.logical_id)
        body: dict[str, Any] = {
            "vpc": vpcs[0],
            "subnets": [subnet for _, subnet in subnets[0]],
            "instance_types": types[0],
        }
        address = f"{resource.logical_id}.Properties"
        self.record((*path, "subnets"), subnets[1], f"{address}.VPCZoneIdentifier")
        self.record((*path, "instance_types"), types[1], address)
        for key, (value, span, prop) in sizes.items():
            body[key] = value
            self.record((*path, key), span, f"{address}.{prop}")
        purchase = self.purchase(resource)
        if purchase:
            body["purchase"] = purchase[0]
            self.record((*path, "purchase"), purchase[1], f"{address}.MixedInstancesPolicy")
        launch_template = types[2]
        if launch_template:
            body["launch_template"] = launch_template
        security_groups = self.network.launch_template_groups(resource, vpcs[0])
        if security_groups is not None:
            body["security_groups"] = security_groups
        self.m.groups[name] = body

    def instance_types(
        self, resource: Resource, left_out: str
    ) -> tuple[dict[str, int] | list[str], Span, str] | None:
        """The group's instance types (with weights), its launch template's name."""
        policy_node = self.node(resource, "MixedInstancesPolicy")
        if policy_node is not None:
            policy = self.get(resource, "MixedInstancesPolicy", left_out)
            if policy is None:
                return None
            template = policy[0].get("LaunchTemplate", {}) if isinstance(policy[0], dict) else {}
            overrides = template.get("Overrides", []) if isinstance(template, dict) else []
            weights: dict[str, int] = {}
            for override in overrides if isinstance(overrides, list) else []:
                kind = override.get("InstanceType") if isinstance(override, dict) else None
                if not isinstance(kind, str):
                    self.issue(
                        f"{resource.logical_id}: an override without InstanceType (instance "
                        f"requirements are chosen by AWS at launch); {left_out}",
                        policy[1],
                        f"{resource.logical_id}.Properties.MixedInstancesPolicy",
                    )
                    return None
                weight = override.get("WeightedCapacity", 1)
                try:
                    weights[kind] = int(str(weight)) if not isinstance(weight, bool) else 0
                    if not 1 <= weights[kind] <= 999:
                        raise ValueError
                except ValueError:
                    weights.pop(kind, None)
                    self.issue(
                        f"{resource.logical_id}: the WeightedCapacity of {kind} is "
                        f"{_kind_of(weight)}, not a whole number from 1 to 999; the override "
                        "is left out",
                        policy[1],
                        f"{resource.logical_id}.Properties.MixedInstancesPolicy",
                    )
            if not weights:
                specification = (
                    template.get("LaunchTemplateSpecification", {})
                    if isinstance(template, dict)
                    else {}
                )
                return self.launch_template_type(resource, specification, policy[1], left_out)
            spec = (
                template.get("LaunchTemplateSpecification", {})
                if isinstance(template, dict)
                else {}
            )
            types: dict[str, int] | list[str] = (
                list(weights) if all(w == 1 for w in weights.values()) else weights
            )
            return types, policy[1], self.launch_template_name(spec)
        launch = self.get(resource, "LaunchTemplate", left_out)
        if launch is not None:
            return self.launch_template_type(resource, launch[0], launch[1], left_out)
        configuration = self.get(resource, "LaunchConfigurationName", left_out)
        if configuration is not None:
            logical_id = _logical_id(configuration[0])
            config = self.t.resources.get(logical_id or "")
            if config is not None and config.type == "AWS::AutoScaling::LaunchConfiguration":
                kind = self.string(config, "InstanceType", left_out)
                return ([str(kind[0])], configuration[1], "") if kind is not None else None
            self.issue(
                f"{resource.logical_id}.LaunchConfigurationName: the launch configuration is "
                f"not in the template, so its instance type is unknown; {left_out}",
                configuration[1],
                f"{resource.logical_id}.Properties.LaunchConfigurationName",
            )
            return None
        self.issue(
            f"{resource.logical_id} names no instance type; {left_out}",
            resource.key,
            resource.logical_id,
        )
        return None

    def launch_template_type(
        self, resource: Resource, specification: Any, span: Span, left_out: str
    ) -> tuple[list[str], Span, str] | None:
        reference = (
            specification.get("LaunchTemplateId") if isinstance(specification, dict) else None
        )
        logical_id = _logical_id(reference)
        template = self.t.resources.get(logical_id or "")
        if template is not None and template.type == "AWS::EC2::LaunchTemplate":
            # Only the instance type: the image and user data often come from SSM or exports.
            data = self.node(template, "LaunchTemplateData")
            entry = data.entries.get("InstanceType") if isinstance(data, Mapping) else None
            if entry is not None:
                try:
                    kind = self.ev.value(entry.value)
                except Unresolved as error:
                    self.issue(
                        f"{template.logical_id}.LaunchTemplateData.InstanceType: "
                        f"{error.message}; {left_out}",
                        error.span,
                        f"{template.logical_id}.Properties.LaunchTemplateData.InstanceType",
                    )
                    return None
                if isinstance(kind, str):
                    return [kind], span, self.launch_template_name(specification)
                self.issue(
                    f"{template.logical_id}.LaunchTemplateData.InstanceType: {_kind_of(kind)} "
                    f"where CloudFormation expects a string, so it rejects the template; "
                    f"{left_out}",
                    entry.value.span,
                    f"{template.logical_id}.Properties.LaunchTemplateData.InstanceType",
                    "error",
                )
                return None
        self.issue(
            f"{resource.logical_id}: the instance type is in a launch template archplan cannot "
            f"read from the template; {left_out}",
            span,
            f"{resource.logical_id}.Properties",
        )
        return None

    def launch_template_name(self, specification: Any) -> str:
        if not isinstance(specification, dict):
            return ""
        name = specification.get("LaunchTemplateName")
        if isinstance(name, str):
            return name
        logical_id = _logical_id(specification.get("LaunchTemplateId"))
        return logical_id or ""

    def purchase(self, resource: Resource) -> tuple[dict[str, Any], Span] | None:
        policy = self.get(resource, "MixedInstancesPolicy", "purchase options are left out")
        if policy is None or not isinstance(policy[0], dict):
            return None
        distribution = policy[0].get("InstancesDistribution")
        if not isinstance(distribution, dict):
            return None
        purchase: dict[str, Any] = {}
        for prop, key in (
            ("OnDemandBaseCapacity", "on_demand_base"),
            ("OnDemandPercentageAboveBaseCapacity", "on_demand_percentage_above_base"),
        ):
            if prop in distribution:
                try:
                    purchase[key] = int(str(distribution[prop]))
                except ValueError:
                    self.issue(
                        f'{resource.logical_id}.{prop}: "{distribution[prop]}" is not a whole '
                        "number; it is left out",
                        policy[1],
                        f"{resource.logical_id}.Properties.MixedInstancesPolicy",
                    )
        strategy = distribution.get("SpotAllocationStrategy")
        if isinstance(strategy, str) and strategy in _SPOT:
            purchase["spot_allocation_strategy"] = strategy
        return (purchase, policy[1]) if purchase else None


def _logical_id(value: Any) -> str | None:
    """The resource a reference names: `Ref: X`, or `Fn::GetAtt: [X, SomethingId]`."""
    if isinstance(value, ResourceRef):
        return value.logical_id
    if isinstance(value, Attribute) and value.name.endswith("Id"):
        return value.logical_id
    return None


def _kind_of(value: Any) -> str:
    """What a wrongly typed value is, for a message: never the value's Python repr."""
    if isinstance(value, bool):
        return f"the Boolean {text(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    shown = text(value)
    return f'"{shown}"' if shown is not None else "a value"


def _shown(value: Any) -> str:
    if isinstance(value, ResourceRef | Attribute):
        return value.logical_id
    return str(value)
