"""Interface endpoints: fields that belong to the other kind, and their subnets."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture, Subnet
from archplan.rules.endpoints._shared import endpoints_of
from archplan.rules.registry import Problem, Related, rule
from archplan.rules.zones import known_zone

ERROR = Severity.ERROR


@rule(
    "AP415",
    "endpoint-fields",
    ERROR,
    "An endpoint has a field that belongs to the other endpoint type.",
)
def endpoint_fields(architecture: Architecture) -> Iterator[Problem]:
    """Gateway endpoints are associated with route tables (`route_tables`); interface
    endpoints are placed in subnets (`subnets`) and may have private DNS (`private_dns`).

    A field of the other type means the endpoint is not what was meant: AWS has nowhere to
    put it. `type` defaults to `gateway`; set `type: interface` for an interface endpoint.

    Changed: silent for an endpoint whose `type` was written with an invalid
    value.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: private}
            route_tables:
              private: {main: true}
            endpoints:
              s3: {service: s3, type: gateway, route_tables: [private], subnets: [app-a]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: private}
            route_tables:
              private: {main: true}
            endpoints:
              s3: {service: s3, type: gateway, route_tables: [private]}
              s3-interface: {service: s3, type: interface, subnets: [app-a], private_dns: false}

    References:
        AWS PrivateLink Guide, "Gateway endpoints" <https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>
        AWS PrivateLink Guide, "Access an AWS service using an interface VPC endpoint" <https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html>
    """
    for vpc in architecture.vpcs.values():
        for endpoint in vpc.endpoints.values():
            if architecture.is_rejected(*endpoint.path, "type"):
                continue  # the type written is invalid: which fields belong is not known
            if endpoint.type == "gateway":
                if endpoint.subnets:
                    yield Problem(
                        f'gateway endpoint "{endpoint.name}" has subnets, which only interface '
                        "endpoints have: a gateway endpoint is reached through the route tables "
                        "listed under route_tables; for an interface endpoint set type: "
                        "interface (gateway is the default)",
                        (*endpoint.path, "subnets"),
                        on_key=True,
                    )
                if endpoint.private_dns:
                    yield Problem(
                        f'gateway endpoint "{endpoint.name}" has private_dns, which only '
                        "interface endpoints have: remove it (a gateway endpoint works through "
                        "its routes, not DNS); for an interface endpoint set type: interface "
                        "(gateway is the default)",
                        (*endpoint.path, "private_dns"),
                        on_key=True,
                    )
            elif endpoint.route_tables:
                yield Problem(
                    f'interface endpoint "{endpoint.name}" has route_tables, which only gateway '
                    "endpoints have: place it in subnets (one per Availability Zone) instead",
                    (*endpoint.path, "route_tables"),
                    on_key=True,
                )


@rule(
    "AP416",
    "interface-endpoint-subnets",
    ERROR,
    "An interface endpoint has two subnets in one Availability Zone.",
)
def interface_endpoint_subnets(architecture: Architecture) -> Iterator[Problem]:
    """An interface endpoint puts one network interface in each of its subnets, and takes at
    most one subnet per Availability Zone (EC2 `DuplicateSubnetsInSameZone`).

    Keep one subnet per zone; the endpoint serves every subnet of that zone. Subnets that are
    not in the VPC are reported by AP005.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              web-a: {cidr: 10.0.1.0/24, az: us-east-1a}
            endpoints:
              ssm: {service: ssm, type: interface, subnets: [app-a, web-a]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
            endpoints:
              ssm: {service: ssm, type: interface, subnets: [app-a, app-b]}

    References:
        AWS PrivateLink Guide, "Access an AWS service using an interface VPC endpoint" <https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html>
        Amazon EC2 API Reference, "Error codes for the Amazon EC2 API" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html>
    """
    for vpc, endpoint in endpoints_of(architecture, "interface"):
        first_in_zone: dict[str, tuple[int, Subnet]] = {}
        for index, name in enumerate(endpoint.subnets):
            subnet = vpc.subnets.get(name)
            zone = None if subnet is None else known_zone(subnet, vpc.region)
            if subnet is None or zone is None:
                continue  # zone not written, or wrong (AP114/AP117)
            first_index, first = first_in_zone.setdefault(zone, (index, subnet))
            if first is subnet:
                continue
            yield Problem(
                f'interface endpoint "{endpoint.name}" already has subnet "{first.name}" in '
                f'{subnet.az}; "{subnet.name}" is a second one: an interface endpoint takes one '
                "subnet per Availability Zone (DuplicateSubnetsInSameZone)",
                (*endpoint.path, "subnets", index),
                (Related(f'"{first.name}" is here', (*endpoint.path, "subnets", first_index)),),
            )
