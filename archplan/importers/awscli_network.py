"""AWS CLI outputs that filter and steer traffic, to facts: describe-security-groups,
describe-network-acls, describe-transit-gateway-route-tables, describe-transit-gateway-attachments
(each attachment's route table association) and network-firewall describe-firewall.

Used by archplan.importers.awscli's merger; like it, merges by AWS id.
"""

from __future__ import annotations

from typing import Any

from archplan.importers.protocols import icmp, ports, protocol
from archplan.importers.tf_awscli_facts import (
    AclEntryFacts,
    AclFacts,
    Facts,
    FirewallFacts,
    HostFacts,
    SecurityGroupFacts,
    SgRuleFacts,
    TgwTableFacts,
    group_ids,
    listed,
    name_tag,
)


class NetworkMerger:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        # Attachment id -> route table id, from describe-transit-gateway-attachments.
        self.associations: dict[str, str] = {}

    # -- security groups ----------------------------------------------------------------------

    def security_group(self, raw: dict[str, Any], index: int) -> None:
        group_id = raw.get("GroupId")
        if not isinstance(group_id, str) or group_id in self.facts.security_groups:
            return
        vpc = raw.get("VpcId") if isinstance(raw.get("VpcId"), str) else None
        group = SecurityGroupFacts(
            group_id, name_tag(raw, group_id), self.facts.origin(group_id), vpc
        )
        group.egress = []  # describe-security-groups lists every outbound rule, the default too
        for field, direction in (("IpPermissions", "ingress"), ("IpPermissionsEgress", "egress")):
            rules = group.ingress if direction == "ingress" else group.egress
            for permission in listed(raw, field):
                if isinstance(permission, dict):
                    rules += self._permission(group_id, permission)
        self.facts.security_groups[group_id] = group

    def _permission(self, group_id: str, permission: dict[str, Any]) -> list[SgRuleFacts]:
        name = protocol(permission.get("IpProtocol"))
        if name is None:
            self.facts.issue(f"{group_id}: a rule whose protocol is unreadable; left out", group_id)
            return []
        port_range = ports(name, permission.get("FromPort"), permission.get("ToPort"))
        if name in ("tcp", "udp") and port_range is None:
            self.facts.issue(f"{group_id}: a rule without ports; left out", group_id)
            return []
        icmp_body = icmp(name, permission.get("FromPort"), permission.get("ToPort"))
        origin = self.facts.origin(group_id)
        found: list[SgRuleFacts] = []
        for field, key in (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6")):
            for item in listed(permission, field):
                if isinstance(item, dict) and isinstance(item.get(key), str):
                    description = item.get("Description")
                    found.append(
                        SgRuleFacts(
                            name,
                            port_range,
                            icmp_body,
                            "block",
                            item[key],
                            origin,
                            description if isinstance(description, str) else None,
                        )
                    )
        for pair in listed(permission, "UserIdGroupPairs"):
            peer = pair.get("GroupId") if isinstance(pair, dict) else None
            if isinstance(peer, str):
                kind = "self" if peer == group_id else "group"
                found.append(SgRuleFacts(name, port_range, icmp_body, kind, peer, origin))
        if listed(permission, "PrefixListIds"):
            self.facts.issue(
                f"{group_id}: a rule names prefix lists, known only by their IDs; those sources "
                "are left out (the group then allows less)",
                group_id,
            )
        return found

    # -- instances ------------------------------------------------------------------------------

    def reservation(self, raw: dict[str, Any], index: int) -> None:
        """describe-instances: each reservation's instances become hosts."""
        for instance in listed(raw, "Instances"):
            if not isinstance(instance, dict):
                continue
            instance_id = instance.get("InstanceId")
            state = instance.get("State")
            if not isinstance(instance_id, str) or instance_id in self.facts.hosts:
                continue
            if isinstance(state, dict) and state.get("Name") in ("terminated", "shutting-down"):
                continue
            subnet = instance.get("SubnetId") if isinstance(instance.get("SubnetId"), str) else None
            host = HostFacts(
                instance_id, name_tag(instance, instance_id), self.facts.origin(instance_id), subnet
            )
            if isinstance(instance.get("PrivateIpAddress"), str):
                host.address = instance["PrivateIpAddress"]
            host.public_ip = isinstance(instance.get("PublicIpAddress"), str)
            if instance.get("SourceDestCheck") is False:
                host.source_dest_check = False
            if "SecurityGroups" in instance:
                host.security_groups = group_ids(instance, "SecurityGroups")
            self.facts.hosts[instance_id] = host

    # -- network ACLs ---------------------------------------------------------------------------

    def network_acl(self, raw: dict[str, Any], index: int) -> None:
        acl_id = raw.get("NetworkAclId")
        if not isinstance(acl_id, str) or acl_id in self.facts.acls:
            return
        vpc = raw.get("VpcId") if isinstance(raw.get("VpcId"), str) else None
        acl = AclFacts(
            acl_id,
            name_tag(raw, acl_id),
            self.facts.origin(acl_id),
            vpc,
            raw.get("IsDefault") is True,
        )
        acl.subnets = [
            a["SubnetId"]
            for a in listed(raw, "Associations")
            if isinstance(a, dict) and isinstance(a.get("SubnetId"), str)
        ]
        for entry in listed(raw, "Entries"):
            if not isinstance(entry, dict):
                continue
            number = entry.get("RuleNumber")
            if not isinstance(number, int) or not 1 <= number <= 32766:
                continue  # the final * deny rules (32767, 32768), which format 1 implies
            name = protocol(entry.get("Protocol"))
            block = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
            action = str(entry.get("RuleAction", "")).lower()
            if name is None or not isinstance(block, str) or action not in ("allow", "deny"):
                self.facts.issue(f"{acl_id}: entry {number} is unreadable; left out", acl_id)
                continue
            port_range = entry.get("PortRange")
            icmp_code = entry.get("IcmpTypeCode")
            acl.entries.append(
                AclEntryFacts(
                    number,
                    action,
                    name,
                    ports(name, *(port_range.get(k) for k in ("From", "To")))
                    if isinstance(port_range, dict)
                    else None,
                    icmp(name, *(icmp_code.get(k) for k in ("Type", "Code")))
                    if isinstance(icmp_code, dict)
                    else None,
                    block,
                    entry.get("Egress") is True,
                    self.facts.origin(acl_id),
                )
            )
        self.facts.acls[acl_id] = acl

    # -- transit gateway route tables -----------------------------------------------------------

    def tgw_table(self, raw: dict[str, Any], index: int) -> None:
        table_id = raw.get("TransitGatewayRouteTableId")
        if not isinstance(table_id, str) or raw.get("State") in ("deleted", "deleting"):
            return
        if table_id in self.facts.tgw_tables:
            return
        gateway = (
            raw.get("TransitGatewayId") if isinstance(raw.get("TransitGatewayId"), str) else None
        )
        table = TgwTableFacts(
            table_id, name_tag(raw, table_id), self.facts.origin(table_id), gateway
        )
        table.default_association = raw.get("DefaultAssociationRouteTable") is True
        table.default_propagation = raw.get("DefaultPropagationRouteTable") is True
        table.routes_known = False
        self.facts.tgw_tables[table_id] = table

    def tgw_attachment(self, raw: dict[str, Any], index: int) -> None:
        """describe-transit-gateway-attachments: which route table each is associated with."""
        attachment = raw.get("TransitGatewayAttachmentId")
        association = raw.get("Association")
        if not isinstance(attachment, str) or not isinstance(association, dict):
            return
        table = association.get("TransitGatewayRouteTableId")
        if isinstance(table, str) and association.get("State") in ("associated", "associating"):
            self.facts.origin(attachment)  # remembers the file that said so, for its issues
            self.associations.setdefault(attachment, table)

    def firewall(self, raw: dict[str, Any], status: Any) -> None:
        """network-firewall describe-firewall: the firewall and its endpoints by subnet."""
        key = raw.get("FirewallArn") or raw.get("FirewallName")
        vpc = raw.get("VpcId")
        if not isinstance(key, str) or key in self.facts.firewalls:
            return
        if not isinstance(vpc, str):
            self.facts.issue(
                f"{key}: a firewall attached to a transit gateway is not in format 1; left out", key
            )
            return
        written = raw.get("FirewallName")
        name = written if isinstance(written, str) else key
        firewall = FirewallFacts(key, name, self.facts.origin(key), vpc)
        firewall.subnets = [
            m["SubnetId"]
            for m in listed(raw, "SubnetMappings")
            if isinstance(m, dict) and isinstance(m.get("SubnetId"), str)
        ]
        states = status.get("SyncStates") if isinstance(status, dict) else None
        for state in states.values() if isinstance(states, dict) else []:
            attachment = state.get("Attachment") if isinstance(state, dict) else None
            if isinstance(attachment, dict) and isinstance(attachment.get("EndpointId"), str):
                firewall.endpoint_ids[attachment["EndpointId"]] = str(attachment.get("SubnetId"))
        self.facts.firewalls[key] = firewall

    def finish(self) -> None:
        for attachment, table_id in self.associations.items():
            table = self.facts.tgw_tables.get(table_id)
            if table is None:
                self.facts.issue(
                    f"{attachment} is associated with {table_id}, which is not in the imported "
                    "describe-transit-gateway-route-tables output; association left out",
                    attachment,
                )
                continue
            table.associations.append(attachment)
