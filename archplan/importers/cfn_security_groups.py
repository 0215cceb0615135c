"""CloudFormation security groups to format 1: groups, their inline and standalone rules, and
the groups of the instances that use them (EC2 instances as hosts, a scaling group's launch
template).

Part of cfn_network's NetworkMapper, for one template's `_TemplateMapper` (cfn_mapping)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.findings import Span
from archplan.importers.cfn_reading import logical_id_of
from archplan.importers.common import DocPath
from archplan.importers.intrinsics import Attribute, ResourceRef, Unresolved, text
from archplan.importers.protocols import PROTOCOLS, icmp, ports
from archplan.loader import Mapping

if TYPE_CHECKING:
    from archplan.importers.cfn_mapping import _TemplateMapper
    from archplan.importers.cloudformation import Resource


class SecurityGroupMapping:
    """The security groups of one template, and the instances' and launch templates' groups."""

    def __init__(self, mapper: _TemplateMapper) -> None:
        self.tm = mapper
        self.groups: dict[str, tuple[str, str]] = {}  # logical ID -> (VPC, group)

    def security_groups(self) -> None:
        tm = self.tm
        for resource in tm.of_type("AWS::EC2::SecurityGroup"):
            without = (
                " has no VpcId (a group of the default VPC, which the template does not describe)"
            )
            vpc = tm.vpc_of(resource, without, "the security group is left out")
            if vpc is None:
                continue
            name = tm.name(resource)
            path: DocPath = ("vpcs", vpc[0], "security_groups", name)
            tm.record(path, resource.key, resource.logical_id)
            tm.m.vpcs[vpc[0]].setdefault("security_groups", {})[name] = {}
            self.groups[resource.logical_id] = (vpc[0], name)
        for resource in tm.of_type("AWS::EC2::SecurityGroup"):
            if resource.logical_id not in self.groups:
                continue
            for prop, direction in (
                ("SecurityGroupIngress", "ingress"),
                ("SecurityGroupEgress", "egress"),
            ):
                found = tm.get(resource, prop, f"its {direction} rules are left out")
                if found is None:
                    continue
                rules = found[0] if isinstance(found[0], list) else [found[0]]
                for rule in rules:
                    self.sg_rule(resource, resource.logical_id, prop, direction, rule, found[1])
        for kind, direction in (
            ("AWS::EC2::SecurityGroupIngress", "ingress"),
            ("AWS::EC2::SecurityGroupEgress", "egress"),
        ):
            for resource in tm.of_type(kind):
                self.standalone_rule(resource, direction)

    def group_list(self, resource: Resource, prop: str, vpc: str) -> tuple[list[str], Span] | None:
        """The format-1 names of the security groups a property lists (all of `vpc`), or None
        when it is absent or names a group that was not imported (then said)."""
        tm = self.tm
        found = tm.get(resource, prop, "its security groups are left out")
        if found is None:
            return None
        values = found[0] if isinstance(found[0], list) else [found[0]]
        names = []
        for value in values:
            placed = self.groups.get(logical_id_of(value) or "")
            if placed is None or placed[0] != vpc:
                tm.issue(
                    f"{resource.logical_id}.{prop}: a group that is not an imported security "
                    f"group of VPC {vpc}; its security groups are left out (the file then does "
                    "not say which groups it has)",
                    found[1],
                    f"{resource.logical_id}.Properties.{prop}",
                )
                return None
            names.append(placed[1])
        return names, found[1]

    def standalone_rule(self, resource: Resource, direction: str) -> None:
        tm = self.tm
        left_out = "the rule is left out"
        group = tm.target(resource, "GroupId", self.groups, "security group", left_out)
        if group is None:
            return
        if resource.properties is None:
            return
        try:
            values = {
                key: tm.ev.value(entry.value)
                for key, entry in resource.properties.entries.items()
                if key != "GroupId"
            }
        except Unresolved as error:
            tm.issue(
                f"{resource.logical_id}: {error.message}; {left_out}",
                error.span,
                resource.logical_id,
                error.severity,
            )
            return
        owner = next(lid for lid, placed in self.groups.items() if placed == group[0])
        self.sg_rule(resource, owner, "", direction, values, resource.key)

    def sg_rule(
        self, resource: Resource, owner: str, prop: str, direction: str, rule: Any, span: Span
    ) -> None:
        """One IpPermission-like mapping to a format-1 rule of `owner`'s group."""
        tm = self.tm
        where = f"{resource.logical_id}.{prop}" if prop else resource.logical_id
        left_out = "the rule is left out (the group then allows less than it will)"
        if not isinstance(rule, dict):
            tm.issue(f"{where}: a rule that is not a mapping; {left_out}", span, where, "error")
            return
        vpc, group = self.groups[owner]
        converted = _protocol_and_ports(rule)
        if isinstance(converted, str):
            tm.issue(f"{where}: {converted}; {left_out}", span, where)
            return
        peer_key = "from" if direction == "ingress" else "to"
        peer = self.sg_peer(rule, direction, vpc, owner)
        if peer.startswith("!"):
            tm.issue(f"{where}: {peer[1:]}; {left_out}", span, where)
            return
        body = {**converted, peer_key: peer}
        if isinstance(rule.get("Description"), str):
            body["description"] = rule["Description"]
        rules = tm.m.vpcs[vpc]["security_groups"][group].setdefault(direction, [])
        tm.record(("vpcs", vpc, "security_groups", group, direction, len(rules)), span, where)
        rules.append(body)

    def sg_peer(self, rule: dict[str, Any], direction: str, vpc: str, owner: str) -> str:
        """The rule's source or destination in format 1, or "!why" when it cannot be written."""
        side = "Source" if direction == "ingress" else "Destination"
        for key in ("CidrIp", "CidrIpv6"):
            value = rule.get(key)
            if value is not None:
                shown = text(value)
                if shown is None or isinstance(value, ResourceRef | Attribute):
                    return f"!{key} is known only at deployment"
                return shown
        reference = rule.get(f"{side}SecurityGroupId")
        if reference is not None:
            logical_id = logical_id_of(reference)
            if logical_id is None or logical_id not in self.groups:
                return f"!{side}SecurityGroupId names no security group of the template"
            if logical_id == owner:
                return "self"
            peer_vpc, peer_group = self.groups[logical_id]
            return f"sg:{peer_group}" if peer_vpc == vpc else f"sg:{peer_vpc}/{peer_group}"
        if rule.get(f"{side}PrefixListId") is not None:
            return f"!{side}PrefixListId: a prefix list known only by its ID"
        if rule.get("SourceSecurityGroupName") is not None:
            return "!SourceSecurityGroupName names a group of the default VPC"
        return f"!no CidrIp, CidrIpv6, {side}SecurityGroupId or {side}PrefixListId"

    # -- instances ------------------------------------------------------------------------------

    def hosts(self) -> None:
        """AWS::EC2::Instance in an imported subnet: a host with its private address (when
        written), its security groups and source/destination check."""
        tm = self.tm
        for resource in tm.of_type("AWS::EC2::Instance"):
            left_out = "the instance is left out (not a host)"
            interfaces = tm.get(resource, "NetworkInterfaces", left_out)
            first = {}
            if interfaces is not None and isinstance(interfaces[0], list) and interfaces[0]:
                first = interfaces[0][0] if isinstance(interfaces[0][0], dict) else {}
            subnet_ref = first.get("SubnetId")
            if subnet_ref is None:
                if tm.node(resource, "SubnetId") is None:
                    continue  # an instance of the default VPC: not described by the template
                subnet = tm.target(resource, "SubnetId", tm.subnets, "subnet", left_out)
            else:
                placed = tm.subnets.get(logical_id_of(subnet_ref) or "")
                subnet = (placed, resource.key) if placed is not None else None
            if subnet is None:
                continue
            vpc, subnet_name = subnet[0]
            name = tm.name(resource)
            path: DocPath = ("hosts", name)
            tm.record(path, resource.key, resource.logical_id)
            body: dict[str, Any] = {"vpc": vpc, "subnet": subnet_name}
            address = first.get("PrivateIpAddress")
            if address is None:
                found = tm.string(resource, "PrivateIpAddress", "it is imported without it", False)
                address = found[0] if found is not None else None
            if isinstance(address, str):
                body["address"] = address
            public = first.get("AssociatePublicIpAddress")
            if public is True or str(public).lower() == "true":
                body["public_ip"] = True
            groups = (
                self._group_values(resource, first.get("GroupSet"), vpc)
                if "GroupSet" in first
                else self.group_list(resource, "SecurityGroupIds", vpc)
            )
            if groups is not None:
                body["security_groups"] = groups[0] if isinstance(groups, tuple) else groups
            check = tm.boolean(resource, "SourceDestCheck", "taken as on (AWS's default)")
            if check is not None and not check[0]:
                body["source_dest_check"] = False
            tm.m.hosts[name] = body

    def launch_template_groups(self, resource: Resource, vpc: str) -> list[str] | None:
        """The security groups a scaling group's instances get from its launch template in the
        template (LaunchTemplateData SecurityGroupIds, or its first network interface's
        Groups); None when the template does not say."""
        tm = self.tm
        specification: Any = None
        for prop in ("LaunchTemplate", "MixedInstancesPolicy"):
            node = tm.node(resource, prop)
            if node is None:
                continue
            try:
                value = tm.ev.value(node)
            except Unresolved:  # the scaling group's own import has said so
                return None
            if prop == "MixedInstancesPolicy" and isinstance(value, dict):
                value = value.get("LaunchTemplate", {})
                value = (
                    value.get("LaunchTemplateSpecification") if isinstance(value, dict) else None
                )
            specification = value
            break
        reference = (
            specification.get("LaunchTemplateId") if isinstance(specification, dict) else None
        )
        launch = tm.t.resources.get(logical_id_of(reference) or "")
        if launch is None or launch.type != "AWS::EC2::LaunchTemplate":
            return None
        data = tm.node(launch, "LaunchTemplateData")
        if not isinstance(data, Mapping):
            return None
        found: dict[str, Any] = {}
        for key in ("SecurityGroupIds", "NetworkInterfaces"):
            entry = data.entries.get(key)
            if entry is None:
                continue
            try:
                found[key] = tm.ev.value(entry.value)
            except Unresolved as error:
                tm.issue(
                    f"{launch.logical_id}.LaunchTemplateData.{key}: {error.message}; the "
                    "scaling group's security groups are left out",
                    error.span,
                    f"{launch.logical_id}.Properties.LaunchTemplateData.{key}",
                    error.severity,
                )
                return None
        values = found.get("SecurityGroupIds")
        interfaces = found.get("NetworkInterfaces")
        if values is None and isinstance(interfaces, list) and interfaces:
            values = interfaces[0].get("Groups") if isinstance(interfaces[0], dict) else None
        if values is None:
            return None
        return self._group_values(launch, values, vpc)

    def _group_values(self, resource: Resource, values: Any, vpc: str) -> list[str] | None:
        names = []
        for value in values if isinstance(values, list) else []:
            placed = self.groups.get(logical_id_of(value) or "")
            if placed is None or placed[0] != vpc:
                self.tm.issue(
                    f"{resource.logical_id}.NetworkInterfaces: a group that is not an imported "
                    f"security group of VPC {vpc}; its security groups are left out",
                    resource.key,
                    resource.logical_id,
                )
                return None
            names.append(placed[1])
        return names


def _protocol_and_ports(rule: dict[str, Any]) -> dict[str, Any] | str:
    """A security group rule's protocol, ports and ICMP type/code, or why they cannot be read."""
    raw = rule.get("IpProtocol")
    shown = text(raw)
    if shown is None or isinstance(raw, ResourceRef | Attribute):
        return "IpProtocol is not known before deployment"
    protocol: Any = PROTOCOLS.get(shown.lower())
    if protocol is None:
        try:
            protocol = int(shown)
        except ValueError:
            return f'IpProtocol "{shown}" is not a protocol name or number'
    body: dict[str, Any] = {"protocol": protocol}
    if protocol in ("tcp", "udp"):
        port_numbers = ports(protocol, rule.get("FromPort"), rule.get("ToPort"))
        if port_numbers is None:
            return "FromPort and ToPort are not port numbers"
        body["ports"] = port_numbers
    elif protocol in ("icmp", "icmpv6"):
        icmp_body = icmp(protocol, rule.get("FromPort"), rule.get("ToPort"))
        if icmp_body:
            body["icmp"] = icmp_body
    return body
