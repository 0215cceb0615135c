"""CloudFormation filters and transit routing to format 1: security groups and their rules,
network ACLs and entries, transit gateway route tables (associations, propagations, routes),
Network Firewall endpoints and Gateway Load Balancer endpoints.

Works for one template's `_TemplateMapper` (archplan.importers.cfn_mapping), which reads the
VPCs, subnets and attachments these objects hang on, and resolves references the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.findings import Span
from archplan.importers.common import DocPath
from archplan.importers.intrinsics import Attribute, ResourceRef, Unresolved, text
from archplan.loader import Mapping, Node, Scalar
from archplan.loader import Sequence as NodeList

if TYPE_CHECKING:
    from archplan.importers.cfn_mapping import _TemplateMapper
    from archplan.importers.cloudformation import Resource

# CloudFormation's IpProtocol / Protocol values to format 1's protocol names.
_PROTOCOLS = {
    "-1": "all",
    "all": "all",
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "icmp": "icmp",
    "1": "icmp",
    "icmpv6": "icmpv6",
    "58": "icmpv6",
}


class NetworkMapper:
    """The filtering and transit-routing objects of one template."""

    def __init__(self, mapper: _TemplateMapper) -> None:
        self.tm = mapper
        self.groups: dict[str, tuple[str, str]] = {}  # logical ID -> (VPC, group)
        self.acls: dict[str, tuple[str, str]] = {}
        self.tables: dict[str, tuple[str, str]] = {}  # TGW route table -> (gateway, table)
        # Network Firewall -> (VPC, its endpoints' names, in SubnetMappings order)
        self.firewalls: dict[str, tuple[str, list[str]]] = {}
        self.gwlb_endpoints: dict[str, tuple[str, str]] = {}
        # Gateways that lost an association, propagation or route: their tables would be
        # judged without it (a reply "with no route back"), so they are left out whole.
        self.incomplete: dict[str, str] = {}  # gateway -> the first resource left out

    # -- security groups ----------------------------------------------------------------------

    def security_groups(self) -> None:
        tm = self.tm
        for resource in tm.of_type("AWS::EC2::SecurityGroup"):
            left_out = "the security group is left out"
            if tm.node(resource, "VpcId") is None:
                tm.issue(
                    f"{resource.logical_id} has no VpcId (a group of the default VPC, which the "
                    f"template does not describe); {left_out}",
                    resource.key,
                    resource.logical_id,
                )
                continue
            vpc = tm.target(resource, "VpcId", tm.vpc_names, "VPC", left_out)
            if vpc is None:
                continue
            name = tm.name(resource)
            path: DocPath = ("vpcs", vpc[0], "security_groups", name)
            tm.record(path, resource.key, resource.logical_id)
            tm.m.vpcs[vpc[0]].setdefault("security_groups", {})[name] = {}
            self.groups[resource.logical_id] = (vpc[0], name)
        for resource in tm.of_type("AWS::EC2::SecurityGroup"):
            if resource.logical_id not in self.groups:
                continue
            for prop, direction in (
                ("SecurityGroupIngress", "ingress"),
                ("SecurityGroupEgress", "egress"),
            ):
                found = tm.get(resource, prop, f"its {direction} rules are left out")
                if found is None:
                    continue
                rules = found[0] if isinstance(found[0], list) else [found[0]]
                for rule in rules:
                    self.sg_rule(resource, resource.logical_id, prop, direction, rule, found[1])
        for kind, direction in (
            ("AWS::EC2::SecurityGroupIngress", "ingress"),
            ("AWS::EC2::SecurityGroupEgress", "egress"),
        ):
            for resource in tm.of_type(kind):
                self.standalone_rule(resource, direction)

    def group_list(self, resource: Resource, prop: str, vpc: str) -> tuple[list[str], Span] | None:
        """The format-1 names of the security groups a property lists (all of `vpc`), or None
        when it is absent or names a group that was not imported (then said)."""
        tm = self.tm
        found = tm.get(resource, prop, "its security groups are left out")
        if found is None:
            return None
        values = found[0] if isinstance(found[0], list) else [found[0]]
        names = []
        for value in values:
            placed = self.groups.get(_logical_id(value) or "")
            if placed is None or placed[0] != vpc:
                tm.issue(
                    f"{resource.logical_id}.{prop}: a group that is not an imported security "
                    f"group of VPC {vpc}; its security groups are left out (the file then does "
                    "not say which groups it has)",
                    found[1],
                    f"{resource.logical_id}.Properties.{prop}",
                )
                return None
            names.append(placed[1])
        return names, found[1]

    def standalone_rule(self, resource: Resource, direction: str) -> None:
        tm = self.tm
        left_out = "the rule is left out"
        group = tm.target(resource, "GroupId", self.groups, "security group", left_out)
        if group is None:
            return
        if resource.properties is None:
            return
        try:
            values = {
                key: tm.ev.value(entry.value)
                for key, entry in resource.properties.entries.items()
                if key != "GroupId"
            }
        except Unresolved as error:
            tm.issue(
                f"{resource.logical_id}: {error.message}; {left_out}",
                error.span,
                resource.logical_id,
                error.severity,
            )
            return
        owner = next(lid for lid, placed in self.groups.items() if placed == group[0])
        self.sg_rule(resource, owner, "", direction, values, resource.key)

    def sg_rule(
        self, resource: Resource, owner: str, prop: str, direction: str, rule: Any, span: Span
    ) -> None:
        """One IpPermission-like mapping to a format-1 rule of `owner`'s group."""
        tm = self.tm
        where = f"{resource.logical_id}.{prop}" if prop else resource.logical_id
        left_out = "the rule is left out (the group then allows less than it will)"
        if not isinstance(rule, dict):
            tm.issue(f"{where}: a rule that is not a mapping; {left_out}", span, where, "error")
            return
        vpc, group = self.groups[owner]
        converted = _protocol_and_ports(rule)
        if isinstance(converted, str):
            tm.issue(f"{where}: {converted}; {left_out}", span, where)
            return
        peer_key = "from" if direction == "ingress" else "to"
        peer = self.sg_peer(rule, direction, vpc, owner)
        if peer.startswith("!"):
            tm.issue(f"{where}: {peer[1:]}; {left_out}", span, where)
            return
        body = {**converted, peer_key: peer}
        if isinstance(rule.get("Description"), str):
            body["description"] = rule["Description"]
        rules = tm.m.vpcs[vpc]["security_groups"][group].setdefault(direction, [])
        tm.record(("vpcs", vpc, "security_groups", group, direction, len(rules)), span, where)
        rules.append(body)

    def sg_peer(self, rule: dict[str, Any], direction: str, vpc: str, owner: str) -> str:
        """The rule's source or destination in format 1, or "!why" when it cannot be written."""
        side = "Source" if direction == "ingress" else "Destination"
        for key in ("CidrIp", "CidrIpv6"):
            value = rule.get(key)
            if value is not None:
                shown = text(value)
                if shown is None or isinstance(value, ResourceRef | Attribute):
                    return f"!{key} is known only at deployment"
                return shown
        reference = rule.get(f"{side}SecurityGroupId")
        if reference is not None:
            logical_id = _logical_id(reference)
            if logical_id is None or logical_id not in self.groups:
                return f"!{side}SecurityGroupId names no security group of the template"
            if logical_id == owner:
                return "self"
            peer_vpc, peer_group = self.groups[logical_id]
            return f"sg:{peer_group}" if peer_vpc == vpc else f"sg:{peer_vpc}/{peer_group}"
        if rule.get(f"{side}PrefixListId") is not None:
            return f"!{side}PrefixListId: a prefix list known only by its ID"
        if rule.get("SourceSecurityGroupName") is not None:
            return "!SourceSecurityGroupName names a group of the default VPC"
        return f"!no CidrIp, CidrIpv6, {side}SecurityGroupId or {side}PrefixListId"

    # -- instances ------------------------------------------------------------------------------

    def hosts(self) -> None:
        """AWS::EC2::Instance in an imported subnet: a host with its private address (when
        written), its security groups and source/destination check."""
        tm = self.tm
        for resource in tm.of_type("AWS::EC2::Instance"):
            left_out = "the instance is left out (not a host)"
            interfaces = tm.get(resource, "NetworkInterfaces", left_out)
            first = {}
            if interfaces is not None and isinstance(interfaces[0], list) and interfaces[0]:
                first = interfaces[0][0] if isinstance(interfaces[0][0], dict) else {}
            subnet_ref = first.get("SubnetId")
            if subnet_ref is None:
                if tm.node(resource, "SubnetId") is None:
                    continue  # an instance of the default VPC: not described by the template
                subnet = tm.target(resource, "SubnetId", tm.subnets, "subnet", left_out)
            else:
                placed = tm.subnets.get(_logical_id(subnet_ref) or "")
                subnet = (placed, resource.key) if placed is not None else None
            if subnet is None:
                continue
            vpc, subnet_name = subnet[0]
            name = tm.name(resource)
            path: DocPath = ("hosts", name)
            tm.record(path, resource.key, resource.logical_id)
            body: dict[str, Any] = {"vpc": vpc, "subnet": subnet_name}
            address = first.get("PrivateIpAddress")
            if address is None:
                found = tm.string(resource, "PrivateIpAddress", "it is imported without it", False)
                address = found[0] if found is not None else None
            if isinstance(address, str):
                body["address"] = address
            public = first.get("AssociatePublicIpAddress")
            if public is True or str(public).lower() == "true":
                body["public_ip"] = True
            groups = (
                self._group_values(resource, first.get("GroupSet"), vpc)
                if "GroupSet" in first
                else self.group_list(resource, "SecurityGroupIds", vpc)
            )
            if groups is not None:
                body["security_groups"] = groups[0] if isinstance(groups, tuple) else groups
            check = tm.boolean(resource, "SourceDestCheck", "taken as on (AWS's default)")
            if check is not None and not check[0]:
                body["source_dest_check"] = False
            tm.m.hosts[name] = body

    def launch_template_groups(self, resource: Resource, vpc: str) -> list[str] | None:
        """The security groups a scaling group's instances get from its launch template in the
        template (LaunchTemplateData SecurityGroupIds, or its first network interface's
        Groups); None when the template does not say."""
        tm = self.tm
        specification: Any = None
        for prop in ("LaunchTemplate", "MixedInstancesPolicy"):
            node = tm.node(resource, prop)
            if node is None:
                continue
            try:
                value = tm.ev.value(node)
            except Unresolved:  # the scaling group's own import has said so
                return None
            if prop == "MixedInstancesPolicy" and isinstance(value, dict):
                value = value.get("LaunchTemplate", {})
                value = (
                    value.get("LaunchTemplateSpecification") if isinstance(value, dict) else None
                )
            specification = value
            break
        reference = (
            specification.get("LaunchTemplateId") if isinstance(specification, dict) else None
        )
        launch = tm.t.resources.get(_logical_id(reference) or "")
        if launch is None or launch.type != "AWS::EC2::LaunchTemplate":
            return None
        data = tm.node(launch, "LaunchTemplateData")
        if not isinstance(data, Mapping):
            return None
        found: dict[str, Any] = {}
        for key in ("SecurityGroupIds", "NetworkInterfaces"):
            entry = data.entries.get(key)
            if entry is None:
                continue
            try:
                found[key] = tm.ev.value(entry.value)
            except Unresolved as error:
                tm.issue(
                    f"{launch.logical_id}.LaunchTemplateData.{key}: {error.message}; the "
                    "scaling group's security groups are left out",
                    error.span,
                    f"{launch.logical_id}.Properties.LaunchTemplateData.{key}",
                    error.severity,
                )
                return None
        values = found.get("SecurityGroupIds")
        interfaces = found.get("NetworkInterfaces")
        if values is None and isinstance(interfaces, list) and interfaces:
            values = interfaces[0].get("Groups") if isinstance(interfaces[0], dict) else None
        if values is None:
            return None
        return self._group_values(launch, values, vpc)

    def _group_values(self, resource: Resource, values: Any, vpc: str) -> list[str] | None:
        names = []
        for value in values if isinstance(values, list) else []:
            placed = self.groups.get(_logical_id(value) or "")
            if placed is None or placed[0] != vpc:
                self.tm.issue(
                    f"{resource.logical_id}.NetworkInterfaces: a group that is not an imported "
                    f"security group of VPC {vpc}; its security groups are left out",
                    resource.key,
                    resource.logical_id,
                )
                return None
            names.append(placed[1])
        return names

    # -- network ACLs ---------------------------------------------------------------------------

    def network_acls(self) -> None:
        tm = self.tm
        for resource in tm.of_type("AWS::EC2::NetworkAcl"):
            vpc = tm.target(resource, "VpcId", tm.vpc_names, "VPC", "the network ACL is left out")
            if vpc is None:
                continue
            name = tm.name(resource)
            tm.record(("vpcs", vpc[0], "network_acls", name), resource.key, resource.logical_id)
            tm.m.vpcs[vpc[0]].setdefault("network_acls", {})[name] = {"subnets": []}
            self.acls[resource.logical_id] = (vpc[0], name)
        for resource in tm.of_type("AWS::EC2::NetworkAclEntry"):
            self.acl_entry(resource)
        for resource in tm.of_type("AWS::EC2::SubnetNetworkAclAssociation"):
            self.acl_association(resource)

    def acl_entry(self, resource: Resource) -> None:
        tm = self.tm
        left_out = "the entry is left out (the ACL then allows less than it will)"
        acl = tm.target(resource, "NetworkAclId", self.acls, "network ACL", left_out)
        if acl is None:
            return
        values: dict[str, Any] = {}
        for prop in (
            "RuleNumber",
            "Protocol",
            "RuleAction",
            "Egress",
            "CidrBlock",
            "Ipv6CidrBlock",
            "PortRange",
            "Icmp",
        ):
            found = tm.get(resource, prop, left_out)
            if found is None and tm.failed:
                return
            if found is not None:
                values[prop] = found[0]
        where = resource.logical_id
        try:
            number = int(str(values.get("RuleNumber")))
        except ValueError:
            tm.issue(f"{where}: RuleNumber is not a number; {left_out}", resource.key, where)
            return
        action = str(values.get("RuleAction", "")).lower()
        if action not in ("allow", "deny"):
            tm.issue(f"{where}: RuleAction is not allow or deny; {left_out}", resource.key, where)
            return
        block = values.get("CidrBlock", values.get("Ipv6CidrBlock"))
        if text(block) is None or isinstance(block, ResourceRef | Attribute):
            tm.issue(
                f"{where}: the block is known only at deployment; {left_out}", resource.key, where
            )
            return
        protocol = _PROTOCOLS.get(str(values.get("Protocol", "")).lower())
        rule: dict[str, Any] = {"rule": number, "action": action}
        if protocol is None:
            try:
                number_protocol = int(str(values.get("Protocol")))
            except ValueError:
                tm.issue(f"{where}: Protocol is not a number; {left_out}", resource.key, where)
                return
            rule["protocol"] = number_protocol
        else:
            rule["protocol"] = protocol
        port_range = values.get("PortRange")
        if protocol in ("tcp", "udp") and isinstance(port_range, dict):
            ports = _ports(port_range.get("From"), port_range.get("To"))
            if ports is None:
                tm.issue(
                    f"{where}: PortRange is not two port numbers; {left_out}", resource.key, where
                )
                return
            rule["ports"] = ports
        icmp = values.get("Icmp")
        if protocol in ("icmp", "icmpv6") and isinstance(icmp, dict):
            icmp_body = _icmp(icmp.get("Type"), icmp.get("Code"))
            if icmp_body:
                rule["icmp"] = icmp_body
        egress = values.get("Egress", False)
        direction = "egress" if egress is True or str(egress).lower() == "true" else "ingress"
        rule["to" if direction == "egress" else "from"] = text(block)
        vpc, name = acl[0]
        rules = tm.m.vpcs[vpc]["network_acls"][name].setdefault(direction, [])
        tm.record(("vpcs", vpc, "network_acls", name, direction, len(rules)), resource.key, where)
        rules.append(rule)

    def acl_association(self, resource: Resource) -> None:
        tm = self.tm
        left_out = "the association is left out (the subnet is judged by the default ACL)"
        subnet = tm.target(resource, "SubnetId", tm.subnets, "subnet", left_out)
        acl = tm.target(resource, "NetworkAclId", self.acls, "network ACL", left_out)
        if subnet is None or acl is None:
            return
        if subnet[0][0] != acl[0][0]:
            tm.issue(
                f"{resource.logical_id}: the subnet and the network ACL are in different VPCs, "
                f"which AWS refuses; {left_out}",
                resource.key,
                resource.logical_id,
            )
            return
        vpc, name = acl[0]
        body = tm.m.vpcs[vpc]["network_acls"][name]
        for other in tm.m.vpcs[vpc].get("network_acls", {}).values():
            if subnet[0][1] in other["subnets"]:
                tm.issue(
                    f"{resource.logical_id}: subnet {subnet[0][1]} already has a network ACL; "
                    f"a subnet has one, so {left_out}",
                    resource.key,
                    resource.logical_id,
                )
                return
        body["subnets"].append(subnet[0][1])
        tm.record(("vpcs", vpc, "network_acls", name, "subnets"), resource.key, resource.logical_id)

    # -- inspection endpoints -------------------------------------------------------------------

    def firewalls_in_vpcs(self) -> None:
        """AWS Network Firewall firewalls in a VPC: one endpoint per subnet mapping, named
        after the firewall (with the subnet when there are several)."""
        tm = self.tm
        for resource in tm.of_type("AWS::NetworkFirewall::Firewall"):
            left_out = "its endpoints and the routes through them are left out"
            if tm.node(resource, "VpcId") is None:
                tm.issue(
                    f"{resource.logical_id}: a firewall attached to a transit gateway (no "
                    f"VpcId) is not in format 1; {left_out}",
                    resource.key,
                    resource.logical_id,
                )
                continue
            vpc = tm.target(resource, "VpcId", tm.vpc_names, "VPC", left_out)
            mappings = tm.get(resource, "SubnetMappings", left_out)
            if vpc is None or mappings is None:
                continue
            items = mappings[0] if isinstance(mappings[0], list) else []
            subnets: list[str] = []
            for item in items:
                reference = item.get("SubnetId") if isinstance(item, dict) else None
                placed = tm.subnets.get(_logical_id(reference) or "")
                if placed is None or placed[0] != vpc[0]:
                    tm.issue(
                        f"{resource.logical_id}.SubnetMappings: a subnet that is not an imported "
                        f"subnet of its VPC; {left_out}",
                        mappings[1],
                        f"{resource.logical_id}.Properties.SubnetMappings",
                    )
                    subnets = []
                    break
                subnets.append(placed[1])
            if not subnets:
                continue
            firewall = tm.name(resource)
            names = []
            for subnet in subnets:
                name = firewall if len(subnets) == 1 else tm.m_name(f"{firewall}-{subnet}")
                path: DocPath = ("vpcs", vpc[0], "firewalls", name)
                tm.record(path, resource.key, resource.logical_id)
                tm.m.vpcs[vpc[0]].setdefault("firewalls", {})[name] = {
                    "subnet": subnet,
                    "firewall": firewall,
                }
                names.append(name)
            self.firewalls[resource.logical_id] = (vpc[0], names)

    def gwlb_endpoint(self, resource: Resource, vpc: str, span: Span) -> None:
        """A VPCEndpoint of type GatewayLoadBalancer: one subnet, one endpoint."""
        tm = self.tm
        left_out = "the endpoint and the routes through it are left out"
        subnets = tm.subnet_list(resource, "SubnetIds", left_out)
        if subnets is None:
            return
        if len(subnets[0]) != 1 or subnets[0][0][0] != vpc:
            tm.issue(
                f"{resource.logical_id}: a Gateway Load Balancer endpoint takes one subnet of "
                f"its VPC; {left_out}",
                subnets[1],
                f"{resource.logical_id}.Properties.SubnetIds",
            )
            return
        name = tm.name(resource)
        path: DocPath = ("vpcs", vpc, "gwlb_endpoints", name)
        tm.record(path, resource.key, resource.logical_id)
        body: dict[str, Any] = {"subnet": subnets[0][0][1]}
        service = tm.string(resource, "ServiceName", "it is imported without its service", False)
        if service is not None:
            body["service"] = str(service[0])
        tm.m.vpcs[vpc].setdefault("gwlb_endpoints", {})[name] = body
        self.gwlb_endpoints[resource.logical_id] = (vpc, name)

    def endpoint_target(
        self, resource: Resource, node: Node, vpc: str, left_out: str
    ) -> str | None:
        """A route's VpcEndpointId naming a firewall endpoint (the `!Select [N, !GetAtt
        Firewall.EndpointIds]` idiom) or a Gateway Load Balancer endpoint; "" when it names
        neither (the caller reads it as an interface or gateway endpoint)."""
        tm = self.tm
        firewall = _endpoint_ids_of(node)
        if firewall is not None and firewall in self.firewalls:
            fw_vpc, names = self.firewalls[firewall]
            if fw_vpc != vpc:
                tm.issue(
                    f"{resource.logical_id}.VpcEndpointId: the firewall's endpoints are in VPC "
                    f"{fw_vpc}, not in the route table's VPC {vpc}; {left_out}",
                    node.span,
                    f"{resource.logical_id}.Properties.VpcEndpointId",
                )
                return None
            if len(names) == 1:
                return f"firewall:{names[0]}"
            tm.issue(
                f"{resource.logical_id}.VpcEndpointId: {firewall}.EndpointIds lists the endpoints "
                "in no particular order (AWS Network Firewall API, Firewall status), so which "
                f"endpoint this route uses is known only at deployment; {left_out}",
                node.span,
                f"{resource.logical_id}.Properties.VpcEndpointId",
            )
            return None
        if firewall is not None:
            tm.issue(
                f"{resource.logical_id}.VpcEndpointId: the endpoints of {firewall} were not "
                f"imported; {left_out}",
                node.span,
                f"{resource.logical_id}.Properties.VpcEndpointId",
            )
            return None
        logical_id = _logical_id(_reference_of(node))
        if logical_id in self.gwlb_endpoints:
            return f"gwlbe:{self.gwlb_endpoints[logical_id][1]}"
        return ""

    # -- transit gateway route tables -----------------------------------------------------------

    def transit_gateway_tables(self) -> None:
        tm = self.tm
        declared = tm.of_type("AWS::EC2::TransitGatewayRouteTable")
        for resource in declared:
            gateway = tm.target(
                resource,
                "TransitGatewayId",
                tm.transit_gateways,
                "transit gateway",
                "the route table, its associations, propagations and routes are left out",
            )
            if gateway is None:
                continue
            name = tm.name(resource)
            body = tm.m.transit_gateways[gateway[0]]
            path: DocPath = ("transit_gateways", gateway[0], "route_tables", name)
            tm.record(path, resource.key, resource.logical_id)
            body.setdefault("route_tables", {})[name] = {}
            self.tables[resource.logical_id] = (gateway[0], name)
        for logical_id, gateway_name in tm.transit_gateways.items():
            self.default_tables(tm.t.resources[logical_id], gateway_name)
        for kind, key in (
            ("AWS::EC2::TransitGatewayRouteTableAssociation", "associations"),
            ("AWS::EC2::TransitGatewayRouteTablePropagation", "propagations"),
        ):
            for resource in tm.of_type(kind):
                self.table_link(resource, key)
        for resource in tm.of_type("AWS::EC2::TransitGatewayRoute"):
            self.tgw_route(resource)
        for gateway_name, lost in self.incomplete.items():
            body = tm.m.transit_gateways[gateway_name]
            for key in ("route_tables", "default_association", "default_propagation"):
                body.pop(key, None)
            resource = tm.t.resources[lost]
            tm.issue(
                f"transit gateway {gateway_name}: {lost} was left out (see its own finding), so its "
                "route tables are left out too; it is checked as if on one default table",
                resource.key,
                resource.logical_id,
            )

    def default_tables(self, resource: Resource, gateway: str) -> None:
        """AWS's default route table, which the template cannot declare: written as `default`
        when the gateway keeps default association or propagation and the template declares
        route tables of its own (else the gateway has only that table, format 1's model)."""
        tm = self.tm
        body = tm.m.transit_gateways[gateway]
        enabled = {}
        for prop in ("DefaultRouteTableAssociation", "DefaultRouteTablePropagation"):
            found = tm.get(resource, prop, "taken as enable (AWS's default)")
            enabled[prop] = found is None or str(found[0]).lower() != "disable"
        tables = body.get("route_tables")
        if not tables:
            if not any(enabled.values()):
                tm.issue(
                    f"{resource.logical_id}: default route table association and propagation are "
                    "disabled but the template declares none of its route tables (they are in "
                    "another stack?); its attachments are imported as if on one table",
                    resource.key,
                    resource.logical_id,
                )
            return
        if not any(enabled.values()):
            return
        name = "default"
        while name in tables:
            name += "-table"
        tables[name] = {}
        tm.record(
            ("transit_gateways", gateway, "route_tables", name), resource.key, resource.logical_id
        )
        if enabled["DefaultRouteTableAssociation"]:
            body["default_association"] = name
        if enabled["DefaultRouteTablePropagation"]:
            body["default_propagation"] = name

    def attachment_name(
        self, resource: Resource, prop: str, gateway: str, left_out: str
    ) -> str | None:
        """The format-1 name of the attachment a property names (its VPC's name)."""
        tm = self.tm
        found = tm.require(resource, prop, left_out)
        if found is None:
            return None
        value, span = found
        logical_id = _logical_id(value)
        if isinstance(value, Attribute) and value.name == "TransitGatewayAttachmentId":
            why = f"{value.logical_id}'s transit gateway attachment (a firewall attached to the transit gateway) is not in format 1"
        elif logical_id in tm.attachments:
            attached_gateway, vpc = tm.attachments[logical_id]
            if attached_gateway == gateway:
                return vpc
            why = f"{logical_id} attaches to {attached_gateway}, not {gateway}"
        else:
            why = f'"{logical_id or text(value)}" is not an imported attachment'
        tm.issue(
            f"{resource.logical_id}.{prop}: {why}; {left_out}",
            span,
            f"{resource.logical_id}.Properties.{prop}",
        )
        return None

    def table_link(self, resource: Resource, key: str) -> None:
        tm = self.tm
        what = "association" if key == "associations" else "propagation"
        left_out = f"the {what} is left out"
        table = tm.target(
            resource,
            "TransitGatewayRouteTableId",
            self.tables,
            "transit gateway route table",
            left_out,
        )
        if table is None:
            return
        gateway, name = table[0]
        attachment = self.attachment_name(resource, "TransitGatewayAttachmentId", gateway, left_out)
        if attachment is None:
            self.incomplete.setdefault(gateway, resource.logical_id)
            return
        tables = tm.m.transit_gateways[gateway]["route_tables"]
        if key == "associations":
            for other_name, other in tables.items():
                if attachment in other.get("associations", []):
                    tm.issue(
                        f"{resource.logical_id}: attachment {attachment} is already associated "
                        f"with {other_name}; an attachment has one route table, so {left_out}",
                        resource.key,
                        resource.logical_id,
                    )
                    return
        links = tables[name].setdefault(key, [])
        if attachment not in links:
            links.append(attachment)
            tm.record(
                ("transit_gateways", gateway, "route_tables", name, key),
                resource.key,
                resource.logical_id,
            )

    def tgw_route(self, resource: Resource) -> None:
        tm = self.tm
        left_out = "the route is left out"
        table = tm.target(
            resource,
            "TransitGatewayRouteTableId",
            self.tables,
            "transit gateway route table",
            left_out,
        )
        if table is None:
            return
        gateway, name = table[0]
        destination = tm.string(resource, "DestinationCidrBlock", left_out)
        if destination is None:
            self.incomplete.setdefault(gateway, resource.logical_id)
            return
        blackhole = tm.boolean(resource, "Blackhole", "taken as false")
        if blackhole is not None and blackhole[0]:
            target = "blackhole"
        else:
            found = self.attachment_name(resource, "TransitGatewayAttachmentId", gateway, left_out)
            if found is None:
                self.incomplete.setdefault(gateway, resource.logical_id)
                return
            target = found
        routes = tm.m.transit_gateways[gateway]["route_tables"][name].setdefault("routes", {})
        key = str(destination[0])
        if key in routes:
            tm.issue(
                f"{resource.logical_id}: {name} already has a route to {key}; {left_out}",
                resource.key,
                resource.logical_id,
            )
            return
        routes[key] = target
        tm.record(
            ("transit_gateways", gateway, "route_tables", name, "routes", key),
            resource.key,
            resource.logical_id,
        )


def _protocol_and_ports(rule: dict[str, Any]) -> dict[str, Any] | str:
    """A security group rule's protocol, ports and ICMP type/code, or why they cannot be read."""
    raw = rule.get("IpProtocol")
    shown = text(raw)
    if shown is None or isinstance(raw, ResourceRef | Attribute):
        return "IpProtocol is not known before deployment"
    protocol: Any = _PROTOCOLS.get(shown.lower())
    if protocol is None:
        try:
            protocol = int(shown)
        except ValueError:
            return f'IpProtocol "{shown}" is not a protocol name or number'
    body: dict[str, Any] = {"protocol": protocol}
    if protocol in ("tcp", "udp"):
        ports = _ports(rule.get("FromPort"), rule.get("ToPort"))
        if ports is None:
            return "FromPort and ToPort are not port numbers"
        body["ports"] = ports
    elif protocol in ("icmp", "icmpv6"):
        icmp = _icmp(rule.get("FromPort"), rule.get("ToPort"))
        if icmp:
            body["icmp"] = icmp
    return body


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def _ports(first: Any, last: Any) -> int | str | None:
    low, high = _number(first), _number(last)
    if low is None or high is None:
        return None
    if low == -1 or (low, high) == (0, 65535):
        return "all"
    if not (0 <= low <= high <= 65535):
        return None
    return low if low == high else f"{low}-{high}"


def _icmp(kind: Any, code: Any) -> dict[str, int]:
    body = {}
    number = _number(kind)
    if number is not None and number != -1:
        body["type"] = number
        code_number = _number(code)
        if code_number is not None and code_number != -1:
            body["code"] = code_number
    return body


def _logical_id(value: Any) -> str | None:
    if isinstance(value, ResourceRef):
        return value.logical_id
    if isinstance(value, Attribute) and value.name.endswith("Id"):
        return value.logical_id
    return None


def _reference_of(node: Node) -> Any:
    """What a plain `Ref: X` or `Fn::GetAtt: X.Id` node names, without evaluating anything."""
    if isinstance(node, Mapping) and len(node.entries) == 1:
        key, entry = next(iter(node.entries.items()))
        value = entry.value
        if key == "Ref" and isinstance(value, Scalar):
            return ResourceRef(str(value.value))
        if key == "Fn::GetAtt":
            parts = _strings(value)
            if len(parts) == 2:
                return Attribute(parts[0], parts[1])
    return None


def _endpoint_ids_of(node: Node) -> str | None:
    """The firewall whose `EndpointIds` attribute the expression reads, anywhere inside it."""
    if isinstance(node, Mapping):
        for key, entry in node.entries.items():
            if key == "Fn::GetAtt":
                parts = _strings(entry.value)
                if len(parts) == 2 and parts[1] == "EndpointIds":
                    return parts[0]
            found = _endpoint_ids_of(entry.value)
            if found is not None:
                return found
    if isinstance(node, NodeList):
        for item in node.items:
            found = _endpoint_ids_of(item)
            if found is not None:
                return found
    return None


def _strings(node: Node) -> list[str]:
    if isinstance(node, Scalar):
        return str(node.value).split(".", 1)
    if isinstance(node, NodeList):
        return [str(item.value) for item in node.items if isinstance(item, Scalar)]
    return []
