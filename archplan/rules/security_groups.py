"""Security group rules: references to groups of other VPCs that AWS does not allow, and
services and functions naming groups their VPC does not have.

A rule may name another group as its source or destination (`sg:NAME`, `sg:VPC/NAME`): it
then matches the private addresses of whatever carries that group. Across VPCs this works
only over an active same-Region peering, or over a transit gateway with security group
referencing enabled, and then for inbound rules only.
"""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Path, Severity
from archplan.model import Architecture, Peering, TransitGateway, Vpc
from archplan.network import SecurityGroup, SgRule
from archplan.rules.registry import Problem, Related, rule
from archplan.spelling import did_you_mean

ERROR = Severity.ERROR


def _foreign_references(
    architecture: Architecture,
) -> Iterator[tuple[Vpc, SecurityGroup, str, SgRule, Vpc]]:
    """Every rule naming a group of another VPC that exists: (own VPC, group, direction, rule,
    the other VPC)."""
    for vpc in architecture.vpcs.values():
        for group in vpc.security_groups.values():
            for direction, rules in (("ingress", group.ingress), ("egress", group.egress)):
                for sg_rule in rules:
                    peer = sg_rule.peer
                    if peer.kind != "sg" or peer.vpc is None or peer.vpc == vpc.name:
                        continue
                    other = architecture.vpcs.get(peer.vpc)
                    if other is not None:
                        yield vpc, group, direction, sg_rule, other


def _active_peering(architecture: Architecture, first: str, second: str) -> Peering | None:
    for peering in architecture.peerings.values():
        if peering.status == "active" and {peering.requester, peering.accepter} == {first, second}:
            return peering
    return None


@rule(
    "AP701",
    "sg-reference-other-region",
    ERROR,
    "A security group rule names a group of a VPC in another Region.",
)
def sg_reference_other_region(architecture: Architecture) -> Iterator[Problem]:
    """A security group rule can name a group of a peer VPC only when the peer is in the same
    Region. Inter-Region peering carries no security group references: AWS refuses the rule
    ("You can't reference the security group of a peer VPC that's in a different Region").

    Use the peer VPC's CIDR block (or the subnet's) as the source or destination instead.

    Fails:
        vpcs:
          web:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:web-db"}}}
            security_groups:
              web: {}
          db:
            region: eu-west-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:web-db"}}}
            security_groups:
              db:
                ingress:
                  - {protocol: tcp, ports: 5432, from: "sg:web/web"}
        peerings:
          web-db: {requester: web, accepter: db}

    Passes:
        vpcs:
          web:
            region: us-east-1
            cidr: 10.0.0.0/16
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:web-db"}}}
            security_groups:
              web: {}
          db:
            region: eu-west-1
            cidr: 10.1.0.0/16
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:web-db"}}}
            security_groups:
              db:
                ingress:
                  - {protocol: tcp, ports: 5432, from: 10.0.0.0/16}
        peerings:
          web-db: {requester: web, accepter: db}

    References:
        Amazon VPC Peering Guide, "Update your security groups to reference peer security groups" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html>
    """
    for vpc, group, direction, sg_rule, other in _foreign_references(architecture):
        if vpc.region is None or other.region is None or vpc.region == other.region:
            continue
        peering = _active_peering(architecture, vpc.name, other.name)
        how = f'peering "{peering.name}" crosses Regions' if peering else "they are not peered"
        blocks = ", ".join(str(block) for block in other.ipv4_blocks) or "its CIDR block"
        yield Problem(
            f'security group "{group.name}" of VPC "{vpc.name}" ({vpc.region}) has an '
            f'{direction} rule naming group "{sg_rule.peer.name}" of VPC "{other.name}" '
            f"({other.region}); {how}, and AWS refuses references to groups in another "
            f"Region: use {blocks} instead",
            (*sg_rule.path, "from" if direction == "ingress" else "to"),
            (Related(f'VPC "{other.name}" ({other.region}) is here', other.path),),
        )


def _referencing(gateway: TransitGateway, first: str, second: str) -> bool:
    """Whether the gateway and both VPC attachments enable security group referencing."""
    attachments = gateway.attachments
    return gateway.security_group_referencing and all(
        attachments[name].security_group_referencing for name in (first, second)
    )


def _why_off(gateway: TransitGateway, first: str, second: str) -> str:
    if not gateway.security_group_referencing:
        return (
            "security group referencing is off on the transit gateway (AWS's default; set "
            f'security_group_referencing: true on "{gateway.name}")'
        )
    off = [n for n in (first, second) if not gateway.attachments[n].security_group_referencing]
    return f'the attachment of VPC "{off[0]}" turns security group referencing off'


@rule(
    "AP702",
    "sg-reference-over-tgw",
    ERROR,
    "A security group rule names a group reached only through a transit gateway.",
)
def sg_reference_over_tgw(architecture: Architecture) -> Iterator[Problem]:
    """Across VPCs connected only by a transit gateway, a rule can name the other VPC's group
    only when the transit gateway and both attachments enable security group referencing,
    which is off on a transit gateway by default, and then only in inbound rules: AWS does
    not support outbound rules that reference groups over a transit gateway.

    Use the other VPC's CIDR block (or the subnet's) instead, or, for an inbound rule, enable
    referencing: `security_group_referencing: true` on the transit gateway (AWS's default is
    off) and leave it on both VPC attachments (their default is on). `archplan reach` follows
    the same switches. Rules between VPCs that also share an active same-Region peering are
    not reported (the peering carries the reference).

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          web:
            cidr: 10.0.0.0/16
            subnets: {web-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}
            security_groups:
              web:
                egress:
                  - {protocol: tcp, ports: 5432, to: "sg:db/db"}
          db:
            cidr: 10.1.0.0/16
            subnets: {db-tgw: {cidr: 10.1.0.0/28, az: us-east-1a}}
            security_groups:
              db: {}
        transit_gateways:
          hub:
            attachments:
              web: {subnets: [web-tgw]}
              db: {subnets: [db-tgw]}

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          web:
            cidr: 10.0.0.0/16
            subnets: {web-tgw: {cidr: 10.0.0.0/28, az: us-east-1a}}
            security_groups:
              web:
                egress:
                  - {protocol: tcp, ports: 5432, to: 10.1.0.0/16}
          db:
            cidr: 10.1.0.0/16
            subnets: {db-tgw: {cidr: 10.1.0.0/28, az: us-east-1a}}
            security_groups:
              db: {}
        transit_gateways:
          hub:
            attachments:
              web: {subnets: [web-tgw]}
              db: {subnets: [db-tgw]}

    References:
        AWS CloudFormation, "AWS::EC2::TransitGatewayAttachment Options" <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-transitgatewayattachment-options.html>
        AWS Transit Gateway Guide, "Identify AWS Transit Gateway referenced security groups" <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-sg-updates-identify.html>
        Amazon EC2 API Reference, "TransitGatewayOptions" <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TransitGatewayOptions.html>
    """
    for vpc, group, direction, sg_rule, other in _foreign_references(architecture):
        if vpc.region is None or other.region is None or vpc.region != other.region:
            continue  # another Region: AP701
        if _active_peering(architecture, vpc.name, other.name) is not None:
            continue
        gateways = [
            gateway
            for gateway in architecture.transit_gateways.values()
            if vpc.name in gateway.attachments and other.name in gateway.attachments
        ]
        if not gateways:
            continue
        enabled = [gateway for gateway in gateways if _referencing(gateway, vpc.name, other.name)]
        if direction == "ingress" and enabled:
            continue
        gateway = gateways[0]
        why = (
            "outbound rules cannot reference groups over a transit gateway"
            if direction == "egress"
            else _why_off(gateway, vpc.name, other.name)
        )
        blocks = ", ".join(str(block) for block in other.ipv4_blocks) or "its CIDR block"
        yield Problem(
            f'security group "{group.name}" of VPC "{vpc.name}" has an {direction} rule naming '
            f'group "{sg_rule.peer.name}" of VPC "{other.name}", which it reaches only through '
            f'transit gateway "{gateway.name}": {why}; use {blocks} instead',
            (*sg_rule.path, "from" if direction == "ingress" else "to"),
            (Related(f'both VPCs are attached to "{gateway.name}" here', gateway.path),),
        )


def _workloads(architecture: Architecture) -> Iterator[tuple[str, str, str, Path, tuple[str, ...]]]:
    """(kind, name, VPC, path, groups) of every ECS service and Lambda function naming groups."""
    for service in architecture.services.values():
        if service.vpc is not None and service.security_groups:
            yield "service", service.name, service.vpc, service.path, service.security_groups
    for function in architecture.functions.values():
        if function.vpc is not None and function.security_groups:
            yield "function", function.name, function.vpc, function.path, function.security_groups


@rule(
    "AP703",
    "workload-unknown-security-group",
    ERROR,
    "An ECS service or Lambda function names a security group its VPC does not have.",
)
def workload_unknown_security_group(architecture: Architecture) -> Iterator[Problem]:
    """An ECS service's tasks (awsvpc network mode) and a Lambda function attached to a VPC
    get network interfaces in their subnets with the security groups they name; every group
    must belong to that VPC, or AWS refuses the service or function. Reported when the VPC
    describes its security groups (`security_groups:`), so a name the file cannot check is not
    called wrong; `archplan reach` then uses the groups that exist.

    Name a group of the VPC (the finding suggests the closest), or declare the group.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {app-a: {cidr: 10.0.0.0/24, az: us-east-1a}}
            security_groups:
              users-fn: {}
        functions:
          users:
            memory: 256
            vpc: app
            subnets: [app-a]
            security_groups: [user-fn]

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {app-a: {cidr: 10.0.0.0/24, az: us-east-1a}}
            security_groups:
              users-fn: {}
        functions:
          users:
            memory: 256
            vpc: app
            subnets: [app-a]
            security_groups: [users-fn]

    References:
        Amazon ECS Developer Guide, "Amazon ECS task networking options for the EC2 launch type" <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html>
        AWS Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC" <https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html>
        Amazon VPC User Guide, "Control traffic to your AWS resources using security groups" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html>
    """
    for kind, name, vpc_name, path, groups in _workloads(architecture):
        vpc = architecture.vpcs.get(vpc_name)
        if vpc is None or not any(not group.implicit for group in vpc.security_groups.values()):
            continue  # no VPC, or its groups are not described: nothing to check against
        if architecture.rejected_within("vpcs", vpc_name, "security_groups"):
            continue  # a group written but rejected may be the one named
        if architecture.rejected_within(*path, "security_groups"):
            continue
        for index, group in enumerate(groups):
            if group in vpc.security_groups:
                continue
            hint = did_you_mean(group, vpc.security_groups)
            yield Problem(
                f'{kind} "{name}" names security group "{group}", which VPC "{vpc_name}" does '
                f"not have{hint}",
                (*path, "security_groups", index),
                (
                    Related(
                        f'VPC "{vpc_name}" declares its security groups here',
                        ("vpcs", vpc_name, "security_groups"),
                    ),
                ),
            )
