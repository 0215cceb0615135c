"""Facts to one format-1 document: names, references by name, and what stays incomplete.

The document holds only what format 1 can check: an object whose required fields the source
did not give (a VPC without a known block, a subnet without a zone, a scaling group whose
subnets were not imported) goes under the top-level `x-incomplete` key instead, in the same
shape plus `source` and `missing`, with an issue that says how to complete it. archplan ignores
`x-` keys, so the produced file validates, and nothing the source said is silently lost.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from archplan.importers.common import DocPath, Imported, Origin, object_name
from archplan.importers.tf_awscli_facts import (
    Facts,
    GroupFacts,
    RouteFacts,
    SubnetFacts,
    VpcFacts,
    valid_account,
)
from archplan.importers.tf_awscli_network import NetworkAssembly
from archplan.model import UNKNOWN_ZONE

INCOMPLETE = "x-incomplete"


class _Assembly:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.origins: dict[DocPath, Origin] = {}
        self.incomplete: dict[str, dict[str, Any]] = {}
        self.vpc_names: dict[str, str] = {}  # key -> name, complete VPCs only
        self.subnet_names: dict[str, str] = {}
        self.subnet_vpc: dict[str, str] = {}  # subnet key -> VPC key
        self.table_names: dict[str, str] = {}
        self.endpoint_names: dict[str, str] = {}
        self.peering_names: dict[str, str] = {}
        self.gateway_names: dict[str, str] = {}
        self.group_names: dict[str, str] = {}  # scaling group key -> name, complete ones
        self.parked_attachments: set[tuple[str, str]] = set()  # (gateway key, VPC key)
        self.waiting_subnets: dict[str, str] = {}  # key -> name under x-incomplete
        accounts = {vpc.account for vpc in facts.vpcs.values() if valid_account(vpc.account)}
        self.account = accounts.pop() if len(accounts) == 1 else None
        self.network = NetworkAssembly(self)

    def park(self, kind: str, name: str, entry: dict[str, Any], origin: Origin) -> None:
        """Keep an object format 1 cannot hold yet under x-incomplete."""
        if kind == "subnets":
            self.waiting_subnets[str(entry["source"])] = name
        self.incomplete.setdefault(kind, {})[name] = entry
        self.origins[(INCOMPLETE, kind, name)] = origin

    # -- VPCs and what is inside them -------------------------------------------------------

    def vpcs(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        taken: set[str] = set()
        subnet_taken: set[str] = set()
        for vpc in self.facts.vpcs.values():
            name = object_name(vpc.label, taken)
            region = vpc.region or self.facts.region
            missing = [
                what for what, known in (("cidr", vpc.cidr), ("region", region)) if known is None
            ]
            if missing:
                self._park_vpc(vpc, name, missing, subnet_taken)
                continue
            self.vpc_names[vpc.key] = name
            out[name] = self._vpc(vpc, name, region)
        for vpc_key, name in self.vpc_names.items():
            body = out[name]
            subnets = self._subnets(vpc_key, name, subnet_taken)
            if subnets:
                body["subnets"] = subnets
        self.network.name_groups()
        for vpc_key, name in self.vpc_names.items():
            body = out[name]
            tables = self._tables(vpc_key, name)
            for _, subnet in self._subnets_of(vpc_key):
                self._associate(subnet, body.get("subnets", {}), name)
            endpoints, gwlb_endpoints = self._endpoints(vpc_key, name)
            if tables:
                body["route_tables"] = tables
            if endpoints:
                body["endpoints"] = endpoints
            for key, part in (
                ("security_groups", self.network.security_groups(name)),
                ("network_acls", self.network.network_acls(vpc_key, name)),
                ("gwlb_endpoints", gwlb_endpoints),
                ("firewalls", self.network.firewalls(vpc_key, name)),
            ):
                if part:
                    body[key] = part
        self._park_orphans(subnet_taken)
        for kind, objects in (
            ("route table", self.facts.tables),
            ("endpoint", self.facts.endpoints),
        ):
            for key, item in objects.items():
                if item.vpc not in self.vpc_names:
                    self.facts.issue(
                        f"{kind} {key} left out: its VPC {item.vpc or '(unknown)'} could not be "
                        "imported",
                        item.origin.address,
                    )
        return out

    def _vpc(self, vpc: VpcFacts, name: str, region: str | None) -> dict[str, Any]:
        path: DocPath = ("vpcs", name)
        self.origins[path] = vpc.origin
        body: dict[str, Any] = {}
        if region != self.facts.region:
            body["region"] = region
        if vpc.account is not None and vpc.account != self.account:
            if valid_account(vpc.account):
                body["account"] = vpc.account
            else:
                self.facts.issue(
                    f'VPC "{name}" owner "{vpc.account}" is not a 12-digit account ID; left out',
                    vpc.origin.address,
                )
        body["cidr"] = vpc.cidr
        self.origins[(*path, "cidr")] = vpc.origin
        if vpc.secondary_cidrs:
            body["secondary_cidrs"] = [cidr for cidr, _ in vpc.secondary_cidrs]
            for index, (_, origin) in enumerate(vpc.secondary_cidrs):
                self.origins[(*path, "secondary_cidrs", index)] = origin
        if vpc.ipv6_cidrs:
            body["ipv6_cidrs"] = list(vpc.ipv6_cidrs)
        # Format 1 defaults both to true; only a known false is worth writing.
        dns = {
            key: value
            for key, value in (("hostnames", vpc.dns_hostnames), ("resolution", vpc.dns_resolution))
            if value is False
        }
        if dns:
            body["dns"] = dns
        if vpc.internet_gateway:
            body["internet_gateway"] = True
        return body

    def _park_vpc(self, vpc: VpcFacts, name: str, missing: list[str], taken: set[str]) -> None:
        entry: dict[str, Any] = {"source": vpc.key, "missing": missing}
        if vpc.cidr is not None:
            entry["cidr"] = vpc.cidr
        subnets: dict[str, Any] = {}
        for key, subnet in self._subnets_of(vpc.key):
            subnet_name = object_name(subnet.label, taken)
            subnets[subnet_name] = _subnet_entry(subnet)
            self.waiting_subnets[key] = subnet_name
        if subnets:
            entry["subnets"] = subnets
        self.park("vpcs", name, entry, vpc.origin)
        how = {
            "cidr": vpc.cidr_unknown or "its IPv4 block is not in the imported source",
            "region": "its Region is not in the source (pass --region)",
        }
        self.facts.issue(
            f'VPC "{name}" kept under {INCOMPLETE}: '
            + "; ".join(how[what] for what in missing)
            + (f"; its {len(subnets)} subnet(s) wait with it" if subnets else ""),
            vpc.origin.address,
        )

    def _subnets_of(self, vpc_key: str) -> list[tuple[str, SubnetFacts]]:
        return [(key, s) for key, s in self.facts.subnets.items() if s.vpc == vpc_key]

    def _subnets(self, vpc_key: str, vpc_name: str, taken: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, subnet in self._subnets_of(vpc_key):
            name = object_name(subnet.label, taken)
            missing = [what for what, known in (("az", subnet.az),) if known is None]
            zone_unknown = missing == ["az"] and bool(subnet.az_unknown)
            if zone_unknown:
                # AWS picks the zone at apply time: kept with `az: unknown`, so every check
                # that needs no zone (its block, overlaps, routes) still runs on it.
                missing = []
            if subnet.cidr is None and subnet.ipv6_cidr is None:
                missing.insert(0, "cidr")
            if subnet.route_table_unknown:
                missing.append("route_table")
            if missing:
                if zone_unknown:
                    missing.insert(0, "az")
                entry = {"source": key, "vpc": vpc_name, "missing": missing}
                self.park("subnets", name, {**entry, **_subnet_entry(subnet)}, subnet.origin)
                if missing == ["route_table"]:
                    why = (
                        f"{subnet.route_table_unknown}; on its VPC's main route table it would "
                        "be judged by routes it does not use"
                    )
                else:
                    why = "the source does not give its " + " or ".join(missing)
                self.facts.issue(
                    f'subnet "{name}" kept under {INCOMPLETE}: {why}', subnet.origin.address
                )
                continue
            self.subnet_names[key] = name
            self.subnet_vpc[key] = vpc_key
            path: DocPath = ("vpcs", vpc_name, "subnets", name)
            self.origins[path] = subnet.origin
            body: dict[str, Any] = {}
            if subnet.cidr is not None:
                body["cidr"] = subnet.cidr
                self.origins[(*path, "cidr")] = subnet.origin
            if subnet.ipv6_cidr is not None:
                body["ipv6_cidr"] = subnet.ipv6_cidr
            body["az"] = subnet.az if subnet.az is not None else UNKNOWN_ZONE
            self.origins[(*path, "az")] = subnet.origin
            if zone_unknown:
                self.facts.issue(
                    f'subnet "{name}": {subnet.az_unknown}; it is kept with az: unknown, and '
                    "the checks that need its zone skip it",
                    subnet.origin.address,
                )
            out[name] = body
        return out

    def _park_orphans(self, taken: set[str]) -> None:
        for key, subnet in self.facts.subnets.items():
            if subnet.vpc is not None and subnet.vpc in self.facts.vpcs:
                continue
            name = object_name(subnet.label, taken)
            entry = {
                "source": key,
                **({"vpc": subnet.vpc} if subnet.vpc else {}),
                "missing": ["vpc"],
                **_subnet_entry(subnet),
            }
            self.park("subnets", name, entry, subnet.origin)
            self.facts.issue(
                f'subnet "{name}" kept under {INCOMPLETE}: its VPC '
                + (f"{subnet.vpc} " if subnet.vpc else "")
                + "is not in the imported source",
                subnet.origin.address,
            )

    def _tables(self, vpc_key: str, vpc_name: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        taken: set[str] = set()
        for key, table in self.facts.tables.items():
            if table.vpc != vpc_key:
                continue
            name = object_name(table.label, taken)
            self.table_names[key] = name
            self.origins[("vpcs", vpc_name, "route_tables", name)] = table.origin
            body: dict[str, Any] = {}
            if table.main:
                body["main"] = True
            out[name] = body
        return out

    def routes(self, vpcs: dict[str, Any]) -> None:
        """Routes last: their targets name subnets, peerings and gateways of the whole file."""
        for key, table in self.facts.tables.items():
            name = self.table_names.get(key)
            if name is None or table.vpc not in self.vpc_names:
                continue
            vpc_name = self.vpc_names[table.vpc]
            path: DocPath = ("vpcs", vpc_name, "route_tables", name, "routes")
            routes: dict[str, str] = {}
            for route in table.routes:
                target = self._target(route, table.vpc)
                if target is None:
                    continue
                if route.destination in routes:
                    self.facts.issue(
                        f'route table "{name}" has a second route for {route.destination}; '
                        "the first is kept",
                        route.origin.address,
                    )
                    continue
                routes[route.destination] = target
                self.origins[(*path, route.destination)] = route.origin
            if routes:
                vpcs[vpc_name]["route_tables"][name]["routes"] = routes

    def _target(self, route: RouteFacts, vpc_key: str) -> str | None:
        kind, ref = route.kind, route.ref
        if ref is None:
            return kind
        if kind == "eni":
            return f"eni:{ref}"
        name: str | None
        if kind == "firewall":
            name = self.network.firewall_target(ref)
            what = (
                f"the endpoint of firewall {ref[:-1]} (with several endpoints, which one the "
                "route uses is known only after apply)"
                if ref.endswith("|")
                else f"firewall endpoint {ref}"
            )
        elif kind == "endpoint" and ref in self.network.gwlb_names:
            return f"gwlbe:{self.network.gwlb_names[ref]}"
        elif kind == "endpoint" and self.network.firewall_target(ref) is not None:
            return f"firewall:{self.network.firewall_target(ref)}"
        elif kind == "nat":
            subnet = self.facts.nat_subnets.get(ref)
            name = self.subnet_names.get(subnet) if subnet is not None else None
            what = f"the subnet of NAT gateway {ref}"
        elif kind == "peering":
            name, what = self.peering_names.get(ref), f"peering {ref}"
        elif kind == "tgw" and (ref, vpc_key) in self.parked_attachments:
            self.facts.issue(
                f"route {route.destination} left out: the attachment of its VPC to transit "
                f"gateway {ref} waits under {INCOMPLETE}",
                route.origin.address,
            )
            return None
        elif kind == "tgw":
            name, what = self.gateway_names.get(ref), f"transit gateway {ref}"
        else:
            endpoint = self.facts.endpoints.get(ref)
            same_vpc = endpoint is not None and endpoint.vpc == vpc_key
            name = self.endpoint_names.get(ref) if same_vpc else None
            what = f"endpoint {ref}"
        if name is None:
            self.facts.issue(
                f"route {route.destination} left out: {what} is not in the imported source "
                "(or could not be imported)",
                route.origin.address,
            )
            return None
        return f"{kind}:{name}"

    def _associate(self, subnet: SubnetFacts, subnets: dict[str, Any], vpc_name: str) -> None:
        name = self.subnet_names.get(subnet.key)
        if name is None or subnet.route_table is None:
            return
        table = self.facts.tables.get(subnet.route_table)
        table_name = self.table_names.get(subnet.route_table)
        origin = subnet.route_table_origin or subnet.origin
        if table is None or table_name is None or table.vpc != subnet.vpc:
            self.facts.issue(
                f'subnet "{name}" is associated with route table {subnet.route_table}, which is '
                "not in the subnet's VPC in the imported source; association left out",
                origin.address,
            )
            return
        subnets[name]["route_table"] = table_name
        self.origins[("vpcs", vpc_name, "subnets", name, "route_table")] = origin

    def _endpoints(self, vpc_key: str, vpc_name: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The VPC's interface and gateway endpoints, and its Gateway Load Balancer endpoints."""
        out: dict[str, Any] = {}
        gwlb: dict[str, Any] = {}
        taken: set[str] = set()
        for key, endpoint in self.facts.endpoints.items():
            if endpoint.vpc != vpc_key:
                continue
            name = object_name(endpoint.label, taken)
            if endpoint.type == "gatewayloadbalancer":
                subnets = self._names(endpoint.subnets, self.subnet_names, name, "subnet")
                found = self.network.gwlb_endpoint(key, vpc_name, name, subnets)
                if found is not None:
                    gwlb[name] = found
                continue
            self.endpoint_names[key] = name
            path: DocPath = ("vpcs", vpc_name, "endpoints", name)
            self.origins[path] = endpoint.origin
            body: dict[str, Any] = {"service": endpoint.service, "type": endpoint.type}
            tables = self._names(endpoint.route_tables, self.table_names, name, "route table")
            subnets = self._names(endpoint.subnets, self.subnet_names, name, "subnet")
            if tables:
                body["route_tables"] = tables
            if subnets:
                body["subnets"] = subnets
            if endpoint.private_dns is not None and endpoint.type == "interface":
                body["private_dns"] = endpoint.private_dns
            groups = self.network.group_list(endpoint.security_groups, vpc_name, name)
            if groups is not None and endpoint.type == "interface":
                body["security_groups"] = groups
            out[name] = body
        return out, gwlb

    def _names(self, keys: list[str], names: dict[str, str], owner: str, kind: str) -> list[str]:
        found = [names[key] for key in keys if key in names]
        lost = [key for key in keys if key not in names]
        if lost:
            self.facts.issue(
                f'"{owner}": {kind}(s) {", ".join(lost)} are not in the imported source; left out',
                owner,
            )
        return found

    # -- connections ------------------------------------------------------------------------

    def peerings(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        taken: set[str] = set()
        for key, peering in self.facts.peerings.items():
            name = object_name(peering.label, taken)
            requester = self.vpc_names.get(peering.requester or "")
            accepter = self.vpc_names.get(peering.accepter or "")
            body: dict[str, Any] = {}
            if peering.status != "active":
                body["status"] = peering.status
            if peering.dns_resolution is not None:
                body["dns_resolution"] = peering.dns_resolution
            if requester is None or accepter is None:
                lost = [
                    f"{side} VPC {vpc or '(unknown)'}"
                    for side, vpc, found in (
                        ("requester", peering.requester, requester),
                        ("accepter", peering.accepter, accepter),
                    )
                    if found is None
                ]
                entry = {
                    "source": key,
                    "missing": ["requester" if requester is None else "accepter"]
                    if len(lost) == 1
                    else ["requester", "accepter"],
                    "requester": requester or peering.requester,
                    "accepter": accepter or peering.accepter,
                    **body,
                }
                self.park("peerings", name, entry, peering.origin)
                self.facts.issue(
                    f'peering "{name}" kept under {INCOMPLETE}: '
                    + " and ".join(lost)
                    + " could not be imported",
                    peering.origin.address,
                )
                continue
            self.peering_names[key] = name
            self.origins[("peerings", name)] = peering.origin
            out[name] = {"requester": requester, "accepter": accepter, **body}
        return out

    def transit_gateways(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        taken: set[str] = set()
        for key, gateway in self.facts.gateways.items():
            name = object_name(gateway.label, taken)
            region = gateway.region or self.facts.region
            if region is None:
                self.park(
                    "transit_gateways", name, {"source": key, "missing": ["region"]}, gateway.origin
                )
                self.facts.issue(
                    f'transit gateway "{name}" kept under {INCOMPLETE}: its Region is not in '
                    "the source (pass --region)",
                    gateway.origin.address,
                )
                continue
            self.gateway_names[key] = name
            self.origins[("transit_gateways", name)] = gateway.origin
            body: dict[str, Any] = {}
            if region != self.facts.region:
                body["region"] = region
            if valid_account(gateway.account) and gateway.account != self.account:
                body["account"] = gateway.account
            if gateway.security_group_referencing:
                body["security_group_referencing"] = True
            elif gateway.security_group_referencing is None:
                self.facts.issue(
                    f'transit gateway "{name}": whether it enables security group referencing '
                    "is not in the source; left out (AWS's default: off)",
                    gateway.origin.address,
                )
            out[name] = body
        for attachment in self.facts.attachments:
            self._attach(
                attachment.gateway,
                attachment.vpc,
                attachment.subnets,
                out,
                attachment.origin,
                attachment.appliance_mode,
                (attachment.ipv6_support, attachment.security_group_referencing),
            )
        self.network.tgw_tables(out)
        return out

    def _attach(
        self,
        gateway: str | None,
        vpc: str | None,
        subnets: list[str],
        out: dict[str, Any],
        origin: Origin,
        appliance_mode: bool = False,
        options: tuple[bool | None, bool | None] = (None, True),
    ) -> None:
        """`options`: (IPv6 support, security group referencing), None when not known."""
        gateway_name = self.gateway_names.get(gateway or "")
        vpc_name = self.vpc_names.get(vpc or "")
        if gateway_name is None or vpc_name is None:
            lost = "transit gateway" if gateway_name is None else "VPC"
            self.facts.issue(
                f"transit gateway attachment of VPC {vpc or '(unknown)'} to "
                f"{gateway or '(unknown)'} left out: the {lost} could not be imported",
                origin.address,
            )
            return
        names = [self.subnet_names[key] for key in subnets if self.subnet_vpc.get(key) == vpc]
        if not subnets or len(names) < len(subnets):
            # Listed without some subnets, the attachment would leave zones unattached that
            # are attached (AP405), or have no subnets at all (AP402): it waits instead, and
            # so do the VPC's routes to the transit gateway (else AP207).
            assert gateway is not None and vpc is not None
            self.parked_attachments.add((gateway, vpc))
            entry = {
                "source": origin.address,
                "missing": ["subnets"],
                "transit_gateway": gateway_name,
                "vpc": vpc_name,
                "subnets": [
                    self.subnet_names.get(key) or self.waiting_subnets.get(key) or key
                    for key in subnets
                ],
            }
            self.park("transit_gateway_attachments", f"{gateway_name}/{vpc_name}", entry, origin)
            self.facts.issue(
                f'attachment of VPC "{vpc_name}" to "{gateway_name}" kept under {INCOMPLETE}: '
                + (
                    f"{len(subnets) - len(names)} of its subnets are not in the imported source "
                    "(or could not be imported)"
                    if subnets
                    else "its subnets are not known"
                ),
                origin.address,
            )
            return
        attachments = out[gateway_name].setdefault("attachments", {})
        if vpc_name in attachments:
            self.facts.issue(
                f'VPC "{vpc_name}" is attached to "{gateway_name}" twice; the first is kept',
                origin.address,
            )
            return
        attachments[vpc_name] = {"subnets": names}
        if appliance_mode:
            attachments[vpc_name]["appliance_mode"] = True
        ipv6_support, referencing = options
        facts = self.facts.vpcs.get(vpc or "")
        # Written when it matters (the VPC has IPv6 blocks) or when it is on.
        if ipv6_support or (ipv6_support is False and facts is not None and facts.ipv6_cidrs):
            attachments[vpc_name]["ipv6_support"] = ipv6_support
        if referencing is False:
            attachments[vpc_name]["security_group_referencing"] = False
        elif referencing is None:
            self.facts.issue(
                f'attachment of VPC "{vpc_name}" to "{gateway_name}": whether it keeps security '
                "group referencing is not in the source; left out (AWS's default: on)",
                origin.address,
            )
        self.origins[("transit_gateways", gateway_name, "attachments", vpc_name)] = origin

    # -- scaling groups ---------------------------------------------------------------------

    def scaling_groups(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        taken: set[str] = set()
        for key, group in self.facts.groups.items():
            name = object_name(group.label, taken)
            subnets = [self.subnet_names[s] for s in group.subnets if s in self.subnet_names]
            vpcs = list(
                dict.fromkeys(self.subnet_vpc[s] for s in group.subnets if s in self.subnet_vpc)
            )
            missing = list(group.missing)
            if not group.subnets or len(subnets) < len(group.subnets) or len(vpcs) != 1:
                missing.append("subnets")
            if not group.instance_types:
                missing.append("instance_types")
            missing += [what for what in ("min", "max") if getattr(group, what) is None]
            body = _group_body(group)
            if missing:
                missing = list(dict.fromkeys(missing))
                entry = {"source": key, "missing": missing, "subnets": subnets or group.subnets}
                self.park("scaling_groups", name, {**entry, **body}, group.origin)
                self.facts.issue(
                    _group_issue(name, group, missing, len(vpcs)), group.origin.address
                )
                continue
            self.origins[("scaling_groups", name)] = group.origin
            self.group_names[key] = name
            out[name] = {"vpc": self.vpc_names[vpcs[0]], "subnets": subnets, **body}
        return out


def _subnet_entry(subnet: SubnetFacts) -> dict[str, Any]:
    return {
        key: value
        for key, value in (
            ("cidr", subnet.cidr),
            ("ipv6_cidr", subnet.ipv6_cidr),
            ("az", subnet.az),
        )
        if value is not None
    }


def _group_body(group: GroupFacts) -> dict[str, Any]:
    body: dict[str, Any] = {}
    weights = group.instance_types
    if weights:
        body["instance_types"] = (
            list(weights) if all(weight == 1 for weight in weights.values()) else dict(weights)
        )
    for key in ("min", "max", "desired"):
        value = getattr(group, key)
        if value is not None:
            body[key] = value
    if group.purchase:
        body["purchase"] = dict(group.purchase)
    if group.launch_template:
        body["launch_template"] = group.launch_template
    if group.capacity_type is not None:
        body["capacity_type"] = group.capacity_type
    return body


def _group_issue(name: str, group: GroupFacts, missing: list[str], vpc_count: int) -> str:
    why = {
        "subnets": "its subnets "
        + (", ".join(group.subnets) if group.subnets else "(none given)")
        + (
            " are in more than one VPC"
            if vpc_count > 1
            else " are not in the imported source (import their describe-subnets / plan too)"
        ),
        "instance_types": "its instance types are in a launch template or configuration "
        "the source does not include",
        "capacity_units": f"its sizes are in {group.capacity_type}, and format 1 counts "
        "capacity units (instances times their weights)",
        "min": "its minimum size is not known",
        "max": "its maximum size is not known",
    }
    return (
        f'scaling group "{name}" kept under {INCOMPLETE}: '
        + "; ".join(why.get(what, what) for what in missing)
        + "; complete it and move it under scaling_groups"
    )


def assemble(facts: Facts) -> Imported:
    """The format-1 document for `facts`; issues are facts.issues plus what assembly found."""
    assembly = _Assembly(facts)
    document: dict[str, Any] = {"archplan": 1}
    defaults: dict[str, Any] = {}
    if facts.region is not None:
        defaults["region"] = facts.region
    if assembly.account is not None:
        defaults["account"] = assembly.account
    if defaults:
        document["defaults"] = defaults
    vpcs = assembly.vpcs()
    peerings = assembly.peerings()
    gateways = assembly.transit_gateways()
    assembly.routes(vpcs)
    groups = assembly.scaling_groups()
    hosts = assembly.network.hosts()
    from archplan.importers.tf_awscli_containers import assemble_containers

    containers = assemble_containers(assembly)
    for key, part in (
        ("vpcs", vpcs),
        ("peerings", peerings),
        ("transit_gateways", gateways),
        ("scaling_groups", groups),
        ("hosts", hosts),
        ("services", containers["services"]),
        ("functions", containers["functions"]),
        ("kubernetes", containers["kubernetes"]),
    ):
        if part:
            document[key] = part
    if assembly.incomplete:
        document[INCOMPLETE] = assembly.incomplete
    return Imported(document, assembly.origins, facts.issues)


def most_common(values: list[str]) -> str | None:
    """The value most objects share (first seen on a tie), for defaults."""
    if not values:
        return None
    counts = Counter(values)
    return max(dict.fromkeys(values), key=lambda value: counts[value])
