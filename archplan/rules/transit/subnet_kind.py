"""The kind of subnet a transit gateway attachment is placed in."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.regions import is_local_zone
from archplan.rules.registry import Problem, Related, rule
from archplan.rules.transit._shared import attachment_subnets, attachments_of

ERROR = Severity.ERROR


@rule(
    "AP409",
    "tgw-attachment-subnet-kind",
    ERROR,
    "A transit gateway attachment subnet that is IPv6-only or in a Local Zone.",
)
def tgw_attachment_subnet_kind(architecture: Architecture) -> Iterator[Problem]:
    """A transit gateway attachment subnet needs an IPv4 block and must be in one of the
    Region's Availability Zones.

    The transit gateway places a network interface with an IPv4 address in each attachment
    subnet, so an IPv6-only subnet (`ipv6_cidr` without `cidr`) cannot serve; and attachments
    do not support Local Zone subnets. Use a small dual-stack or IPv4 subnet in a regular
    Availability Zone (AWS recommends a `/28` per zone set aside for the transit gateway).

    Fails:
        vpcs:
          app:
            region: us-west-2
            cidr: 10.0.0.0/16
            ipv6_cidrs: [2600:1f14:1a2b:3c00::/56]
            subnets:
              app-tgw-a: {ipv6_cidr: "2600:1f14:1a2b:3c00::/64", az: us-west-2a}
              app-lax: {cidr: 10.0.1.0/28, az: us-west-2-lax-1a}
        transit_gateways:
          hub:
            region: us-west-2
            attachments:
              app: {subnets: [app-tgw-a, app-lax]}

    Passes:
        vpcs:
          app:
            region: us-west-2
            cidr: 10.0.0.0/16
            ipv6_cidrs: [2600:1f14:1a2b:3c00::/56]
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, ipv6_cidr: "2600:1f14:1a2b:3c00::/64", az: us-west-2a}
              app-tgw-b: {cidr: 10.0.0.16/28, az: us-west-2b}
        transit_gateways:
          hub:
            region: us-west-2
            attachments:
              app: {subnets: [app-tgw-a, app-tgw-b]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
    """
    for gateway, attachment, vpc in attachments_of(architecture):
        for index, subnet in attachment_subnets(vpc, attachment):
            where = (*attachment.path, "subnets", index)
            attached = f'the attachment of VPC "{vpc.name}" to transit gateway "{gateway.name}"'
            ipv6_only = subnet.cidr is None and subnet.ipv6_cidr is not None
            # A cidr written but rejected (AP007) is not "no IPv4 block".
            if ipv6_only and not architecture.is_rejected(*subnet.path, "cidr"):
                yield Problem(
                    f'subnet "{subnet.name}" of {attached} is IPv6-only: an attachment subnet '
                    "needs an IPv4 block (cidr); add one, or attach another subnet in that zone",
                    where,
                    (Related(f'"{subnet.name}" is here', subnet.path),),
                )
            if subnet.az is not None and is_local_zone(subnet.az):
                yield Problem(
                    f'subnet "{subnet.name}" of {attached} is in Local Zone {subnet.az}: '
                    "transit gateway attachments cannot use Local Zone subnets; attach a subnet "
                    "in one of the Region's Availability Zones",
                    where,
                    (Related("its zone is here", (*subnet.path, "az")),),
                )
