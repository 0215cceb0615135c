"""Gateway endpoints: a service that has one, its Region, a second endpoint for the same service,
routes written by hand for it."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Path, Severity
from archplan.model import Architecture, Endpoint
from archplan.rules.endpoints._shared import endpoints_of
from archplan.rules.endpoints.services import GATEWAY_SERVICES, gateway_service, service_of
from archplan.rules.registry import UNIT, Problem, Related, rule

ERROR = Severity.ERROR


def service_path(endpoint: Endpoint) -> Path:
    return (*endpoint.path, "service")


@rule(
    "AP411",
    "gateway-endpoint-service",
    ERROR,
    "A gateway endpoint for a service other than S3 or DynamoDB.",
    reads=UNIT,
)
def gateway_endpoint_service(architecture: Architecture) -> Iterator[Problem]:
    """Only Amazon S3 and DynamoDB have gateway endpoints; every other service is reached
    through an interface endpoint (AWS PrivateLink), which goes in subnets, not route tables.

    `type` defaults to `gateway`, so an endpoint for another service needs `type: interface`.
    The service may be written short (`s3`) or in full (`com.amazonaws.us-east-1.s3`).
    S3 Express One Zone's `s3express` also has gateway endpoints.

    Changed: silent for an endpoint whose `type` was written with an invalid value
    (it is not taken as the default gateway).

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {main: true}
            endpoints:
              ssm: {service: ssm, type: gateway, route_tables: [private]}

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
              s3: {service: com.amazonaws.us-east-1.s3, type: gateway, route_tables: [private]}
              ssm: {service: ssm, type: interface, subnets: [app-a]}

    References:
        AWS PrivateLink Guide, "Gateway endpoints" <https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>
    """
    for _vpc, endpoint in endpoints_of(architecture, "gateway"):
        service = service_of(endpoint)
        if service is None or service.short in GATEWAY_SERVICES:
            continue
        yield Problem(
            f'endpoint "{endpoint.name}" is a gateway endpoint for "{endpoint.service}", but '
            "only S3 and DynamoDB have gateway endpoints: set type: interface and place it in "
            "subnets (one per Availability Zone)",
            service_path(endpoint),
        )


@rule(
    "AP412",
    "gateway-endpoint-region",
    ERROR,
    "A gateway endpoint for a service in another Region than its VPC.",
    reads=UNIT,
)
def gateway_endpoint_region(architecture: Architecture) -> Iterator[Problem]:
    """A gateway endpoint reaches the service in its VPC's own Region only.

    A full service name carries a Region (`com.amazonaws.eu-west-1.s3`); AWS cannot create a
    gateway endpoint between a VPC and a service in another Region. Use the VPC's Region, or
    write the short name (`s3`), which means the VPC's Region.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {main: true}
            endpoints:
              s3: {service: com.amazonaws.eu-west-1.s3, type: gateway, route_tables: [private]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {main: true}
            endpoints:
              s3: {service: com.amazonaws.us-east-1.s3, type: gateway, route_tables: [private]}

    References:
        AWS PrivateLink Guide, "Gateway endpoints" <https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>
    """
    for vpc, endpoint in endpoints_of(architecture, "gateway"):
        service = service_of(endpoint)
        if (
            service is None
            or service.short not in GATEWAY_SERVICES
            or service.region is None
            or vpc.region is None
            or service.region == vpc.region
        ):
            continue
        yield Problem(
            f'gateway endpoint "{endpoint.name}" is for {service.short} in {service.region}, '
            f'but VPC "{vpc.name}" is in {vpc.region}; a gateway endpoint reaches the service '
            f"in its own Region only: use com.amazonaws.{vpc.region}.{service.short} "
            f"(or just {service.short})",
            service_path(endpoint),
            (Related(f'VPC "{vpc.name}" is in {vpc.region}', vpc.path),),
        )


@rule(
    "AP413",
    "duplicate-gateway-endpoint",
    ERROR,
    "Two gateway endpoints for the same service in one route table.",
    reads=UNIT,
)
def duplicate_gateway_endpoint(architecture: Architecture) -> Iterator[Problem]:
    """A route table can be associated with one gateway endpoint per service: each adds the
    service's prefix-list route, and a table holds one route per destination.

    Several S3 endpoints in one VPC (with different endpoint policies) must serve different
    route tables. An S3 endpoint and a DynamoDB endpoint may share a table.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {main: true}
            endpoints:
              s3: {service: s3, type: gateway, route_tables: [private]}
              s3-logs: {service: s3, type: gateway, route_tables: [private]}

    Passes:
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
        AWS PrivateLink Guide, "Gateway endpoints" <https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>
        AWS PrivateLink Guide, "Gateway endpoints for Amazon S3" <https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html>
    """
    for vpc in architecture.vpcs.values():
        first: dict[tuple[str, str], tuple[Endpoint, int]] = {}
        for endpoint in vpc.endpoints.values():
            service = gateway_service(endpoint) if endpoint.type == "gateway" else None
            if service is None:
                continue
            for index, table in enumerate(endpoint.route_tables):
                other, other_index = first.setdefault((service, table), (endpoint, index))
                if other is endpoint:
                    continue
                yield Problem(
                    f'route table "{table}" is already associated with gateway endpoint '
                    f'"{other.name}" for {service}; a table takes one gateway endpoint per '
                    f'service: give "{endpoint.name}" other route tables, or drop one endpoint',
                    (*endpoint.path, "route_tables", index),
                    (
                        Related(
                            f'"{other.name}" lists "{table}" here',
                            (*other.path, "route_tables", other_index),
                        ),
                    ),
                )


@rule(
    "AP414",
    "endpoint-route-by-hand",
    ERROR,
    "A route from pl:s3 or pl:dynamodb to a gateway endpoint written by hand.",
    reads=UNIT,
)
def endpoint_route_by_hand(architecture: Architecture) -> Iterator[Problem]:
    """The `pl:s3` / `pl:dynamodb` routes belong to gateway endpoints: AWS adds one to each
    route table associated with the endpoint, and refuses to create, change or delete them
    through route-table APIs.

    Remove the route and list the table under the endpoint's `route_tables`. A prefix-list
    route to anything else (a NAT gateway, an appliance, a firewall endpoint) is an ordinary
    route AWS accepts; one through a peering connection, trying to use the peer's gateway
    endpoint, is the peering rules' business.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {main: true, routes: {"pl:s3": "endpoint:s3"}}
            endpoints:
              s3: {service: s3, type: gateway}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables:
              private: {main: true}
            endpoints:
              s3: {service: s3, type: gateway, route_tables: [private]}

    References:
        AWS PrivateLink Guide, "Gateway endpoints" <https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>
        AWS PrivateLink Guide, "Gateway endpoints for Amazon S3" <https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html>
    """
    for vpc in architecture.vpcs.values():
        for table in vpc.route_tables.values():
            for route in table.routes:
                target = route.target
                # Only a route to a gateway endpoint is the endpoint's own: pl:s3 sent to a NAT
                # gateway, an appliance or a peering is an ordinary prefix-list route.
                if (
                    route.prefix_list not in ("pl:s3", "pl:dynamodb")
                    or target is None
                    or target.kind != "endpoint"
                ):
                    continue
                service = route.prefix_list.removeprefix("pl:")
                endpoints = [
                    endpoint
                    for endpoint in vpc.endpoints.values()
                    if endpoint.type == "gateway" and gateway_service(endpoint) == service
                ]
                serving = [e for e in endpoints if table.name in e.route_tables]
                if serving:
                    fix = f'gateway endpoint "{serving[0].name}" already adds it to this table'
                elif endpoints:
                    fix = (
                        f'list "{table.name}" under route_tables of endpoint "{endpoints[0].name}"'
                    )
                else:
                    fix = (
                        f"add a gateway endpoint (service: {service}, type: gateway) with "
                        f"route_tables: [{table.name}]"
                    )
                yield Problem(
                    f'route table "{table.name}" of VPC "{vpc.name}" has a hand-written route '
                    f"for {route.prefix_list}; AWS adds that route itself for the gateway "
                    f"endpoints associated with the table: remove it ({fix})",
                    route.path,
                    tuple(
                        Related(f'gateway endpoint "{endpoint.name}" is here', endpoint.path)
                        for endpoint in (serving or endpoints)[:1]
                    ),
                    on_key=True,
                )
