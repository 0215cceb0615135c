"""Terraform AWS resources of a plan to facts: one handler per resource type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archplan.importers.common import Origin
from archplan.importers.tf_awscli_facts import (
    AttachmentFacts,
    EndpointFacts,
    Facts,
    GatewayFacts,
    GroupFacts,
    PeeringFacts,
    RouteFacts,
    SubnetFacts,
    TableFacts,
    VpcFacts,
)
from archplan.importers.tf_network import NetworkHandlers, transit_gateway_defaults
from archplan.importers.tf_plan import Plan, Resource
from archplan.importers.tf_scaling import scaling_group

# Route target attributes in the order AWS's CreateRoute documents them, with the resource
# types a reference may point at and the format-1 target kind each gives.
_TARGETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gateway_id", ("aws_internet_gateway", "aws_vpn_gateway", "aws_vpc_endpoint")),
    ("nat_gateway_id", ("aws_nat_gateway",)),
    ("vpc_peering_connection_id", ("aws_vpc_peering_connection",)),
    ("transit_gateway_id", ("aws_ec2_transit_gateway",)),
    ("egress_only_gateway_id", ("aws_egress_only_internet_gateway",)),
    ("network_interface_id", ("aws_network_interface",)),
    ("vpc_endpoint_id", ("aws_vpc_endpoint", "aws_networkfirewall_firewall")),
    ("instance_id", ()),
    ("carrier_gateway_id", ()),
    ("local_gateway_id", ()),
    ("core_network_arn", ()),
)
_KIND_OF_TYPE = {
    "aws_internet_gateway": "igw",
    "aws_vpn_gateway": "vgw",
    "aws_nat_gateway": "nat",
    "aws_vpc_peering_connection": "peering",
    "aws_ec2_transit_gateway": "tgw",
    "aws_egress_only_internet_gateway": "egress-only-igw",
    "aws_vpc_endpoint": "endpoint",
    "aws_networkfirewall_firewall": "firewall",
}
# AWS ids a known target value may hold, by prefix.
_KIND_OF_ID = {
    "igw-": "igw",
    "vgw-": "vgw",
    "nat-": "nat",
    "pcx-": "peering",
    "tgw-": "tgw",
    "eigw-": "egress-only-igw",
    "eni-": "eni",
    "vpce-": "endpoint",
}
_NAMED = ("nat", "peering", "tgw", "endpoint", "eni", "firewall")


class Importer:
    """Reads one plan's resources into `facts`; `prefix` keeps several plans' keys apart."""

    def __init__(self, plan: Plan, facts: Facts, prefix: str = "") -> None:
        self.plan = plan
        self.facts = facts
        self.prefix = prefix

    def key(self, resource: Resource) -> str:
        return self.prefix + resource.address

    def origin(self, resource: Resource) -> Origin:
        return Origin(self.facts.file, address=resource.address)

    def issue(self, resource: Resource, message: str) -> None:
        self.facts.issue(message, resource.address)  # the origin carries the address

    def run(self) -> None:
        # Objects before what points at them: VPCs, then their parts, then routes,
        # associations and attachments, then the groups that launch into subnets.
        network, network_links = NetworkHandlers(self).phases()
        phases: tuple[dict[str, Callable[[Resource], None]], ...] = (
            {"aws_vpc": self.vpc},
            {
                "aws_vpc_ipv4_cidr_block_association": self.secondary_cidr,
                "aws_subnet": self.subnet,
                "aws_route_table": self.route_table,
                "aws_default_route_table": self.route_table,
                "aws_internet_gateway": self.internet_gateway,
                "aws_internet_gateway_attachment": self.internet_gateway,
                "aws_vpc_peering_connection": self.peering,
                "aws_ec2_transit_gateway": self.transit_gateway,
            },
            {
                "aws_nat_gateway": self.nat_gateway,
                "aws_vpc_endpoint": self.endpoint,
                "aws_vpc_peering_connection_accepter": self.accepter,
                "aws_vpc_peering_connection_options": self.peering_options,
                "aws_ec2_transit_gateway_vpc_attachment": self.attachment,
                **network,
            },
            {
                "aws_route": self.route,
                "aws_route_table_association": self.association,
                "aws_main_route_table_association": self.main_association,
                "aws_vpc_endpoint_route_table_association": self.endpoint_association,
                "aws_vpc_endpoint_subnet_association": self.endpoint_association,
                "aws_autoscaling_group": self.scaling_group,
                **network_links,
            },
        )
        for handlers in phases:
            for resource in self.plan.resources:
                handler = handlers.get(resource.type)
                if handler is not None:
                    handler(resource)
        # Containers after the groups their capacity providers name (tf_containers).
        from archplan.importers.tf_containers import FIRST, LAST, THEN, ContainerImporter

        containers = ContainerImporter(self)
        for kinds in (FIRST, THEN, LAST):
            for resource in self.plan.resources:
                if resource.type in kinds:
                    containers.handle(resource)

    # -- helpers ----------------------------------------------------------------------------

    def label(self, resource: Resource) -> str:
        tags = resource.values.get("tags")
        name = tags.get("Name") if isinstance(tags, dict) else None
        return name if isinstance(name, str) and name else resource.address

    def one(self, resource: Resource, attribute: str, kinds: tuple[str, ...]) -> str | None:
        """The key of the resource `attribute` points at, or None."""
        found = self.plan.resolve(resource, attribute, kinds)
        return self.key(found[0]) if found else None

    def vpc_of(self, resource: Resource, attribute: str = "vpc_id") -> str | None:
        """The key of the VPC `attribute` points at; None, with an issue, when it is not one VPC
        of this plan (a literal id of another VPC, or a reference that does not resolve)."""
        found = self.plan.resolve(resource, attribute, ("aws_vpc",))
        value = resource.known(attribute)
        if not found and not isinstance(value, str) and _only_locals(resource, attribute):
            # `local.vpc_id` in a module (or the root) with exactly one VPC: that VPC. Never
            # across modules, never for a literal id or a data source, which name another VPC.
            same_module = self.plan.of_type("aws_vpc", resource.module)
            found = same_module if len(same_module) == 1 else []
        if len(found) == 1:
            return self.key(found[0])
        self.issue(
            resource,
            f"{attribute} "
            + (
                f"{value} is not a VPC of this plan"
                if isinstance(value, str)
                else "does not resolve to one VPC of this plan"
            )
            + "; left out",
        )
        return None

    def cidr(self, resource: Resource, attribute: str) -> str | None:
        value = resource.known(attribute)
        if isinstance(value, str):
            return value
        if resource.is_unknown(attribute):
            self.issue(resource, f"{attribute} is known only after apply")
        return None

    # -- VPCs -------------------------------------------------------------------------------

    def vpc(self, resource: Resource) -> None:
        values = resource.values
        facts = VpcFacts(
            self.key(resource),
            self.label(resource),
            self.origin(resource),
            region=self.plan.region_of(resource),
        )
        facts.cidr = resource.known("cidr_block")
        if facts.cidr is None:
            facts.cidr_unknown = (
                "its IPv4 block comes from an IPAM pool at apply time"
                if resource.known("ipv4_ipam_pool_id")
                or "ipv4_ipam_pool_id" in resource.expressions
                else "its IPv4 block is known only after apply"
            )
        ipv6 = resource.known("ipv6_cidr_block")
        if isinstance(ipv6, str):
            facts.ipv6_cidrs.append(ipv6)
        elif values.get("assign_generated_ipv6_cidr_block") is True:
            self.issue(
                resource, "the Amazon-provided IPv6 block is known only after apply; left out"
            )
        for attribute, field in (
            ("enable_dns_hostnames", "dns_hostnames"),
            ("enable_dns_support", "dns_resolution"),
        ):
            if isinstance(values.get(attribute), bool):
                setattr(facts, field, values[attribute])
        self.facts.vpcs[facts.key] = facts

    def secondary_cidr(self, resource: Resource) -> None:
        vpc = self.vpc_of(resource)
        block = self.cidr(resource, "cidr_block")
        if vpc is None or block is None:
            return
        self.facts.vpcs[vpc].secondary_cidrs.append((block, self.origin(resource)))

    def subnet(self, resource: Resource) -> None:
        vpc = self.vpc_of(resource)
        literal = resource.known("vpc_id")
        if vpc is None and isinstance(literal, str):
            vpc = literal  # another VPC's id: the subnet waits under x-incomplete, named so
        facts = SubnetFacts(self.key(resource), self.label(resource), self.origin(resource), vpc)
        facts.cidr = self.cidr(resource, "cidr_block")
        facts.ipv6_cidr = resource.known("ipv6_cidr_block")
        zone = resource.known("availability_zone") or resource.known("availability_zone_id")
        if isinstance(zone, str):
            facts.az = zone
        else:
            # AWS picks the zone at apply time. A guessed zone would make the zone rules judge
            # the guess (two subnets "both in zone a"), so the subnet waits under x-incomplete.
            facts.az_unknown = (
                "its availability_zone is known only after apply"
                if resource.is_unknown("availability_zone")
                else "availability_zone is not set (AWS picks one at apply time)"
            )
        self.facts.subnets[facts.key] = facts

    def internet_gateway(self, resource: Resource) -> None:
        if (
            resource.type == "aws_internet_gateway"
            and "vpc_id" not in resource.expressions
            and not resource.known("vpc_id")
        ):
            return  # attached by a separate aws_internet_gateway_attachment
        vpc = self.vpc_of(resource)
        if vpc is not None:
            self.facts.vpcs[vpc].internet_gateway = True

    def nat_gateway(self, resource: Resource) -> None:
        found = self.plan.resolve(resource, "subnet_id", ("aws_subnet",))
        self.facts.nat_subnets[self.key(resource)] = self.key(found[0]) if found else None
        if not found:
            self.issue(resource, "subnet_id does not resolve to a subnet of this plan")

    # -- routing ----------------------------------------------------------------------------

    def route_table(self, resource: Resource) -> None:
        main = resource.type == "aws_default_route_table"
        vpc = self._default_table_vpc(resource) if main else self.vpc_of(resource)
        table = TableFacts(
            self.key(resource), self.label(resource), self.origin(resource), vpc, main
        )
        self.facts.tables[table.key] = table
        blocks = resource.expressions.get("route")
        configured = [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []
        routes = resource.values.get("route")
        for route in routes if isinstance(routes, list) else []:
            if not isinstance(route, dict):
                continue
            destination = route.get("cidr_block") or route.get("ipv6_cidr_block")
            block = next(
                (
                    b
                    for b in configured
                    if _constant(b, "cidr_block") == destination
                    or _constant(b, "ipv6_cidr_block") == destination
                ),
                {},
            )
            self._add_route(table, resource, route, block, destination)
        if configured and not routes:
            self.issue(resource, "inline routes are known only after apply; left out")

    def _default_table_vpc(self, resource: Resource) -> str | None:
        found = self.plan.resolve(resource, "default_route_table_id", ("aws_vpc",))
        if len(found) == 1:
            return self.key(found[0])
        return self.vpc_of(resource)

    def route(self, resource: Resource) -> None:
        tables = self.plan.resolve(
            resource, "route_table_id", ("aws_route_table", "aws_default_route_table")
        )
        if not tables:
            self.issue(
                resource, "route_table_id does not resolve to a route table of this plan; left out"
            )
            return
        table = self.facts.tables[self.key(tables[0])]
        destination = resource.known("destination_cidr_block") or resource.known(
            "destination_ipv6_cidr_block"
        )
        if destination is None:
            destination = self._destination_from(resource)
        self._add_route(table, resource, resource.values, resource.expressions, destination)

    def _destination_from(self, resource: Resource) -> str | None:
        """An unknown destination written as another resource's block (aws_vpc.peer.cidr_block)."""
        for attribute in ("destination_cidr_block", "destination_ipv6_cidr_block"):
            found = self.plan.resolve(resource, attribute, ("aws_vpc", "aws_subnet"))
            if found:
                block = found[0].known(
                    "cidr_block" if "ipv6" not in attribute else "ipv6_cidr_block"
                )
                if isinstance(block, str):
                    return block
        return None

    def _add_route(
        self,
        table: TableFacts,
        resource: Resource,
        values: dict[str, Any],
        expressions: dict[str, Any],
        destination: Any,
    ) -> None:
        if not isinstance(destination, str):
            prefix_list = values.get("destination_prefix_list_id")
            what = (
                f"prefix list {prefix_list}"
                if prefix_list
                else "a destination known only after apply"
            )
            self.issue(resource, f"a route to {what} cannot be imported; left out")
            return
        target = self._route_target(resource, values, expressions)
        if target is None:
            return
        kind, ref = target
        if kind == "local":
            return
        table.routes.append(RouteFacts(destination, kind, ref, self.origin(resource)))

    def _route_target(
        self, resource: Resource, values: dict[str, Any], expressions: dict[str, Any]
    ) -> tuple[str, str | None] | None:
        for attribute, kinds in _TARGETS:
            value = values.get(attribute)
            written = (isinstance(value, str) and value != "") or attribute in expressions
            if not written:
                continue
            if not kinds:
                self.issue(resource, f"a route via {attribute} has no format-1 target; left out")
                return None
            found = (
                []
                if isinstance(value, str) and value
                else self.plan.follow(resource, expressions.get(attribute), kinds)
            )
            if found:
                kind = _KIND_OF_TYPE.get(found[0].type, "eni")
                if kind == "firewall":  # the endpoint of a firewall with one subnet
                    return (kind, self.key(found[0]) + "|")
                return (kind, self.key(found[0]) if kind in _NAMED else None)
            if isinstance(value, str) and value:
                if value == "local":
                    return ("local", None)
                resolved = self.plan.by_id(value)
                if resolved is not None and resolved.type in _KIND_OF_TYPE:
                    kind = _KIND_OF_TYPE[resolved.type]
                    return (kind, self.key(resolved) if kind in _NAMED else None)
                kind_of_id = next((k for p, k in _KIND_OF_ID.items() if value.startswith(p)), None)
                if kind_of_id is not None:
                    return (kind_of_id, value if kind_of_id in _NAMED else None)
            self.issue(
                resource, f"{attribute} does not resolve to a resource of this plan; route left out"
            )
            return None
        self.issue(resource, "a route without a target; left out")
        return None

    def association(self, resource: Resource) -> None:
        if resource.known("gateway_id") or "gateway_id" in resource.expressions:
            self.issue(resource, "edge associations (with a gateway) are not in format 1; left out")
            return
        subnets = self.plan.resolve(resource, "subnet_id", ("aws_subnet",))
        tables = self.plan.resolve(
            resource, "route_table_id", ("aws_route_table", "aws_default_route_table")
        )
        if not subnets or not tables:
            self.issue(
                resource, "subnet_id or route_table_id does not resolve; association left out"
            )
            subnet = self.facts.subnets.get(self.key(subnets[0])) if subnets else None
            if subnet is not None:
                subnet.route_table_unknown = (
                    f"the route table of its association {resource.address} does not resolve"
                )
            return
        subnet = self.facts.subnets.get(self.key(subnets[0]))
        if subnet is not None:
            subnet.route_table = self.key(tables[0])
            subnet.route_table_origin = self.origin(resource)

    def main_association(self, resource: Resource) -> None:
        tables = self.plan.resolve(resource, "route_table_id", ("aws_route_table",))
        if not tables:
            self.issue(resource, "route_table_id does not resolve; main association left out")
            return
        self.facts.tables[self.key(tables[0])].main = True

    # -- connections ------------------------------------------------------------------------

    def peering(self, resource: Resource) -> None:
        values = resource.values
        accepter = self.plan.resolve(resource, "peer_vpc_id", ("aws_vpc",))
        if len(accepter) > 1 or (not accepter and not resource.known("peer_vpc_id")):
            self.issue(resource, "peer_vpc_id does not resolve to one VPC of this plan")
            accepter = []
        peering = PeeringFacts(
            self.key(resource),
            self.label(resource),
            self.origin(resource),
            requester=self.vpc_of(resource),
            accepter=self.key(accepter[0]) if accepter else resource.known("peer_vpc_id"),
            # auto_accept defaults to false: the other side must accept (an _accepter
            # resource with auto_accept = true does).
            status="active" if values.get("auto_accept") is True else "pending-acceptance",
        )
        self.facts.peerings[peering.key] = peering
        self._dns(peering, values)

    def _dns(self, peering: PeeringFacts, values: dict[str, Any]) -> None:
        for side in ("requester", "accepter"):
            options = values.get(side)
            for option in options if isinstance(options, list) else []:
                allowed = (
                    option.get("allow_remote_vpc_dns_resolution")
                    if isinstance(option, dict)
                    else None
                )
                if isinstance(allowed, bool):
                    peering.dns_resolution = bool(peering.dns_resolution) or allowed

    def accepter(self, resource: Resource) -> None:
        found = self.plan.resolve(
            resource, "vpc_peering_connection_id", ("aws_vpc_peering_connection",)
        )
        if not found:
            self.issue(
                resource,
                "accepts a peering that is not in this plan (import the requester's plan too)",
            )
            return
        peering = self.facts.peerings[self.key(found[0])]
        # The accepter's auto_accept defaults to false too: without it, it only adopts the
        # peering, which stays pending acceptance.
        if resource.values.get("auto_accept") is True:
            peering.status = "active"
        self._dns(peering, resource.values)

    def peering_options(self, resource: Resource) -> None:
        found = self.plan.resolve(
            resource, "vpc_peering_connection_id", ("aws_vpc_peering_connection",)
        )
        if found:
            self._dns(self.facts.peerings[self.key(found[0])], resource.values)

    def transit_gateway(self, resource: Resource) -> None:
        gateway = GatewayFacts(
            self.key(resource),
            self.label(resource),
            self.origin(resource),
            self.plan.region_of(resource),
        )
        gateway.security_group_referencing = _switch(
            resource, "security_group_referencing_support", "disable"
        )
        self.facts.gateways[gateway.key] = gateway
        transit_gateway_defaults(self, resource)

    def attachment(self, resource: Resource) -> None:
        found = self.plan.resolve(resource, "transit_gateway_id", ("aws_ec2_transit_gateway",))
        gateway = self.key(found[0]) if found else resource.known("transit_gateway_id")
        if gateway is not None and gateway not in self.facts.gateways and not found:
            # A transit gateway created elsewhere, known by its id.
            self.facts.gateways[gateway] = GatewayFacts(
                gateway, gateway, self.origin(resource), self.plan.region_of(resource)
            )
        subnets = self.plan.resolve(resource, "subnet_ids", ("aws_subnet",), many=True)
        self.facts.attachments.append(
            AttachmentFacts(
                self.key(resource),
                self.origin(resource),
                gateway,
                self.vpc_of(resource),
                [self.key(s) for s in subnets],
                appliance_mode=resource.values.get("appliance_mode_support") == "enable",
                ipv6_support=_switch(resource, "ipv6_support", "disable"),
                security_group_referencing=_switch(
                    resource, "security_group_referencing_support", "enable"
                ),
            )
        )
        if not subnets:
            self.issue(resource, "subnet_ids do not resolve to subnets of this plan")

    def endpoint(self, resource: Resource) -> None:
        kind = str(resource.known("vpc_endpoint_type") or "Gateway").lower()
        service = resource.known("service_name")
        if kind == "gatewayloadbalancer":
            service = service if isinstance(service, str) else None
        elif kind not in ("gateway", "interface") or not isinstance(service, str):
            what = (
                f"{kind} endpoints are not in format 1"
                if isinstance(service, str)
                else "service_name is known only after apply"
            )
            self.issue(resource, f"{what}; left out")
            return
        endpoint = EndpointFacts(
            self.key(resource),
            self.label(resource),
            self.origin(resource),
            self.vpc_of(resource),
            service,
            kind,
            route_tables=[
                self.key(r)
                for r in self.plan.resolve(
                    resource,
                    "route_table_ids",
                    ("aws_route_table", "aws_default_route_table"),
                    many=True,
                )
            ],
            subnets=[
                self.key(r)
                for r in self.plan.resolve(resource, "subnet_ids", ("aws_subnet",), many=True)
            ],
        )
        if isinstance(resource.values.get("private_dns_enabled"), bool):
            endpoint.private_dns = resource.values["private_dns_enabled"]
        if "security_group_ids" in resource.expressions or resource.values.get(
            "security_group_ids"
        ):
            groups = self.plan.resolve(
                resource, "security_group_ids", ("aws_security_group",), many=True
            )
            written = resource.values.get("security_group_ids")
            complete = not isinstance(written, list) or len(groups) >= len(written)
            endpoint.security_groups = (
                [self.key(g) for g in groups] if groups and complete else None
            )
        self.facts.endpoints[endpoint.key] = endpoint

    def endpoint_association(self, resource: Resource) -> None:
        found = self.plan.resolve(resource, "vpc_endpoint_id", ("aws_vpc_endpoint",))
        endpoint = self.facts.endpoints.get(self.key(found[0])) if found else None
        if endpoint is None:
            self.issue(resource, "vpc_endpoint_id does not resolve to an endpoint of this plan")
            return
        if resource.type.endswith("route_table_association"):
            tables = self.plan.resolve(
                resource, "route_table_id", ("aws_route_table", "aws_default_route_table")
            )
            endpoint.route_tables += [self.key(t) for t in tables]
        else:
            subnets = self.plan.resolve(resource, "subnet_id", ("aws_subnet",))
            endpoint.subnets += [self.key(s) for s in subnets]

    # -- scaling groups ---------------------------------------------------------------------

    def scaling_group(self, resource: Resource) -> None:
        group = GroupFacts(self.key(resource), _group_label(resource), self.origin(resource))
        scaling_group(self, resource, group)
        self.facts.groups[group.key] = group


def _group_label(resource: Resource) -> str:
    name = resource.known("name")
    return name if isinstance(name, str) else resource.address


def _only_locals(resource: Resource, attribute: str) -> bool:
    """Whether the attribute's expression refers to local values only (local.vpc_id)."""
    expression = resource.expressions.get(attribute)
    references = expression.get("references") if isinstance(expression, dict) else None
    return (
        isinstance(references, list)
        and bool(references)
        and all(isinstance(r, str) and r.startswith("local.") for r in references)
    )


def _constant(block: dict[str, Any], attribute: str) -> Any:
    expression = block.get(attribute)
    return expression.get("constant_value") if isinstance(expression, dict) else None


def _switch(resource: Resource, attribute: str, default: str) -> bool | None:
    """An enable/disable attribute: AWS's default when the plan leaves it unset, None when
    it is known only after apply (or holds neither word)."""
    if resource.is_unknown(attribute):
        return None
    value = resource.values.get(attribute)
    value = default if value in (None, "") else value
    return {"enable": True, "disable": False}.get(str(value).lower())
