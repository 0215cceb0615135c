"""Which CloudFormation resource property each format-1 field is: the diff's mapping table.

Every field `archplan diff` can report (archplan.diff.match.diffable_fields, read off the
schema) is named here, with one of four answers:

- `Prop`: the field is this property of this resource type; the shipped update-behaviour table
  (archplan/data/update-behaviour.json) gives the level, never this module;
- `Fixed`: the field is no property of its own but what it does is known: resources of their
  own added or removed beside the object (a route, a secondary block, an ACL entry), or stack
  placement (a changed Region is Remove + Add elsewhere);
- `NoAws`: archplan-only, no AWS resource: a planning input (demand, capacity, prices), an
  observed state, or what archplan checks (quotas, reachability intents, meshes);
- `NotCovered`: an AWS resource of a type the shipped table does not cover (prefix lists, VPN
  and Direct Connect, EC2 instances, scaling policies): reported "update behaviour unknown"
  with the type named, rather than guessed.

A kind is named in `KINDS` the same way (the resource type each object is, or why none).
tests/diff/test_behaviour.py fails for a schema field or kind with no answer here, for a `Prop`
the table does not have, and for a `NotCovered` type the table does have.
"""

from __future__ import annotations

from typing import NamedTuple

from archplan.diff.model import KindKey, Update
from archplan.findings import Path

ANY = "*"  # a map key in a field pattern (a route's destination, an instance type)


class Prop(NamedTuple):
    """The field is this property of this resource type: the table gives the level."""

    resource_type: str
    property: str
    note: str = ""


class Fixed(NamedTuple):
    """The field has no property of its own: its level is stated, with why."""

    update: Update
    note: str
    resource_type: str | None = None


class NoAws(NamedTuple):
    """archplan-only (no AWS resource): a change moves nothing in AWS."""

    note: str


class NotCovered(NamedTuple):
    """An AWS resource of a type the shipped table does not cover: the level is unknown."""

    resource_type: str | None  # None: no one CloudFormation type (a host may be many things)
    note: str


Answer = Prop | Fixed | NoAws | NotCovered

VPC, SUBNET, ROUTE_TABLE = "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable"
ROUTE, ENDPOINT = "AWS::EC2::Route", "AWS::EC2::VPCEndpoint"
PEERING, TGW = "AWS::EC2::VPCPeeringConnection", "AWS::EC2::TransitGateway"
TGW_ATTACHMENT, ASG = "AWS::EC2::TransitGatewayVpcAttachment", "AWS::AutoScaling::AutoScalingGroup"
TGW_ROUTE_TABLE, TGW_ROUTE = "AWS::EC2::TransitGatewayRouteTable", "AWS::EC2::TransitGatewayRoute"
SECURITY_GROUP, NETWORK_ACL = "AWS::EC2::SecurityGroup", "AWS::EC2::NetworkAcl"
FIREWALL, LAUNCH_TEMPLATE = "AWS::NetworkFirewall::Firewall", "AWS::EC2::LaunchTemplate"
SERVICE, TASK = "AWS::ECS::Service", "AWS::ECS::TaskDefinition"
FUNCTION = "AWS::Lambda::Function"
CLUSTER, NODE_GROUP = "AWS::EKS::Cluster", "AWS::EKS::Nodegroup"
REST_STAGE = "AWS::ApiGateway::Stage"
TARGET = "(target)"  # a route's target: the property depends on the target's kind (behaviour)

_MIXED = "MixedInstancesPolicy"
PLACEMENT = (
    "stack placement, not a property: a change is Remove here + Add in another Region or account"
)
PLANNING = NoAws("a planning input; no CloudFormation property")
_IMPLIED_VPC = NoAws("the VPC its subnets are in, which archplan checks; no property of its own")
_AWS_SERVICES = NoAws(
    "the AWS services it calls, from which archplan checks endpoints and NAT; no property"
)
_SETTING = NoAws("archplan's own setting; no AWS resource")
_PRICES = NoAws("a price for planning; no AWS resource")
_ACL_ENTRIES = Fixed(
    Update.ADD_REMOVE,
    "one AWS::EC2::NetworkAclEntry per rule (RuleNumber and Egress are create-only: a renumbered "
    "rule is a new entry)",
    "AWS::EC2::NetworkAclEntry",
)
_SCALABLE_TARGET = NotCovered(
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "the service's task count range is an Application Auto Scaling scalable target",
)
_POD_NETWORKING = NotCovered(
    "AWS::EKS::Addon",
    "the VPC CNI's settings (the vpc-cni add-on's configuration; ENIConfig objects for custom "
    "networking)",
)
_INTEGRATION = NotCovered(
    "AWS::ApiGateway::Method", "the route's integration (method or route resources)"
)

# What each kind of object is in AWS: a resource type, or why no type is given.
KINDS: dict[KindKey, str | NoAws | NotCovered] = {
    ("vpcs",): VPC,
    ("vpcs", "subnets"): SUBNET,
    ("vpcs", "route_tables"): ROUTE_TABLE,
    ("vpcs", "endpoints"): ENDPOINT,
    ("vpcs", "security_groups"): SECURITY_GROUP,
    ("vpcs", "network_acls"): NETWORK_ACL,
    ("vpcs", "gwlb_endpoints"): ENDPOINT,  # VpcEndpointType GatewayLoadBalancer
    # A firewall endpoint is what AWS creates for one of the firewall's SubnetMappings.
    ("vpcs", "firewalls"): FIREWALL,
    ("peerings",): PEERING,
    ("transit_gateways",): TGW,
    ("transit_gateways", "attachments"): TGW_ATTACHMENT,
    ("transit_gateways", "route_tables"): TGW_ROUTE_TABLE,
    ("scaling_groups",): ASG,
    ("api_gateways",): "AWS::ApiGateway::RestApi",  # or AWS::ApiGatewayV2::Api by `type`
    ("api_gateways", "routes"): NotCovered(
        "AWS::ApiGateway::Method",
        "a route is a method (REST) or route (HTTP) of the API; its throttling is in the stage",
    ),
    ("services",): SERVICE,
    ("functions",): FUNCTION,
    ("kubernetes",): CLUSTER,
    ("kubernetes", "node_groups"): NODE_GROUP,
    ("kubernetes", "workloads"): NoAws("a Kubernetes workload, applied with kubectl or Helm"),
    ("meshes",): NoAws("a planning group of VPCs; no AWS resource"),
    ("prices", "instance_types"): _PRICES,
    ("instance_types",): NoAws("an instance type's size, for packing tasks and pods"),
    ("hosts",): NotCovered(
        None, "a host stands for an instance, a database or an appliance: no one resource type"
    ),
    ("prefix_lists",): NotCovered("AWS::EC2::PrefixList", "a customer-managed prefix list"),
    ("network_firewalls",): NotCovered(
        "AWS::NetworkFirewall::FirewallPolicy", "the firewall's policy and its rule groups"
    ),
    ("on_premises",): NotCovered(
        "AWS::EC2::VPNConnection",
        "the network itself is outside AWS; its connections are VPN connections and customer "
        "gateways or Direct Connect",
    ),
    ("direct_connect_gateways",): NotCovered(
        None, "a Direct Connect gateway (no type in the update-behaviour table)"
    ),
    ("direct_connect_gateways", "transit_gateways"): NotCovered(
        None, "a Direct Connect gateway association (no type in the update-behaviour table)"
    ),
    ("direct_connect_gateways", "vpcs"): NotCovered(
        None, "a Direct Connect gateway association (no type in the update-behaviour table)"
    ),
}

# (kind, field pattern) -> what it is. First match wins; a kind whose KINDS answer is NoAws or
# NotCovered needs no line here (every field of it has that answer). `*` stands only for the
# keys of a mapping (routes by destination, weights by instance type) and for the estate's
# quotas and prices: a field added to a nested object must get a line of its own.
FIELDS: tuple[tuple[KindKey, Path, Answer], ...] = (
    # -- the estate ----------------------------------------------------------------------------
    ((), ("defaults",), Fixed(Update.REPLACEMENT, PLACEMENT)),
    ((), ("defaults", "region"), Fixed(Update.REPLACEMENT, PLACEMENT)),
    ((), ("defaults", "account"), Fixed(Update.REPLACEMENT, PLACEMENT)),
    ((), ("archplan",), NoAws("the format version")),
    ((), ("name",), NoAws("the estate's name in archplan's reports")),
    (
        (),
        ("quotas",),
        NoAws("quota values archplan checks against (raised through Service Quotas)"),
    ),
    ((), ("quotas", ANY), NoAws("a quota archplan checks against (raised through Service Quotas)")),
    ((), ("prices",), _PRICES),
    ((), ("prices", ANY), _PRICES),
    ((), ("prices", ANY, ANY), _PRICES),
    ((), ("reachability",), NoAws("reachability intents: what archplan checks; no AWS resource")),
    # -- VPCs ----------------------------------------------------------------------------------
    (("vpcs",), ("cidr",), Prop(VPC, "CidrBlock")),
    (("vpcs",), ("dns", "hostnames"), Prop(VPC, "EnableDnsHostnames")),
    (("vpcs",), ("dns", "resolution"), Prop(VPC, "EnableDnsSupport")),
    (("vpcs",), ("dns",), Prop(VPC, "EnableDnsSupport", "EnableDnsHostnames / EnableDnsSupport")),
    (("vpcs",), ("region",), Fixed(Update.REPLACEMENT, PLACEMENT, VPC)),
    (("vpcs",), ("account",), Fixed(Update.REPLACEMENT, PLACEMENT, VPC)),
    (
        ("vpcs",),
        ("secondary_cidrs",),
        Fixed(Update.ADD_REMOVE, "one AWS::EC2::VPCCidrBlock per block", "AWS::EC2::VPCCidrBlock"),
    ),
    (
        ("vpcs",),
        ("ipv6_cidrs",),
        Fixed(Update.ADD_REMOVE, "one AWS::EC2::VPCCidrBlock per block", "AWS::EC2::VPCCidrBlock"),
    ),
    (
        ("vpcs",),
        ("internet_gateway",),
        Fixed(
            Update.ADD_REMOVE,
            "an InternetGateway and its VPCGatewayAttachment",
            "AWS::EC2::InternetGateway",
        ),
    ),
    (("vpcs", "subnets"), ("cidr",), Prop(SUBNET, "CidrBlock")),
    (("vpcs", "subnets"), ("az",), Prop(SUBNET, "AvailabilityZone")),
    (("vpcs", "subnets"), ("ipv6_cidr",), Prop(SUBNET, "Ipv6CidrBlock")),
    (
        ("vpcs", "subnets"),
        ("route_table",),
        Prop(
            "AWS::EC2::SubnetRouteTableAssociation",
            "RouteTableId",
            "the association is replaced, the subnet is kept",
        ),
    ),
    (("vpcs", "route_tables"), ("main",), NoAws("the main table is implicit; no property")),
    (("vpcs", "route_tables"), ("routes", ANY), Prop(ROUTE, TARGET)),
    (("vpcs", "route_tables"), ("routes",), Fixed(Update.ADD_REMOVE, "routes", ROUTE)),
    (
        ("vpcs", "route_tables"),
        ("gateway",),
        NotCovered("AWS::EC2::GatewayRouteTableAssociation", "the table's edge association"),
    ),
    (
        ("vpcs", "route_tables"),
        ("vgw_propagation",),
        NotCovered("AWS::EC2::VPNGatewayRoutePropagation", "route propagation from the VGW"),
    ),
    (("vpcs", "endpoints"), ("service",), Prop(ENDPOINT, "ServiceName")),
    (("vpcs", "endpoints"), ("type",), Prop(ENDPOINT, "VpcEndpointType")),
    (("vpcs", "endpoints"), ("route_tables",), Prop(ENDPOINT, "RouteTableIds")),
    (("vpcs", "endpoints"), ("subnets",), Prop(ENDPOINT, "SubnetIds")),
    (("vpcs", "endpoints"), ("private_dns",), Prop(ENDPOINT, "PrivateDnsEnabled")),
    (("vpcs", "endpoints"), ("security_groups",), Prop(ENDPOINT, "SecurityGroupIds")),
    (("vpcs", "security_groups"), ("description",), Prop(SECURITY_GROUP, "GroupDescription")),
    (
        ("vpcs", "security_groups"),
        ("ingress",),
        Prop(SECURITY_GROUP, "SecurityGroupIngress", "inline rules"),
    ),
    (
        ("vpcs", "security_groups"),
        ("egress",),
        Prop(SECURITY_GROUP, "SecurityGroupEgress", "inline rules"),
    ),
    (
        ("vpcs", "network_acls"),
        ("default",),
        Fixed(
            Update.ADD_REMOVE,
            "the VPC's default ACL comes with the VPC and is no CloudFormation resource; a custom "
            "ACL is an AWS::EC2::NetworkAcl: switching is Remove + Add",
            NETWORK_ACL,
        ),
    ),
    (
        ("vpcs", "network_acls"),
        ("subnets",),
        Fixed(
            Update.ADD_REMOVE,
            "one AWS::EC2::SubnetNetworkAclAssociation per subnet",
            "AWS::EC2::SubnetNetworkAclAssociation",
        ),
    ),
    (("vpcs", "network_acls"), ("ingress",), _ACL_ENTRIES),
    (("vpcs", "network_acls"), ("egress",), _ACL_ENTRIES),
    (("vpcs", "gwlb_endpoints"), ("subnet",), Prop(ENDPOINT, "SubnetIds")),
    (("vpcs", "gwlb_endpoints"), ("service",), Prop(ENDPOINT, "ServiceName")),
    (("vpcs", "firewalls"), ("subnet",), Prop(FIREWALL, "SubnetMappings")),
    (
        ("vpcs", "firewalls"),
        ("firewall",),
        Prop(FIREWALL, "SubnetMappings", "the subnet moves to the other firewall's SubnetMappings"),
    ),
    # -- peerings and transit gateways ----------------------------------------------------------
    (("peerings",), ("requester",), Prop(PEERING, "VpcId")),
    (("peerings",), ("accepter",), Prop(PEERING, "PeerVpcId")),
    (("peerings",), ("status",), NoAws("observed state; no CloudFormation property")),
    (("peerings",), ("dns_resolution",), NoAws("no CloudFormation property")),
    (("transit_gateways",), ("region",), Fixed(Update.REPLACEMENT, PLACEMENT, TGW)),
    (("transit_gateways",), ("account",), Fixed(Update.REPLACEMENT, PLACEMENT, TGW)),
    (
        ("transit_gateways",),
        ("peerings",),
        Fixed(
            Update.ADD_REMOVE,
            "one AWS::EC2::TransitGatewayPeeringAttachment per peer",
            "AWS::EC2::TransitGatewayPeeringAttachment",
        ),
    ),
    (
        ("transit_gateways",),
        ("default_association",),
        Prop(TGW, "AssociationDefaultRouteTableId"),
    ),
    (
        ("transit_gateways",),
        ("default_propagation",),
        Prop(TGW, "PropagationDefaultRouteTableId"),
    ),
    (
        ("transit_gateways",),
        ("security_group_referencing",),
        Prop(TGW, "SecurityGroupReferencingSupport"),
    ),
    (("transit_gateways", "attachments"), ("subnets",), Prop(TGW_ATTACHMENT, "SubnetIds")),
    (
        ("transit_gateways", "attachments"),
        ("security_group_referencing",),
        Prop(TGW_ATTACHMENT, "Options", "Options/SecurityGroupReferencingSupport"),
    ),
    (
        ("transit_gateways", "attachments"),
        ("ipv6_support",),
        Prop(TGW_ATTACHMENT, "Options", "Options/Ipv6Support"),
    ),
    (
        ("transit_gateways", "attachments"),
        ("appliance_mode",),
        Prop(TGW_ATTACHMENT, "Options", "Options/ApplianceModeSupport"),
    ),
    (
        ("transit_gateways", "route_tables"),
        ("associations",),
        Fixed(
            Update.ADD_REMOVE,
            "one AWS::EC2::TransitGatewayRouteTableAssociation per attachment",
            "AWS::EC2::TransitGatewayRouteTableAssociation",
        ),
    ),
    (
        ("transit_gateways", "route_tables"),
        ("propagations",),
        Fixed(
            Update.ADD_REMOVE,
            "one AWS::EC2::TransitGatewayRouteTablePropagation per attachment",
            "AWS::EC2::TransitGatewayRouteTablePropagation",
        ),
    ),
    (("transit_gateways", "route_tables"), ("routes", ANY), Prop(TGW_ROUTE, TARGET)),
    (
        ("transit_gateways", "route_tables"),
        ("routes",),
        Fixed(Update.ADD_REMOVE, "routes", TGW_ROUTE),
    ),
    # -- scaling groups -------------------------------------------------------------------------
    (("scaling_groups",), ("subnets",), Prop(ASG, "VPCZoneIdentifier")),
    (("scaling_groups",), ("min",), Prop(ASG, "MinSize")),
    (("scaling_groups",), ("max",), Prop(ASG, "MaxSize")),
    (("scaling_groups",), ("desired",), Prop(ASG, "DesiredCapacity")),
    (
        ("scaling_groups",),
        ("instance_types",),
        Prop(ASG, f"{_MIXED}/LaunchTemplate/Overrides/InstanceType"),
    ),
    (
        ("scaling_groups",),
        ("instance_types", ANY),
        Prop(ASG, f"{_MIXED}/LaunchTemplate/Overrides/WeightedCapacity"),
    ),
    (
        ("scaling_groups",),
        ("launch_template",),
        Prop(
            ASG,
            f"{_MIXED}/LaunchTemplate/LaunchTemplateSpecification/LaunchTemplateName",
            "a launch template of another name is another AWS::EC2::LaunchTemplate",
        ),
    ),
    (
        ("scaling_groups",),
        ("security_groups",),
        Prop(LAUNCH_TEMPLATE, "LaunchTemplateData", "the instances' security groups"),
    ),
    (
        ("scaling_groups",),
        ("public_ip",),
        Prop(LAUNCH_TEMPLATE, "LaunchTemplateData", "NetworkInterfaces AssociatePublicIpAddress"),
    ),
    (("scaling_groups",), ("purchase",), Prop(ASG, _MIXED)),
    (
        ("scaling_groups",),
        ("purchase", "on_demand_base"),
        Prop(ASG, f"{_MIXED}/InstancesDistribution/OnDemandBaseCapacity"),
    ),
    (
        ("scaling_groups",),
        ("purchase", "on_demand_percentage_above_base"),
        Prop(ASG, f"{_MIXED}/InstancesDistribution/OnDemandPercentageAboveBaseCapacity"),
    ),
    (
        ("scaling_groups",),
        ("purchase", "spot_allocation_strategy"),
        Prop(ASG, f"{_MIXED}/InstancesDistribution/SpotAllocationStrategy"),
    ),
    (
        ("scaling_groups",),
        ("capacity", "target_utilization"),
        NotCovered("AWS::AutoScaling::ScalingPolicy", "TargetTrackingConfiguration/TargetValue"),
    ),
    (
        ("scaling_groups",),
        ("capacity", "metric"),
        NotCovered(
            "AWS::AutoScaling::ScalingPolicy",
            "TargetTrackingConfiguration/PredefinedMetricSpecification",
        ),
    ),
    (("scaling_groups",), ("vpc",), _IMPLIED_VPC),
    (("scaling_groups",), ("capacity", "per_unit"), PLANNING),
    (("scaling_groups",), ("capacity",), PLANNING),
    (("scaling_groups",), ("demand",), PLANNING),
    (("scaling_groups",), ("demand", "unit"), PLANNING),
    (("scaling_groups",), ("demand", "hourly"), PLANNING),
    (("scaling_groups",), ("demand", "file"), PLANNING),
    (("scaling_groups",), ("availability",), PLANNING),
    (("scaling_groups",), ("availability", "survive_az_loss"), PLANNING),
    (("scaling_groups",), ("purchase", "commitment"), PLANNING),
    (("scaling_groups",), ("purchase", "commitment", "units"), PLANNING),
    (("scaling_groups",), ("purchase", "commitment_type"), PLANNING),
    # -- API gateways ---------------------------------------------------------------------------
    (
        ("api_gateways",),
        ("type",),
        Fixed(Update.REPLACEMENT, "rest and http are different resource types: Remove + Add"),
    ),
    (("api_gateways",), ("region",), Fixed(Update.REPLACEMENT, PLACEMENT)),
    (("api_gateways",), ("endpoint",), Prop("AWS::ApiGateway::RestApi", "EndpointConfiguration")),
    (("api_gateways",), ("throttle",), Prop(REST_STAGE, "MethodSettings")),
    (
        ("api_gateways",),
        ("throttle", "rate"),
        Prop(REST_STAGE, "MethodSettings/ThrottlingRateLimit"),
    ),
    (
        ("api_gateways",),
        ("throttle", "burst"),
        Prop(REST_STAGE, "MethodSettings/ThrottlingBurstLimit"),
    ),
    (
        ("api_gateways", "routes"),
        ("rate",),
        Prop(REST_STAGE, "MethodSettings/ThrottlingRateLimit"),
    ),
    (
        ("api_gateways", "routes"),
        ("burst",),
        Prop(REST_STAGE, "MethodSettings/ThrottlingBurstLimit"),
    ),
    (("api_gateways", "routes"), ("timeout_ms",), _INTEGRATION),
    (("api_gateways", "routes"), ("backend",), _INTEGRATION),
    # -- ECS services ---------------------------------------------------------------------------
    (("services",), ("cluster",), Prop(SERVICE, "Cluster")),
    (("services",), ("vpc",), _IMPLIED_VPC),
    (("services",), ("subnets",), Prop(SERVICE, "NetworkConfiguration", "AwsvpcConfiguration")),
    (
        ("services",),
        ("security_groups",),
        Prop(SERVICE, "NetworkConfiguration", "AwsvpcConfiguration"),
    ),
    (("services",), ("launch_type",), Prop(SERVICE, "LaunchType")),
    (
        ("services",),
        ("fargate_spot_percent",),
        Prop(SERVICE, "CapacityProviderStrategy", "FARGATE and FARGATE_SPOT weights"),
    ),
    (("services",), ("capacity_provider",), Prop(SERVICE, "CapacityProviderStrategy")),
    (
        ("services",),
        ("trunking",),
        NotCovered(
            "AWS::ECS::AccountSetting", "awsvpcTrunking is an account setting, not the service's"
        ),
    ),
    (
        ("services",),
        ("architecture",),
        Prop(TASK, "RuntimePlatform", "a new task definition revision, which the service takes"),
    ),
    (
        ("services",),
        ("cpu",),
        Prop(TASK, "Cpu", "a new task definition revision, which the service takes"),
    ),
    (
        ("services",),
        ("memory",),
        Prop(TASK, "Memory", "a new task definition revision, which the service takes"),
    ),
    (
        ("services",),
        ("network_mode",),
        Prop(TASK, "NetworkMode", "a new task definition revision, which the service takes"),
    ),
    (
        ("services",),
        ("image_registry",),
        Prop(TASK, "ContainerDefinitions", "the containers' image addresses: a new revision"),
    ),
    (("services",), ("aws_services",), _AWS_SERVICES),
    (("services",), ("min",), _SCALABLE_TARGET),
    (("services",), ("max",), _SCALABLE_TARGET),
    (("services",), ("desired",), Prop(SERVICE, "DesiredCount")),
    (("services",), ("capacity",), PLANNING),
    (("services",), ("capacity", "per_task"), PLANNING),
    (
        ("services",),
        ("capacity", "target_utilization"),
        NotCovered(
            "AWS::ApplicationAutoScaling::ScalingPolicy", "the service's target tracking policy"
        ),
    ),
    (("services",), ("demand",), PLANNING),
    (("services",), ("demand", "unit"), PLANNING),
    (("services",), ("demand", "hourly"), PLANNING),
    (("services",), ("demand", "file"), PLANNING),
    (("services",), ("availability",), PLANNING),
    (("services",), ("availability", "survive_az_loss"), PLANNING),
    # -- Lambda functions -----------------------------------------------------------------------
    (("functions",), ("region",), Fixed(Update.REPLACEMENT, PLACEMENT, FUNCTION)),
    (("functions",), ("memory",), Prop(FUNCTION, "MemorySize")),
    (("functions",), ("architecture",), Prop(FUNCTION, "Architectures")),
    (("functions",), ("duration_ms",), PLANNING),
    (("functions",), ("duration_ms", "average"), PLANNING),
    (("functions",), ("duration_ms", "p95"), PLANNING),
    (("functions",), ("reserved_concurrency",), Prop(FUNCTION, "ReservedConcurrentExecutions")),
    (
        ("functions",),
        ("provisioned_concurrency",),
        NotCovered("AWS::Lambda::Alias", "ProvisionedConcurrencyConfig of an alias or version"),
    ),
    (("functions",), ("vpc",), _IMPLIED_VPC),
    (("functions",), ("subnets",), Prop(FUNCTION, "VpcConfig", "VpcConfig/SubnetIds")),
    (
        ("functions",),
        ("security_groups",),
        Prop(FUNCTION, "VpcConfig", "VpcConfig/SecurityGroupIds"),
    ),
    (("functions",), ("aws_services",), _AWS_SERVICES),
    (("functions",), ("demand",), PLANNING),
    (("functions",), ("demand", "unit"), PLANNING),
    (("functions",), ("demand", "hourly"), PLANNING),
    (("functions",), ("demand", "file"), PLANNING),
    # -- EKS clusters and node groups -----------------------------------------------------------
    (("kubernetes",), ("vpc",), _IMPLIED_VPC),
    (("kubernetes",), ("subnets",), Prop(CLUSTER, "ResourcesVpcConfig/SubnetIds")),
    (("kubernetes",), ("aws_services",), _AWS_SERVICES),
    (("kubernetes",), ("pod_networking",), _POD_NETWORKING),
    *(
        (("kubernetes",), ("pod_networking", name), _POD_NETWORKING)
        for name in (
            "prefix_delegation",
            "custom_networking",
            "warm_eni_target",
            "warm_ip_target",
            "minimum_ip_target",
            "warm_prefix_target",
        )
    ),
    (("kubernetes", "node_groups"), ("instance_types",), Prop(NODE_GROUP, "InstanceTypes")),
    (("kubernetes", "node_groups"), ("subnets",), Prop(NODE_GROUP, "Subnets")),
    (("kubernetes", "node_groups"), ("min",), Prop(NODE_GROUP, "ScalingConfig/MinSize")),
    (("kubernetes", "node_groups"), ("max",), Prop(NODE_GROUP, "ScalingConfig/MaxSize")),
    (
        ("kubernetes", "node_groups"),
        ("desired",),
        Prop(NODE_GROUP, "ScalingConfig/DesiredSize"),
    ),
    (
        ("kubernetes", "node_groups"),
        ("max_pods",),
        Prop(NODE_GROUP, "LaunchTemplate", "kubelet's max pods, set in the launch template"),
    ),
)

# Lists whose order AWS does not keep, beyond what the table's `insertionOrder: false` says
# (behaviour.set_fields reads that): a network ACL's rules are entries keyed by rule number,
# evaluated lowest number first whatever order they are written in. Each is compared as a set,
# its items paired by the key named here for the report ("rule 100: ... -> ...").
KEYED_LISTS: dict[tuple[KindKey, Path], str] = {
    (("vpcs", "network_acls"), ("ingress",)): "rule",
    (("vpcs", "network_acls"), ("egress",)): "rule",
}

# The property of AWS::EC2::NetworkAclEntry each field of a rule sets (all No interruption in
# the table: a rule whose number stays is updated in place; a new number is a new entry).
ACL_ENTRY_PROPERTIES = {
    "action": "RuleAction",
    "protocol": "Protocol",
    "ports": "PortRange",
    "icmp": "Icmp",
    "from": "CidrBlock",
    "to": "CidrBlock",
}

# The HTTP API's stage keeps throttling in other properties than the REST API's.
HTTP_STAGE = {
    "MethodSettings": "DefaultRouteSettings",
    "MethodSettings/ThrottlingRateLimit": "DefaultRouteSettings/ThrottlingRateLimit",
    "MethodSettings/ThrottlingBurstLimit": "DefaultRouteSettings/ThrottlingBurstLimit",
}
