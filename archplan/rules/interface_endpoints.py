"""Interface endpoint rules that look at several endpoints of one VPC together."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture, Endpoint
from archplan.rules.endpoints.services import service_of
from archplan.rules.registry import Problem, Related, rule

ERROR = Severity.ERROR


@rule(
    "AP450",
    "duplicate-private-dns-endpoint",
    ERROR,
    "Two interface endpoints for one service with private DNS in one VPC.",
)
def duplicate_private_dns_endpoint(architecture: Architecture) -> Iterator[Problem]:
    """Private DNS makes the service's public hostname (`ssm.us-east-1.amazonaws.com`) resolve
    to the endpoint inside the VPC, through a private hosted zone AWS manages. A VPC can hold
    that zone once: AWS refuses a second interface endpoint for the same service with private
    DNS ("private-dns-enabled cannot be set because there is already a conflicting DNS domain").

    Keep one endpoint per service and VPC (list every zone's subnet on it), or turn private DNS
    off on the second (`private_dns: false`) and use its own endpoint DNS names.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
            endpoints:
              ssm-a: {service: ssm, type: interface, subnets: [app-a]}
              ssm-b: {service: com.amazonaws.us-east-1.ssm, type: interface, subnets: [app-b]}

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
    """
    for vpc in architecture.vpcs.values():
        first: dict[tuple[str, str | None], Endpoint] = {}
        for endpoint in vpc.endpoints.values():
            service = service_of(endpoint)
            if endpoint.type != "interface" or not endpoint.private_dns or service is None:
                continue
            key = (service.short, service.region or vpc.region)
            earlier = first.setdefault(key, endpoint)
            if earlier is endpoint:
                continue
            yield Problem(
                f'interface endpoints "{earlier.name}" and "{endpoint.name}" of VPC "{vpc.name}" '
                f'are both for service "{service.short}" with private DNS; AWS refuses the '
                "second (a conflicting DNS domain): keep one endpoint with a subnet per zone, or "
                "set private_dns: false on this one",
                (*endpoint.path, "service"),
                (Related(f'"{earlier.name}" is here', earlier.path),),
            )
