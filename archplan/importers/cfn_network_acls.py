"""CloudFormation network ACLs to format 1: the ACLs, their entries and subnet associations.

Part of cfn_network's NetworkMapper, for one template's `_TemplateMapper` (cfn_mapping)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.importers.intrinsics import Attribute, ResourceRef, text
from archplan.importers.protocols import PROTOCOLS, icmp, ports

if TYPE_CHECKING:
    from archplan.importers.cfn_mapping import _TemplateMapper
    from archplan.importers.cloudformation import Resource


class NetworkAclMapping:
    """The network ACLs of one template."""

    def __init__(self, mapper: _TemplateMapper) -> None:
        self.tm = mapper
        self.acls: dict[str, tuple[str, str]] = {}  # logical ID -> (VPC, ACL)

    def network_acls(self) -> None:
        tm = self.tm
        for resource in tm.of_type("AWS::EC2::NetworkAcl"):
            vpc = tm.target(resource, "VpcId", tm.vpc_names, "VPC", "the network ACL is left out")
            if vpc is None:
                continue
            name = tm.name(resource)
            tm.record(("vpcs", vpc[0], "network_acls", name), resource.key, resource.logical_id)
            tm.m.vpcs[vpc[0]].setdefault("network_acls", {})[name] = {"subnets": []}
            self.acls[resource.logical_id] = (vpc[0], name)
        for resource in tm.of_type("AWS::EC2::NetworkAclEntry"):
            self.acl_entry(resource)
        for resource in tm.of_type("AWS::EC2::SubnetNetworkAclAssociation"):
            self.acl_association(resource)

    def acl_entry(self, resource: Resource) -> None:
        tm = self.tm
        left_out = "the entry is left out (the ACL then allows less than it will)"
        acl = tm.target(resource, "NetworkAclId", self.acls, "network ACL", left_out)
        if acl is None:
            return
        values: dict[str, Any] = {}
        for prop in (
            "RuleNumber",
            "Protocol",
            "RuleAction",
            "Egress",
            "CidrBlock",
            "Ipv6CidrBlock",
            "PortRange",
            "Icmp",
        ):
            found = tm.get(resource, prop, left_out)
            if found is None and tm.failed:
                return
            if found is not None:
                values[prop] = found[0]
        where = resource.logical_id
        try:
            number = int(str(values.get("RuleNumber")))
        except ValueError:
            tm.issue(f"{where}: RuleNumber is not a number; {left_out}", resource.key, where)
            return
        action = str(values.get("RuleAction", "")).lower()
        if action not in ("allow", "deny"):
            tm.issue(f"{where}: RuleAction is not allow or deny; {left_out}", resource.key, where)
            return
        block = values.get("CidrBlock", values.get("Ipv6CidrBlock"))
        if text(block) is None or isinstance(block, ResourceRef | Attribute):
            tm.issue(
                f"{where}: the block is known only at deployment; {left_out}", resource.key, where
            )
            return
        protocol = PROTOCOLS.get(str(values.get("Protocol", "")).lower())
        rule: dict[str, Any] = {"rule": number, "action": action}
        if protocol is None:
            try:
                number_protocol = int(str(values.get("Protocol")))
            except ValueError:
                tm.issue(f"{where}: Protocol is not a number; {left_out}", resource.key, where)
                return
            rule["protocol"] = number_protocol
        else:
            rule["protocol"] = protocol
        port_range = values.get("PortRange")
        if protocol in ("tcp", "udp") and isinstance(port_range, dict):
            port_numbers = ports(protocol, port_range.get("From"), port_range.get("To"))
            if port_numbers is None:
                tm.issue(
                    f"{where}: PortRange is not two port numbers; {left_out}", resource.key, where
                )
                return
            rule["ports"] = port_numbers
        icmp_code = values.get("Icmp")
        if protocol in ("icmp", "icmpv6") and isinstance(icmp_code, dict):
            icmp_body = icmp(protocol, icmp_code.get("Type"), icmp_code.get("Code"))
            if icmp_body:
                rule["icmp"] = icmp_body
        egress = values.get("Egress", False)
        direction = "egress" if egress is True or str(egress).lower() == "true" else "ingress"
        rule["to" if direction == "egress" else "from"] = text(block)
        vpc, name = acl[0]
        rules = tm.m.vpcs[vpc]["network_acls"][name].setdefault(direction, [])
        tm.record(("vpcs", vpc, "network_acls", name, direction, len(rules)), resource.key, where)
        rules.append(rule)

    def acl_association(self, resource: Resource) -> None:
        tm = self.tm
        left_out = "the association is left out (the subnet is judged by the default ACL)"
        subnet = tm.target(resource, "SubnetId", tm.subnets, "subnet", left_out)
        acl = tm.target(resource, "NetworkAclId", self.acls, "network ACL", left_out)
        if subnet is None or acl is None:
            return
        if subnet[0][0] != acl[0][0]:
            tm.issue(
                f"{resource.logical_id}: the subnet and the network ACL are in different VPCs, "
                f"which AWS refuses; {left_out}",
                resource.key,
                resource.logical_id,
            )
            return
        vpc, name = acl[0]
        body = tm.m.vpcs[vpc]["network_acls"][name]
        for other in tm.m.vpcs[vpc].get("network_acls", {}).values():
            if subnet[0][1] in other["subnets"]:
                tm.issue(
                    f"{resource.logical_id}: subnet {subnet[0][1]} already has a network ACL; "
                    f"a subnet has one, so {left_out}",
                    resource.key,
                    resource.logical_id,
                )
                return
        body["subnets"].append(subnet[0][1])
        tm.record(("vpcs", vpc, "network_acls", name, "subnets"), resource.key, resource.logical_id)
