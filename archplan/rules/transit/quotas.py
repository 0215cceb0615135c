"""Transit gateway quotas: gateways per VPC, attachments per gateway, gateways per Region."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture, Attachment, TransitGateway
from archplan.rules.registry import Problem, quota_related, rule
from archplan.rules.transit._shared import attachments_of

ERROR = Severity.ERROR


def _names(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _account(account: str | None) -> str:
    return f"account {account}" if account else "the account"


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
    if architecture.is_rejected("quotas", "transit_gateways_per_vpc"):
        return  # written but rejected (AP003/AP006): AWS's default is not the user's quota
    by_vpc: dict[str, list[tuple[TransitGateway, Attachment]]] = {}
    for gateway, attachment, vpc in attachments_of(architecture):
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
    if architecture.is_rejected("quotas", "attachments_per_transit_gateway"):
        return  # written but rejected (AP003/AP006): AWS's default is not the user's quota
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
    if architecture.is_rejected("quotas", "transit_gateways_per_region"):
        return  # written but rejected (AP003/AP006): AWS's default is not the user's quota
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
