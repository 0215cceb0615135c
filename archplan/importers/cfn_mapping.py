"""CloudFormation resources to format-1 objects, template by template: the topology
(cfn_topology), security groups, hosts, network ACLs and firewalls (cfn_network), scaling
groups (cfn_scaling), then ECS, Lambda and EKS (cfn_containers); property reading is
cfn_reading's."""

from __future__ import annotations

from typing import Any

from archplan.importers.cfn_network import NetworkMapper
from archplan.importers.cfn_scaling import ScalingMapper
from archplan.importers.cloudformation import Template
from archplan.importers.common import DocPath, Imported, ImportIssue, Origin

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
        self.network_firewalls: dict[str, dict[str, Any]] = {}

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
            ("network_firewalls", self.network_firewalls),
            ("services", self.services),
            ("functions", self.functions),
            ("kubernetes", self.clusters),
        ):
            if section:
                document[key] = section
        return Imported(document, self.origins, self.issues)


class _TemplateMapper(ScalingMapper):
    """The mapping of one template; logical IDs are looked up within it only."""

    def __init__(self, mapper: Mapper, template: Template) -> None:
        super().__init__(mapper, template)
        self.network = NetworkMapper(self)

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
        from archplan.importers.cfn_firewall_policy import firewall_policies

        firewall_policies(self, self.network.firewalls)
        for resource in self.of_type("AWS::EC2::VPCEndpoint"):
            self.endpoint(resource)
        for resource in self.of_type("AWS::EC2::Route"):
            self.route(resource)
        self.network.transit_gateway_tables()
        for resource in self.of_type("AWS::AutoScaling::AutoScalingGroup"):
            self.scaling_group(resource)
        from archplan.importers.cfn_containers import ContainerMapper

        ContainerMapper(self).run()
