"""Transit gateway rules: attachments (Region, one subnet per AZ), overlaps, routes, quotas."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from archplan.cidr import Block, Tagged, overlapping_pairs
from archplan.findings import Severity
from archplan.model import Architecture, Attachment, Route, Subnet, TransitGateway, Vpc
from archplan.regions import is_local_zone, may_be_among
from archplan.routes import table_of, vpc_blocks, vpc_overlaps
from archplan.rules.registry import Problem, Related, quota_related, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def _attachments(architecture: Architecture) -> Iterator[tuple[TransitGateway, Attachment, Vpc]]:
    """Every attachment whose VPC exists (a missing VPC is AP005's), in file order."""
    for gateway in architecture.transit_gateways.values():
        for attachment in gateway.attachments.values():
            vpc = architecture.vpcs.get(attachment.vpc)
            if vpc is not None:
                yield gateway, attachment, vpc


def _attachment_subnets(vpc: Vpc, attachment: Attachment) -> list[tuple[int, Subnet]]:
    """The attachment's subnets that exist in its VPC, with their index in `subnets`."""
    return [
        (index, vpc.subnets[name])
        for index, name in enumerate(attachment.subnets)
        if name in vpc.subnets
    ]


def _attached_zones(vpc: Vpc, attachment: Attachment) -> list[str]:
    """The Availability Zones the attachment has a subnet in, in the order written."""
    zones: dict[str, None] = {}
    for _, subnet in _attachment_subnets(vpc, attachment):
        if subnet.az is not None:
            zones.setdefault(subnet.az)
    return list(zones)


class _AttachedBlocks:
    """Which VPCs attached to one transit gateway have addresses in a block, without a scan.

    Asking every VPC the same question for each route makes a rule
    quadratic when thousands of VPCs each route through one transit gateway. CIDR blocks
    either nest or are disjoint, so the blocks overlapping a destination are the ones that
    contain it (one candidate per prefix length) and the ones inside it (a run of blocks
    sorted by first address).
    """

    def __init__(self, architecture: Architecture, gateway: TransitGateway) -> None:
        self.exact: dict[tuple[int, int, int], list[str]] = {}
        self.starts: dict[int, list[tuple[int, str]]] = {4: [], 6: []}
        for name in gateway.attachments:
            vpc = architecture.vpcs.get(name)
            for block, _ in vpc_blocks(vpc) if vpc is not None else ():
                self.exact.setdefault((block.version, block.first, block.prefix), []).append(name)
                self.starts[block.version].append((block.first, name))
        # A VPC whose blocks were rejected may own the range: then say nothing.
        self.complete = all(
            vpc.blocks_known
            for name in gateway.attachments
            if (vpc := architecture.vpcs.get(name)) is not None
        )
        for starts in self.starts.values():
            starts.sort()
        self.firsts = {version: [first for first, _ in s] for version, s in self.starts.items()}
        self.prefixes = {
            version: sorted({prefix for v, _, prefix in self.exact if v == version})
            for version in (4, 6)
        }

    def owned_by_other(self, block: Block, vpc_name: str) -> bool:
        """Whether a VPC other than `vpc_name` has a block overlapping `block`."""
        width = 32 if block.version == 4 else 128
        for prefix in self.prefixes[block.version]:
            if prefix > block.prefix:
                break
            first = block.first >> (width - prefix) << (width - prefix)
            owners = self.exact.get((block.version, first, prefix), ())
            if any(owner != vpc_name for owner in owners):
                return True
        starts = self.starts[block.version]
        index = bisect_left(self.firsts[block.version], block.first)
        while index < len(starts) and starts[index][0] <= block.last:
            if starts[index][1] != vpc_name:
                return True
            index += 1
        return False


def _names(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _account(account: str | None) -> str:
    return f"account {account}" if account else "the account"


@rule(
    "AP401",
    "tgw-attachment-region",
    ERROR,
    "A transit gateway attaches a VPC in another Region.",
)
def tgw_attachment_region(architecture: Architecture) -> Iterator[Problem]:
    """A transit gateway is a Regional router: it attaches VPCs of its own Region only.

    To connect VPCs in two Regions, attach each to a transit gateway in its own Region and
    peer the two transit gateways (a transit gateway peering attachment).

    Fails:
        vpcs:
          eu:
            region: eu-west-1
            cidr: 10.1.0.0/16
            subnets:
              eu-tgw-a: {cidr: 10.1.0.0/28, az: eu-west-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              eu: {subnets: [eu-tgw-a]}

    Passes:
        vpcs:
          eu:
            region: eu-west-1
            cidr: 10.1.0.0/16
            subnets:
              eu-tgw-a: {cidr: 10.1.0.0/28, az: eu-west-1a}
        transit_gateways:
          hub-eu:
            region: eu-west-1
            attachments:
              eu: {subnets: [eu-tgw-a]}

    References:
        AWS Transit Gateway Guide, "Transit gateway peering attachments" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html>
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
    """
    for gateway, attachment, vpc in _attachments(architecture):
        if gateway.region is None or vpc.region is None or gateway.region == vpc.region:
            continue
        yield Problem(
            f'transit gateway "{gateway.name}" is in {gateway.region} but attaches VPC '
            f'"{vpc.name}" in {vpc.region}; a transit gateway attaches VPCs of its own Region '
            f"only: attach the VPC to a transit gateway in {vpc.region} and peer the two "
            "transit gateways",
            attachment.path,
            (
                Related(f'VPC "{vpc.name}" is in {vpc.region}', vpc.path),
                Related(f'transit gateway "{gateway.name}" is in {gateway.region}', gateway.path),
            ),
            on_key=True,
        )


@rule(
    "AP402",
    "tgw-attachment-subnets",
    ERROR,
    "A transit gateway attachment without subnets, or with two subnets in one zone.",
)
def tgw_attachment_subnets(architecture: Architecture) -> Iterator[Problem]:
    """A VPC attachment names at least one subnet, and at most one per Availability Zone.

    The transit gateway puts one network interface in each attachment subnet; AWS refuses a
    second subnet in the same zone. Name one subnet per zone the VPC uses (a small `/28` per
    zone, set aside for the transit gateway, is AWS's recommendation). Subnets that are not in
    the VPC are reported by AP005.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
              app-tgw-a2: {cidr: 10.0.0.16/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a, app-tgw-a2]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
              app-tgw-b: {cidr: 10.0.0.16/28, az: us-east-1b}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a, app-tgw-b]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
        Amazon EC2 API Reference, "CreateTransitGatewayVpcAttachment" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayVpcAttachment.html>
    """
    for gateway, attachment, vpc in _attachments(architecture):
        if not attachment.subnets:
            yield Problem(
                f'the attachment of VPC "{vpc.name}" to transit gateway "{gateway.name}" has no '
                "subnets; list one subnet per Availability Zone under subnets",
                attachment.path,
                on_key=True,
            )
            continue
        first_in_zone: dict[str, tuple[int, Subnet]] = {}
        for index, subnet in _attachment_subnets(vpc, attachment):
            if subnet.az is None:
                continue
            first_index, first = first_in_zone.setdefault(subnet.az, (index, subnet))
            if first is not subnet:
                yield Problem(
                    f'the attachment of VPC "{vpc.name}" to transit gateway "{gateway.name}" '
                    f'already has subnet "{first.name}" in {subnet.az}; "{subnet.name}" is a '
                    "second one: an attachment takes one subnet per Availability Zone",
                    (*attachment.path, "subnets", index),
                    (
                        Related(
                            f'"{first.name}" is here', (*attachment.path, "subnets", first_index)
                        ),
                    ),
                )


@rule(
    "AP403",
    "tgw-overlapping-vpcs",
    ERROR,
    "Two VPCs with overlapping blocks are attached to one transit gateway.",
)
def tgw_overlapping_vpcs(architecture: Architecture) -> Iterator[Problem]:
    """A transit gateway does not route between VPCs with identical or overlapping blocks.

    AWS accepts the attachment, but the later VPC's routes are not propagated to the transit
    gateway route table, so the two VPCs cannot reach each other (nor can others reach the
    later one's overlapping range). Renumber one VPC, or keep it off this transit gateway.
    archplan models the transit gateway's default route table, which every attachment
    associates with and propagates to.

    Fails:
        vpcs:
          prod:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              prod-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
          dev:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              dev-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              prod: {subnets: [prod-tgw-a]}
              dev: {subnets: [dev-tgw-a]}

    Passes:
        vpcs:
          prod:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              prod-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
          dev:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              dev-tgw-a: {cidr: 10.1.0.0/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              prod: {subnets: [prod-tgw-a]}
              dev: {subnets: [dev-tgw-a]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
    """
    for gateway in architecture.transit_gateways.values():
        attached = [
            (attachment, architecture.vpcs[attachment.vpc])
            for attachment in gateway.attachments.values()
            if attachment.vpc in architecture.vpcs
        ]
        # One sweep over every attached block finds the VPC pairs that overlap at all;
        # comparing every pair of VPCs would be quadratic in the number of attachments.
        tagged = [
            Tagged(block, position)
            for position, (_, vpc) in enumerate(attached)
            for block, _ in vpc_blocks(vpc)
        ]
        pairs = sorted(
            {
                (min(one.owner, other.owner), max(one.owner, other.owner))
                for one, other in overlapping_pairs(tagged)
                if one.owner != other.owner
            }
        )
        for earlier_position, later_position in pairs:
            earlier, earlier_vpc = attached[earlier_position]
            later, later_vpc = attached[later_position]
            overlaps = vpc_overlaps(later_vpc, earlier_vpc)
            collisions = "; ".join(
                f'"{later_vpc.name}" {mine} and "{earlier_vpc.name}" {theirs}'
                for (mine, _), (theirs, _) in overlaps
            )
            related = [Related(f'VPC "{earlier_vpc.name}" is attached here', earlier.path)]
            for (mine, mine_path), (theirs, theirs_path) in overlaps:
                related.append(Related(f'"{later_vpc.name}" block {mine} is here', mine_path))
                related.append(Related(f'"{earlier_vpc.name}" block {theirs} is here', theirs_path))
            yield Problem(
                f'VPCs "{later_vpc.name}" and "{earlier_vpc.name}" are both attached to transit '
                f'gateway "{gateway.name}", but their blocks overlap ({collisions}); a transit '
                "gateway does not route between overlapping VPCs: renumber one of them",
                later.path,
                tuple(related),
                on_key=True,
            )


@rule(
    "AP404",
    "tgw-route-unknown-destination",
    WARNING,
    "A route through a transit gateway to addresses no attached VPC has.",
)
def tgw_route_unknown_destination(architecture: Architecture) -> Iterator[Problem]:
    """A route via `tgw:NAME` should lead to a VPC attached to that transit gateway.

    When no other attached VPC has addresses in the destination, the transit gateway has
    nowhere to send the traffic from what archplan can see: a typo in the destination, or a
    VPC that was never attached. It is a warning, not an error, because format 1 does not
    describe VPN, Direct Connect or peering attachments: if the transit gateway reaches the
    range that way (on-premises networks, another Region), the route is right.

    A default route (`0.0.0.0/0`, `::/0`) to a transit gateway is never reported: sending all
    other traffic to a central egress or inspection VPC through the transit gateway is the
    standard pattern. A route via a transit gateway that the VPC is not attached to is AP207.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
            route_tables:
              main: {main: true, routes: {10.9.0.0/16: "tgw:hub"}}
          shared:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              shared-tgw-a: {cidr: 10.1.0.0/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a]}
              shared: {subnets: [shared-tgw-a]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
            route_tables:
              main: {main: true, routes: {10.1.0.0/16: "tgw:hub", 0.0.0.0/0: "tgw:hub"}}
          shared:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              shared-tgw-a: {cidr: 10.1.0.0/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a]}
              shared: {subnets: [shared-tgw-a]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
        AWS Transit Gateway Guide, "Transit gateway route tables" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html>
    """
    attached: dict[str, _AttachedBlocks] = {}
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for route in table.routes:
                target, block = route.target, route.block
                if target is None or target.kind != "tgw" or block is None or block.prefix == 0:
                    continue
                gateway = architecture.transit_gateways.get(target.name or "")
                if gateway is None or vpc.name not in gateway.attachments:
                    continue  # an unknown gateway is AP005's, a missing attachment AP207's
                if gateway.name not in attached:
                    attached[gateway.name] = _AttachedBlocks(architecture, gateway)
                index = attached[gateway.name]
                if not index.complete or index.owned_by_other(block, vpc.name):
                    continue
                yield Problem(
                    f'route table "{table.name}" of VPC "{vpc.name}" sends {block} to transit '
                    f'gateway "{gateway.name}", but no other VPC attached to it has addresses '
                    "in that range; check the destination, or attach the VPC that owns it "
                    "(ignore this if the transit gateway reaches it through a VPN, Direct "
                    "Connect or peering attachment)",
                    route.path,
                    (Related(f'transit gateway "{gateway.name}" is here', gateway.path),),
                    on_key=True,
                )


@rule(
    "AP405",
    "tgw-route-from-unattached-az",
    ERROR,
    "A subnet routes to a transit gateway from a zone without an attachment subnet.",
)
def tgw_route_from_unattached_az(architecture: Architecture) -> Iterator[Problem]:
    """Traffic enters a transit gateway only in Availability Zones where the VPC's attachment
    has a subnet. A subnet in any other zone cannot reach the transit gateway, even with a
    route to it: its traffic is dropped.

    Add an attachment subnet in that zone (one per zone the VPC uses), or move the subnet.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
              app-b: {cidr: 10.0.16.0/20, az: us-east-1b}
            route_tables:
              main: {main: true, routes: {0.0.0.0/0: "tgw:hub"}}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
              app-tgw-b: {cidr: 10.0.0.16/28, az: us-east-1b}
              app-b: {cidr: 10.0.16.0/20, az: us-east-1b}
            route_tables:
              main: {main: true, routes: {0.0.0.0/0: "tgw:hub"}}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a, app-tgw-b]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
    """
    for vpc in architecture.vpcs.values():
        for subnet in vpc.subnets.values():
            table = table_of(vpc, subnet)
            if subnet.az is None or table is None:
                continue
            first_route: dict[str, Route] = {}
            for route in table.routes:
                if route.target is not None and route.target.kind == "tgw":
                    first_route.setdefault(route.target.name or "", route)
            for name, route in first_route.items():
                gateway = architecture.transit_gateways.get(name)
                attachment = gateway.attachments.get(vpc.name) if gateway else None
                if gateway is None or attachment is None:
                    continue  # AP005 or AP207
                zones = _attached_zones(vpc, attachment)
                if not zones or may_be_among(subnet.az, zones):
                    continue  # an attachment without subnets is AP402's
                if any(other.az is None for _, other in _attachment_subnets(vpc, attachment)):
                    continue  # an attachment subnet's zone is unknown: it may be this one
                yield Problem(
                    f'subnet "{subnet.name}" in {subnet.az} routes {route.destination} to '
                    f'transit gateway "{gateway.name}", but the attachment of VPC "{vpc.name}" '
                    f"has no subnet in {subnet.az} (only {', '.join(zones)}), so its traffic "
                    f"cannot reach the transit gateway: add an attachment subnet in {subnet.az}",
                    subnet.path,
                    (
                        Related(f'the route in table "{table.name}" is here', route.path),
                        Related(f'the attachment to "{gateway.name}" is here', attachment.path),
                    ),
                )


@rule(
    "AP406",
    "tgw-per-vpc-quota",
    ERROR,
    "A VPC is attached to more transit gateways than the quota allows.",
)
def tgw_per_vpc_quota(architecture: Architecture) -> Iterator[Problem]:
    """A VPC can be attached to at most `transit_gateways_per_vpc` transit gateways (5, not
    adjustable).

    Connect the VPC to fewer transit gateways, for instance by peering the transit gateways
    with each other instead of attaching the VPC to each of them.

    Fails:
        quotas: {transit_gateways_per_vpc: 1}
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
        transit_gateways:
          prod-hub:
            region: us-east-1
            attachments: {app: {subnets: [app-tgw-a]}}
          dev-hub:
            region: us-east-1
            attachments: {app: {subnets: [app-tgw-a]}}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
        transit_gateways:
          prod-hub:
            region: us-east-1
            attachments: {app: {subnets: [app-tgw-a]}}
          dev-hub:
            region: us-east-1
            attachments: {app: {subnets: [app-tgw-a]}}

    References:
        AWS Transit Gateway Guide, "Quotas for your transit gateways" <https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html>
    """
    limit = architecture.quotas["transit_gateways_per_vpc"]
    by_vpc: dict[str, list[tuple[TransitGateway, Attachment]]] = {}
    for gateway, attachment, vpc in _attachments(architecture):
        by_vpc.setdefault(vpc.name, []).append((gateway, attachment))
    for vpc_name, attached in by_vpc.items():
        if len(attached) <= limit:
            continue
        gateways = _names([gateway.name for gateway, _ in attached])
        yield Problem(
            f'VPC "{vpc_name}" is attached to {len(attached)} transit gateways ({gateways}); '
            f"the transit_gateways_per_vpc quota is {limit} (not adjustable)",
            attached[limit][1].path,
            quota_related(architecture, "transit_gateways_per_vpc"),
            on_key=True,
        )


@rule(
    "AP407",
    "tgw-attachment-quota",
    ERROR,
    "A transit gateway has more attachments than the quota allows.",
)
def tgw_attachment_quota(architecture: Architecture) -> Iterator[Problem]:
    """A transit gateway takes at most `attachments_per_transit_gateway` attachments (default
    5,000; adjustable today, not adjustable in the 2022 quota page).

    Spread VPCs over several transit gateways, or request an increase and record it under
    `quotas:`. A value set lower under `quotas:` (a team's own budget) is checked the same way.

    Fails:
        quotas: {attachments_per_transit_gateway: 1}
        vpcs:
          prod:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              prod-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
          dev:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              dev-tgw-a: {cidr: 10.1.0.0/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              prod: {subnets: [prod-tgw-a]}
              dev: {subnets: [dev-tgw-a]}

    Passes:
        quotas: {attachments_per_transit_gateway: 2}
        vpcs:
          prod:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              prod-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
          dev:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              dev-tgw-a: {cidr: 10.1.0.0/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              prod: {subnets: [prod-tgw-a]}
              dev: {subnets: [dev-tgw-a]}

    References:
        AWS Transit Gateway Guide, "Quotas for your transit gateways" <https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html>
    """
    limit = architecture.quotas["attachments_per_transit_gateway"]
    for gateway in architecture.transit_gateways.values():
        attachments = list(gateway.attachments.values())
        if len(attachments) > limit:
            yield Problem(
                f'transit gateway "{gateway.name}" has {len(attachments)} attachments; the '
                f"attachments_per_transit_gateway quota is {limit}",
                attachments[limit].path,
                quota_related(architecture, "attachments_per_transit_gateway"),
                on_key=True,
            )


@rule(
    "AP408",
    "tgw-region-quota",
    ERROR,
    "An account has more transit gateways in one Region than the quota allows.",
)
def tgw_region_quota(architecture: Architecture) -> Iterator[Problem]:
    """An account may have at most `transit_gateways_per_region` transit gateways in each
    Region (default 5, adjustable).

    One transit gateway usually serves a whole Region, with separate transit gateway route
    tables for separate environments. Share one, or request an increase and record it under
    `quotas:`.

    Fails:
        quotas: {transit_gateways_per_region: 1}
        transit_gateways:
          prod-hub: {region: us-east-1, account: "111122223333"}
          dev-hub: {region: us-east-1, account: "111122223333"}

    Passes:
        quotas: {transit_gateways_per_region: 1}
        transit_gateways:
          prod-hub: {region: us-east-1, account: "111122223333"}
          dev-hub: {region: us-east-1, account: "444455556666"}

    References:
        AWS Transit Gateway Guide, "Quotas for your transit gateways" <https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html>
    """
    limit = architecture.quotas["transit_gateways_per_region"]
    groups: dict[tuple[str | None, str], list[TransitGateway]] = {}
    for gateway in architecture.transit_gateways.values():
        if gateway.region is not None:
            groups.setdefault((gateway.account, gateway.region), []).append(gateway)
    for (account, region), gateways in groups.items():
        if len(gateways) <= limit:
            continue
        yield Problem(
            f"{_account(account)} has {len(gateways)} transit gateways in {region} "
            f"({_names([gateway.name for gateway in gateways])}); the "
            f"transit_gateways_per_region quota is {limit}",
            gateways[limit].path,
            quota_related(architecture, "transit_gateways_per_region"),
            on_key=True,
        )


@rule(
    "AP409",
    "tgw-attachment-subnet-kind",
    ERROR,
    "A transit gateway attachment subnet that is IPv6-only or in a Local Zone.",
)
def tgw_attachment_subnet_kind(architecture: Architecture) -> Iterator[Problem]:
    """A transit gateway attachment subnet needs an IPv4 block and must be in one of the
    Region's Availability Zones.

    The transit gateway places a network interface with an IPv4 address in each attachment
    subnet, so an IPv6-only subnet (`ipv6_cidr` without `cidr`) cannot serve; and attachments
    do not support Local Zone subnets. Use a small dual-stack or IPv4 subnet in a regular
    Availability Zone (AWS recommends a `/28` per zone set aside for the transit gateway).

    Fails:
        vpcs:
          app:
            region: us-west-2
            cidr: 10.0.0.0/16
            ipv6_cidrs: [2600:1f14:1a2b:3c00::/56]
            subnets:
              app-tgw-a: {ipv6_cidr: "2600:1f14:1a2b:3c00::/64", az: us-west-2a}
              app-lax: {cidr: 10.0.1.0/28, az: us-west-2-lax-1a}
        transit_gateways:
          hub:
            region: us-west-2
            attachments:
              app: {subnets: [app-tgw-a, app-lax]}

    Passes:
        vpcs:
          app:
            region: us-west-2
            cidr: 10.0.0.0/16
            ipv6_cidrs: [2600:1f14:1a2b:3c00::/56]
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, ipv6_cidr: "2600:1f14:1a2b:3c00::/64", az: us-west-2a}
              app-tgw-b: {cidr: 10.0.0.16/28, az: us-west-2b}
        transit_gateways:
          hub:
            region: us-west-2
            attachments:
              app: {subnets: [app-tgw-a, app-tgw-b]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
    """
    for gateway, attachment, vpc in _attachments(architecture):
        for index, subnet in _attachment_subnets(vpc, attachment):
            where = (*attachment.path, "subnets", index)
            attached = f'the attachment of VPC "{vpc.name}" to transit gateway "{gateway.name}"'
            if subnet.cidr is None and subnet.ipv6_cidr is not None:
                yield Problem(
                    f'subnet "{subnet.name}" of {attached} is IPv6-only: an attachment subnet '
                    "needs an IPv4 block (cidr); add one, or attach another subnet in that zone",
                    where,
                    (Related(f'"{subnet.name}" is here', subnet.path),),
                )
            if subnet.az is not None and is_local_zone(subnet.az):
                yield Problem(
                    f'subnet "{subnet.name}" of {attached} is in Local Zone {subnet.az}: '
                    "transit gateway attachments cannot use Local Zone subnets; attach a subnet "
                    "in one of the Region's Availability Zones",
                    where,
                    (Related("its zone is here", (*subnet.path, "az")),),
                )
