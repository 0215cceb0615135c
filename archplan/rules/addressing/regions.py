"""Region names that AWS does not know."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Path, Severity
from archplan.model import ApiGateway, Architecture, TransitGateway, Vpc
from archplan.regions import KNOWN_REGIONS
from archplan.rules.registry import Problem, rule
from archplan.spelling import did_you_mean

WARNING = Severity.WARNING


@rule("AP116", "unknown-region", WARNING, "A Region code that AWS does not have.")
def unknown_region(architecture: Architecture) -> Iterator[Problem]:
    """A misspelled Region (`us-est-1`) would make every zone and endpoint check meaningless.

    This is a warning, not an error, so that a Region newer than archplan does not fail a build.

    Fails:
        vpcs:
          shared: {region: us-est-1, cidr: 10.0.0.0/16}

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}

    References:
        AWS Regions and Availability Zones, "AWS Regions" <https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html>
    """
    written: list[tuple[str | None, Path]] = [(architecture.default_region, ("defaults", "region"))]
    regional: list[
        tuple[str, dict[str, Vpc] | dict[str, TransitGateway] | dict[str, ApiGateway]]
    ] = [
        ("vpcs", architecture.vpcs),
        ("transit_gateways", architecture.transit_gateways),
        ("api_gateways", architecture.api_gateways),
    ]
    for section, objects in regional:
        for name, item in objects.items():
            # Inherited Regions were checked once, at defaults.region.
            if item.region != architecture.default_region:
                written.append((item.region, (section, name, "region")))
    if architecture.prices is not None:
        written.append((architecture.prices.region, ("prices", "region")))
    for region, path in written:
        if region is not None and region not in KNOWN_REGIONS:
            yield Problem(
                f'"{region}" is not an AWS Region{did_you_mean(region, sorted(KNOWN_REGIONS))}',
                path,
            )
