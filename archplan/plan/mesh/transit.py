"""The transit gateway alternative to a mesh: gateways, attachments, routes and monthly cost."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from archplan.model import Architecture, Prices, Vpc
from archplan.money import HOURS_PER_MONTH
from archplan.plan.mesh.arithmetic import peering_attachments
from archplan.plan.mesh.transfer import Traffic, TransferComparison, compare
from archplan.routes import vpc_blocks

# Peering attachments per transit gateway (aws-network-rules.md §5.2, TGWQ-new).
PEERING_ATTACHMENTS_QUOTA = 50


# Used only when the file has no prices.transit_gateway. These us-east-1 figures come from
# third-party pages; no AWS page confirmed them (aws-network-rules.md §5.4, §10).
DEFAULT_ATTACHMENT_HOUR = Decimal("0.05")


DEFAULT_PER_GB = Decimal("0.02")


DEFAULT_PRICE_SOURCE = (
    "archplan default: us-east-1 $0.05 per attachment-hour and $0.02 per GB, third-party "
    "figures not confirmed by AWS; set prices.transit_gateway in the file"
)


class TransitGatewayPrices(NamedTuple):
    """The prices used for the transit gateway cost, and where each came from."""

    attachment_hour: Decimal
    per_gb: Decimal
    attachment_hour_from_file: bool
    per_gb_from_file: bool
    source: str | None  # prices.source of the file

    @property
    def description(self) -> str:
        """One line saying where the prices come from, for every report."""
        if self.attachment_hour_from_file and self.per_gb_from_file:
            return f"file prices ({self.source})" if self.source else "file prices"
        if not self.attachment_hour_from_file and not self.per_gb_from_file:
            return DEFAULT_PRICE_SOURCE
        defaulted = "per_gb" if self.attachment_hour_from_file else "attachment_hour"
        return f"file prices, except {defaulted}: {DEFAULT_PRICE_SOURCE}"


class TransitGatewayOption(NamedTuple):
    """What the same VPCs would need through transit gateways, and the monthly cost.

    A transit gateway is regional: a mesh spanning k Regions needs one per Region, and the k
    gateways peered with each other (a full mesh of peering attachments, k(k-1)/2).
    """

    regions: tuple[str, ...]  # the members' Regions, in mesh order
    attachments: int  # VPC attachments: one per VPC
    attachments_quota: int
    peering_attachments: int  # between the Regions' transit gateways: k(k-1)/2
    route_entries: int  # every mesh VPC block in each Region's transit gateway route table
    prices: TransitGatewayPrices
    traffic_gb_month: Decimal | None
    attachment_cost: Decimal  # per month, VPC and peering attachments
    data_cost: Decimal | None  # per month; None without --traffic-gb-month
    # The month's traffic per link class over the mesh and through the gateways, priced both
    # ways (data processing and inter-Region transfer); None without --traffic-gb-month.
    transfer: TransferComparison | None = None

    @property
    def transit_gateways(self) -> int:
        return len(self.regions)

    @property
    def peering_attachments_per_gateway(self) -> int:
        return max(self.transit_gateways - 1, 0)

    @property
    def billed_attachments(self) -> int:
        return self.attachments + self.peering_attachments

    @property
    def monthly_cost(self) -> Decimal:
        return self.attachment_cost + (self.data_cost or 0)


def monthly_cost(
    attachments: int, attachment_hour: Decimal, per_gb: Decimal, traffic_gb: Decimal | None
) -> tuple[Decimal, Decimal | None]:
    """Transit gateway cost per month: attachment-hours over 730 hours, and data processed."""
    hours = attachments * attachment_hour * HOURS_PER_MONTH
    return hours, (per_gb * traffic_gb if traffic_gb is not None else None)


def transit_gateway_prices(prices: Prices | None) -> TransitGatewayPrices:
    """The file's transit gateway prices, each falling back to archplan's labelled default."""
    hour = prices.transit_gateway_attachment_hour if prices else None
    per_gb = prices.transit_gateway_per_gb if prices else None
    return TransitGatewayPrices(
        attachment_hour=DEFAULT_ATTACHMENT_HOUR if hour is None else hour,
        per_gb=DEFAULT_PER_GB if per_gb is None else per_gb,
        attachment_hour_from_file=hour is not None,
        per_gb_from_file=per_gb is not None,
        source=prices.source if prices else None,
    )


def transit_gateway_option(
    architecture: Architecture, vpcs: list[Vpc], traffic: Traffic | Decimal | None
) -> TransitGatewayOption:
    """One transit gateway per Region, peered with each other; one attachment per VPC; every
    mesh VPC block routed in each gateway's table; all priced per month.

    A transit gateway attaches VPCs of its own Region only (aws-network-rules.md §5.3), so
    VPCs of other Regions are reached through a peering attachment between the gateways,
    with static routes (§5.3: "TGW peering needs static TGW routes").
    """
    prices = transit_gateway_prices(architecture.prices)
    regions = tuple(dict.fromkeys(vpc.region for vpc in vpcs if vpc.region is not None))
    if vpcs and not regions:
        regions = ("",)  # no Region known (validate reports it): still one transit gateway
    peerings = peering_attachments(len(regions))
    # §5.4 prices a transit gateway "per attachment-hour" and names no other rate for peering
    # attachments, so they are priced like VPC attachments (the report says so).
    if isinstance(traffic, Decimal):
        traffic = Traffic.cross_az(traffic)
    attachment_cost, _ = monthly_cost(
        len(vpcs) + peerings, prices.attachment_hour, prices.per_gb, None
    )
    transfer = (
        compare(traffic, prices.per_gb, prices.per_gb_from_file) if traffic is not None else None
    )
    return TransitGatewayOption(
        regions=regions,
        attachments=len(vpcs),
        attachments_quota=architecture.quotas["attachments_per_transit_gateway"],
        peering_attachments=peerings,
        route_entries=len(regions) * sum(len(vpc_blocks(vpc)) for vpc in vpcs),
        prices=prices,
        traffic_gb_month=traffic.total if traffic is not None else None,
        attachment_cost=attachment_cost,
        data_cost=transfer.transit_gateway_total if transfer is not None else None,
        transfer=transfer,
    )
