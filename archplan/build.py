"""Decoded values to the typed model, reporting references to objects that do not exist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from archplan import quotas
from archplan.build_network import AWS_PREFIX_LISTS, NetworkParts
from archplan.cidr import CidrError, parse_block
from archplan.decode import HOST_BITS, INVALID_CIDR, INVALID_VALUE, MISSING_FIELD, RuleProblem
from archplan.findings import Path
from archplan.model import (
    UNKNOWN_ZONE,
    ApiGateway,
    ApiRoute,
    Architecture,
    Attachment,
    Endpoint,
    InstancePrice,
    Mesh,
    Peering,
    Prices,
    Purchase,
    Rejection,
    Route,
    RouteTable,
    ScalingGroup,
    Subnet,
    Target,
    Throttle,
    TransitGateway,
    Vpc,
)
from archplan.network import DirectConnectGateway, OnPremises
from archplan.problems import Problem
from archplan.spelling import Speller, did_you_mean, hint

if TYPE_CHECKING:
    from archplan.model_containers import Cluster, Function, InstanceSpec, Service

# What archplan.build_containers builds; a file without them never imports it.
_CONTAINER_SECTIONS = ("instance_types", "services", "functions", "kubernetes")

UNKNOWN_REFERENCE = "AP005"
# The slower search for a suggestion, when no name is one typing mistake away (see
# archplan.spelling), runs at most this many times per file.
SUGGESTION_BUDGET = 100

BLOCK_KEYS = ("cidr", "secondary_cidrs", "ipv6_cidrs")
PREFIX_LISTS = AWS_PREFIX_LISTS
# Targets without a name, and targets written KIND:NAME (see architecture-format.md "Targets").
PLAIN_TARGETS = ("igw", "egress-only-igw", "vgw", "blackhole", "local")
NAMED_TARGETS = ("nat", "peering", "tgw", "endpoint", "eni", "gwlbe", "firewall")
TARGET_FORMS = (
    "igw, egress-only-igw, vgw, blackhole, nat:SUBNET, peering:NAME, tgw:NAME, endpoint:NAME, "
    "eni:ID, gwlbe:NAME, firewall:NAME"
)


class Builder:
    """Builds an Architecture from the decoded document, collecting reference problems."""

    def __init__(self, rejected: dict[Path, Rejection] | None = None) -> None:
        self.problems: list[RuleProblem] = []
        self.rejected = rejected or {}
        self._owners: dict[str, list[str]] | None = None
        # VPCs with a block written but rejected (vpcs.NAME.cidr / secondary_cidrs / ipv6_cidrs).
        self._rejected_blocks = {
            path[1]
            for path in self.rejected
            if len(path) >= 3 and path[0] == "vpcs" and path[2] in BLOCK_KEYS
        }
        self._suggestions_left = SUGGESTION_BUDGET
        # One Speller per collection of names asked about (the file's VPCs, a VPC's
        # subnets ...), by identity and size; the collection is held so its id stays its own.
        self._spellers: dict[int, tuple[int, object, Speller]] = {}
        self.network = NetworkParts(self)

    def _missing_region(self, raw: dict[str, Any], region: str | None, path: Path) -> None:
        written = (*path, "region") in self.rejected or ("defaults", "region") in self.rejected
        if "region" not in raw and region is None and not written:
            self.report(
                MISSING_FIELD, 'missing "region" (and no defaults.region)', path, on_key=True
            )

    def report(self, rule_id: str, message: str, path: Path, *, on_key: bool = False) -> None:
        """Record a problem; a reference or value found wrong counts as rejected, as the
        decoder's (a missing field, reported on the object's key, does not)."""
        self.problems.append((rule_id, Problem(message, path, on_key=on_key)))
        if not on_key:
            self.rejected.setdefault(path, Rejection(message))

    def warn(self, rule_id: str, message: str, path: Path, *, on_key: bool = False) -> None:
        """Record a problem that keeps the value (a warning such as host bits set)."""
        self.problems.append((rule_id, Problem(message, path, on_key=on_key)))

    def hint(self, name: str, known: Iterable[str]) -> str:
        return self._hint(name, known)

    def unknown(
        self,
        kind: str,
        name: str,
        known: Iterable[str],
        path: Path,
        where: str = "",
        section: Path | None = None,
    ) -> None:
        """Report a reference to nothing; silent (but rejected) when `section`, where such
        names are declared, was itself rejected (a misspelt `subnet:` for `subnets:`): the
        name may well be there, and the misspelt key is the one finding."""
        if section is not None and section in self.rejected:
            self.rejected.setdefault(path, self.rejected[section])
            return
        hint = self._hint(name, known)
        self.report(UNKNOWN_REFERENCE, f'{kind} "{name}" does not exist{where}{hint}', path)

    def _hint(self, name: str, known: Iterable[str]) -> str:
        # A name one typing mistake away is found in constant time per reference, so every
        # reference can have it; the wider search compares with a few dozen names (a few
        # milliseconds), and past a budget a file full of broken references goes without.
        speller = self._speller(known)
        best = speller.near_miss(name)
        if best is None and self._suggestions_left > 0:
            self._suggestions_left -= 1
            best = speller.close_match(name)
        return hint(best)

    def _speller(self, known: Iterable[str]) -> Speller:
        if not isinstance(known, dict | set | frozenset):
            return Speller(known)
        cached = self._spellers.get(id(known))
        if cached is not None and cached[0] == len(known):
            return cached[2]
        speller = Speller(known)
        self._spellers[id(known)] = (len(known), known, speller)
        return speller

    def build(self, data: dict[str, Any]) -> Architecture:
        defaults = data.get("defaults", {})
        region = defaults.get("region")
        account = defaults.get("account")
        overrides = data.get("quotas", {})
        network = self.network
        prefix_lists = network.prefix_lists(data.get("prefix_lists", {}))
        firewalls = network.network_firewalls(data.get("network_firewalls"))
        vpcs = {
            name: self._vpc(name, raw, region, account)
            for name, raw in data.get("vpcs", {}).items()
        }
        peerings = {
            name: self._peering(name, raw, vpcs) for name, raw in data.get("peerings", {}).items()
        }
        gateways = {
            name: self._transit_gateway(name, raw, vpcs, region, account)
            for name, raw in data.get("transit_gateways", {}).items()
        }
        for vpc in vpcs.values():
            self._check_vpc_references(vpc, peerings, gateways, vpcs)
        network.check_group_references(vpcs)
        dx_gateways = network.dx_gateways(
            data.get("direct_connect_gateways", {}), vpcs, set(gateways)
        )
        on_premises = network.on_premises(
            data.get("on_premises", {}), vpcs, set(gateways), set(dx_gateways)
        )
        gateways = self._transit_gateway_tables(data, gateways, on_premises, dx_gateways)
        meshes = {
            name: self._mesh(name, members, vpcs)
            for name, members in data.get("meshes", {}).items()
        }
        groups = {
            name: self._scaling_group(name, raw, vpcs)
            for name, raw in data.get("scaling_groups", {}).items()
        }
        # After the groups' references are checked: their problems are the group's too.
        invalid = self._invalid_in("scaling_groups")
        groups = {
            name: group._replace(invalid=invalid.get(name, {})) for name, group in groups.items()
        }
        instance_specs: dict[str, InstanceSpec] = {}
        services: dict[str, Service] = {}
        functions: dict[str, Function] = {}
        clusters: dict[str, Cluster] = {}
        if any(data.get(key) for key in _CONTAINER_SECTIONS):  # start-up: only files with them
            from archplan.build_containers import build_containers

            containers = build_containers(self, data, vpcs, groups, region)
            instance_specs, services = containers.instance_specs, containers.services
            functions, clusters = containers.functions, containers.clusters
        backends = {**dict.fromkeys(functions), **dict.fromkeys(services)}
        apis = {
            name: self._api_gateway(name, raw, {**backends, **groups}, region)
            for name, raw in data.get("api_gateways", {}).items()
        }
        # After every reference is checked: a route or association rejected on the way leaves
        # the VPC's routing unknown, and no rule may judge it by what is left (no cascades).
        unrouted = {
            path[1]
            for path in self.rejected
            if len(path) >= 3
            and path[0] == "vpcs"
            and (path[2] == "route_tables" or (len(path) >= 5 and path[4] == "route_table"))
        }
        for name in unrouted & vpcs.keys():
            vpcs[name] = vpcs[name]._replace(routes_known=False)
        architecture = Architecture(
            name=data.get("name"),
            default_region=region,
            default_account=account,
            quotas=quotas.effective(overrides),
            quotas_set=frozenset(overrides),
            vpcs=vpcs,
            peerings=peerings,
            transit_gateways=gateways,
            meshes=meshes,
            scaling_groups=groups,
            api_gateways=apis,
            prices=prices_record(data["prices"]) if "prices" in data else None,
            subnet_owner=self._subnet_owners(vpcs),
            memo={},
            hosts=network.hosts(data.get("hosts", {}), vpcs),
            prefix_lists=prefix_lists,
            network_firewalls=firewalls,
            on_premises=on_premises,
            direct_connect_gateways=dx_gateways,
            instance_specs=instance_specs,
            services=services,
            functions=functions,
            clusters=clusters,
            rejected=frozenset(self.rejected),
        )
        if "reachability" not in data:
            return architecture
        from archplan.intents import build_intents  # only files with intents pay for it

        return architecture._replace(
            reachability=build_intents(self, data["reachability"], architecture)
        )

    def _transit_gateway_tables(
        self,
        data: dict[str, Any],
        gateways: dict[str, TransitGateway],
        on_premises: dict[str, OnPremises],
        dx_gateways: dict[str, DirectConnectGateway],
    ) -> dict[str, TransitGateway]:
        """Each gateway's peerings and route tables, once every attachment is known: VPC
        attachments by VPC name, peerings by the peer gateway, VPNs by the on-premises network,
        Direct Connect gateways by their name."""
        raws = data.get("transit_gateways", {})
        peers: dict[str, set[str]] = {name: set() for name in gateways}
        for name, gateway in gateways.items():
            for index, peer in enumerate(raws[name].get("peerings", ())):
                if peer not in gateways or peer == name:
                    self.unknown(
                        "transit gateway",
                        peer,
                        set(gateways) - {name},
                        (*gateway.path, "peerings", index),
                    )
                    continue
                peers[name].add(peer)
                peers[peer].add(name)
        result = {}
        for name, gateway in gateways.items():
            attachments = {vpc: "vpc" for vpc in gateway.attachments}
            attachments.update({peer: "peering" for peer in sorted(peers[name])})
            for network in on_premises.values():
                if any(link.kind == "tgw" and link.name == name for link in network.links):
                    attachments[network.name] = "vpn"
            for dx in dx_gateways.values():
                if any(a.kind == "tgw" and a.name == name for a in dx.associations):
                    attachments[dx.name] = "dx"
            gateway = gateway._replace(peerings=tuple(sorted(peers[name])))
            raw = raws[name]
            if (
                "route_tables" in raw
                or "default_association" in raw
                or "default_propagation" in raw
            ):
                gateway = self.network.transit_gateway_tables(gateway, raw, attachments)
            result[name] = gateway
        return result

    def _invalid_in(self, section: str) -> dict[str, dict[Path, Rejection]]:
        """What was rejected in each object of a section, by path within the object."""
        found: dict[str, dict[Path, Rejection]] = {}
        for path, rejection in self.rejected.items():
            if len(path) > 2 and path[0] == section and isinstance(path[1], str):
                found.setdefault(path[1], {})[path[2:]] = rejection
        return found

    # -- VPCs -----------------------------------------------------------------------------

    def _vpc(self, name: str, raw: dict[str, Any], region: str | None, account: str | None) -> Vpc:
        path: Path = ("vpcs", name)
        self._missing_region(raw, region, path)
        dns = raw.get("dns", {})
        subnets = {
            subnet: Subnet(
                name=subnet,
                vpc=name,
                cidr=fields.get("cidr"),
                ipv6_cidr=fields.get("ipv6_cidr"),
                az=None if fields.get("az") == UNKNOWN_ZONE else fields.get("az"),
                route_table=fields.get("route_table"),
                path=(*path, "subnets", subnet),
            )
            for subnet, fields in raw.get("subnets", {}).items()
        }
        for subnet in subnets.values():
            written = [
                key
                for key in ("cidr", "ipv6_cidr")
                if key in raw["subnets"][subnet.name] or (*subnet.path, key) in self.rejected
            ]
            if not written:
                self.report(
                    MISSING_FIELD, 'missing "cidr" (or "ipv6_cidr")', subnet.path, on_key=True
                )
        tables = {
            table: self._route_table(table, name, fields, (*path, "route_tables", table))
            for table, fields in raw.get("route_tables", {}).items()
        }
        endpoints = {
            endpoint: Endpoint(
                name=endpoint,
                vpc=name,
                service=fields.get("service"),
                type=fields.get("type", "gateway"),
                route_tables=tuple(fields.get("route_tables", ())),
                subnets=tuple(fields.get("subnets", ())),
                private_dns=fields.get("private_dns", fields.get("type") == "interface"),
                path=(*path, "endpoints", endpoint),
                security_groups=tuple(fields["security_groups"])
                if "security_groups" in fields
                else None,
            )
            for endpoint, fields in raw.get("endpoints", {}).items()
        }
        network = self.network
        groups = network.security_groups(
            name, raw.get("security_groups", {}), (*path, "security_groups")
        )
        for endpoint in endpoints.values():
            for index, group in enumerate(endpoint.security_groups or ()):
                if group not in groups:
                    where = f' in VPC "{name}"'
                    at = (*endpoint.path, "security_groups", index)
                    section = (*path, "security_groups")
                    self.unknown("security group", group, groups, at, where, section)
        return Vpc(
            name=name,
            region=raw.get("region", region),
            account=raw.get("account", account),
            cidr=raw.get("cidr"),
            secondary_cidrs=tuple(raw.get("secondary_cidrs", ())),
            ipv6_cidrs=tuple(raw.get("ipv6_cidrs", ())),
            dns_hostnames=dns.get("hostnames", True),
            dns_resolution=dns.get("resolution", True),
            internet_gateway=raw.get("internet_gateway", False),
            subnets=subnets,
            route_tables=tables,
            endpoints=endpoints,
            path=path,
            blocks_known=name not in self._rejected_blocks,
            security_groups=groups,
            network_acls=network.network_acls(
                name, raw.get("network_acls", {}), subnets, (*path, "network_acls")
            ),
            gwlb_endpoints=network.endpoints_in_subnets(
                name,
                raw.get("gwlb_endpoints", {}),
                subnets,
                (*path, "gwlb_endpoints"),
                firewall=False,
            ),
            firewalls=network.endpoints_in_subnets(
                name, raw.get("firewalls", {}), subnets, (*path, "firewalls"), firewall=True
            ),
        )

    def _route_table(self, name: str, vpc: str, raw: dict[str, Any], path: Path) -> RouteTable:
        routes = tuple(
            self._route(destination, target, (*path, "routes", destination))
            for destination, target in raw.get("routes", {}).items()
        )
        return RouteTable(
            name=name,
            vpc=vpc,
            main=raw.get("main", False),
            routes=routes,
            path=path,
            gateway=raw.get("gateway"),
            vgw_propagation=raw.get("vgw_propagation", False),
        )

    def _route(self, destination: str, target_text: str, path: Path) -> Route:
        block = None
        prefix_list = None
        if destination.startswith("pl:"):
            if (
                destination in PREFIX_LISTS
                or destination.removeprefix("pl:") in self.network.prefix_list_names
            ):
                prefix_list = destination
            else:
                self.report(
                    INVALID_VALUE,
                    f'route destination "{destination}" is not an AWS-managed prefix list '
                    f"(pl:s3 or pl:dynamodb){did_you_mean(destination, PREFIX_LISTS)} nor one "
                    "declared under prefix_lists",
                    path,
                    on_key=True,
                )
        else:
            try:
                block = parse_block(destination.strip())
            except CidrError as error:
                self.report(
                    INVALID_CIDR,
                    f'route destination "{destination}" is not a valid CIDR block: {error}',
                    path,
                    on_key=True,
                )
            else:
                if block.host_bits_set:
                    self.report(
                        HOST_BITS,
                        f'route destination "{destination}" has host bits set; '
                        f"AWS will use {block.canonical}",
                        path,
                        on_key=True,
                    )
        return Route(
            destination=destination,
            block=block,
            prefix_list=prefix_list,
            target=self._target(target_text, path),
            target_text=target_text,
            path=path,
        )

    def _target(self, text: str, path: Path) -> Target | None:
        kind, colon, name = text.partition(":")
        if not colon and kind in PLAIN_TARGETS:
            if kind == "local":
                self.report(
                    INVALID_VALUE,
                    "the local route is implicit for every VPC block; remove this route",
                    path,
                )
                return None
            return Target(kind)
        if colon and kind in NAMED_TARGETS and name.strip():
            return Target(kind, name)
        hint = did_you_mean(kind, PLAIN_TARGETS + NAMED_TARGETS) if not colon else ""
        if colon and kind in NAMED_TARGETS:
            hint = f" ({kind}: needs a name after the colon)"
        self.report(
            INVALID_VALUE, f'route target "{text}" is not one{hint}; use {TARGET_FORMS}', path
        )
        return None

    def _check_vpc_references(
        self,
        vpc: Vpc,
        peerings: dict[str, Peering],
        gateways: dict[str, TransitGateway],
        vpcs: dict[str, Vpc],
    ) -> None:
        tables = vpc.route_tables
        for subnet in vpc.subnets.values():
            if subnet.route_table is not None and subnet.route_table not in vpc.route_tables:
                self.unknown(
                    "route table",
                    subnet.route_table,
                    tables,
                    (*subnet.path, "route_table"),
                    f' in VPC "{vpc.name}"',
                    (*vpc.path, "route_tables"),
                )
        for table in vpc.route_tables.values():
            for route in table.routes:
                self._check_target_reference(vpc, route, peerings, gateways, vpcs)
        for endpoint in vpc.endpoints.values():
            for index, name in enumerate(endpoint.route_tables):
                if name not in vpc.route_tables:
                    self.unknown(
                        "route table",
                        name,
                        tables,
                        (*endpoint.path, "route_tables", index),
                        f' in VPC "{vpc.name}"',
                        (*vpc.path, "route_tables"),
                    )
            for index, name in enumerate(endpoint.subnets):
                if name not in vpc.subnets:
                    self._unknown_subnet(name, vpc, vpcs, (*endpoint.path, "subnets", index))

    def _subnet_owners(self, vpcs: dict[str, Vpc]) -> dict[str, list[str]]:
        """Subnet name -> the VPCs that have one by that name, built once."""
        if self._owners is None:
            self._owners = {}
            for vpc in vpcs.values():
                for subnet in vpc.subnets:
                    self._owners.setdefault(subnet, []).append(vpc.name)
        return self._owners

    def _unknown_subnet(self, name: str, vpc: Vpc, vpcs: dict[str, Vpc], path: Path) -> None:
        elsewhere = self._subnet_owners(vpcs).get(name)
        if elsewhere and (*vpc.path, "subnets") not in self.rejected:
            self.report(
                UNKNOWN_REFERENCE,
                f'subnet "{name}" is not in VPC "{vpc.name}" (it is in VPC "{elsewhere[0]}")',
                path,
            )
        else:
            where = f' in VPC "{vpc.name}"'
            self.unknown("subnet", name, vpc.subnets, path, where, (*vpc.path, "subnets"))

    def _check_target_reference(
        self,
        vpc: Vpc,
        route: Route,
        peerings: dict[str, Peering],
        gateways: dict[str, TransitGateway],
        vpcs: dict[str, Vpc],
    ) -> None:
        target = route.target
        if target is None or target.name is None:
            return
        name = target.name
        # Whether the object belongs to this VPC is a routing rule; here only existence.
        if target.kind == "nat" and name not in self._subnet_owners(vpcs):
            where = f' in VPC "{vpc.name}"'
            section = (*vpc.path, "subnets")
            self.unknown("NAT subnet", name, vpc.subnets, route.path, where, section)
        elif target.kind == "peering" and name not in peerings:
            self.unknown("peering", name, peerings, route.path)
        elif target.kind == "tgw" and name not in gateways:
            self.unknown("transit gateway", name, gateways, route.path)
        elif target.kind == "endpoint" and name not in vpc.endpoints:
            where = f' in VPC "{vpc.name}"'
            section = (*vpc.path, "endpoints")
            self.unknown("endpoint", name, vpc.endpoints, route.path, where, section)
        elif target.kind == "gwlbe" and name not in vpc.gwlb_endpoints:
            where = f' in VPC "{vpc.name}"'
            self.unknown(
                "Gateway Load Balancer endpoint",
                name,
                vpc.gwlb_endpoints,
                route.path,
                where,
                (*vpc.path, "gwlb_endpoints"),
            )
        elif target.kind == "firewall" and name not in vpc.firewalls:
            where = f' in VPC "{vpc.name}"'
            section = (*vpc.path, "firewalls")
            self.unknown("firewall endpoint", name, vpc.firewalls, route.path, where, section)

    # -- connections ----------------------------------------------------------------------

    def _vpc_reference(self, name: str | None, vpcs: dict[str, Vpc], path: Path) -> str | None:
        if name is not None and name not in vpcs:
            self.unknown("VPC", name, vpcs, path)
        return name

    def _peering(self, name: str, raw: dict[str, Any], vpcs: dict[str, Vpc]) -> Peering:
        path: Path = ("peerings", name)
        return Peering(
            name=name,
            requester=self._vpc_reference(raw.get("requester"), vpcs, (*path, "requester")),
            accepter=self._vpc_reference(raw.get("accepter"), vpcs, (*path, "accepter")),
            status=raw.get("status", "active"),
            dns_resolution=raw.get("dns_resolution", False),
            path=path,
        )

    def _transit_gateway(
        self,
        name: str,
        raw: dict[str, Any],
        vpcs: dict[str, Vpc],
        region: str | None,
        account: str | None,
    ) -> TransitGateway:
        path: Path = ("transit_gateways", name)
        self._missing_region(raw, region, path)
        attachments: dict[str, Attachment] = {}
        for vpc_name, fields in raw.get("attachments", {}).items():
            attachment_path = (*path, "attachments", vpc_name)
            vpc = vpcs.get(vpc_name)
            if vpc is None:
                self.report(
                    UNKNOWN_REFERENCE,
                    f'VPC "{vpc_name}" does not exist{self._hint(vpc_name, vpcs)}',
                    attachment_path,
                    on_key=True,
                )
            subnets = tuple(fields.get("subnets", ()))
            for index, subnet in enumerate(subnets):
                if vpc is not None and subnet not in vpc.subnets:
                    self._unknown_subnet(subnet, vpc, vpcs, (*attachment_path, "subnets", index))
            attachments[vpc_name] = Attachment(
                vpc_name,
                subnets,
                attachment_path,
                fields.get("appliance_mode", False),
                fields.get("security_group_referencing", True),
                fields.get("ipv6_support"),
            )
        return TransitGateway(
            name=name,
            region=raw.get("region", region),
            account=raw.get("account", account),
            attachments=attachments,
            path=path,
            security_group_referencing=raw.get("security_group_referencing", False),
        )

    def _mesh(self, name: str, members: list[str], vpcs: dict[str, Vpc]) -> Mesh:
        path: Path = ("meshes", name)
        if not members and path not in self.rejected:
            self.report(INVALID_VALUE, f'mesh "{name}" lists no VPCs', path)
        unique: list[str] = []
        for index, member in enumerate(members):
            if member in unique:
                self.report(
                    INVALID_VALUE,
                    f'VPC "{member}" is listed twice in mesh "{name}"',
                    (*path, index),
                )
                continue
            unique.append(member)
            self._vpc_reference(member, vpcs, (*path, index))
        return Mesh(name, tuple(unique), path)

    # -- compute --------------------------------------------------------------------------

    def _scaling_group(self, name: str, raw: dict[str, Any], vpcs: dict[str, Vpc]) -> ScalingGroup:
        path: Path = ("scaling_groups", name)
        vpc = vpcs.get(raw.get("vpc", ""))
        self._vpc_reference(raw.get("vpc"), vpcs, (*path, "vpc"))
        subnets = tuple(raw.get("subnets", ()))
        for index, subnet in enumerate(subnets):
            if vpc is not None and subnet not in vpc.subnets:
                self._unknown_subnet(subnet, vpc, vpcs, (*path, "subnets", index))
        types = raw.get("instance_types", {})
        if isinstance(types, list):
            weights: dict[str, int] = {}
            for index, instance_type in enumerate(types):
                if instance_type in weights:
                    self.report(
                        INVALID_VALUE,
                        f'instance_types: "{instance_type}" is listed twice',
                        (*path, "instance_types", index),
                    )
                weights[instance_type] = 1
        else:
            weights = dict(types)
        capacity = raw.get("capacity", {})
        demand = raw.get("demand", {})
        purchase = raw.get("purchase", {})
        commitment = purchase.get("commitment", "none")
        hourly = demand.get("hourly")
        return ScalingGroup(
            name=name,
            vpc=raw.get("vpc"),
            subnets=subnets,
            instance_types=weights,
            min=raw.get("min"),
            max=raw.get("max"),
            desired=raw.get("desired"),
            per_unit=capacity.get("per_unit"),
            target_utilization=capacity.get("target_utilization", 100),
            demand_unit=demand.get("unit"),
            demand_hourly=tuple(hourly) if hourly is not None else None,
            demand_file=demand.get("file"),
            survive_az_loss=raw.get("availability", {}).get("survive_az_loss", False),
            purchase=Purchase(
                on_demand_base=purchase.get("on_demand_base", 0),
                on_demand_percentage_above_base=purchase.get("on_demand_percentage_above_base"),
                spot_allocation_strategy=purchase.get("spot_allocation_strategy"),
                # A {units: N} whose N was rejected leaves {}; its problem is already reported.
                commitment=commitment.get("units", "none")
                if isinstance(commitment, dict)
                else commitment,
                commitment_type=purchase.get("commitment_type", "compute-savings-plan"),
                written=frozenset(purchase),
            ),
            launch_template=raw.get("launch_template"),
            metric=capacity.get("metric", "cpu"),
            path=path,
            security_groups=self.network.group_names(
                vpc, raw.get("security_groups"), (*path, "security_groups")
            ),
            public_ip=raw.get("public_ip", False),
        )

    def _api_gateway(
        self, name: str, raw: dict[str, Any], backends: dict[str, object], region: str | None
    ) -> ApiGateway:
        """An API gateway; route backends name scaling groups, services or functions."""
        path: Path = ("api_gateways", name)
        self._missing_region(raw, region, path)
        routes: dict[str, ApiRoute] = {}
        containers = any(not isinstance(value, ScalingGroup) for value in backends.values())
        kind = "backend (scaling group, service or function)" if containers else "scaling group"
        for key, fields in raw.get("routes", {}).items():
            route_path = (*path, "routes", key)
            backend = fields.get("backend")
            if backend is not None and backend not in backends:
                self.unknown(
                    kind,
                    backend,
                    backends,
                    (*route_path, "backend"),
                )
            routes[key] = ApiRoute(
                key=key,
                backend=backend,
                throttle=Throttle(fields.get("rate"), fields.get("burst")),
                timeout_ms=fields.get("timeout_ms"),
                path=route_path,
            )
        throttle = raw.get("throttle", {})
        return ApiGateway(
            name=name,
            region=raw.get("region", region),
            type=raw.get("type", "rest"),
            throttle=Throttle(throttle.get("rate"), throttle.get("burst")),
            routes=routes,
            path=path,
            endpoint=raw.get("endpoint"),
        )


def prices_record(raw: dict[str, Any]) -> Prices:
    """Decoded `prices:` data (from the file or a --prices file) as the model's record."""
    from archplan.build_containers import fargate_prices, lambda_prices

    gateway = raw.get("transit_gateway", {})
    return Prices(
        region=raw.get("region"),
        source=raw.get("source"),
        instance_types={
            name: InstancePrice(fields["on_demand"], fields.get("spot"))
            for name, fields in raw.get("instance_types", {}).items()
            if "on_demand" in fields
        },
        discounts=dict(raw.get("discounts", {})),
        transit_gateway_attachment_hour=gateway.get("attachment_hour"),
        transit_gateway_per_gb=gateway.get("per_gb"),
        fargate=fargate_prices(raw.get("fargate")),
        lambda_=lambda_prices(raw.get("lambda")),
    )
