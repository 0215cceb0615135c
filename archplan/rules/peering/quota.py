"""Active peerings per VPC against the quota."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture, Peering
from archplan.rules.peering._shared import DEAD, vpcs_of
from archplan.rules.registry import CONNECTED, Problem, quota_related, rule

ERROR = Severity.ERROR


@rule(
    "AP307",
    "peering-quota",
    ERROR,
    "A VPC has more active peerings than the quota allows.",
    reads=CONNECTED,
)
def peering_quota(architecture: Architecture) -> Iterator[Problem]:
    """A VPC may have at most `active_peerings_per_vpc` active peering connections (default 50,
    adjustable up to 125; `ActiveVpcPeeringConnectionPerVpcLimitExceeded`). Beyond that, use a
    transit gateway; if you raise the quota, raise `routes_per_route_table` with it.

    Fails:
        quotas: {active_peerings_per_vpc: 1}
        vpcs:
          a: {region: us-east-1, cidr: 10.0.0.0/16}
          b: {region: us-east-1, cidr: 10.1.0.0/16}
          c: {region: us-east-1, cidr: 10.2.0.0/16}
        peerings:
          a-b: {requester: a, accepter: b, status: pending-acceptance}
          a-c: {requester: a, accepter: c, status: pending-acceptance}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {a1: {cidr: 10.0.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets: {b1: {cidr: 10.1.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "VPC peering quotas" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    # The failing example counts pending peerings too: the quota counts what will be active.
    limit = architecture.quotas["active_peerings_per_vpc"]
    counted: dict[str, list[Peering]] = {}
    for peering in architecture.peerings.values():
        if peering.status in DEAD or vpcs_of(architecture, peering) is None:
            continue
        for vpc in (peering.requester or "", peering.accepter or ""):
            counted.setdefault(vpc, []).append(peering)
    for vpc, peerings in counted.items():
        if len(peerings) > limit:
            extra = peerings[limit]
            yield Problem(
                f'VPC "{vpc}" has {len(peerings)} peerings; the active_peerings_per_vpc quota is '
                f"{limit} (AWS allows up to 125); consider a transit gateway",
                extra.path,
                quota_related(architecture, "active_peerings_per_vpc"),
                on_key=True,
            )
