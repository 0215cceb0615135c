"""VPCs attached to one transit gateway whose blocks overlap."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.cidr import Tagged, overlapping_pairs
from archplan.findings import Severity
from archplan.model import Architecture
from archplan.routes import vpc_blocks, vpc_overlaps
from archplan.rules.registry import Problem, Related, rule
from archplan.tgw_tables import explicit, sharing_pairs

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@rule(
    "AP403",
    "tgw-overlapping-vpcs",
    ERROR,
    "Two VPCs with overlapping blocks are attached to one transit gateway.",
)
def tgw_overlapping_vpcs(architecture: Architecture) -> Iterator[Problem]:
    """A transit gateway does not route between VPCs with identical or overlapping blocks.

    AWS accepts the attachment, but the later VPC's routes are not propagated to the transit
    gateway route table, so the two VPCs cannot reach each other (nor can others reach the
    later one's overlapping range). Renumber one VPC, or keep it off this transit gateway.
    Without `route_tables`, archplan models the transit gateway's default route table, which
    every attachment associates with and propagates to: an error. When the file writes the
    gateway's route tables and the two VPCs propagate into none in common, the overlap is
    harmless today and this is a warning (a table that later takes both loses the later
    one's routes); when they share one, AP422 reports it at that table.

    Fails:
        vpcs:
          prod:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              prod-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
          dev:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              dev-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              prod: {subnets: [prod-tgw-a]}
              dev: {subnets: [dev-tgw-a]}

    Passes:
        vpcs:
          prod:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              prod-tgw-a: {cidr: 10.0.0.0/28, az: us-east-1a}
          dev:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets:
              dev-tgw-a: {cidr: 10.1.0.0/28, az: us-east-1a}
        transit_gateways:
          hub:
            region: us-east-1
            attachments:
              prod: {subnets: [prod-tgw-a]}
              dev: {subnets: [dev-tgw-a]}

    References:
        AWS Transit Gateway Guide, "Amazon VPC attachments in AWS Transit Gateway" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html>
    """
    for gateway in architecture.transit_gateways.values():
        if any(
            architecture.rejected_within(*gateway.path, key)
            for key in ("route_tables", "default_association", "default_propagation")
        ):
            continue  # which route tables the VPCs share (AP422's or this) is not known
        attached = [
            (attachment, architecture.vpcs[attachment.vpc])
            for attachment in gateway.attachments.values()
            if attachment.vpc in architecture.vpcs
        ]
        # One sweep over every attached block finds the VPC pairs that overlap at all;
        # comparing every pair of VPCs would be quadratic in the number of attachments.
        tagged = [
            Tagged(block, position)
            for position, (_, vpc) in enumerate(attached)
            for block, _ in vpc_blocks(vpc)
        ]
        pairs = sorted(
            {
                (min(one.owner, other.owner), max(one.owner, other.owner))
                for one, other in overlapping_pairs(tagged)
                if one.owner != other.owner
            }
        )
        shared = sharing_pairs(architecture, gateway) if explicit(gateway) else {}
        for earlier_position, later_position in pairs:
            earlier, earlier_vpc = attached[earlier_position]
            later, later_vpc = attached[later_position]
            if explicit(gateway) and (earlier_vpc.name, later_vpc.name) in shared:
                continue  # AP422, at the table both propagate into
            overlaps = vpc_overlaps(later_vpc, earlier_vpc)
            collisions = "; ".join(
                f'"{later_vpc.name}" {mine} and "{earlier_vpc.name}" {theirs}'
                for (mine, _), (theirs, _) in overlaps
            )
            related = [Related(f'VPC "{earlier_vpc.name}" is attached here', earlier.path)]
            for (mine, mine_path), (theirs, theirs_path) in overlaps:
                related.append(Related(f'"{later_vpc.name}" block {mine} is here', mine_path))
                related.append(Related(f'"{earlier_vpc.name}" block {theirs} is here', theirs_path))
            if explicit(gateway):
                yield Problem(
                    f'VPCs "{later_vpc.name}" and "{earlier_vpc.name}" are both attached to '
                    f'transit gateway "{gateway.name}" and their blocks overlap ({collisions}); '
                    "no route table of the gateway holds both today, but one that takes both "
                    "would lose the later one's routes: renumber one of them if you can",
                    later.path,
                    tuple(related),
                    on_key=True,
                    severity=WARNING,
                )
                continue
            yield Problem(
                f'VPCs "{later_vpc.name}" and "{earlier_vpc.name}" are both attached to transit '
                f'gateway "{gateway.name}", but their blocks overlap ({collisions}); a transit '
                "gateway does not route between overlapping VPCs: renumber one of them",
                later.path,
                tuple(related),
                on_key=True,
            )
