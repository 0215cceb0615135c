"""Import AWS CLI JSON (describe-vpcs, describe-subnets, ...) as one format-1 document.

Each file is recognised by its shape (its top-level key, e.g. "Subnets"); all files merge by
AWS id, in any order. A VPC that is referenced but not described (a subnet's VpcId, a route
table's VpcId, a peering side) is created from what the other outputs say about it: its blocks
from the route table's `local` routes (the first one is taken as primary) or from the peering's
VPC info, its Region from its subnets' zones. Without a block it waits under `x-incomplete`
with an issue asking for `aws ec2 describe-vpcs`. A route to an internet gateway implies the
gateway is attached (AWS turns routes to a detached one into blackholes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from archplan.errors import InputError
from archplan.importers.awscli_network import NetworkMerger
from archplan.importers.awscli_scaling import scaling_group
from archplan.importers.common import Imported, ImportOptions, Origin, SourceError
from archplan.importers.tf_awscli_document import assemble, most_common
from archplan.importers.tf_awscli_facts import (
    AttachmentFacts,
    EndpointFacts,
    Facts,
    GatewayFacts,
    PeeringFacts,
    RouteFacts,
    SubnetFacts,
    TableFacts,
    VpcFacts,
    compared,
    group_ids,
    listed,
    name_tag,
    region_of_arn,
)
from archplan.json_input import load_json
from archplan.regions import region_of_zone
from archplan.source import read_source

# The outputs archplan reads, in the order they are merged (what is pointed at first).
SHAPES = (
    "Vpcs",
    "Subnets",
    "VpcPeeringConnections",
    "TransitGateways",
    "TransitGatewayVpcAttachments",
    "RouteTables",
    "VpcEndpoints",
    "NatGateways",
    "InternetGateways",
    "SecurityGroups",
    "NetworkAcls",
    "TransitGatewayRouteTables",
    "TransitGatewayAttachments",
    "Reservations",
    "AutoScalingGroups",
)
# Outputs that say something archplan cannot use, with why.
_OTHER = {
    "Routes": "search-transit-gateway-routes does not name the route table it searched; write "
    "the routes under the table's routes: by hand",
    "Associations": "get-transit-gateway-route-table-associations does not name the route "
    "table; describe-transit-gateway-attachments shows each attachment's association",
    "TransitGatewayRouteTablePropagations": "get-transit-gateway-route-table-propagations does "
    "not name the route table; write propagations: by hand",
}
# Route target fields of describe-route-tables, with the format-1 kind each gives.
_TARGETS = (
    ("NatGatewayId", "nat"),
    ("VpcPeeringConnectionId", "peering"),
    ("TransitGatewayId", "tgw"),
    ("EgressOnlyInternetGatewayId", "egress-only-igw"),
    ("NetworkInterfaceId", "eni"),
    ("GatewayId", ""),
    ("InstanceId", None),
    ("CarrierGatewayId", None),
    ("LocalGatewayId", None),
    ("CoreNetworkArn", None),
)
_GATEWAY_KINDS = {"igw-": "igw", "vgw-": "vgw", "vpce-": "endpoint"}
_NAMED = ("nat", "peering", "tgw", "endpoint", "eni")


def import_sources(paths: Sequence[str], options: ImportOptions) -> Imported:
    facts = Facts(file=paths[0] if paths else "")
    from archplan.importers import awscli_containers

    records: dict[str, list[tuple[str, list[Any]]]] = {shape: [] for shape in SHAPES}
    records["Firewall"] = []
    containers: dict[str, list[tuple[str, list[Any]]]] = {
        shape: [] for shape in awscli_containers.SHAPES
    }
    for path in paths:
        facts.file = path
        data = _read(path, options)
        extra = awscli_containers.shapes(data)
        for shape, items in extra:
            containers[shape].append((path, items))
        for shape, items in _shapes(path, data, facts, quiet=bool(extra)):
            records[shape].append((path, items))
    merger = _Merger(facts)
    network = NetworkMerger(facts)
    handlers: dict[str, Callable[[dict[str, Any], int], None]] = {
        "SecurityGroups": network.security_group,
        "NetworkAcls": network.network_acl,
        "TransitGatewayRouteTables": network.tgw_table,
        "TransitGatewayAttachments": network.tgw_attachment,
        "Reservations": network.reservation,
        "Vpcs": merger.vpc,
        "Subnets": merger.subnet,
        "VpcPeeringConnections": merger.peering,
        "TransitGateways": merger.transit_gateway,
        "TransitGatewayVpcAttachments": merger.attachment,
        "RouteTables": merger.route_table,
        "VpcEndpoints": merger.endpoint,
        "NatGateways": merger.nat_gateway,
        "InternetGateways": merger.internet_gateway,
        "AutoScalingGroups": lambda raw, index: scaling_group(facts, raw, index),
    }
    for shape in SHAPES:
        for path, items in records[shape]:
            facts.file = path
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    handlers[shape](item, index)
    for path, items in records["Firewall"]:
        facts.file = path
        firewall, status = items
        network.firewall(firewall, status)
    reader = awscli_containers.ContainerReader(facts)
    for shape in awscli_containers.SHAPES:
        for path, items in containers[shape]:
            facts.file = path
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    reader.handle(shape, item, index)
    facts.file = paths[0] if paths else ""
    merger.finish()
    network.finish()
    regions = [vpc.region for vpc in facts.vpcs.values() if vpc.region]
    regions += [gateway.region for gateway in facts.gateways.values() if gateway.region]
    facts.region = options.region or most_common(regions)
    return assemble(facts)


def _read(path: str, options: ImportOptions) -> Any:
    try:
        text = read_source(path, options.max_bytes).text
    except InputError as error:
        raise SourceError(path, error.message, error.line, error.column) from None
    try:
        return load_json(text, "AWS CLI output")
    except InputError as error:
        message = error.message
        if "not valid JSON" in message:
            message += "; save the AWS CLI output with --output json"
        raise SourceError(path, message, error.line, error.column) from None


def _shapes(
    path: str, data: Any, facts: Facts, *, quiet: bool = False
) -> list[tuple[str, list[Any]]]:
    """The recognised network and scaling parts of one file: (shape, items); with `quiet`
    (the file holds containers), a file with none of them is no issue."""
    if (
        isinstance(data, list)
        and data
        and all(isinstance(item, dict) and "AutoScalingGroupName" in item for item in data)
    ):
        return [("AutoScalingGroups", data)]  # describe-auto-scaling-groups --query '...[]'
    if isinstance(data, dict) and "AutoScalingGroupName" in data:
        return [("AutoScalingGroups", [data])]  # create-auto-scaling-group --cli-input-json
    found = [
        (key, data[key])
        for key in SHAPES
        if isinstance(data, dict) and isinstance(data.get(key), list)
    ]
    if found:
        return found
    if isinstance(data, dict) and isinstance(data.get("Firewall"), dict):
        # network-firewall describe-firewall: one firewall and its status, not a list
        return [("Firewall", [data["Firewall"], data.get("FirewallStatus")])]
    if quiet:
        return []
    # Nothing archplan reads: refused (exit 2) as a template without Resources or a file that
    # is not a Terraform plan is, rather than imported as an empty document. The output of a
    # command archplan does not read (search-transit-gateway-routes) is refused too, saying why:
    # importing it would silently drop every route it lists.
    known = [key for key in _OTHER if isinstance(data, dict) and key in data]
    why = f": {_OTHER[known[0]]}" if known else ""
    raise SourceError(
        path,
        f"not AWS CLI output of a supported command{why} (the commands archplan reads are "
        "listed in docs/import.md, AWS CLI)",
        1,
        1,
    )


class _Merger:
    """Adds each described object to the facts, creating the VPCs they point at."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.local_routes: dict[str, list[str]] = {}  # VPC id -> local IPv4 destinations
        self.zone_regions: dict[str, str] = {}  # VPC id -> Region of its subnets' zones
        self.igw_vpcs: list[tuple[str, str]] = []  # (VPC id, IGW id), applied when all is read
        # (shape, id) -> what the first description said, to compare a repeated one with.
        self.described: dict[tuple[str, str], dict[str, Any]] = {}

    def first(self, what: str, key: str, fields: dict[str, Any]) -> bool:
        """True for the first description of `key`; a repeated one is compared, not merged."""
        if (what, key) in self.described:
            first_file = self.facts.files.get(key, self.facts.file)
            self.facts.described_again(what, key, first_file, self.described[(what, key)], fields)
            return False
        self.described[(what, key)] = fields
        self.facts.origin(key)  # remembers the file that described it first
        return True

    def origin(self, address: str) -> Origin:
        return self.facts.origin(address)

    def stub(self, vpc_id: Any) -> str | None:
        """The VPC's key, creating it from its id when no describe-vpcs output has it yet."""
        if not isinstance(vpc_id, str) or not vpc_id:
            return None
        if vpc_id not in self.facts.vpcs:
            self.facts.vpcs[vpc_id] = VpcFacts(vpc_id, vpc_id, self.origin(vpc_id))
        return vpc_id

    def vpc(self, raw: dict[str, Any], index: int) -> None:
        vpc_id = raw.get("VpcId")
        if not isinstance(vpc_id, str):
            self.facts.issue(f"VPC #{index + 1} has no VpcId; left out")
            return
        vpc = VpcFacts(vpc_id, name_tag(raw, vpc_id), Origin(self.facts.file, address=vpc_id))
        vpc.cidr = raw.get("CidrBlock") if isinstance(raw.get("CidrBlock"), str) else None
        for association in listed(raw, "CidrBlockAssociationSet"):
            block = association.get("CidrBlock") if isinstance(association, dict) else None
            state = _state(association, "CidrBlockState")
            if isinstance(block, str) and block != vpc.cidr and state in ("associated", None):
                vpc.secondary_cidrs.append(
                    (block, self.origin(str(association.get("AssociationId", vpc_id))))
                )
        for association in listed(raw, "Ipv6CidrBlockAssociationSet"):
            block = association.get("Ipv6CidrBlock") if isinstance(association, dict) else None
            if isinstance(block, str) and _state(association, "Ipv6CidrBlockState") in (
                "associated",
                None,
            ):
                vpc.ipv6_cidrs.append(block)
        vpc.account = raw.get("OwnerId") if isinstance(raw.get("OwnerId"), str) else None
        if self.first("VPC", vpc_id, compared(vpc)):
            vpc.origin = self.origin(vpc_id)
            self.facts.vpcs[vpc_id] = vpc

    def subnet(self, raw: dict[str, Any], index: int) -> None:
        subnet_id = raw.get("SubnetId")
        if not isinstance(subnet_id, str):
            self.facts.issue(f"subnet #{index + 1} has no SubnetId; left out")
            return
        vpc_id = raw.get("VpcId") if isinstance(raw.get("VpcId"), str) and raw["VpcId"] else None
        subnet = SubnetFacts(
            subnet_id, name_tag(raw, subnet_id), Origin(self.facts.file, address=subnet_id), vpc_id
        )
        subnet.cidr = raw.get("CidrBlock") if isinstance(raw.get("CidrBlock"), str) else None
        for association in listed(raw, "Ipv6CidrBlockAssociationSet"):
            block = association.get("Ipv6CidrBlock") if isinstance(association, dict) else None
            if isinstance(block, str):
                subnet.ipv6_cidr = block
        zone = raw.get("AvailabilityZone") or raw.get("AvailabilityZoneId")
        subnet.az = zone if isinstance(zone, str) else None
        if not self.first("subnet", subnet_id, compared(subnet)):
            return
        subnet.origin = self.origin(subnet_id)
        vpc = self.stub(vpc_id)
        named_zone = raw.get("AvailabilityZone")
        region = region_of_zone(named_zone if isinstance(named_zone, str) else "")
        region = region or region_of_arn(str(raw.get("SubnetArn", "")))
        if vpc is not None and region is not None:
            self.zone_regions.setdefault(vpc, region)
        self.facts.subnets[subnet_id] = subnet

    def peering(self, raw: dict[str, Any], index: int) -> None:
        peering_id = raw.get("VpcPeeringConnectionId")
        if not isinstance(peering_id, str):
            return
        if not self.first("peering", peering_id, _peering_fields(raw)):
            return
        sides = [self._peer(raw.get(side)) for side in ("RequesterVpcInfo", "AccepterVpcInfo")]
        status = raw.get("Status")
        code = status.get("Code") if isinstance(status, dict) else None
        peering = PeeringFacts(
            peering_id,
            name_tag(raw, peering_id),
            self.origin(peering_id),
            sides[0],
            sides[1],
            status=code if isinstance(code, str) else "active",
        )
        for side in ("RequesterVpcInfo", "AccepterVpcInfo"):
            options = _object(raw.get(side)).get("PeeringOptions")
            allowed = (
                options.get("AllowDnsResolutionFromRemoteVpc")
                if isinstance(options, dict)
                else None
            )
            if isinstance(allowed, bool):
                peering.dns_resolution = bool(peering.dns_resolution) or allowed
        self.facts.peerings[peering_id] = peering

    def _peer(self, info: Any) -> str | None:
        """The VPC of one side, filled from what the peering says about it."""
        if not isinstance(info, dict):
            return None
        vpc_id = self.stub(info.get("VpcId"))
        if vpc_id is None:
            return None
        vpc = self.facts.vpcs[vpc_id]
        blocks = [b.get("CidrBlock") for b in listed(info, "CidrBlockSet") if isinstance(b, dict)]
        primary = info.get("CidrBlock")
        if vpc.cidr is None and isinstance(primary, str):
            vpc.cidr = primary
            vpc.secondary_cidrs += [
                (b, vpc.origin) for b in blocks if isinstance(b, str) and b != primary
            ]
        if vpc.account is None and isinstance(info.get("OwnerId"), str):
            vpc.account = info["OwnerId"]
        if vpc.region is None and isinstance(info.get("Region"), str):
            vpc.region = info["Region"]
        if vpc.cidr is None:
            vpc.cidr_unknown = "the peering does not show its block yet (it is shown once accepted)"
        return vpc_id

    def transit_gateway(self, raw: dict[str, Any], index: int) -> None:
        gateway_id = raw.get("TransitGatewayId")
        if not isinstance(gateway_id, str) or raw.get("State") in ("deleted", "deleting"):
            return
        gateway = GatewayFacts(gateway_id, name_tag(raw, gateway_id), self.origin(gateway_id))
        gateway.region = region_of_arn(str(raw.get("TransitGatewayArn", "")))
        gateway.account = raw.get("OwnerId") if isinstance(raw.get("OwnerId"), str) else None
        if self.first("transit gateway", gateway_id, compared(gateway)):
            self.facts.gateways[gateway_id] = gateway

    def attachment(self, raw: dict[str, Any], index: int) -> None:
        attachment_id = str(raw.get("TransitGatewayAttachmentId", f"attachment #{index + 1}"))
        if raw.get("State") in ("deleted", "deleting", "failed", "rejected"):
            self.facts.issue(f"{attachment_id} is {raw.get('State')}; left out", attachment_id)
            return
        gateway_id = raw.get("TransitGatewayId")
        if isinstance(gateway_id, str) and gateway_id not in self.facts.gateways:
            # Known only by its id; the Region follows the document's.
            self.facts.gateways[gateway_id] = GatewayFacts(
                gateway_id, gateway_id, self.origin(gateway_id)
            )
        subnets = [s for s in listed(raw, "SubnetIds") if isinstance(s, str)]
        fields = {"TransitGatewayId": gateway_id, "VpcId": raw.get("VpcId"), "SubnetIds": subnets}
        if not self.first("transit gateway attachment", attachment_id, fields):
            return
        options = _object(raw.get("Options"))
        self.facts.attachments.append(
            AttachmentFacts(
                attachment_id,
                self.origin(attachment_id),
                gateway_id if isinstance(gateway_id, str) else None,
                raw.get("VpcId") if isinstance(raw.get("VpcId"), str) else None,
                subnets,
                appliance_mode=options.get("ApplianceModeSupport") == "enable",
            )
        )

    def route_table(self, raw: dict[str, Any], index: int) -> None:
        table_id = raw.get("RouteTableId")
        if not isinstance(table_id, str):
            return
        fields = {key: raw.get(key) for key in ("VpcId", "Associations", "Routes")}
        if not self.first("route table", table_id, {**fields, "Name": name_tag(raw, table_id)}):
            return
        vpc = self.stub(raw.get("VpcId"))
        table = TableFacts(table_id, name_tag(raw, table_id), self.origin(table_id), vpc)
        for association in listed(raw, "Associations"):
            if not isinstance(association, dict):
                continue
            if association.get("Main") is True:
                table.main = True
            subnet = self.facts.subnets.get(str(association.get("SubnetId")))
            if subnet is not None:
                subnet.route_table = table_id
                subnet.route_table_origin = self.origin(
                    str(association.get("RouteTableAssociationId", table_id))
                )
            elif isinstance(association.get("GatewayId"), str):
                self.facts.issue(
                    f"{table_id}: edge association with {association['GatewayId']} is not in format 1; left out",
                    table_id,
                )
            elif isinstance(association.get("SubnetId"), str):
                self.facts.issue(
                    f"{table_id} is associated with {association['SubnetId']}, which is not in the imported describe-subnets output",
                    table_id,
                )
        for route in listed(raw, "Routes"):
            if isinstance(route, dict):
                self._route(table, route, vpc)
        self.facts.tables[table_id] = table

    def _route(self, table: TableFacts, route: dict[str, Any], vpc: str | None) -> None:
        destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        origin = self.origin(table.key)
        if not isinstance(destination, str):
            what = route.get("DestinationPrefixListId", "an unknown destination")
            self.facts.issue(
                f"{table.key}: a route to {what} cannot be imported (format 1 names only pl:s3 and pl:dynamodb, which gateway endpoints add); left out",
                table.key,
            )
            return
        if route.get("GatewayId") == "local":
            blocks = self.local_routes.setdefault(vpc or "", [])
            if vpc is not None and "DestinationCidrBlock" in route and destination not in blocks:
                blocks.append(destination)
            return
        if route.get("State") == "blackhole":
            table.routes.append(RouteFacts(destination, "blackhole", None, origin))
            return
        for field, kind in _TARGETS:
            value = route.get(field)
            if not isinstance(value, str) or not value:
                continue
            if kind is None:
                self.facts.issue(
                    f"{table.key}: route {destination} via {field} has no format-1 target; left out",
                    table.key,
                )
                return
            if kind == "":
                kind = next((k for p, k in _GATEWAY_KINDS.items() if value.startswith(p)), "")
                if not kind:
                    self.facts.issue(
                        f"{table.key}: route {destination} via {value} has no format-1 target; left out",
                        table.key,
                    )
                    return
                if kind == "igw" and vpc is not None:
                    self.igw_vpcs.append((vpc, value))
            table.routes.append(
                RouteFacts(destination, kind, value if kind in _NAMED else None, origin)
            )
            return
        self.facts.issue(f"{table.key}: route {destination} has no target; left out", table.key)

    def endpoint(self, raw: dict[str, Any], index: int) -> None:
        endpoint_id = str(raw.get("VpcEndpointId", f"endpoint #{index + 1}"))
        kind = str(raw.get("VpcEndpointType", "Gateway")).lower()
        service = raw.get("ServiceName")
        if kind not in ("gateway", "interface", "gatewayloadbalancer") or not isinstance(
            service, str
        ):
            self.facts.issue(
                f"{endpoint_id}: {raw.get('VpcEndpointType')} endpoints are not in format 1; left out",
                endpoint_id,
            )
            return
        endpoint = EndpointFacts(
            endpoint_id,
            name_tag(raw, endpoint_id),
            self.origin(endpoint_id),
            raw.get("VpcId") if isinstance(raw.get("VpcId"), str) else None,
            service,
            kind,
            route_tables=[t for t in listed(raw, "RouteTableIds") if isinstance(t, str)],
            subnets=[s for s in listed(raw, "SubnetIds") if isinstance(s, str)],
        )
        if not self.first("endpoint", endpoint_id, compared(endpoint)):
            return
        region = service.split(".")[2] if service.count(".") >= 3 else None
        if endpoint.vpc is not None and region is not None:
            self.zone_regions.setdefault(endpoint.vpc, region)
        if isinstance(raw.get("PrivateDnsEnabled"), bool):
            endpoint.private_dns = raw["PrivateDnsEnabled"]
        if "Groups" in raw:
            endpoint.security_groups = group_ids(raw, "Groups")
        self.facts.endpoints[endpoint_id] = endpoint

    def nat_gateway(self, raw: dict[str, Any], index: int) -> None:
        nat_id, subnet = raw.get("NatGatewayId"), raw.get("SubnetId")
        if isinstance(nat_id, str) and raw.get("State") not in ("deleted", "deleting", "failed"):
            subnet = subnet if isinstance(subnet, str) else None
            if self.first("NAT gateway", nat_id, {"SubnetId": subnet}):
                self.facts.nat_subnets[nat_id] = subnet

    def internet_gateway(self, raw: dict[str, Any], index: int) -> None:
        gateway_id = str(raw.get("InternetGatewayId", f"internet gateway #{index + 1}"))
        vpcs = [
            attachment["VpcId"]
            for attachment in listed(raw, "Attachments")
            if isinstance(attachment, dict)
            and isinstance(attachment.get("VpcId"), str)
            and attachment.get("State") in ("available", "attached")
        ]
        if self.first("internet gateway", gateway_id, {"attached to": vpcs}):
            self.igw_vpcs += [(vpc, gateway_id) for vpc in vpcs]

    def finish(self) -> None:
        """What needs every file read: blocks from local routes, Regions, gateway attachments."""
        for vpc_id, blocks in self.local_routes.items():
            vpc = self.facts.vpcs.get(vpc_id)
            if vpc is not None and vpc.cidr is None and blocks:
                vpc.cidr = blocks[0]
                vpc.secondary_cidrs += [(block, vpc.origin) for block in blocks[1:]]
        for vpc_id, region in self.zone_regions.items():
            vpc = self.facts.vpcs.get(vpc_id)
            if vpc is not None and vpc.region is None:
                vpc.region = region
        for vpc_id, gateway_id in self.igw_vpcs:
            if vpc_id in self.facts.vpcs:
                self.facts.vpcs[vpc_id].internet_gateway = True
            else:
                self.facts.issue(
                    f"{gateway_id} is attached to {vpc_id}, which is not in the imported source",
                    gateway_id,
                )


def _peering_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """What the import reads of a peering, to compare a repeated description with."""
    status = _object(raw.get("Status")).get("Code")
    fields: dict[str, Any] = {"Status": status, "Name": name_tag(raw, "")}
    for side in ("RequesterVpcInfo", "AccepterVpcInfo"):
        info = _object(raw.get(side))
        for key in ("VpcId", "CidrBlock", "CidrBlockSet", "OwnerId", "Region", "PeeringOptions"):
            fields[f"{side}.{key}"] = info.get(key)
    return fields


def _state(association: Any, field: str) -> Any:
    state = association.get(field) if isinstance(association, dict) else None
    return state.get("State") if isinstance(state, dict) else None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
