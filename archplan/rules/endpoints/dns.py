"""Endpoint DNS: private DNS names and gateway endpoints with the VPC's DNS settings off."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Path, Severity
from archplan.model import Architecture, Vpc
from archplan.rules.endpoints._shared import endpoints_of
from archplan.rules.registry import Problem, Related, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING


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
    for vpc, endpoint in endpoints_of(architecture, "interface"):
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
    for vpc, endpoint in endpoints_of(architecture, "gateway"):
        disabled = _dns_disabled(vpc, hostnames=False)
        if disabled:
            yield Problem(
                f'gateway endpoint "{endpoint.name}" is in VPC "{vpc.name}", which has DNS '
                "resolution disabled; instances cannot resolve the service's hostnames to use "
                "the endpoint: enable DNS resolution",
                endpoint.path,
                tuple(Related("DNS resolution is disabled here", path) for _, path in disabled),
            )
