"""Decoded filtering and transit data (security groups, network ACLs, hosts, prefix lists,
transit gateway route tables, on-premises networks) to archplan.network records, reporting
references to nothing (AP005) and values AWS refuses outright (AP006, AP007).

`Builder` owns the reporting; this module only knows the shapes of the new objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.cidr import Block, CidrError, parse_block
from archplan.decode import HOST_BITS, INVALID_CIDR, INVALID_VALUE, MISSING_FIELD
from archplan.findings import Path
from archplan.network import (
    ALL,
    ALL_PORTS,
    ICMP,
    ICMPV6,
    PORTED,
    PROTOCOLS,
    AclRule,
    DirectConnectGateway,
    DxAssociation,
    FirewallEndpoint,
    GwlbEndpoint,
    Host,
    NetworkAcl,
    NetworkFirewall,
    OnPremises,
    OnPremisesLink,
    Peer,
    Ports,
    PrefixList,
    SecurityGroup,
    SgRule,
    TgwRoute,
    TgwRouteTable,
)

if TYPE_CHECKING:
    from archplan.build import Builder
    from archplan.model import TransitGateway, Vpc

AWS_PREFIX_LISTS = ("pl:s3", "pl:dynamodb")
DEFAULT_GROUP = "default"


class NetworkParts:
    """Builds the new records for a Builder, reporting through it."""

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.prefix_list_names: set[str] = set()
        self.firewall_names: set[str] | None = None  # None: no network_firewalls written

    def network_firewalls(self, raw: dict[str, Any] | None) -> dict[str, NetworkFirewall]:
        if raw is None:
            return {}
        from archplan.build_firewalls import network_firewalls  # only files that have them

        firewalls = network_firewalls(self, raw)
        self.firewall_names = set(raw)
        return firewalls

    # -- values ---------------------------------------------------------------------------

    def block(self, text: str, path: Path, what: str = "", *, on_key: bool = False) -> Block | None:
        """Any-family CIDR block, AP007 when unreadable, AP008 (kept) with host bits."""
        try:
            block = parse_block(text.strip())
        except CidrError as error:
            self.b.report(
                INVALID_CIDR,
                f'{what or _field(path)}"{text}" is not a valid CIDR block: {error}',
                path,
                on_key=on_key,
            )
            return None
        if block.host_bits_set:
            self.b.warn(
                HOST_BITS,
                f'{what or _field(path)}"{text}" has host bits set; AWS will use {block.canonical}',
                path,
                on_key=on_key,
            )
        return block

    def blocks(self, texts: list[str], path: Path) -> tuple[Block, ...]:
        found = (self.block(text, (*path, index)) for index, text in enumerate(texts))
        return tuple(block for block in found if block is not None)

    def rule_fields(self, raw: dict[str, Any], path: Path) -> tuple[int, Ports, int, int] | None:
        """Protocol, ports and ICMP type/code of a security group or ACL rule."""
        written = raw.get("protocol")
        if written is None:
            return None
        protocol = PROTOCOLS[written] if isinstance(written, str) else written
        ports = ALL_PORTS
        if protocol in PORTED:
            if "ports" not in raw:
                if (*path, "ports") not in self.b.rejected:
                    self.b.report(
                        MISSING_FIELD,
                        f'{written} needs "ports": a port (443), a range ("1024-65535") or "all"',
                        path,
                        on_key=True,
                    )
                return None
            parsed = self.ports(raw["ports"], (*path, "ports"))
            if parsed is None:
                return None
            ports = parsed
        icmp = raw.get("icmp", {})
        if "icmp" in raw and protocol not in (ICMP, ICMPV6):
            self.b.report(
                INVALID_VALUE,
                '"icmp" applies only to protocol icmp or icmpv6',
                (*path, "icmp"),
                on_key=True,
            )
        icmp_type = icmp.get("type", ALL)
        # All types implies all codes (EC2 API IpPermission).
        icmp_code = icmp.get("code", ALL) if icmp_type != ALL else ALL
        return protocol, ports, icmp_type, icmp_code

    def ports(self, raw: int | str, path: Path) -> Ports | None:
        """A port, a range FROM-TO or `all` (the schema checked the shape); None, reported,
        when the range is empty or past 65535."""
        if isinstance(raw, int):
            return Ports(raw, raw)
        text = raw.strip()
        if text == "all":
            return ALL_PORTS
        first, _, last = text.partition("-")
        low, high = int(first), int(last)
        if low > high or high > 65535:
            self.b.report(
                INVALID_VALUE,
                f'ports "{raw}" is not a port range: write FROM-TO with FROM <= TO <= 65535',
                path,
            )
            return None
        return Ports(low, high)

    # -- security groups ------------------------------------------------------------------

    def security_groups(
        self, vpc: str, raw: dict[str, Any], path: Path
    ) -> dict[str, SecurityGroup]:
        groups: dict[str, SecurityGroup] = {}
        for name, fields in raw.items():
            group_path = (*path, name)
            rules = {
                direction: tuple(
                    rule
                    for index, entry in enumerate(fields.get(direction, ()))
                    if (rule := self._sg_rule(entry, key, (*group_path, direction, index)))
                    is not None
                )
                for direction, key in (("ingress", "from"), ("egress", "to"))
            }
            # A group written without `egress` keeps the rule AWS gives every new group.
            egress = rules["egress"] if "egress" in fields else (_allow_all(group_path),)
            groups[name] = SecurityGroup(name, vpc, rules["ingress"], egress, group_path)
        if DEFAULT_GROUP not in groups:
            groups[DEFAULT_GROUP] = default_group(vpc, path)
        return groups

    def _sg_rule(self, raw: dict[str, Any], key: str, path: Path) -> SgRule | None:
        fields = self.rule_fields(raw, path)
        text = raw.get(key)
        if fields is None or text is None:
            return None
        peer = self._peer(text.strip(), (*path, key))
        if peer is None:
            return None
        return SgRule(*fields, peer, path)

    def _peer(self, text: str, path: Path) -> Peer | None:
        if text == "self":
            return Peer("self", text)
        kind, colon, rest = text.partition(":")
        if colon and kind == "sg":
            vpc, slash, name = rest.rpartition("/")
            if not name.strip() or (slash and not vpc.strip()):
                self.b.report(
                    INVALID_VALUE,
                    f'{_field(path)}"{text}" needs a group: sg:NAME or sg:VPC/NAME',
                    path,
                )
                return None
            return Peer("sg", text, name=name, vpc=vpc or None)
        if colon and kind == "pl":
            return Peer("prefix_list", text, name=text)
        block = self.block(text, path)
        return Peer("block", text, block=block) if block is not None else None

    def check_group_references(self, vpcs: dict[str, Vpc]) -> None:
        """sg:NAME names a group of the rule's VPC, sg:VPC/NAME one of another VPC, and pl:NAME
        an AWS-managed or declared prefix list."""
        for vpc in vpcs.values():
            for group in vpc.security_groups.values():
                for rule in group.ingress + group.egress:
                    self._check_peer(vpc, rule.peer, rule.path, vpcs)

    def _check_peer(self, vpc: Vpc, peer: Peer, path: Path, vpcs: dict[str, Vpc]) -> None:
        key = (*path, "from" if path[-2] == "ingress" else "to")
        if peer.kind == "prefix_list":
            self.prefix_list_reference(peer.text, key)
        elif peer.kind == "sg" and peer.name is not None:
            owner = vpcs.get(peer.vpc or vpc.name)
            if owner is None:
                self.b.unknown("VPC", peer.vpc or "", vpcs, key)
            elif peer.name not in owner.security_groups:
                where = f' in VPC "{owner.name}"'
                section = (*owner.path, "security_groups")
                groups = owner.security_groups
                self.b.unknown("security group", peer.name, groups, key, where, section)

    def prefix_list_reference(self, text: str, path: Path, *, on_key: bool = False) -> bool:
        if text in AWS_PREFIX_LISTS or text.removeprefix("pl:") in self.prefix_list_names:
            return True
        known = [*AWS_PREFIX_LISTS, *(f"pl:{name}" for name in self.prefix_list_names)]
        hint = self.b.hint(text, known)
        self.b.report(
            "AP005",
            f'prefix list "{text}" does not exist (AWS-managed: pl:s3, pl:dynamodb; '
            f"declare your own under prefix_lists){hint}",
            path,
            on_key=on_key,
        )
        return False

    def group_names(
        self, vpc: Vpc | None, names: list[str] | None, path: Path
    ) -> tuple[str, ...] | None:
        """A workload's groups, each checked to exist in its VPC."""
        if names is None:
            return None
        for index, name in enumerate(names):
            if vpc is not None and name not in vpc.security_groups:
                where = f' in VPC "{vpc.name}"'
                section = (*vpc.path, "security_groups")
                groups = vpc.security_groups
                self.b.unknown("security group", name, groups, (*path, index), where, section)
        return tuple(names)

    # -- network ACLs and inspection endpoints ---------------------------------------------

    def network_acls(
        self, vpc: str, raw: dict[str, Any], subnets: dict[str, Any], path: Path
    ) -> dict[str, NetworkAcl]:
        acls: dict[str, NetworkAcl] = {}
        owner: dict[str, str] = {}
        default_seen: str | None = None
        for name, fields in raw.items():
            acl_path = (*path, name)
            listed = tuple(fields.get("subnets", ()))
            for index, subnet in enumerate(listed):
                at = (*acl_path, "subnets", index)
                if subnet not in subnets:
                    where, section = f' in VPC "{vpc}"', ("vpcs", vpc, "subnets")
                    self.b.unknown("subnet", subnet, subnets, at, where, section)
                elif subnet in owner:
                    self.b.report(
                        INVALID_VALUE,
                        f'subnet "{subnet}" is already associated with network ACL '
                        f'"{owner[subnet]}"; a subnet has exactly one network ACL',
                        at,
                    )
                else:
                    owner[subnet] = name
            default = fields.get("default", False)
            if default and default_seen is not None:
                self.b.report(
                    INVALID_VALUE,
                    f'network ACL "{default_seen}" is already the default ACL of VPC "{vpc}"',
                    (*acl_path, "default"),
                )
                default = False
            elif default:
                default_seen = name
            acls[name] = NetworkAcl(
                name,
                vpc,
                default,
                listed,
                self._acl_rules(fields.get("ingress", ()), "from", (*acl_path, "ingress")),
                self._acl_rules(fields.get("egress", ()), "to", (*acl_path, "egress")),
                acl_path,
            )
        return acls

    def _acl_rules(self, raw: list[dict[str, Any]], key: str, path: Path) -> tuple[AclRule, ...]:
        rules: dict[int, AclRule] = {}
        for index, entry in enumerate(raw):
            rule_path = (*path, index)
            fields = self.rule_fields(entry, rule_path)
            text = entry.get(key)
            number = entry.get("rule")
            if fields is None or text is None or number is None or "action" not in entry:
                continue
            if text.strip().partition(":")[1] or text.strip() == "self":
                self.b.report(
                    INVALID_VALUE,
                    f'{key} "{text}": a network ACL rule matches a CIDR block only (no security '
                    "group, no prefix list)",
                    (*rule_path, key),
                )
                continue
            block = self.block(text, (*rule_path, key))
            if block is None:
                continue
            if number in rules:
                self.b.report(
                    INVALID_VALUE,
                    f"rule number {number} is used twice in this direction; AWS refuses the second",
                    (*rule_path, "rule"),
                )
                continue
            rules[number] = AclRule(
                number, entry["action"] == "allow", *fields, block=block, path=rule_path
            )
        return tuple(rules[number] for number in sorted(rules))

    def endpoints_in_subnets(
        self, vpc: str, raw: dict[str, Any], subnets: dict[str, Any], path: Path, *, firewall: bool
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, fields in raw.items():
            subnet = fields.get("subnet")
            at = (*path, name)
            if subnet is not None and subnet not in subnets:
                where, section = f' in VPC "{vpc}"', ("vpcs", vpc, "subnets")
                self.b.unknown("subnet", subnet, subnets, (*at, "subnet"), where, section)
            if firewall:
                policy = fields.get("firewall")
                known = self.firewall_names
                if policy is not None and known is not None and policy not in known:
                    self.b.unknown("network firewall", policy, known, (*at, "firewall"))
                found[name] = FirewallEndpoint(name, vpc, subnet, policy, at)
            else:
                found[name] = GwlbEndpoint(name, vpc, subnet, at)
        return found

    # -- hosts and prefix lists -------------------------------------------------------------

    def prefix_lists(self, raw: dict[str, Any]) -> dict[str, PrefixList]:
        lists: dict[str, PrefixList] = {}
        for name, fields in raw.items():
            path: Path = ("prefix_lists", name)
            entries = self.blocks(fields.get("entries", []), (*path, "entries"))
            maximum = fields.get("max_entries")
            if maximum is not None and len(fields.get("entries", [])) > maximum:
                self.b.report(
                    INVALID_VALUE,
                    f"{len(fields['entries'])} entries are more than max_entries {maximum}",
                    (*path, "max_entries"),
                )
            if len({block.version for block in entries}) > 1:
                self.b.report(
                    INVALID_VALUE,
                    "a prefix list holds one address family: IPv4 or IPv6 entries, not both",
                    (*path, "entries"),
                )
            lists[name] = PrefixList(name, entries, maximum, path)
        self.prefix_list_names = set(lists)
        return lists

    def hosts(self, raw: dict[str, Any], vpcs: dict[str, Vpc]) -> dict[str, Host]:
        hosts: dict[str, Host] = {}
        for name, fields in raw.items():
            path: Path = ("hosts", name)
            vpc = vpcs.get(fields.get("vpc", ""))
            if "vpc" in fields and vpc is None:
                self.b.unknown("VPC", fields["vpc"], vpcs, (*path, "vpc"))
            subnet_name = fields.get("subnet")
            subnet = vpc.subnets.get(subnet_name or "") if vpc is not None else None
            if vpc is not None and subnet_name is not None and subnet is None:
                where, section = f' in VPC "{vpc.name}"', (*vpc.path, "subnets")
                at = (*path, "subnet")
                self.b.unknown("subnet", subnet_name, vpc.subnets, at, where, section)
            address = None
            if "address" in fields:
                address = self._address(fields["address"], (*path, "address"))
                blocks = [b for b in (subnet.cidr, subnet.ipv6_cidr) if b] if subnet else []
                if address is not None and blocks and not any(b.contains(address) for b in blocks):
                    shown = " or ".join(str(b) for b in blocks)
                    self.b.report(
                        INVALID_VALUE,
                        f"address {address.canonical.split('/')[0]} is not in subnet "
                        f'"{subnet_name}" ({shown})',
                        (*path, "address"),
                    )
                    address = None
            hosts[name] = Host(
                name=name,
                vpc=fields.get("vpc"),
                subnet=subnet_name,
                address=address,
                public_ip=fields.get("public_ip", False),
                security_groups=self.group_names(
                    vpc, fields.get("security_groups"), (*path, "security_groups")
                ),
                source_dest_check=fields.get("source_dest_check", True),
                path=path,
            )
        return hosts

    def _address(self, text: str, path: Path) -> Block | None:
        written = text.strip()
        if "/" not in written:
            written += "/128" if ":" in written else "/32"
        block = self.block(written, path)
        if block is not None and block.prefix != (32 if block.version == 4 else 128):
            self.b.report(
                INVALID_VALUE, f'address "{text}" is a block; a host has one address', path
            )
            return None
        return block

    # -- transit gateways, on-premises, Direct Connect --------------------------------------

    def transit_gateway_tables(
        self, gateway: TransitGateway, raw: dict[str, Any], attachments: dict[str, str]
    ) -> TransitGateway:
        """Route tables of one gateway; `attachments` names every attachment it has (VPC,
        peering, VPN, Direct Connect gateway) with its kind."""
        path = gateway.path
        tables: dict[str, TgwRouteTable] = {}
        associated: dict[str, str] = {}
        for name, fields in raw.get("route_tables", {}).items():
            table_path = (*path, "route_tables", name)
            for key in ("associations", "propagations"):
                for index, attachment in enumerate(fields.get(key, ())):
                    at = (*table_path, key, index)
                    if attachment not in attachments:
                        self._unknown_attachment(attachment, gateway, attachments, at)
                    elif key == "associations" and attachment in associated:
                        self.b.report(
                            INVALID_VALUE,
                            f'attachment "{attachment}" is already associated with route table '
                            f'"{associated[attachment]}"; an attachment has exactly one',
                            at,
                        )
                    elif key == "associations":
                        associated[attachment] = name
            routes = tuple(
                self._tgw_route(destination, target, gateway, attachments, table_path)
                for destination, target in fields.get("routes", {}).items()
            )
            tables[name] = TgwRouteTable(
                name,
                gateway.name,
                tuple(fields.get("associations", ())),
                tuple(fields.get("propagations", ())),
                routes,
                table_path,
            )
        for key in ("default_association", "default_propagation"):
            table = raw.get(key)
            if table is not None and table not in tables:
                self.b.unknown(
                    "transit gateway route table",
                    table,
                    tables,
                    (*path, key),
                    f' in transit gateway "{gateway.name}"',
                )
        return gateway._replace(
            route_tables=tables,
            default_association=raw.get("default_association"),
            default_propagation=raw.get("default_propagation"),
        )

    def _unknown_attachment(
        self, name: str, gateway: TransitGateway, attachments: dict[str, str], path: Path
    ) -> None:
        where = (
            f' on transit gateway "{gateway.name}" (attachments are named by their VPC, '
            "peer transit gateway, on-premises network or Direct Connect gateway)"
        )
        section = (*gateway.path, "attachments")
        self.b.unknown("attachment", name, attachments, path, where, section)

    def _tgw_route(
        self,
        destination: str,
        target: str,
        gateway: TransitGateway,
        attachments: dict[str, str],
        table_path: Path,
    ) -> TgwRoute:
        path = (*table_path, "routes", destination)
        block = self.block(destination, path, "route destination ", on_key=True)
        attachment: str | None = target
        if target == "blackhole":
            attachment = None
        elif target not in attachments:
            self._unknown_attachment(target, gateway, attachments, path)
        elif attachments[target] == "dx":
            # Transit gateway static routes point at VPC, VPN or peering attachments.
            self.b.report(
                INVALID_VALUE,
                f'a static route cannot point at Direct Connect gateway "{target}"; '
                "its routes are propagated",
                path,
            )
        return TgwRoute(destination, block, attachment, path)

    def on_premises(
        self, raw: dict[str, Any], vpcs: dict[str, Vpc], gateways: set[str], dx_gateways: set[str]
    ) -> dict[str, OnPremises]:
        networks: dict[str, OnPremises] = {}
        for name, fields in raw.items():
            path: Path = ("on_premises", name)
            links = []
            for index, link in enumerate(fields.get("connections", ())):
                at = (*path, "connections", index)
                for key, kind, known, label in (
                    ("vgw", "vgw", vpcs, "VPC"),
                    ("transit_gateway", "tgw", gateways, "transit gateway"),
                    ("direct_connect_gateway", "dx", dx_gateways, "Direct Connect gateway"),
                ):
                    if key not in link:
                        continue
                    if link[key] not in known:
                        self.b.unknown(label, link[key], known, (*at, key))
                    statics = link.get("static_routes")
                    routes = (
                        self.blocks(statics, (*at, "static_routes"))
                        if statics is not None
                        else None
                    )
                    links.append(OnPremisesLink(kind, link[key], routes, at))
            networks[name] = OnPremises(
                name,
                self.blocks(fields.get("prefixes", []), (*path, "prefixes")),
                tuple(links),
                path,
            )
        return networks

    def dx_gateways(
        self, raw: dict[str, Any], vpcs: dict[str, Vpc], gateways: set[str]
    ) -> dict[str, DirectConnectGateway]:
        found: dict[str, DirectConnectGateway] = {}
        for name, fields in raw.items():
            path: Path = ("direct_connect_gateways", name)
            associations = []
            for key, kind, known, label in (
                ("transit_gateways", "tgw", gateways, "transit gateway"),
                ("vpcs", "vpc", vpcs, "VPC"),
            ):
                for target, association in fields.get(key, {}).items():
                    at = (*path, key, target)
                    if target not in known:
                        self.b.report(
                            "AP005",
                            f'{label} "{target}" does not exist{self.b.hint(target, known)}',
                            at,
                            on_key=True,
                        )
                    allowed = association.get("allowed_prefixes")
                    blocks = (
                        self.blocks(allowed, (*at, "allowed_prefixes"))
                        if allowed is not None
                        else None
                    )
                    associations.append(DxAssociation(kind, target, blocks, at))
            if fields.get("transit_gateways") and fields.get("vpcs"):
                self.b.report(
                    INVALID_VALUE,
                    "a Direct Connect gateway associates with transit gateways or with virtual "
                    "private gateways, not both",
                    (*path, "vpcs"),
                    on_key=True,
                )
            found[name] = DirectConnectGateway(name, tuple(associations), path)
        return found


def default_group(vpc: str, path: Path) -> SecurityGroup:
    """The group AWS creates with every VPC: all traffic in from itself, all out."""
    where = (*path, DEFAULT_GROUP)
    return SecurityGroup(
        DEFAULT_GROUP,
        vpc,
        (SgRule(ALL, ALL_PORTS, ALL, ALL, Peer("self", "self"), where),),
        (_allow_all(where),),
        where,
        implicit=True,
    )


def _allow_all(path: Path) -> SgRule:
    # AWS's default outbound rule is 0.0.0.0/0 (and ::/0 when the VPC has IPv6); archplan
    # writes both, since an IPv6 packet leaving needs the VPC's IPv6 block anyway.
    return SgRule(ALL, ALL_PORTS, ALL, ALL, Peer("any", "0.0.0.0/0 and ::/0"), path)


def _field(path: Path) -> str:
    """The key a value is written under, to name it in a message ("from "), or "" in a list."""
    key = next((part for part in reversed(path) if isinstance(part, str)), None)
    return f"{key} " if key else ""
