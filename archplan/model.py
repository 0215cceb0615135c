"""The architecture as immutable records; every object knows its path in the source file.

The records are NamedTuples, not frozen dataclasses: archplan runs in pre-commit on every
change, and creating two dozen dataclasses costs ~15 ms of start-up, NamedTuples ~3 ms.

Values that failed to decode are None (their problem is already reported), so rules check what
is there and skip what is not. References are kept as names; `Architecture` resolves them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from archplan.cidr import Block
from archplan.findings import Path
from archplan.network import (
    DirectConnectGateway,
    FirewallEndpoint,
    GwlbEndpoint,
    Host,
    Intent,
    NetworkAcl,
    NetworkFirewall,
    OnPremises,
    PrefixList,
    SecurityGroup,
    TgwRouteTable,
)

if TYPE_CHECKING:  # the containers' records import Rejection from here
    from archplan.model_containers import (
        Cluster,
        FargatePrices,
        Function,
        InstanceSpec,
        LambdaPrices,
        Service,
    )


class Target(NamedTuple):
    """Where a route sends traffic: `kind` is igw, nat, peering, tgw, endpoint, eni, vgw..."""

    kind: str
    name: str | None = None  # the object named after the colon (nat:SUBNET, peering:NAME...)


class Route(NamedTuple):
    """One route: destination (a CIDR block or a prefix list `pl:s3`) to a target."""

    destination: str
    block: Block | None
    prefix_list: str | None
    target: Target | None
    target_text: str
    path: Path


class RouteTable(NamedTuple):
    name: str
    vpc: str
    main: bool
    routes: tuple[Route, ...]
    path: Path
    gateway: str | None = None  # edge association: igw or vgw
    vgw_propagation: bool = False


# `az: unknown`: the zone is picked by AWS at deployment, or known only after apply. The
# subnet is kept with az None, so every check that needs no zone still runs on it.
UNKNOWN_ZONE = "unknown"


class Subnet(NamedTuple):
    name: str
    vpc: str
    cidr: Block | None
    ipv6_cidr: Block | None
    az: str | None
    route_table: str | None
    path: Path


class Endpoint(NamedTuple):
    name: str
    vpc: str
    service: str | None
    type: str
    route_tables: tuple[str, ...]
    subnets: tuple[str, ...]
    private_dns: bool
    path: Path
    security_groups: tuple[str, ...] | None = None  # None: the file does not say


class Vpc(NamedTuple):
    name: str
    region: str | None
    account: str | None
    cidr: Block | None
    secondary_cidrs: tuple[Block, ...]
    ipv6_cidrs: tuple[Block, ...]
    dns_hostnames: bool
    dns_resolution: bool
    internet_gateway: bool
    subnets: dict[str, Subnet]
    route_tables: dict[str, RouteTable]
    endpoints: dict[str, Endpoint]
    path: Path
    # False when a block was written but rejected: rules that need every block of the VPC
    # (is this subnet inside it? is that route inside the peer?) then stay silent.
    blocks_known: bool = True
    # What filters and inspects traffic (archplan.network); empty when the file says nothing.
    security_groups: dict[str, SecurityGroup] = {}  # noqa: RUF012 - never mutated
    network_acls: dict[str, NetworkAcl] = {}  # noqa: RUF012
    gwlb_endpoints: dict[str, GwlbEndpoint] = {}  # noqa: RUF012
    firewalls: dict[str, FirewallEndpoint] = {}  # noqa: RUF012

    def network_acl_of(self, subnet: str) -> NetworkAcl | None:
        """The ACL a subnet uses: the one listing it, else the default ACL the file writes,
        else None (AWS's default ACL, which allows everything)."""
        default = None
        for acl in self.network_acls.values():
            if subnet in acl.subnets:
                return acl
            if acl.default and default is None:
                default = acl
        return default

    # False when a route, a route table or a subnet's association was written but rejected:
    # rules that follow the VPC's routes (where do replies go?) then stay silent.
    routes_known: bool = True

    @property
    def ipv4_blocks(self) -> tuple[Block, ...]:
        """Primary first, then secondaries in association order."""
        return ((self.cidr,) if self.cidr else ()) + self.secondary_cidrs

    def ipv4_block_paths(self) -> list[tuple[Block, Path]]:
        """Each IPv4 block with the path it was written at."""
        pairs: list[tuple[Block, Path]] = []
        if self.cidr is not None:
            pairs.append((self.cidr, (*self.path, "cidr")))
        pairs += [
            (block, (*self.path, "secondary_cidrs", index))
            for index, block in enumerate(self.secondary_cidrs)
        ]
        return pairs

    def ipv6_block_paths(self) -> list[tuple[Block, Path]]:
        return [
            (block, (*self.path, "ipv6_cidrs", index))
            for index, block in enumerate(self.ipv6_cidrs)
        ]

    def main_route_table(self) -> RouteTable | None:
        return next((table for table in self.route_tables.values() if table.main), None)


class Peering(NamedTuple):
    name: str
    requester: str | None
    accepter: str | None
    status: str
    dns_resolution: bool
    path: Path

    def involves(self, vpc: str) -> bool:
        return vpc in (self.requester, self.accepter)


class Attachment(NamedTuple):
    vpc: str
    subnets: tuple[str, ...]
    path: Path
    appliance_mode: bool = False
    security_group_referencing: bool = True  # AWS's default for a VPC attachment
    ipv6_support: bool | None = None  # None: not written (AWS's default is off)


class TransitGateway(NamedTuple):
    name: str
    region: str | None
    account: str | None
    attachments: dict[str, Attachment]
    path: Path
    route_tables: dict[str, TgwRouteTable] = {}  # noqa: RUF012 - never mutated
    peerings: tuple[str, ...] = ()  # peer transit gateways (peering attachments)
    default_association: str | None = None
    default_propagation: str | None = None
    security_group_referencing: bool = False  # off on a transit gateway by default


class Mesh(NamedTuple):
    name: str
    members: tuple[str, ...]
    path: Path


class Purchase(NamedTuple):
    """A group's purchase options; a field written with an invalid value holds its default here
    and is listed in `ScalingGroup.invalid` (see `ScalingGroup.is_invalid`)."""

    on_demand_base: int
    on_demand_percentage_above_base: int | None  # None: omitted (AWS uses 100) or invalid
    spot_allocation_strategy: str | None
    commitment: str | int  # "auto", "none" or a number of units
    commitment_type: str
    written: frozenset[str] = frozenset()  # the keys the file wrote under `purchase`


class Rejection(NamedTuple):
    """Why something written was rejected, and whether the key is blamed (a key ignored:
    unknown, or excluded by another) rather than its value."""

    message: str
    on_key: bool = False


# LaunchTemplateSpecification.LaunchTemplateName in the Auto Scaling and EC2 API references:
# "Minimum length of 3. Maximum length of 128. Pattern: [a-zA-Z0-9\(\)\.\-/_]+".
LAUNCH_TEMPLATE_NAME = re.compile(r"[a-zA-Z0-9().\-/_]+")
LAUNCH_TEMPLATE_MIN, LAUNCH_TEMPLATE_MAX = 3, 128
LAUNCH_TEMPLATE_RULE = (
    f"AWS accepts {LAUNCH_TEMPLATE_MIN} to {LAUNCH_TEMPLATE_MAX} characters of letters, digits "
    "and ( ) . - / _"
)


def launch_template_problem(name: str) -> str | None:
    """What is wrong with a launch template name for AWS ("has 2 characters", "contains ' '"),
    or None; LAUNCH_TEMPLATE_RULE says what is accepted."""
    if len(name) < LAUNCH_TEMPLATE_MIN:
        return f"has {len(name)} character{'s' if len(name) != 1 else ''}"
    if len(name) > LAUNCH_TEMPLATE_MAX:
        return f"has {len(name)} characters"
    if LAUNCH_TEMPLATE_NAME.fullmatch(name) is None:
        odd = sorted({char for char in name if LAUNCH_TEMPLATE_NAME.fullmatch(char) is None})
        shown = ", ".join(repr(char) for char in odd)
        return f"contains {shown}"
    return None


# LaunchTemplateOverrides.WeightedCapacity: an integer from 1 to 999 (Amazon EC2 Auto Scaling
# API Reference, "LaunchTemplateOverrides",
# https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LaunchTemplateOverrides.html).
MIN_WEIGHT, MAX_WEIGHT = 1, 999


class ScalingGroup(NamedTuple):
    name: str
    vpc: str | None
    subnets: tuple[str, ...]
    instance_types: dict[str, int]  # type -> weight (1 when given as a list)
    min: int | None
    max: int | None
    desired: int | None
    per_unit: Decimal | None
    target_utilization: int
    demand_unit: str | None
    demand_hourly: tuple[Decimal, ...] | None
    demand_file: str | None
    survive_az_loss: bool
    purchase: Purchase
    launch_template: str | None
    path: Path
    # What was written but rejected, by path within the group, with why: invalid values, keys
    # ignored (unknown, or `file` beside `hourly`) and unknown references, as validate reports
    # them (AP002, AP003, AP005-AP007). The fields above then hold their default (or, for an
    # ignored key, what the other key says), which must not be mistaken for the file's intent.
    invalid: dict[Path, Rejection] = {}  # noqa: RUF012 - a NamedTuple default, never mutated
    security_groups: tuple[str, ...] | None = None  # None: the file does not say
    public_ip: bool = False
    metric: str = "cpu"  # capacity.metric: what the emitted target-tracking policy tracks

    def is_invalid(self, *field: str | int) -> bool:
        """Whether `field` (a path within the group) or what contains it was rejected."""
        return any(field[:length] in self.invalid for length in range(1, len(field) + 1))


class Throttle(NamedTuple):
    rate: Decimal | None
    burst: int | None


class ApiRoute(NamedTuple):
    key: str
    backend: str | None
    throttle: Throttle
    timeout_ms: int | None
    path: Path


class ApiGateway(NamedTuple):
    name: str
    region: str | None
    type: str
    throttle: Throttle
    routes: dict[str, ApiRoute]
    path: Path
    endpoint: str | None = None  # edge, regional or private (REST); None: not written


class InstancePrice(NamedTuple):
    on_demand: Decimal
    spot: Decimal | None


class Prices(NamedTuple):
    region: str | None
    source: str | None
    instance_types: dict[str, InstancePrice]
    discounts: dict[str, Decimal]
    transit_gateway_attachment_hour: Decimal | None
    transit_gateway_per_gb: Decimal | None
    fargate: FargatePrices | None = None
    lambda_: LambdaPrices | None = None  # `lambda:` in the file


class Surroundings(NamedTuple):
    """What a file's rules need from outside it: where it is, and what the command line adds."""

    folder: str = "."  # relative paths in the file (demand.file) are read against it
    max_file_size: int = 16 * 1024 * 1024  # source.DEFAULT_MAX_BYTES, for files it names
    prices: Prices | None = None  # `--prices FILE`, or the configuration's prices
    prices_name: str | None = None  # that file's path, to say where a price was looked for
    # What the run's demand files may still add up to (limits.DemandBudget), shared
    # by every file of a run; None: each file gets a budget of its own.
    demand_budget: object | None = None


class Architecture(NamedTuple):
    """One file's estate."""

    name: str | None
    default_region: str | None
    default_account: str | None
    quotas: dict[str, int]
    quotas_set: frozenset[str]  # the quotas the file overrides
    vpcs: dict[str, Vpc]
    peerings: dict[str, Peering]
    transit_gateways: dict[str, TransitGateway]
    meshes: dict[str, Mesh]
    scaling_groups: dict[str, ScalingGroup]
    api_gateways: dict[str, ApiGateway]
    prices: Prices | None
    subnet_owner: dict[str, list[str]]  # subnet name -> VPC names
    # Analyses several rules share (computed once per file by rules.registry.shared).
    memo: dict[str, object]
    surroundings: Surroundings = Surroundings()
    hosts: dict[str, Host] = {}  # noqa: RUF012 - never mutated
    prefix_lists: dict[str, PrefixList] = {}  # noqa: RUF012
    on_premises: dict[str, OnPremises] = {}  # noqa: RUF012
    direct_connect_gateways: dict[str, DirectConnectGateway] = {}  # noqa: RUF012
    network_firewalls: dict[str, NetworkFirewall] = {}  # noqa: RUF012
    reachability: tuple[Intent, ...] = ()
    # Containers and functions (archplan.model_containers), by name; clusters are `kubernetes:`.
    instance_specs: dict[str, InstanceSpec] = {}  # noqa: RUF012 - never mutated
    services: dict[str, Service] = {}  # noqa: RUF012 - never mutated
    functions: dict[str, Function] = {}  # noqa: RUF012 - never mutated
    clusters: dict[str, Cluster] = {}  # noqa: RUF012 - never mutated
    # Every path whose value was written but rejected (AP002-AP007 and unknown references):
    # the model holds a default there, which no rule may take for the file's intent.
    rejected: frozenset[Path] = frozenset()

    def is_rejected(self, *path: str | int) -> bool:
        """Whether the value at `path`, or what contains it, was written but rejected."""
        rejected = self.rejected
        if not rejected:  # a clean file: the rules ask this tens of thousands of times
            return False
        return any(path[:length] in rejected for length in range(1, len(path) + 1))

    def rejected_within(self, *path: str | int) -> bool:
        """Whether anything at or under `path` was written but rejected."""
        if not self.rejected:
            return False
        size = len(path)
        return any(rejected[:size] == path for rejected in self.rejected)

    def quota_path(self, name: str) -> Path | None:
        """Where the file sets a quota, for findings that blame the configured value."""
        return ("quotas", name) if name in self.quotas_set else None
