"""A transit gateway attachment's Region, and its one subnet per Availability Zone."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture, Subnet
from archplan.rules.registry import Problem, Related, rule
from archplan.rules.transit._shared import attachment_subnets, attachments_of
from archplan.rules.zones import known_zone

ERROR = Severity.ERROR


@rule(
    "AP401",
    "tgw-attachment-region",
    ERROR,
    "A transit gateway attaches a VPC in another Region.",
)
def tgw_attachment_region(architecture: Architecture) -> Iterator[Problem]:
    """A transit gateway is a Regional router: it attaches VPCs of its own Region only.

    To connect VPCs in two Regions, attach each to a transit gateway in its own Region and
    peer the two transit gateways (a transit gateway peering attachment).

    Fails:
        vpcs:
          eu:
            region: eu-west-1
            cidr: 10.1.0.0/16
            subnets:
              eu-tgw-a: {cidr: 10.1.0.0/28, az: eu-west-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              eu: {subnets: [eu-tgw-a]}

    Passes:
        vpcs:
          eu:
            region: eu-west-1
            cidr: 10.1.0.0/16
            subnets:
              eu-tgw-a: {cidr: 10.1.0.0/28, az: eu-west-1a}
        transit_gateways:
          hub-eu:
            region: eu-west-1
            attachments:
              eu: {subnets: [eu-tgw-a]}

    References:
        AWS Transit Gateway Guide, "Transit gateway peering attachments" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html>
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
    """
    for gateway, attachment, vpc in attachments_of(architecture):
        if gateway.region is None or vpc.region is None or gateway.region == vpc.region:
            continue
        yield Problem(
            f'transit gateway "{gateway.name}" is in {gateway.region} but attaches VPC '
            f'"{vpc.name}" in {vpc.region}; a transit gateway attaches VPCs of its own Region '
            f"only: attach the VPC to a transit gateway in {vpc.region} and peer the two "
            "transit gateways",
            attachment.path,
            (
                Related(f'VPC "{vpc.name}" is in {vpc.region}', vpc.path),
                Related(f'transit gateway "{gateway.name}" is in {gateway.region}', gateway.path),
            ),
            on_key=True,
        )


@rule(
    "AP402",
    "tgw-attachment-subnets",
    ERROR,
    "A transit gateway attachment without subnets, or with two subnets in one zone.",
)
def tgw_attachment_subnets(architecture: Architecture) -> Iterator[Problem]:
    """A VPC attachment names at least one subnet, and at most one per Availability Zone.

    The transit gateway puts one network interface in each attachment subnet; AWS refuses a
    second subnet in the same zone. Name one subnet per zone the VPC uses (a small `/28` per
    zone, set aside for the transit gateway, is AWS's recommendation). Subnets that are not in
    the VPC are reported by AP005.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
              app-tgw-a2: {cidr: 10.0.0.16/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a, app-tgw-a2]}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
              app-tgw-b: {cidr: 10.0.0.16/28, az: us-east-1b}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              app: {subnets: [app-tgw-a, app-tgw-b]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
        Amazon EC2 API Reference, "CreateTransitGatewayVpcAttachment" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayVpcAttachment.html>
    """
    for gateway, attachment, vpc in attachments_of(architecture):
        if not attachment.subnets:
            if not architecture.is_rejected(*attachment.path, "subnets"):  # misspelt, or wrong
                yield Problem(
                    f'the attachment of VPC "{vpc.name}" to transit gateway "{gateway.name}" has '
                    "no subnets; list one subnet per Availability Zone under subnets",
                    attachment.path,
                    on_key=True,
                )
            continue
        first_in_zone: dict[str, tuple[int, Subnet]] = {}
        for index, subnet in attachment_subnets(vpc, attachment):
            zone = known_zone(subnet, vpc.region)
            if zone is None:
                continue  # not written, or wrong (AP114/AP117)
            first_index, first = first_in_zone.setdefault(zone, (index, subnet))
            if first is not subnet:
                yield Problem(
                    f'the attachment of VPC "{vpc.name}" to transit gateway "{gateway.name}" '
                    f'already has subnet "{first.name}" in {subnet.az}; "{subnet.name}" is a '
                    "second one: an attachment takes one subnet per Availability Zone",
                    (*attachment.path, "subnets", index),
                    (
                        Related(
                            f'"{first.name}" is here', (*attachment.path, "subnets", first_index)
                        ),
                    ),
                )
