"""Routes through peerings that are not active: waiting for acceptance (or about to expire
unaccepted), or dead for good."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.peering._shared import DEAD, WAITING, peering_routes, vpcs_of
from archplan.rules.registry import CONNECTED, Problem, Related, rule, shared

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@rule(
    "AP304",
    "route-via-waiting-peering",
    WARNING,
    "A route through a peering that is not active yet.",
    reads=CONNECTED,
)
def route_via_waiting_peering(architecture: Architecture) -> Iterator[Problem]:
    """Routes to a peering that is `pending-acceptance` or `provisioning` are accepted but are
    blackholes until the peering is `active`: traffic is dropped until the accepter accepts.

    Fails:
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
          a-b: {requester: a, accepter: b, status: pending-acceptance}

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
          a-b: {requester: a, accepter: b, status: active}

    References:
        Amazon VPC Peering Guide, "VPC peering connection lifecycle" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle>
    """
    for vpc, table, route, peering in shared(architecture, "peering-routes-list", peering_routes):
        if peering.status in WAITING:
            yield Problem(
                f'route table "{table.name}" of VPC "{vpc.name}" uses peering "{peering.name}", '
                f"which is {peering.status}: the route is a blackhole until it is active",
                route.path,
                (Related(f'status of "{peering.name}"', (*peering.path, "status")),),
            )


@rule(
    "AP305",
    "route-via-dead-peering",
    ERROR,
    "A route through a failed, rejected or deleted peering.",
    reads=CONNECTED,
)
def route_via_dead_peering(architecture: Architecture) -> Iterator[Problem]:
    """A peering that is `failed`, `rejected`, `expired`, `deleting` or `deleted` never carries
    traffic again and cannot be accepted (`InvalidStateTransition`); routes to it are dead.
    Create a new peering, or remove the routes.

    Fails:
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
          a-b: {requester: a, accepter: b, status: rejected}

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
        Amazon VPC Peering Guide, "VPC peering connection lifecycle" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    for vpc, table, route, peering in shared(architecture, "peering-routes-list", peering_routes):
        if peering.status in DEAD:
            yield Problem(
                f'route table "{table.name}" of VPC "{vpc.name}" uses peering "{peering.name}", '
                f"which is {peering.status} and will never carry traffic",
                route.path,
                (Related(f'status of "{peering.name}"', (*peering.path, "status")),),
            )


@rule(
    "AP306",
    "pending-peering-expires",
    INFO,
    "A pending peering request expires after 7 days.",
    reads=CONNECTED,
)
def pending_peering_expires(architecture: Architecture) -> Iterator[Problem]:
    """A peering request that is not accepted expires after 7 days (168 hours, not
    adjustable), and can then be neither accepted nor rejected: this holds for every request,
    between two accounts or within one. Plans that depend on it need the accepter VPC's owner
    to act within a week.

    Changed: widened the scope from cross-account requests to every pending request
    (same account, or accounts not written), as AWS documents.

    Fails:
        vpcs:
          a: {region: us-east-1, account: "111111111111", cidr: 10.0.0.0/16}
          b: {region: us-east-1, account: "222222222222", cidr: 10.1.0.0/16}
        peerings:
          a-b: {requester: a, accepter: b, status: pending-acceptance}

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
        Amazon VPC Peering Guide, "VPC peering connection lifecycle" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle>
        Amazon VPC Peering Guide, "VPC peering quotas" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html>
        Amazon EC2 API Reference, "CreateVpcPeeringConnection" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcPeeringConnection.html>
    """
    for peering in architecture.peerings.values():
        pair = vpcs_of(architecture, peering)
        if pair is None or peering.status != "pending-acceptance":
            continue
        requester, accepter = pair
        if requester.account and accepter.account and requester.account != accepter.account:
            who = f"account {accepter.account}"
        else:
            who = f'the owner of VPC "{accepter.name}"'
        yield Problem(
            f'peering "{peering.name}" waits for {who} to accept it; the request expires '
            "after 7 days (168 hours), and cannot then be accepted",
            (*peering.path, "status"),
        )
