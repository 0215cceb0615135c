"""What AWS does to a running resource when a field changes, from CloudFormation's own data.

The levels come from the shipped copy of the update-behaviour table (archplan/data/
update-behaviour.json: CloudFormation resource provider schemas from cfn-lint 1.58.0, schema
date 2026-10-20, and the CloudFormation User Guide's "Update requires" lines; its `source` and
`generated` fields say exactly which). This module only says which resource property each
format-1 field is (`FIELDS`, after the table's `yaml_fields` and the reference's mapping
table); the level, the condition and the custom-name and cascade facts are read from the data.

A kind added to the schema is still compared and reported; until a line is added here its
fields say "update behaviour unknown" rather than guess.
"""

from __future__ import annotations

import functools
import json
import pkgutil
from typing import Any, NamedTuple

from archplan.diff.model import MISSING, Behaviour, KindKey, Update
from archplan.findings import Path

DATA_FILE = "update-behaviour.json"
ANY = "*"  # a map key in a field pattern (a route's destination, an instance type)

_LEVELS = {
    "Replacement": Update.REPLACEMENT,
    "Conditional": Update.CONDITIONAL,
    "Some interruptions": Update.INTERRUPTION,
    "No interruption": Update.IN_PLACE,
}


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


Mapping_ = Prop | Fixed

VPC, SUBNET, ROUTE_TABLE = "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable"
ROUTE, ENDPOINT = "AWS::EC2::Route", "AWS::EC2::VPCEndpoint"
PEERING, TGW = "AWS::EC2::VPCPeeringConnection", "AWS::EC2::TransitGateway"
TGW_ATTACHMENT, ASG = "AWS::EC2::TransitGatewayVpcAttachment", "AWS::AutoScaling::AutoScalingGroup"
_MIXED = "MixedInstancesPolicy"
_PLACEMENT = (
    "stack placement, not a property: a change is Remove here + Add in another Region or account"
)
_PLANNING = "a planning input; no CloudFormation property"

# The resource each kind of object is. API gateways are a RestApi or an HTTP Api by `type`.
OBJECT_TYPES: dict[KindKey, str] = {
    ("vpcs",): VPC,
    ("vpcs", "subnets"): SUBNET,
    ("vpcs", "route_tables"): ROUTE_TABLE,
    ("vpcs", "endpoints"): ENDPOINT,
    ("peerings",): PEERING,
    ("transit_gateways",): TGW,
    ("transit_gateways", "attachments"): TGW_ATTACHMENT,
    ("scaling_groups",): ASG,
    ("api_gateways",): "AWS::ApiGateway::RestApi",
}
# Kinds that are archplan's own planning data: added, removed or changed, nothing in AWS moves.
PLANNING_KINDS: dict[KindKey, str] = {
    ("meshes",): "a planning group of VPCs; no AWS resource",
    ("prices", "instance_types"): "a price for planning; no AWS resource",
    ("api_gateways", "routes"): "per-route settings of the API's stage",
}

# (kind, field pattern) -> what it is. First match wins.
FIELDS: tuple[tuple[KindKey, Path, Mapping_], ...] = (
    ((), ("defaults", "region"), Fixed(Update.REPLACEMENT, _PLACEMENT)),
    ((), ("defaults", "account"), Fixed(Update.REPLACEMENT, _PLACEMENT)),
    ((), (ANY,), Fixed(Update.NONE, "archplan's own setting; no AWS resource")),
    ((), (ANY, ANY), Fixed(Update.NONE, "archplan's own setting; no AWS resource")),
    ((), (ANY, ANY, ANY), Fixed(Update.NONE, "archplan's own setting; no AWS resource")),
    (("vpcs",), ("cidr",), Prop(VPC, "CidrBlock")),
    (("vpcs",), ("dns", "hostnames"), Prop(VPC, "EnableDnsHostnames")),
    (("vpcs",), ("dns", "resolution"), Prop(VPC, "EnableDnsSupport")),
    (("vpcs",), ("dns",), Prop(VPC, "EnableDnsSupport", "EnableDnsHostnames / EnableDnsSupport")),
    (("vpcs",), ("region",), Fixed(Update.REPLACEMENT, _PLACEMENT, VPC)),
    (("vpcs",), ("account",), Fixed(Update.REPLACEMENT, _PLACEMENT, VPC)),
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
    (("vpcs", "route_tables"), ("main",), Fixed(Update.NONE, "no CloudFormation property")),
    (("vpcs", "route_tables"), ("routes", ANY), Prop(ROUTE, "(target)")),  # see _route
    (("vpcs", "route_tables"), ("routes",), Fixed(Update.ADD_REMOVE, "routes", ROUTE)),
    (("vpcs", "endpoints"), ("service",), Prop(ENDPOINT, "ServiceName")),
    (("vpcs", "endpoints"), ("type",), Prop(ENDPOINT, "VpcEndpointType")),
    (("vpcs", "endpoints"), ("route_tables",), Prop(ENDPOINT, "RouteTableIds")),
    (("vpcs", "endpoints"), ("subnets",), Prop(ENDPOINT, "SubnetIds")),
    (("vpcs", "endpoints"), ("private_dns",), Prop(ENDPOINT, "PrivateDnsEnabled")),
    (("peerings",), ("requester",), Prop(PEERING, "VpcId")),
    (("peerings",), ("accepter",), Prop(PEERING, "PeerVpcId")),
    (("peerings",), ("status",), Fixed(Update.NONE, "observed state; no CloudFormation property")),
    (("peerings",), ("dns_resolution",), Fixed(Update.NONE, "no CloudFormation property")),
    (("transit_gateways",), ("region",), Fixed(Update.REPLACEMENT, _PLACEMENT, TGW)),
    (("transit_gateways",), ("account",), Fixed(Update.REPLACEMENT, _PLACEMENT, TGW)),
    (("transit_gateways", "attachments"), ("subnets",), Prop(TGW_ATTACHMENT, "SubnetIds")),
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
        Fixed(Update.UNKNOWN, "an AWS::AutoScaling::ScalingPolicy target, a type not covered"),
    ),
    (("scaling_groups",), ("vpc",), Fixed(Update.NONE, _PLANNING)),
    (("scaling_groups",), ("capacity", ANY), Fixed(Update.NONE, _PLANNING)),
    (("scaling_groups",), ("capacity",), Fixed(Update.NONE, _PLANNING)),
    (("scaling_groups",), ("demand",), Fixed(Update.NONE, _PLANNING)),
    (("scaling_groups",), ("demand", ANY), Fixed(Update.NONE, _PLANNING)),
    (("scaling_groups",), ("availability",), Fixed(Update.NONE, _PLANNING)),
    (("scaling_groups",), ("availability", ANY), Fixed(Update.NONE, _PLANNING)),
    (("scaling_groups",), ("purchase", "commitment"), Fixed(Update.NONE, _PLANNING)),
    (("scaling_groups",), ("purchase", "commitment", ANY), Fixed(Update.NONE, _PLANNING)),
    (("scaling_groups",), ("purchase", "commitment_type"), Fixed(Update.NONE, _PLANNING)),
    (
        ("api_gateways",),
        ("type",),
        Fixed(Update.REPLACEMENT, "rest and http are different resource types: Remove + Add"),
    ),
    (("api_gateways",), ("region",), Fixed(Update.REPLACEMENT, _PLACEMENT)),
    (("api_gateways",), ("throttle",), Prop("AWS::ApiGateway::Stage", "MethodSettings")),
    (
        ("api_gateways",),
        ("throttle", "rate"),
        Prop("AWS::ApiGateway::Stage", "MethodSettings/ThrottlingRateLimit"),
    ),
    (
        ("api_gateways",),
        ("throttle", "burst"),
        Prop("AWS::ApiGateway::Stage", "MethodSettings/ThrottlingBurstLimit"),
    ),
    (
        ("api_gateways", "routes"),
        ("rate",),
        Prop("AWS::ApiGateway::Stage", "MethodSettings/ThrottlingRateLimit"),
    ),
    (
        ("api_gateways", "routes"),
        ("burst",),
        Prop("AWS::ApiGateway::Stage", "MethodSettings/ThrottlingBurstLimit"),
    ),
    (
        ("api_gateways", "routes"),
        ("timeout_ms",),
        Fixed(Update.UNKNOWN, "integration resources, a type not covered"),
    ),
    (
        ("api_gateways", "routes"),
        ("backend",),
        Fixed(Update.UNKNOWN, "integration resources, a type not covered"),
    ),
)

# Route targets and the property of AWS::EC2::Route each sets (all No interruption).
ROUTE_TARGETS = {
    "igw": "GatewayId",
    "vgw": "GatewayId",
    "nat": "NatGatewayId",
    "peering": "VpcPeeringConnectionId",
    "tgw": "TransitGatewayId",
    "egress-only-igw": "EgressOnlyInternetGatewayId",
    "endpoint": "VpcEndpointId",
    "eni": "NetworkInterfaceId",
}
# The HTTP API's stage keeps throttling in other properties than the REST API's.
_HTTP_STAGE = {
    "MethodSettings": "DefaultRouteSettings",
    "MethodSettings/ThrottlingRateLimit": "DefaultRouteSettings/ThrottlingRateLimit",
    "MethodSettings/ThrottlingBurstLimit": "DefaultRouteSettings/ThrottlingBurstLimit",
}


@functools.cache
def table() -> dict[str, Any]:
    """The shipped update-behaviour table (read once)."""
    data = pkgutil.get_data("archplan", f"data/{DATA_FILE}")
    if data is None:  # pragma: no cover - only a loader without get_data returns None
        raise RuntimeError(f"archplan's {DATA_FILE} is missing from the installation")
    loaded: dict[str, Any] = json.loads(data.decode("utf-8"))
    return loaded


def source_line() -> str:
    """Where the levels come from, for the reports' footers."""
    data = table()
    schema = data["source"]["schema"]
    return (
        f"update behaviour: CloudFormation resource schemas ({schema['package']} "
        f"{schema['version']}, schema date {schema['schema_date'][:10]}) and the CloudFormation "
        f"User Guide; table generated {data['generated']}"
    )


def property_entry(resource_type: str, name: str) -> dict[str, Any] | None:
    entry: dict[str, Any] | None = (
        table()["types"].get(resource_type, {}).get("properties", {}).get(name)
    )
    return entry


def type_entry(resource_type: str) -> dict[str, Any]:
    entry: dict[str, Any] = table()["types"].get(resource_type, {})
    return entry


def object_type(kind: KindKey, value: Any) -> str | None:
    """The resource type of an object of `kind` (None for archplan's own kinds)."""
    if kind == ("api_gateways",) and isinstance(value, dict) and value.get("type") == "http":
        return "AWS::ApiGatewayV2::Api"
    return OBJECT_TYPES.get(kind)


def _matches(pattern: Path, field: Path) -> bool:
    return len(pattern) == len(field) and all(
        want in (ANY, got) for want, got in zip(pattern, field, strict=True)
    )


def field_behaviour(kind: KindKey, field: Path, old: Any, new: Any, owner: Any) -> Behaviour:
    """How AWS applies a change of `field` from `old` to `new` in an object of `kind` whose
    newer own value is `owner`."""
    if kind in PLANNING_KINDS and kind != ("api_gateways", "routes"):
        return Behaviour(Update.NONE, note=PLANNING_KINDS[kind])
    mapping = next(
        (found for want, pattern, found in FIELDS if want == kind and _matches(pattern, field)),
        None,
    )
    own_type = object_type(kind, owner)
    if mapping is None:
        return Behaviour(Update.UNKNOWN, own_type, note="not in the update-behaviour table")
    if isinstance(mapping, Fixed):
        replaces = mapping.update is Update.REPLACEMENT and kind != ()
        return Behaviour(
            mapping.update, mapping.resource_type or own_type, None, mapping.note, replaces
        )
    if mapping.resource_type == ROUTE and mapping.property == "(target)":
        return _route(old, new)
    prop, resource_type = mapping.property, mapping.resource_type
    if kind[:1] == ("api_gateways",) and _api_type(owner) == "http":
        resource_type = "AWS::ApiGatewayV2::Stage"
        prop = _HTTP_STAGE.get(prop, prop)
        if kind == ("api_gateways", "routes"):
            prop = prop.replace("MethodSettings", "RouteSettings").replace(
                "DefaultRouteSettings", "RouteSettings"
            )
    entry = property_entry(resource_type, prop)
    if entry is None or entry.get("update") is None:
        return Behaviour(Update.UNKNOWN, resource_type, prop, "not in the update-behaviour table")
    update = _LEVELS[entry["update"]]
    note = mapping.note
    if update is Update.CONDITIONAL:
        note = "; ".join(part for part in (entry.get("condition", ""), note) if part)
        if resource_type == ASG:  # the table's conditions for the group refer to each other
            note = (
                "the group is replaced only under UpdatePolicy AutoScalingReplacingUpdate "
                "WillReplace: true (format 1 has no update policy), else updated in place"
                + (f"; {note}" if note else "")
            )
    replaces = resource_type == own_type and update >= Update.CONDITIONAL
    return Behaviour(update, resource_type, prop, note, replaces)


def _api_type(owner: Any) -> str:
    return str(owner.get("type", "rest")) if isinstance(owner, dict) else "rest"


def _route(old: Any, new: Any) -> Behaviour:
    """A route's destination is its identity: added or removed routes are resources of their
    own; a new target is set in place."""
    if old is MISSING or new is MISSING:
        return Behaviour(Update.ADD_REMOVE, ROUTE, "DestinationCidrBlock", "a route of its own")
    kind = str(new).partition(":")[0]
    prop = ROUTE_TARGETS.get(kind)
    if prop is None:  # blackhole: no property sets it
        return Behaviour(
            Update.UNKNOWN, ROUTE, None, "no property makes a blackhole route; the route stays"
        )
    entry = property_entry(ROUTE, prop)
    level = _LEVELS[entry["update"]] if entry and entry.get("update") else Update.UNKNOWN
    return Behaviour(level, ROUTE, prop)


def object_update(changes: list[Behaviour]) -> Update:
    """The object's own update: the worst of what replaces it or interrupts it; a sub-resource
    replaced beside it (an association, a route) counts as add/remove for the object."""
    worst = Update.NONE
    for behaviour in changes:
        level = behaviour.update
        if level >= Update.CONDITIONAL and not behaviour.replaces_object:
            level = Update.ADD_REMOVE
        worst = max(worst, level)
    return worst


def custom_name(resource_type: str | None) -> str | None:
    """The property holding a custom name, for types that cannot be replaced keeping it."""
    if resource_type is None:
        return None
    found = type_entry(resource_type).get("custom_name")
    return str(found["property"]) if isinstance(found, dict) else None


def cascade(resource_type: str | None) -> dict[str, Update]:
    """Types that take this type's physical ID, with what happens to them when it is
    replaced (the table's `replacement_cascade`); the worst per type."""
    found: dict[str, Update] = {}
    if resource_type is None:
        return found
    for item in type_entry(resource_type).get("replacement_cascade") or ():
        dependent = str(item["via"]).split(".", 1)[0]
        level = _LEVELS.get(str(item["update"]), Update.UNKNOWN)
        found[dependent] = max(found.get(dependent, Update.NONE), level)
    return found
