"""AWS default quotas (and the most AWS will raise them to) that archplan checks against."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Quota(NamedTuple):
    """One quota: its key in `quotas:`, AWS's default, AWS's maximum (None = not published)."""

    name: str
    default: int
    maximum: int | None
    description: str


# Sources: Amazon VPC User Guide, "Amazon VPC quotas"
# (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html); Amazon VPC Peering
# Guide, "VPC peering quotas" (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html);
# AWS PrivateLink Guide, "AWS PrivateLink quotas"
# (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html); AWS Transit
# Gateway Guide, "Quotas for your transit gateways"
# (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html); Amazon API Gateway
# Developer Guide, "Amazon API Gateway quotas"
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
# Where the default changed over time, the newest value is used.
QUOTAS: tuple[Quota, ...] = (
    Quota("active_peerings_per_vpc", 50, 125, "active VPC peering connections per VPC"),
    Quota("routes_per_route_table", 500, 1000, "routes per route table, per address family"),
    Quota("route_tables_per_vpc", 200, None, "route tables per VPC (the main table counts)"),
    Quota("cidr_blocks_per_vpc", 5, 50, "IPv4 CIDR blocks per VPC"),
    Quota("ipv6_cidr_blocks_per_vpc", 5, 50, "IPv6 CIDR blocks per VPC"),
    Quota("subnets_per_vpc", 200, None, "subnets per VPC"),
    Quota("vpcs_per_region", 5, None, "VPCs per account per Region"),
    Quota("interface_endpoints_per_vpc", 50, None, "interface endpoints per VPC"),
    Quota("gateway_endpoints_per_region", 20, None, "gateway endpoints per Region"),
    Quota("gateway_endpoints_per_vpc", 255, 255, "gateway endpoints per VPC (hard limit)"),
    Quota("transit_gateways_per_region", 5, None, "transit gateways per account per Region"),
    Quota(
        "transit_gateways_per_vpc", 5, 5, "transit gateways a VPC can attach to (not adjustable)"
    ),
    Quota("attachments_per_transit_gateway", 5000, None, "attachments per transit gateway"),
    Quota("api_gateway_rate", 10000, None, "API Gateway account requests/s per Region"),
    Quota("api_gateway_burst", 5000, None, "API Gateway account burst per Region"),
    Quota(
        "api_gateway_rest_timeout_ms",
        29000,
        None,
        "REST API integration timeout in ms (raisable for Regional and private APIs only)",
    ),
    # AWS Lambda Developer Guide, "Lambda quotas"
    # (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): 1,000 by default,
    # "Can be increased up to: Tens of thousands" (no published maximum).
    Quota(
        "lambda_concurrent_executions",
        1000,
        None,
        "Lambda concurrent executions per account per Region",
    ),
)
DEFAULTS: Mapping[str, int] = {quota.name: quota.default for quota in QUOTAS}


def effective(overrides: Mapping[str, int]) -> dict[str, int]:
    """AWS defaults with the file's `quotas:` applied on top."""
    return {**DEFAULTS, **overrides}
