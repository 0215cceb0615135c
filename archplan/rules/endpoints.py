"""VPC endpoint rules: gateway endpoints (S3, DynamoDB, own Region), interface endpoints, quotas."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from archplan.findings import Path, Severity
from archplan.model import Architecture, Endpoint, Subnet, Vpc
from archplan.rules.registry import Problem, Related, quota_related, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING

# Services with gateway endpoints. S3 Express One Zone (directory buckets) has its own gateway
# endpoint service, com.amazonaws.REGION.s3express (Amazon S3 User Guide, "Networking for
# S3 Express One Zone"); it is part of Amazon S3.
GATEWAY_SERVICES = ("s3", "dynamodb", "s3express")
# Full service names: com.amazonaws.us-east-1.s3 (cn.com.amazonaws.cn-north-1.* in China).
FULL_SERVICE_NAME = re.compile(r"^(?:cn\.)?com\.amazonaws\.([a-z0-9-]+)\.(.+)$")


class Service(NamedTuple):
    """An endpoint's service: its short name, and the Region a full name carries (else None)."""

    short: str
    region: str | None


def _service(endpoint: Endpoint) -> Service | None:
    if not endpoint.service:
        return None
    written = endpoint.service.strip().lower()
    match = FULL_SERVICE_NAME.match(written)
    return Service(match.group(2), match.group(1)) if match else Service(written, None)


def _endpoints(architecture: Architecture, kind: str) -> Iterator[tuple[Vpc, Endpoint]]:
    """Every endpoint of one type ("gateway" or "interface"), in file order; an endpoint whose
    `type` was written but rejected is neither (its default is not what the file meant)."""
    for vpc in architecture.vpcs.values():
        for endpoint in vpc.endpoints.values():
            if endpoint.type == kind and not architecture.is_rejected(*endpoint.path, "type"):
                yield vpc, endpoint


def _gateway_service(endpoint: Endpoint) -> str | None:
    """The short name of a gateway endpoint's service when it has gateway endpoints."""
    service = _service(endpoint)
    return service.short if service and service.short in GATEWAY_SERVICES else None


def _service_path(endpoint: Endpoint) -> Path:
    return (*endpoint.path, "service")


@rule(
    "AP411",
    "gateway-endpoint-service",
    ERROR,
    "A gateway endpoint for a service other than S3 or DynamoDB.",
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
    for _vpc, endpoint in _endpoints(architecture, "gateway"):
        service = _service(endpoint)
        if service is None or service.short in GATEWAY_SERVICES:
            continue
        yield Problem(
            f'endpoint "{endpoint.name}" is a gateway endpoint for "{endpoint.service}", but '
            "only S3 and DynamoDB have gateway endpoints: set type: interface and place it in "
            "subnets (one per Availability Zone)",
            _service_path(endpoint),
        )


@rule(
    "AP412",
    "gateway-endpoint-region",
    ERROR,
    "A gateway endpoint for a service in another Region than its VPC.",
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
    for vpc, endpoint in _endpoints(architecture, "gateway"):
        service = _service(endpoint)
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
            _service_path(endpoint),
            (Related(f'VPC "{vpc.name}" is in {vpc.region}', vpc.path),),
        )


@rule(
    "AP413",
    "duplicate-gateway-endpoint",
    ERROR,
    "Two gateway endpoints for the same service in one route table.",
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
            service = _gateway_service(endpoint) if endpoint.type == "gateway" else None
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
    "A route to pl:s3 or pl:dynamodb written by hand.",
)
def endpoint_route_by_hand(architecture: Architecture) -> Iterator[Problem]:
    """The `pl:s3` / `pl:dynamodb` routes belong to gateway endpoints: AWS adds one to each
    route table associated with the endpoint, and refuses to create, change or delete them
    through route-table APIs.

    Remove the route and list the table under the endpoint's `route_tables`. (A prefix-list
    route through a peering connection, trying to use the peer's gateway endpoint, is the
    peering rules' business.)

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
                if route.prefix_list is None or target is None or target.kind == "peering":
                    continue
                service = route.prefix_list.removeprefix("pl:")
                endpoints = [
                    endpoint
                    for endpoint in vpc.endpoints.values()
                    if endpoint.type == "gateway" and _gateway_service(endpoint) == service
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
    for vpc, endpoint in _endpoints(architecture, "interface"):
        first_in_zone: dict[str, tuple[int, Subnet]] = {}
        for index, name in enumerate(endpoint.subnets):
            subnet = vpc.subnets.get(name)
            if subnet is None or subnet.az is None:
                continue
            first_index, first = first_in_zone.setdefault(subnet.az, (index, subnet))
            if first is subnet:
                continue
            yield Problem(
                f'interface endpoint "{endpoint.name}" already has subnet "{first.name}" in '
                f'{subnet.az}; "{subnet.name}" is a second one: an interface endpoint takes one '
                "subnet per Availability Zone (DuplicateSubnetsInSameZone)",
                (*endpoint.path, "subnets", index),
                (Related(f'"{first.name}" is here', (*endpoint.path, "subnets", first_index)),),
            )


def _dns_disabled(vpc: Vpc, *, hostnames: bool) -> list[tuple[str, Path]]:
    """The VPC's DNS settings that are off, by name and where they are written."""
    settings = [("DNS resolution", "resolution", vpc.dns_resolution)]
    if hostnames:
        settings.insert(0, ("DNS hostnames", "hostnames", vpc.dns_hostnames))
    return [(label, (*vpc.path, "dns", key)) for label, key, enabled in settings if not enabled]


@rule(
    "AP417",
    "endpoint-private-dns",
    ERROR,
    "Private DNS on an interface endpoint in a VPC with DNS turned off.",
)
def endpoint_private_dns(architecture: Architecture) -> Iterator[Problem]:
    """Private DNS makes the service's usual hostname resolve to the endpoint; AWS allows it
    only when the VPC has both DNS hostnames and DNS resolution enabled.

    Private DNS is on by default for interface endpoints. Enable both (`dns: {hostnames: true,
    resolution: true}`, the defaults), or set `private_dns: false` and use the endpoint's own
    DNS names.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            dns: {hostnames: false}
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
            endpoints:
              ssm: {service: ssm, type: interface, subnets: [app-a], private_dns: true}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            dns: {hostnames: false}
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
            endpoints:
              ssm: {service: ssm, type: interface, subnets: [app-a], private_dns: false}

    References:
        AWS PrivateLink Guide, "Access an AWS service using an interface VPC endpoint" <https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html>
        Amazon VPC User Guide, "DNS attributes for your VPC" <https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html>
    """
    for vpc, endpoint in _endpoints(architecture, "interface"):
        disabled = _dns_disabled(vpc, hostnames=True)
        if not endpoint.private_dns or not disabled:
            continue
        labels = " and ".join(label for label, _ in disabled)
        yield Problem(
            f'interface endpoint "{endpoint.name}" has private DNS (the default for interface '
            f'endpoints), which needs DNS hostnames and DNS resolution, but VPC "{vpc.name}" '
            f"has {labels} disabled: enable {labels}, or set private_dns: false",
            (*endpoint.path, "private_dns"),
            tuple(Related(f"{label} is disabled here", path) for label, path in disabled),
        )


@rule(
    "AP418",
    "gateway-endpoint-dns",
    WARNING,
    "A gateway endpoint in a VPC with DNS resolution turned off.",
)
def gateway_endpoint_dns(architecture: Architecture) -> Iterator[Problem]:
    """Clients find S3 and DynamoDB by their public hostnames; the gateway endpoint only
    changes the route to the addresses those names resolve to. With DNS resolution off, the
    Amazon DNS server does not answer in the VPC, and instances cannot resolve the service.

    Enable DNS resolution (`dns: {resolution: true}`, the default), or make sure every client
    uses a resolver of its own that can resolve the service's names.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            dns: {resolution: false}
            route_tables:
              private: {main: true}
            endpoints:
              s3: {service: s3, type: gateway, route_tables: [private]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            dns: {resolution: true}
            route_tables:
              private: {main: true}
            endpoints:
              s3: {service: s3, type: gateway, route_tables: [private]}

    References:
        AWS PrivateLink Guide, "Gateway endpoints" <https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>
        Amazon VPC User Guide, "DNS attributes for your VPC" <https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html>
    """
    for vpc, endpoint in _endpoints(architecture, "gateway"):
        disabled = _dns_disabled(vpc, hostnames=False)
        if disabled:
            yield Problem(
                f'gateway endpoint "{endpoint.name}" is in VPC "{vpc.name}", which has DNS '
                "resolution disabled; instances cannot resolve the service's hostnames to use "
                "the endpoint: enable DNS resolution",
                endpoint.path,
                tuple(Related("DNS resolution is disabled here", path) for _, path in disabled),
            )


def _over_quota(
    architecture: Architecture, quota_name: str, endpoints: list[Endpoint], scope: str, what: str
) -> Iterator[Problem]:
    limit = architecture.quotas[quota_name]
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
        interface = [e for e in vpc.endpoints.values() if e.type == "interface"]
        gateway = [e for e in vpc.endpoints.values() if e.type == "gateway"]
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
        if vpc.region is not None:
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
