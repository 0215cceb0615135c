"""What several API Gateway rules read: the throttling limits in force."""

from __future__ import annotations

from decimal import Decimal

from archplan.model import Architecture
from archplan.quotas import DEFAULTS

# Regions where API Gateway's account throttle defaults to 2,500 requests/s and a burst of
# 1,250 instead of 10,000 / 5,000: Africa (Cape Town), Europe (Milan), Asia Pacific (Jakarta),
# Middle East (UAE), Asia Pacific (Hyderabad), Asia Pacific (Melbourne), Europe (Spain),
# Europe (Zurich), Israel (Tel Aviv), Canada West (Calgary), Asia Pacific (Malaysia),
# Asia Pacific (Thailand), Mexico (Central). These are defaults, not quotas a file sets:
# `quotas: {api_gateway_rate, api_gateway_burst}` override them everywhere.
# Source: Amazon API Gateway Developer Guide, "Amazon API Gateway quotas"
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html); the 2023 guide
# listed Cape Town and Milan only.
REDUCED_QUOTA_REGIONS: frozenset[str] = frozenset(
    {
        "af-south-1", "eu-south-1", "ap-southeast-3", "me-central-1", "ap-south-2",
        "ap-southeast-4", "eu-south-2", "eu-central-2", "il-central-1", "ca-west-1",
        "ap-southeast-5", "ap-southeast-7", "mx-central-1",
    }
)  # fmt: skip
REDUCED_DEFAULTS = {"api_gateway_rate": 2500, "api_gateway_burst": 1250}
RATE, BURST = "rate", "burst"
QUOTA_OF = {RATE: "api_gateway_rate", BURST: "api_gateway_burst"}


def plain_number(value: Decimal | int) -> str:
    """A number as a person writes it: 1440, 2.5 (no exponent, no trailing zeros)."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def account_default(region: str | None, field: str) -> int:
    """AWS's default account throttle for a Region (the reduced one where it applies)."""
    quota = QUOTA_OF[field]
    return REDUCED_DEFAULTS[quota] if region in REDUCED_QUOTA_REGIONS else DEFAULTS[quota]


def account_limit(architecture: Architecture, region: str | None, field: str) -> int:
    """The account throttle in force: the file's quota when it sets one, else AWS's default."""
    quota = QUOTA_OF[field]
    if quota in architecture.quotas_set:
        return architecture.quotas[quota]
    return account_default(region, field)
