"""Peering DNS resolution asked for while a VPC has DNS support or host names off."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.peering._shared import vpcs_of
from archplan.rules.registry import CONNECTED, Problem, Related, rule

WARNING = Severity.WARNING


@rule(
    "AP316",
    "peering-dns-disabled",
    WARNING,
    "Peering DNS resolution with DNS off in a VPC.",
    reads=CONNECTED,
)
def peering_dns_disabled(architecture: Architecture) -> Iterator[Problem]:
    """Resolving the peer's private DNS names through a peering (`dns_resolution: true`) needs
    DNS hostnames and DNS resolution enabled in both VPCs (EC2
    `InvalidVpcPeeringConnectionState.DnsHostnamesDisabled`).

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            dns: {hostnames: false}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b, dns_resolution: true}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b, dns_resolution: true}

    References:
        Amazon VPC Peering Guide, "Enable DNS resolution for a VPC peering connection" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html>
        Amazon VPC User Guide, "DNS attributes for your VPC" <https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html>
    """
    for peering in architecture.peerings.values():
        pair = vpcs_of(architecture, peering)
        if pair is None or not peering.dns_resolution:
            continue
        for vpc in pair:
            if not (vpc.dns_hostnames and vpc.dns_resolution):
                yield Problem(
                    f'peering "{peering.name}" resolves DNS across the peering, but VPC '
                    f'"{vpc.name}" has DNS hostnames or resolution disabled; enable both',
                    (*peering.path, "dns_resolution"),
                    (Related(f'VPC "{vpc.name}" is here', vpc.path),),
                )
