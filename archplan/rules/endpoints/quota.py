"""Endpoints per VPC against the quota."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture, Endpoint
from archplan.rules.registry import Problem, quota_related, rule
from archplan.rules.zones import placement_unsure

ERROR = Severity.ERROR


def _over_quota(
    architecture: Architecture, quota_name: str, endpoints: list[Endpoint], scope: str, what: str
) -> Iterator[Problem]:
    limit = architecture.quotas[quota_name]
    if architecture.is_rejected("quotas", quota_name):
        return  # written but rejected (AP003/AP006): AWS's default is not the user's quota
    if len(endpoints) > limit:
        yield Problem(
            f"{scope} has {len(endpoints)} {what}; the {quota_name} quota is {limit} "
            "(VpcEndpointLimitExceeded)",
            endpoints[limit].path,
            quota_related(architecture, quota_name),
            on_key=True,
        )


@rule(
    "AP419",
    "endpoint-quota",
    ERROR,
    "More VPC endpoints in a VPC or Region than the quotas allow.",
)
def endpoint_quota(architecture: Architecture) -> Iterator[Problem]:
    """Three quotas limit endpoints: `interface_endpoints_per_vpc` (default 50, adjustable;
    Gateway Load Balancer endpoints count too), `gateway_endpoints_per_vpc` (255, a hard
    limit) and `gateway_endpoints_per_region` (default 20 per account and Region, adjustable).

    AWS refuses more with `VpcEndpointLimitExceeded`. Share endpoints (a central endpoints VPC
    for interface endpoints), or request an increase and record it under `quotas:`.

    Fails:
        quotas: {gateway_endpoints_per_region: 1}
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {main: true}
            endpoints:
              s3: {service: s3, type: gateway, route_tables: [private]}
              dynamodb: {service: dynamodb, type: gateway, route_tables: [private]}

    Passes:
        quotas: {gateway_endpoints_per_region: 2}
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {main: true}
            endpoints:
              s3: {service: s3, type: gateway, route_tables: [private]}
              dynamodb: {service: dynamodb, type: gateway, route_tables: [private]}

    References:
        AWS PrivateLink Guide, "AWS PrivateLink quotas" <https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    by_region: dict[tuple[str | None, str], list[Endpoint]] = {}
    for vpc in architecture.vpcs.values():
        # An endpoint whose type was rejected is neither: AWS's default (gateway) is a guess.
        known = [e for e in vpc.endpoints.values() if not architecture.is_rejected(*e.path, "type")]
        interface = [e for e in known if e.type == "interface"]
        gateway = [e for e in known if e.type == "gateway"]
        yield from _over_quota(
            architecture,
            "interface_endpoints_per_vpc",
            interface,
            f'VPC "{vpc.name}"',
            "interface endpoints",
        )
        yield from _over_quota(
            architecture,
            "gateway_endpoints_per_vpc",
            gateway,
            f'VPC "{vpc.name}"',
            "gateway endpoints",
        )
        if vpc.region is not None and not placement_unsure(architecture, vpc):
            by_region.setdefault((vpc.account, vpc.region), []).extend(gateway)
    for (account, region), gateway in by_region.items():
        owner = f"account {account}" if account else "the account"
        yield from _over_quota(
            architecture,
            "gateway_endpoints_per_region",
            gateway,
            f"{owner} in {region}",
            "gateway endpoints",
        )
