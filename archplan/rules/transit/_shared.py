"""What several transit gateway rules read: attachments, their subnets and zones."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.model import Architecture, Attachment, Subnet, TransitGateway, Vpc


def attachments_of(architecture: Architecture) -> Iterator[tuple[TransitGateway, Attachment, Vpc]]:
    """Every attachment whose VPC exists (a missing VPC is AP005's), in file order."""
    for gateway in architecture.transit_gateways.values():
        for attachment in gateway.attachments.values():
            vpc = architecture.vpcs.get(attachment.vpc)
            if vpc is not None:
                yield gateway, attachment, vpc


def attachment_subnets(vpc: Vpc, attachment: Attachment) -> list[tuple[int, Subnet]]:
    """The attachment's subnets that exist in its VPC, with their index in `subnets`."""
    return [
        (index, vpc.subnets[name])
        for index, name in enumerate(attachment.subnets)
        if name in vpc.subnets
    ]
