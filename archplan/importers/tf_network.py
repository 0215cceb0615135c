"""Terraform resources that filter and steer traffic to facts: security groups and rules,
network ACLs and rules, transit gateway route tables, Network Firewall firewalls.

Handlers for archplan.importers.tf_resources.Importer's phases; they only read the plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.importers.protocols import icmp, ports, protocol
from archplan.importers.tf_awscli_facts import (
    AclEntryFacts,
    AclFacts,
    FirewallFacts,
    HostFacts,
    SecurityGroupFacts,
    SgRuleFacts,
    TgwRouteFacts,
    TgwTableFacts,
)

if TYPE_CHECKING:
    from archplan.importers.tf_plan import Resource
    from archplan.importers.tf_resources import Importer

_GROUP = ("aws_security_group",)
_ACL = ("aws_network_acl", "aws_default_network_acl")
_TGW_TABLE = ("aws_ec2_transit_gateway_route_table",)
_ATTACHMENT = ("aws_ec2_transit_gateway_vpc_attachment",)


class NetworkHandlers:
    def __init__(self, importer: Importer) -> None:
        self.i = importer
        self.facts = importer.facts

    def phases(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Handlers run after the VPC parts (groups, ACLs, tables, firewalls), and after
        those (rules, associations, routes of the transit gateway route tables)."""
        first = {
            "aws_security_group": self.security_group,
            "aws_network_acl": self.network_acl,
            "aws_default_network_acl": self.network_acl,
            "aws_ec2_transit_gateway_route_table": self.tgw_table,
            "aws_networkfirewall_firewall": self.firewall,
            "aws_instance": self.instance,
        }
        second = {
            "aws_security_group_rule": self.group_rule,
            "aws_vpc_security_group_ingress_rule": self.group_rule_v2,
            "aws_vpc_security_group_egress_rule": self.group_rule_v2,
            "aws_network_acl_rule": self.acl_rule,
            "aws_network_acl_association": self.acl_association,
            "aws_ec2_transit_gateway_route_table_association": self.tgw_link,
            "aws_ec2_transit_gateway_route_table_propagation": self.tgw_link,
            "aws_ec2_transit_gateway_route": self.tgw_route,
        }
        return first, second

    # -- security groups ----------------------------------------------------------------------

    def security_group(self, resource: Resource) -> None:
        i = self.i
        vpc = i.vpc_of(resource)
        group = SecurityGroupFacts(i.key(resource), i.label(resource), i.origin(resource), vpc)
        # Terraform removes AWS's default allow-all egress rule from the groups it creates:
        # without egress blocks (or rule resources) the group allows no outbound traffic.
        group.egress = []
        for direction in ("ingress", "egress"):
            values = resource.values.get(direction)
            expressions = resource.expressions.get(direction)
            blocks = expressions if isinstance(expressions, list) else []
            if (
                values is None
                and direction in resource.expressions
                and resource.is_unknown(direction)
            ):
                i.issue(resource, f"its {direction} rules are known only after apply; left out")
                continue
            for index, rule in enumerate(values if isinstance(values, list) else []):
                if not isinstance(rule, dict):
                    continue
                block = (
                    blocks[index] if index < len(blocks) and isinstance(blocks[index], dict) else {}
                )
                self._inline_rule(resource, group, direction, rule, block)
        self.facts.security_groups[group.key] = group

    def _inline_rule(
        self,
        resource: Resource,
        group: SecurityGroupFacts,
        direction: str,
        rule: dict[str, Any],
        block: dict[str, Any],
    ) -> None:
        found = self._protocol(
            resource, rule.get("protocol"), rule.get("from_port"), rule.get("to_port")
        )
        if found is None:
            return
        name, port_range, icmp_body = found
        peers: list[tuple[str, str]] = []
        for key in ("cidr_blocks", "ipv6_cidr_blocks"):
            for value in rule.get(key) or []:
                if isinstance(value, str):
                    peers.append(("block", value))
        if rule.get("self") is True:
            peers.append(("self", ""))
        referenced = self.i.plan.follow(resource, block.get("security_groups"), _GROUP, many=True)
        peers += [("group", self.i.key(r)) for r in referenced]
        written = [g for g in rule.get("security_groups") or [] if isinstance(g, str)]
        lost = len(written) - len(referenced) if written else 0
        if rule.get("prefix_list_ids") or lost > 0:
            self.i.issue(
                resource,
                f"an {direction} rule names prefix lists or security groups that are not in "
                "this plan; those sources are left out (the group then allows less)",
            )
        rules = group.ingress if direction == "ingress" else group.egress
        assert rules is not None
        for kind, peer in peers:
            rules.append(
                SgRuleFacts(
                    name,
                    port_range,
                    icmp_body,
                    kind,
                    peer,
                    self.i.origin(resource),
                    rule.get("description") or None,
                )
            )

    def _protocol(
        self, resource: Resource, raw: Any, first: Any, last: Any
    ) -> tuple[str | int, int | str | None, dict[str, int] | None] | None:
        name = protocol(raw)
        if name is None:
            self.i.issue(
                resource, f'protocol "{raw}" is not a protocol name or number; rule left out'
            )
            return None
        port_range = ports(name, first, last)
        if name in ("tcp", "udp") and port_range is None:
            self.i.issue(
                resource, "from_port and to_port are not known port numbers; rule left out"
            )
            return None
        return name, port_range, icmp(name, first, last)

    def _rule_group(self, resource: Resource) -> SecurityGroupFacts | None:
        """The group a rule resource's security_group_id names, or None (said)."""
        found = self.i.plan.resolve(resource, "security_group_id", _GROUP)
        group = self.facts.security_groups.get(self.i.key(found[0])) if found else None
        if group is None:
            self.i.issue(
                resource, "security_group_id is not a security group of this plan; left out"
            )
        return group

    def group_rule(self, resource: Resource) -> None:
        """aws_security_group_rule: one rule (or one per source block) of a group."""
        i = self.i
        group = self._rule_group(resource)
        if group is None:
            return
        direction = str(resource.known("type") or "")
        if direction not in ("ingress", "egress"):
            i.issue(resource, "type is not ingress or egress; left out")
            return
        values = resource.values
        converted = self._protocol(
            resource, values.get("protocol"), values.get("from_port"), values.get("to_port")
        )
        if converted is None:
            return
        peers: list[tuple[str, str]] = []
        for key in ("cidr_blocks", "ipv6_cidr_blocks"):
            for value in values.get(key) or []:
                if isinstance(value, str):
                    peers.append(("block", value))
        if values.get("self") is True:
            peers.append(("self", ""))
        if (
            values.get("source_security_group_id")
            or "source_security_group_id" in resource.expressions
        ):
            source = i.plan.resolve(resource, "source_security_group_id", _GROUP)
            if not source:
                i.issue(resource, "source_security_group_id is not a group of this plan; left out")
                return
            peers.append(("group", i.key(source[0])))
        if not peers:
            i.issue(resource, "a rule whose source is a prefix list or unknown; left out")
            return
        self._add(group, direction, converted, peers, resource)

    def group_rule_v2(self, resource: Resource) -> None:
        """aws_vpc_security_group_ingress_rule / _egress_rule: one source per rule."""
        i = self.i
        group = self._rule_group(resource)
        if group is None:
            return
        direction = "ingress" if resource.type.endswith("ingress_rule") else "egress"
        values = resource.values
        converted = self._protocol(
            resource, values.get("ip_protocol"), values.get("from_port"), values.get("to_port")
        )
        if converted is None:
            return
        peers: list[tuple[str, str]] = []
        for key in ("cidr_ipv4", "cidr_ipv6"):
            if isinstance(values.get(key), str):
                peers.append(("block", values[key]))
        if (
            values.get("referenced_security_group_id")
            or "referenced_security_group_id" in resource.expressions
        ):
            source = i.plan.resolve(resource, "referenced_security_group_id", _GROUP)
            if not source:
                i.issue(
                    resource, "referenced_security_group_id is not a group of this plan; left out"
                )
                return
            peers.append(("group", i.key(source[0])))
        if not peers:
            i.issue(resource, "a rule whose peer is a prefix list or unknown; left out")
            return
        self._add(group, direction, converted, peers, resource)

    def _add(
        self,
        group: SecurityGroupFacts,
        direction: str,
        converted: tuple[str | int, int | str | None, dict[str, int] | None],
        peers: list[tuple[str, str]],
        resource: Resource,
    ) -> None:
        if direction == "egress" and group.egress is None:
            group.egress = []
        rules = group.ingress if direction == "ingress" else group.egress
        assert rules is not None
        description = resource.values.get("description")
        for kind, peer in peers:
            rules.append(
                SgRuleFacts(
                    *converted,
                    kind,
                    peer,
                    self.i.origin(resource),
                    description if isinstance(description, str) and description else None,
                )
            )

    # -- network ACLs ---------------------------------------------------------------------------

    def network_acl(self, resource: Resource) -> None:
        i = self.i
        default = resource.type == "aws_default_network_acl"
        if default:
            vpcs = i.plan.resolve(resource, "default_network_acl_id", ("aws_vpc",))
            vpc = i.key(vpcs[0]) if len(vpcs) == 1 else None
            if vpc is None:
                i.issue(
                    resource,
                    "default_network_acl_id does not resolve to a VPC of this plan; left out",
                )
                return
        else:
            vpc = i.vpc_of(resource)
        acl = AclFacts(i.key(resource), i.label(resource), i.origin(resource), vpc, default)
        acl.subnets = [
            i.key(s) for s in i.plan.resolve(resource, "subnet_ids", ("aws_subnet",), many=True)
        ]
        for direction in ("ingress", "egress"):
            values = resource.values.get(direction)
            for rule in values if isinstance(values, list) else []:
                if isinstance(rule, dict):
                    self._acl_entry(resource, acl, rule, direction == "egress", "rule_no", "action")
        self.facts.acls[acl.key] = acl

    def _acl_entry(
        self,
        resource: Resource,
        acl: AclFacts,
        rule: dict[str, Any],
        egress: bool,
        number_key: str,
        action_key: str,
    ) -> None:
        block = rule.get("cidr_block") or rule.get("ipv6_cidr_block")
        action = str(rule.get(action_key) or "").lower()
        try:
            number = int(str(rule.get(number_key)))
        except ValueError:
            number = -1
        name = protocol(rule.get("protocol"))
        if (
            not isinstance(block, str)
            or action not in ("allow", "deny")
            or number < 1
            or name is None
        ):
            self.i.issue(
                resource,
                "a network ACL rule whose number, action, protocol or block is "
                "not known; left out (the ACL then allows less)",
            )
            return
        port_range = ports(name, rule.get("from_port"), rule.get("to_port"))
        icmp_body = icmp(name, rule.get("icmp_type"), rule.get("icmp_code"))
        acl.entries.append(
            AclEntryFacts(
                number, action, name, port_range, icmp_body, block, egress, self.i.origin(resource)
            )
        )

    def acl_rule(self, resource: Resource) -> None:
        found = self.i.plan.resolve(resource, "network_acl_id", _ACL)
        acl = self.facts.acls.get(self.i.key(found[0])) if found else None
        if acl is None:
            self.i.issue(resource, "network_acl_id is not a network ACL of this plan; left out")
            return
        self._acl_entry(
            resource,
            acl,
            resource.values,
            resource.values.get("egress") is True,
            "rule_number",
            "rule_action",
        )

    def acl_association(self, resource: Resource) -> None:
        found = self.i.plan.resolve(resource, "network_acl_id", _ACL)
        subnets = self.i.plan.resolve(resource, "subnet_id", ("aws_subnet",))
        acl = self.facts.acls.get(self.i.key(found[0])) if found else None
        if acl is None or not subnets:
            self.i.issue(resource, "network_acl_id or subnet_id does not resolve; left out")
            return
        key = self.i.key(subnets[0])
        for other in self.facts.acls.values():
            if key in other.subnets:
                other.subnets.remove(key)  # the association moves the subnet, as in AWS
        acl.subnets.append(key)

    # -- transit gateway route tables -----------------------------------------------------------

    def tgw_table(self, resource: Resource) -> None:
        found = self.i.plan.resolve(resource, "transit_gateway_id", ("aws_ec2_transit_gateway",))
        gateway = self.i.key(found[0]) if found else resource.known("transit_gateway_id")
        table = TgwTableFacts(
            self.i.key(resource),
            self.i.label(resource),
            self.i.origin(resource),
            gateway if isinstance(gateway, str) else None,
        )
        self.facts.tgw_tables[table.key] = table

    def _table_of(self, resource: Resource) -> TgwTableFacts | None:
        found = self.i.plan.resolve(resource, "transit_gateway_route_table_id", _TGW_TABLE)
        table = self.facts.tgw_tables.get(self.i.key(found[0])) if found else None
        if table is None:
            self.i.issue(
                resource,
                "transit_gateway_route_table_id is not a route table of this plan; left out",
            )
        return table

    def _attachment_of(self, resource: Resource) -> str | None:
        found = self.i.plan.resolve(resource, "transit_gateway_attachment_id", _ATTACHMENT)
        if not found:
            self.i.issue(
                resource,
                "transit_gateway_attachment_id is not a VPC attachment of this plan; left out",
            )
            return None
        return self.i.key(found[0])

    def tgw_link(self, resource: Resource) -> None:
        table = self._table_of(resource)
        attachment = self._attachment_of(resource) if table is not None else None
        if table is None or attachment is None:
            return
        links = table.associations if resource.type.endswith("association") else table.propagations
        if attachment not in links:
            links.append(attachment)

    def tgw_route(self, resource: Resource) -> None:
        table = self._table_of(resource)
        if table is None:
            return
        destination = resource.known("destination_cidr_block")
        if not isinstance(destination, str):
            self.i.issue(resource, "destination_cidr_block is known only after apply; left out")
            return
        if resource.values.get("blackhole") is True:
            table.routes.append(TgwRouteFacts(destination, None, self.i.origin(resource)))
            return
        attachment = self._attachment_of(resource)
        if attachment is not None:
            table.routes.append(TgwRouteFacts(destination, attachment, self.i.origin(resource)))

    # -- instances --------------------------------------------------------------------------------

    def instance(self, resource: Resource) -> None:
        i = self.i
        subnets = i.plan.resolve(resource, "subnet_id", ("aws_subnet",))
        if not subnets:
            if resource.values.get("subnet_id") or "subnet_id" in resource.expressions:
                i.issue(
                    resource, "subnet_id is not a subnet of this plan; the instance is left out"
                )
            return  # no subnet: the default VPC's, which the plan does not describe
        values = resource.values
        host = HostFacts(i.key(resource), i.label(resource), i.origin(resource), i.key(subnets[0]))
        if isinstance(values.get("private_ip"), str) and values["private_ip"]:
            host.address = values["private_ip"]
        host.public_ip = values.get("associate_public_ip_address") is True
        if values.get("source_dest_check") is False:
            host.source_dest_check = False
        if "vpc_security_group_ids" in resource.expressions or values.get("vpc_security_group_ids"):
            groups = i.plan.resolve(resource, "vpc_security_group_ids", _GROUP, many=True)
            written = values.get("vpc_security_group_ids")
            complete = not isinstance(written, list) or len(groups) >= len(written)
            host.security_groups = [i.key(g) for g in groups] if groups and complete else None
        self.facts.hosts[host.key] = host

    # -- firewalls --------------------------------------------------------------------------------

    def firewall(self, resource: Resource) -> None:
        i = self.i
        if not resource.values.get("vpc_id") and "vpc_id" not in resource.expressions:
            i.issue(
                resource, "a firewall attached to a transit gateway is not in format 1; left out"
            )
            return
        firewall = FirewallFacts(
            i.key(resource), i.label(resource), i.origin(resource), i.vpc_of(resource)
        )
        mappings = resource.values.get("subnet_mapping")
        blocks = resource.expressions.get("subnet_mapping")
        for index, mapping in enumerate(mappings if isinstance(mappings, list) else []):
            block = blocks[index] if isinstance(blocks, list) and index < len(blocks) else {}
            value = mapping.get("subnet_id") if isinstance(mapping, dict) else None
            found = (
                [r for r in [i.plan.by_id(value)] if r is not None and r.type == "aws_subnet"]
                if isinstance(value, str)
                else i.plan.follow(
                    resource,
                    block.get("subnet_id") if isinstance(block, dict) else None,
                    ("aws_subnet",),
                )
            )
            if not found:
                i.issue(
                    resource,
                    "a subnet_mapping does not resolve to a subnet of this plan; "
                    "its endpoints are left out",
                )
                return
            firewall.subnets.append(i.key(found[0]))
        self.facts.firewalls[firewall.key] = firewall


def transit_gateway_defaults(importer: Importer, resource: Resource) -> None:
    """Record whether a transit gateway keeps AWS's default route table association and
    propagation (both enabled unless set to disable)."""
    values = resource.values
    importer.facts.tgw_defaults[importer.key(resource)] = (
        str(values.get("default_route_table_association") or "enable") != "disable",
        str(values.get("default_route_table_propagation") or "enable") != "disable",
    )
