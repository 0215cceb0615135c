"""Facts to format 1 for what filters and steers traffic: security groups, network ACLs,
Network Firewall and Gateway Load Balancer endpoints, transit gateway route tables.

Part of tf_awscli_document's assembly: names come from labels as for every other object, and
references between these objects (a rule naming another group, a route table naming an
attachment) become format-1 names once every object has one. What cannot be named (a group
of a VPC that was not imported) is left out with an issue, never guessed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.importers.common import DocPath, object_name
from archplan.importers.tf_awscli_facts import AclEntryFacts, SgRuleFacts

if TYPE_CHECKING:
    from archplan.importers.tf_awscli_document import _Assembly


class NetworkAssembly:
    def __init__(self, assembly: _Assembly) -> None:
        self.a = assembly
        self.facts = assembly.facts
        self.group_names: dict[str, tuple[str, str]] = {}  # key -> (VPC name, group name)
        self.firewall_endpoints: dict[str, str] = {}  # "firewall|subnet" and id -> endpoint
        self.gwlb_names: dict[str, str] = {}  # endpoint key -> name

    # -- names first: endpoints and rules refer to groups --------------------------------------

    def name_groups(self) -> None:
        taken: dict[str, set[str]] = {}
        for key, group in self.facts.security_groups.items():
            vpc_name = self.a.vpc_names.get(group.vpc or "")
            if vpc_name is None:
                self.facts.issue(
                    f"security group {key} left out: its VPC {group.vpc or '(unknown)'} could "
                    "not be imported",
                    group.origin.address,
                )
                continue
            name = object_name(group.label, taken.setdefault(vpc_name, set()))
            self.group_names[key] = (vpc_name, name)

    def group_list(self, keys: list[str] | None, vpc_name: str, owner: str) -> list[str] | None:
        """Names of the groups of one VPC; None (the source then says nothing) when one is
        not imported, since a shorter list would make the object stricter than it is."""
        if keys is None:
            return None
        names = []
        for key in keys:
            placed = self.group_names.get(key)
            if placed is None or placed[0] != vpc_name:
                self.facts.issue(
                    f'"{owner}": security group {key} is not an imported group of its VPC; '
                    "its security groups are left out",
                    owner,
                )
                return None
            names.append(placed[1])
        return names

    # -- per VPC ----------------------------------------------------------------------------------

    def security_groups(self, vpc_name: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, (owner_vpc, name) in self.group_names.items():
            if owner_vpc != vpc_name:
                continue
            group = self.facts.security_groups[key]
            path: DocPath = ("vpcs", vpc_name, "security_groups", name)
            self.a.origins[path] = group.origin
            body: dict[str, Any] = {}
            for direction, rules in (("ingress", group.ingress), ("egress", group.egress)):
                if rules is None:
                    continue
                written: list[dict[str, Any]] = []
                for rule in rules:
                    converted = self._sg_rule(rule, direction, key, vpc_name, name)
                    if converted is None:
                        continue
                    self.a.origins[(*path, direction, len(written))] = rule.origin
                    written.append(converted)
                body[direction] = written
            out[name] = body
        return out

    def _sg_rule(
        self, rule: SgRuleFacts, direction: str, owner: str, vpc_name: str, group: str
    ) -> dict[str, Any] | None:
        body: dict[str, Any] = {"protocol": rule.protocol}
        if rule.ports is not None:
            body["ports"] = rule.ports
        if rule.icmp:
            body["icmp"] = dict(rule.icmp)
        if rule.peer_kind == "block":
            peer = rule.peer
        elif rule.peer_kind == "self" or rule.peer == owner:
            peer = "self"
        else:
            placed = self.group_names.get(rule.peer)
            if placed is None:
                self.facts.issue(
                    f'security group "{group}": a rule names group {rule.peer}, which is not in '
                    "the imported source; the rule is left out (the group then allows less)",
                    rule.origin.address,
                )
                return None
            peer = f"sg:{placed[1]}" if placed[0] == vpc_name else f"sg:{placed[0]}/{placed[1]}"
        body["from" if direction == "ingress" else "to"] = peer
        if rule.description:
            body["description"] = rule.description
        return body

    def network_acls(self, vpc_key: str, vpc_name: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        taken: set[str] = set()
        claimed: set[str] = set()
        for acl in self.facts.acls.values():
            if acl.vpc != vpc_key:
                continue
            name = object_name(acl.label, taken)
            path: DocPath = ("vpcs", vpc_name, "network_acls", name)
            self.a.origins[path] = acl.origin
            body: dict[str, Any] = {}
            if acl.default:
                body["default"] = True
            subnets = []
            for key in acl.subnets:
                subnet = self.a.subnet_names.get(key)
                if subnet is None or self.a.subnet_vpc.get(key) != vpc_key or subnet in claimed:
                    continue  # a subnet not imported (said where it was left out), or twice
                claimed.add(subnet)
                subnets.append(subnet)
            body["subnets"] = subnets
            for direction in ("ingress", "egress"):
                entries = [e for e in acl.entries if e.egress == (direction == "egress")]
                if entries:
                    body[direction] = [_acl_entry(entry) for entry in entries]
                    for index, entry in enumerate(entries):
                        self.a.origins[(*path, direction, index)] = entry.origin
            out[name] = body
        return out

    def firewalls(self, vpc_key: str, vpc_name: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        taken: set[str] = set()
        for key, firewall in self.facts.firewalls.items():
            if firewall.vpc != vpc_key:
                continue
            subnets = [s for s in firewall.subnets if self.a.subnet_vpc.get(s) == vpc_key]
            if not subnets or len(subnets) < len(firewall.subnets):
                self.facts.issue(
                    f"firewall {key}: its subnets are not all in the imported source; its "
                    "endpoints and the routes through them are left out",
                    firewall.origin.address,
                )
                continue
            firewall_name = object_name(firewall.label, taken)
            ids = {subnet: endpoint for endpoint, subnet in firewall.endpoint_ids.items()}
            for subnet in subnets:
                subnet_name = self.a.subnet_names[subnet]
                name = (
                    firewall_name
                    if len(subnets) == 1
                    else object_name(f"{firewall_name}-{subnet_name}", taken)
                )
                self.a.origins[("vpcs", vpc_name, "firewalls", name)] = firewall.origin
                out[name] = {"subnet": subnet_name, "firewall": firewall_name}
                self.firewall_endpoints[f"{key}|{subnet}"] = name
                if len(subnets) == 1:
                    self.firewall_endpoints[f"{key}|"] = name
                if subnet in ids:
                    self.firewall_endpoints[ids[subnet]] = name
        return out

    def gwlb_endpoint(
        self, key: str, vpc_name: str, name: str, subnets: list[str]
    ) -> dict[str, Any] | None:
        endpoint = self.facts.endpoints[key]
        if len(subnets) != 1:
            self.facts.issue(
                f"Gateway Load Balancer endpoint {key} needs exactly one imported subnet; left "
                "out with the routes through it",
                endpoint.origin.address,
            )
            return None
        self.gwlb_names[key] = name
        self.a.origins[("vpcs", vpc_name, "gwlb_endpoints", name)] = endpoint.origin
        body: dict[str, Any] = {"subnet": subnets[0]}
        if endpoint.service:
            body["service"] = endpoint.service
        return body

    def firewall_target(self, ref: str) -> str | None:
        """A route's firewall endpoint: `ref` is an endpoint id, or "firewall|subnet"."""
        return self.firewall_endpoints.get(ref)

    def hosts(self) -> dict[str, Any]:
        """Instances in imported subnets (an instance elsewhere is left out, and said)."""
        out: dict[str, Any] = {}
        taken: set[str] = set()
        for key, host in self.facts.hosts.items():
            subnet = self.a.subnet_names.get(host.subnet or "")
            vpc_key = self.a.subnet_vpc.get(host.subnet or "")
            if subnet is None or vpc_key is None:
                self.facts.issue(
                    f"instance {key} left out: its subnet {host.subnet or '(unknown)'} is not in "
                    "the imported source",
                    host.origin.address,
                )
                continue
            name = object_name(host.label, taken)
            vpc_name = self.a.vpc_names[vpc_key]
            self.a.origins[("hosts", name)] = host.origin
            body: dict[str, Any] = {"vpc": vpc_name, "subnet": subnet}
            if host.address is not None:
                body["address"] = host.address
            if host.public_ip:
                body["public_ip"] = True
            groups = self.group_list(host.security_groups, vpc_name, name)
            if groups is not None:
                body["security_groups"] = groups
            if not host.source_dest_check:
                body["source_dest_check"] = False
            out[name] = body
        return out

    # -- transit gateway route tables --------------------------------------------------------------

    def tgw_tables(self, gateways: dict[str, Any]) -> None:
        attachment_names = {
            attachment.key: self.a.vpc_names.get(attachment.vpc or "")
            for attachment in self.facts.attachments
            if (attachment.gateway, attachment.vpc) not in self.a.parked_attachments
        }
        # Gateways with an association, propagation or route left out: judged without it, a
        # table would miss a route it has ("no route back"), so its tables are left out whole.
        incomplete: dict[str, str] = {}
        written: dict[str, dict[str, Any]] = {}
        taken: dict[str, set[str]] = {}
        for key, table in self.facts.tgw_tables.items():
            gateway = self.a.gateway_names.get(table.gateway or "")
            if gateway is None:
                self.facts.issue(
                    f"transit gateway route table {key} left out: its transit gateway "
                    f"{table.gateway or '(unknown)'} could not be imported",
                    table.origin.address,
                )
                continue
            name = object_name(table.label, taken.setdefault(gateway, set()))
            body: dict[str, Any] = {}
            for field_name in ("associations", "propagations"):
                names = []
                for attachment in getattr(table, field_name):
                    found = attachment_names.get(attachment)
                    if found is None:
                        self.facts.issue(
                            f"transit gateway route table {name}: attachment {attachment} is "
                            f"not an imported VPC attachment; left out of its {field_name}",
                            table.origin.address,
                        )
                        incomplete.setdefault(gateway, key)
                        continue
                    if found not in names:
                        names.append(found)
                if names:
                    body[field_name] = names
            routes: dict[str, str] = {}
            for route in table.routes:
                target = (
                    "blackhole"
                    if route.attachment is None
                    else attachment_names.get(route.attachment)
                )
                if target is None:
                    self.facts.issue(
                        f"transit gateway route {route.destination} in {name} left out: "
                        f"attachment {route.attachment} is not an imported VPC attachment",
                        route.origin.address,
                    )
                    incomplete.setdefault(gateway, key)
                    continue
                if route.destination not in routes:
                    routes[route.destination] = target
            if routes:
                body["routes"] = routes
            if not table.routes_known:
                self.a.park(
                    "transit_gateway_route_tables",
                    f"{gateway}/{name}",
                    {"source": key, "missing": ["routes", "propagations"], **body},
                    table.origin,
                )
                self.facts.issue(
                    f'transit gateway route table "{name}" of "{gateway}" kept under '
                    "x-incomplete: the AWS CLI output names neither its routes nor its "
                    "propagations (search-transit-gateway-routes and "
                    "get-transit-gateway-route-table-propagations do not say which table they "
                    "describe); add them and move it under the gateway's route_tables",
                    table.origin.address,
                )
                continue
            gateway_body = gateways[gateway]
            gateway_body.setdefault("route_tables", {})[name] = body
            written[f"{gateway}/{name}"] = {"origin": table.origin, "routes": table.routes}
            if table.default_association:
                gateway_body["default_association"] = name
            if table.default_propagation:
                gateway_body["default_propagation"] = name
        for gateway, lost in incomplete.items():
            gateway_body = gateways[gateway]
            for field_name in ("route_tables", "default_association", "default_propagation"):
                gateway_body.pop(field_name, None)
            self.facts.issue(
                f'transit gateway "{gateway}": part of route table {lost} was left out, so its '
                "route tables are left out too; it is checked as if on one default table",
                self.facts.tgw_tables[lost].origin.address,
            )
        for key, table_name in written.items():
            gateway, name = key.split("/", 1)
            if "route_tables" not in gateways[gateway]:
                continue
            path: DocPath = ("transit_gateways", gateway, "route_tables", name)
            self.a.origins[path] = table_name["origin"]
            for route in table_name["routes"]:
                self.a.origins[(*path, "routes", route.destination)] = route.origin
        for key, (association, propagation) in self.facts.tgw_defaults.items():
            gateway = self.a.gateway_names.get(key)
            gateway_body = gateways.get(gateway or "")
            if gateway_body is None or not gateway_body.get("route_tables"):
                continue  # no table of its own: format 1's single table is AWS's default one
            self._default_table(gateway_body, association, propagation)

    def _default_table(self, body: dict[str, Any], association: bool, propagation: bool) -> None:
        """AWS's default route table, which a plan cannot declare, as `default` (when the
        gateway keeps default association or propagation and no imported table is it)."""
        wanted = [
            (field_name, on)
            for field_name, on in (
                ("default_association", association),
                ("default_propagation", propagation),
            )
            if on and field_name not in body
        ]
        if not wanted:
            return
        tables = body["route_tables"]
        name = "default"
        while name in tables:
            name += "-table"
        tables[name] = {}
        for field_name, _ in wanted:
            body[field_name] = name


def _acl_entry(entry: AclEntryFacts) -> dict[str, Any]:
    body: dict[str, Any] = {
        "rule": entry.number,
        "action": entry.action,
        "protocol": entry.protocol,
    }
    if entry.ports is not None:
        body["ports"] = entry.ports
    if entry.icmp:
        body["icmp"] = dict(entry.icmp)
    body["to" if entry.egress else "from"] = entry.block
    return body
