"""What the Terraform and AWS CLI importers learn about AWS resources, keyed by source id."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

from archplan.importers.common import ImportIssue, Origin
from archplan.importers.tf_awscli_containers import ContainerFacts

# Both sources describe the same AWS API objects; they differ only in how references are
# written (Terraform addresses and configuration references, AWS ids). Each importer turns its
# source into these facts, keyed by the source's own identifier (a Terraform address or an AWS
# id), and tf_awscli_document assembles one format-1 document from them.


@dataclass(slots=True)
class VpcFacts:
    key: str
    label: str  # Name tag, else the address or id: what object_name makes the name from
    origin: Origin
    cidr: str | None = None
    secondary_cidrs: list[tuple[str, Origin]] = field(default_factory=list)
    ipv6_cidrs: list[str] = field(default_factory=list)
    region: str | None = None
    account: str | None = None
    dns_hostnames: bool | None = None
    dns_resolution: bool | None = None
    internet_gateway: bool = False
    # Why the block is not known (e.g. "allocated from IPAM at apply time"), for the issue.
    cidr_unknown: str = ""


@dataclass(slots=True)
class SubnetFacts:
    key: str
    label: str
    origin: Origin
    vpc: str | None
    cidr: str | None = None
    ipv6_cidr: str | None = None
    az: str | None = None
    route_table: str | None = None  # key of the table it is associated with
    route_table_origin: Origin | None = None
    az_unknown: str = ""  # why the zone is not known, for the issue
    # Why the subnet's route table is not known (an association that does not resolve): on its
    # VPC's main table the rules would judge it by routes it does not use, so it waits.
    route_table_unknown: str = ""


@dataclass(slots=True)
class RouteFacts:
    destination: str
    kind: str  # igw, egress-only-igw, vgw, blackhole, nat, peering, tgw, endpoint, eni
    ref: str | None  # key of the NAT gateway, peering, transit gateway, endpoint; ENI id
    origin: Origin


@dataclass(slots=True)
class TableFacts:
    key: str
    label: str
    origin: Origin
    vpc: str | None
    main: bool = False
    routes: list[RouteFacts] = field(default_factory=list)


@dataclass(slots=True)
class PeeringFacts:
    key: str
    label: str
    origin: Origin
    requester: str | None
    accepter: str | None
    status: str = "active"
    dns_resolution: bool | None = None


@dataclass(slots=True)
class GatewayFacts:
    """A transit gateway."""

    key: str
    label: str
    origin: Origin
    region: str | None = None
    account: str | None = None


@dataclass(slots=True)
class AttachmentFacts:
    key: str
    origin: Origin
    gateway: str | None
    vpc: str | None
    subnets: list[str] = field(default_factory=list)
    appliance_mode: bool = False


@dataclass(slots=True)
class SgRuleFacts:
    """One security group rule; `peer` is a block, or a group's key (kind "group")."""

    protocol: str | int  # format 1's: tcp, udp, icmp, icmpv6, all, or a number
    ports: int | str | None
    icmp: dict[str, int] | None
    peer_kind: str  # block, group, self
    peer: str
    origin: Origin
    description: str | None = None


@dataclass(slots=True)
class SecurityGroupFacts:
    key: str
    label: str
    origin: Origin
    vpc: str | None
    ingress: list[SgRuleFacts] = field(default_factory=list)
    # None: the source says nothing about outbound rules (AWS's allow-all stays).
    egress: list[SgRuleFacts] | None = None


@dataclass(slots=True)
class AclEntryFacts:
    number: int
    action: str
    protocol: str | int
    ports: int | str | None
    icmp: dict[str, int] | None
    block: str
    egress: bool
    origin: Origin


@dataclass(slots=True)
class AclFacts:
    key: str
    label: str
    origin: Origin
    vpc: str | None
    default: bool = False
    subnets: list[str] = field(default_factory=list)
    entries: list[AclEntryFacts] = field(default_factory=list)


@dataclass(slots=True)
class TgwRouteFacts:
    destination: str
    attachment: str | None  # the attachment's key; None: blackhole
    origin: Origin


@dataclass(slots=True)
class TgwTableFacts:
    key: str
    label: str
    origin: Origin
    gateway: str | None
    associations: list[str] = field(default_factory=list)  # attachment keys
    propagations: list[str] = field(default_factory=list)
    routes: list[TgwRouteFacts] = field(default_factory=list)
    default_association: bool = False
    default_propagation: bool = False
    # False when the source cannot say the table's routes and propagations (AWS CLI output
    # names neither with the table): the table then waits under x-incomplete.
    routes_known: bool = True


@dataclass(slots=True)
class FirewallFacts:
    """An AWS Network Firewall in a VPC: one endpoint per subnet (endpoint id when known)."""

    key: str
    label: str
    origin: Origin
    vpc: str | None
    subnets: list[str] = field(default_factory=list)
    endpoint_ids: dict[str, str] = field(default_factory=dict)  # endpoint id -> subnet key


@dataclass(slots=True)
class HostFacts:
    """An instance: a host in a subnet (format 1's `hosts`)."""

    key: str
    label: str
    origin: Origin
    subnet: str | None
    address: str | None = None
    public_ip: bool = False
    security_groups: list[str] | None = None  # keys; None: the source does not say
    source_dest_check: bool = True


@dataclass(slots=True)
class EndpointFacts:
    key: str
    label: str
    origin: Origin
    vpc: str | None
    service: str | None
    type: str  # gateway or interface
    route_tables: list[str] = field(default_factory=list)
    subnets: list[str] = field(default_factory=list)
    private_dns: bool | None = None
    security_groups: list[str] | None = None  # keys; None: the source does not say


@dataclass(slots=True)
class GroupFacts:
    """An auto scaling group; `missing` says what the source did not give."""

    key: str
    label: str
    origin: Origin
    subnets: list[str] = field(default_factory=list)
    instance_types: dict[str, int] = field(default_factory=dict)
    min: int | None = None
    max: int | None = None
    desired: int | None = None
    purchase: dict[str, int | str] = field(default_factory=dict)
    launch_template: str | None = None
    missing: list[str] = field(default_factory=list)
    capacity_type: str | None = None  # vcpu or memory-mib: sizes that are not instance counts


@dataclass(slots=True)
class Facts:
    """Everything one import learned, in source order."""

    file: str
    vpcs: dict[str, VpcFacts] = field(default_factory=dict)
    subnets: dict[str, SubnetFacts] = field(default_factory=dict)
    tables: dict[str, TableFacts] = field(default_factory=dict)
    nat_subnets: dict[str, str | None] = field(default_factory=dict)  # NAT key -> subnet key
    peerings: dict[str, PeeringFacts] = field(default_factory=dict)
    gateways: dict[str, GatewayFacts] = field(default_factory=dict)
    attachments: list[AttachmentFacts] = field(default_factory=list)
    endpoints: dict[str, EndpointFacts] = field(default_factory=dict)
    groups: dict[str, GroupFacts] = field(default_factory=dict)
    security_groups: dict[str, SecurityGroupFacts] = field(default_factory=dict)
    acls: dict[str, AclFacts] = field(default_factory=dict)
    tgw_tables: dict[str, TgwTableFacts] = field(default_factory=dict)
    firewalls: dict[str, FirewallFacts] = field(default_factory=dict)
    # Transit gateway key -> (default association, default propagation) as the source says.
    tgw_defaults: dict[str, tuple[bool, bool]] = field(default_factory=dict)
    hosts: dict[str, HostFacts] = field(default_factory=dict)
    containers: ContainerFacts = field(default_factory=ContainerFacts)
    region: str | None = None  # the Region of everything that does not say otherwise
    issues: list[ImportIssue] = field(default_factory=list)
    # Address -> the file that first described it, so an issue raised after all files are
    # read (while assembling) still points at the file the object came from.
    files: dict[str, str] = field(default_factory=dict)

    def origin(self, address: str) -> Origin:
        """Where `address` is described: the current file, remembered for later issues."""
        return Origin(self.files.setdefault(address, self.file), address=address)

    def issue(self, message: str, address: str = "", severity: str = "warning") -> None:
        file = self.files.get(address, self.file) if address else self.file
        self.issues.append(ImportIssue(message, Origin(file, address=address), severity))

    def described_again(
        self, what: str, key: str, first_file: str, first: dict[str, Any], again: dict[str, Any]
    ) -> None:
        """`again` describes the object `first` already does: the first is kept, and where they
        disagree (any imported field) an issue at the repeated description names both files
        and the fields, so the output never depends on the order of the files silently."""
        differ = [
            f"{name} ({_shown(first.get(name))} there, {_shown(again.get(name))} here)"
            for name in dict.fromkeys([*first, *again])
            if _comparable(first.get(name)) != _comparable(again.get(name))
        ]
        if not differ:
            return
        where = "earlier in this file" if first_file == self.file else first_file
        self.issues.append(
            ImportIssue(
                f"{what} {key} is described again, differently from {where}: "
                + "; ".join(differ)
                + "; the first description is kept",
                Origin(self.file, address=key),
            )
        )


def compared(facts: Any) -> dict[str, Any]:
    """The fields of a facts object that say what it is (not where it came from)."""
    return {f.name: getattr(facts, f.name) for f in fields(facts) if f.name not in _NOT_COMPARED}


# Fields that say where a fact came from rather than what it is.
_NOT_COMPARED = {"key", "origin", "route_table_origin"}


def _comparable(value: Any) -> Any:
    """Secondary blocks without their origins."""
    if isinstance(value, list):
        return [item[0] if isinstance(item, tuple) else item for item in value]
    return value


def _shown(value: Any) -> str:
    value = _comparable(value)
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return "none" if value is None else str(value)


_ACCOUNT = re.compile(r"^\d{12}$")
_ARN_REGION = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d+):")


def region_of_arn(arn: str) -> str | None:
    match = _ARN_REGION.match(arn)
    return match.group(1) if match else None


def valid_account(value: object) -> bool:
    return isinstance(value, str) and bool(_ACCOUNT.match(value))


def listed(raw: dict[str, Any], key: str) -> list[Any]:
    """raw[key] when it is a list, else []: sources hold what they hold, not what they should."""
    value = raw.get(key)
    return value if isinstance(value, list) else []


def name_tag(raw: dict[str, Any], fallback: str) -> str:
    """The value of an AWS object's `Name` tag (API output's Tags list), else `fallback`."""
    for tag in listed(raw, "Tags"):
        if (
            isinstance(tag, dict)
            and tag.get("Key") == "Name"
            and isinstance(tag.get("Value"), str)
            and tag["Value"]
        ):
            return str(tag["Value"])
    return fallback


def group_ids(raw: dict[str, Any], key: str) -> list[str]:
    """The GroupIds of API output's list of security groups (an endpoint's Groups, an
    instance's SecurityGroups)."""
    return [
        group["GroupId"]
        for group in listed(raw, key)
        if isinstance(group, dict) and isinstance(group.get("GroupId"), str)
    ]
