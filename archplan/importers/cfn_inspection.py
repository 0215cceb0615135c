"""CloudFormation inspection endpoints to format 1: AWS Network Firewall endpoints in a VPC and
Gateway Load Balancer endpoints, and which of them a route's VpcEndpointId names.

Part of cfn_network's NetworkMapper, for one template's `_TemplateMapper` (cfn_mapping)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.findings import Span
from archplan.importers.cfn_reading import logical_id_of
from archplan.importers.common import DocPath
from archplan.importers.intrinsics import Attribute, ResourceRef
from archplan.loader import Mapping, Node, Scalar
from archplan.loader import Sequence as NodeList

if TYPE_CHECKING:
    from archplan.importers.cfn_mapping import _TemplateMapper
    from archplan.importers.cloudformation import Resource


class InspectionMapping:
    """The firewall and Gateway Load Balancer endpoints of one template."""

    def __init__(self, mapper: _TemplateMapper) -> None:
        self.tm = mapper
        # Network Firewall -> (VPC, its endpoints' names, in SubnetMappings order)
        self.firewalls: dict[str, tuple[str, list[str]]] = {}
        self.gwlb_endpoints: dict[str, tuple[str, str]] = {}

    def firewalls_in_vpcs(self) -> None:
        """AWS Network Firewall firewalls in a VPC: one endpoint per subnet mapping, named
        after the firewall (with the subnet when there are several)."""
        tm = self.tm
        for resource in tm.of_type("AWS::NetworkFirewall::Firewall"):
            left_out = "its endpoints and the routes through them are left out"
            without = ": a firewall attached to a transit gateway (no VpcId) is not in format 1"
            vpc = tm.vpc_of(resource, without, left_out)
            mappings = tm.get(resource, "SubnetMappings", left_out)
            if vpc is None or mappings is None:
                continue
            items = mappings[0] if isinstance(mappings[0], list) else []
            subnets: list[str] = []
            for item in items:
                reference = item.get("SubnetId") if isinstance(item, dict) else None
                placed = tm.subnets.get(logical_id_of(reference) or "")
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
        logical_id = logical_id_of(_reference_of(node))
        if logical_id in self.gwlb_endpoints:
            return f"gwlbe:{self.gwlb_endpoints[logical_id][1]}"
        return ""


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
