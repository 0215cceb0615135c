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
from archplan.network import ALL, TCP, SecurityGroup, SgRule
from archplan.rules.registry import CONNECTED, Problem, Related, rule
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
    reads=CONNECTED,
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
    reads=CONNECTED,
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
    reads=CONNECTED,
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


def _allows_https_out(vpc: Vpc, groups: tuple[str, ...]) -> bool:
    """Whether some egress rule of the groups lets TCP 443 out to anything at all."""
    for name in groups:
        for sg_rule in vpc.security_groups[name].egress:
            if sg_rule.protocol in (ALL, TCP) and sg_rule.ports.first <= 443 <= sg_rule.ports.last:
                return True
    return False


@rule(
    "AP704",
    "workload-egress-blocks-https",
    ERROR,
    "A service or function calls AWS services, but its security groups let no HTTPS out.",
    reads=CONNECTED,
)
def workload_egress_blocks_https(architecture: Architecture) -> Iterator[Problem]:
    """Every call to an AWS service API, through an interface endpoint, a gateway endpoint or a
    NAT gateway, is HTTPS on TCP port 443 from the caller's network interface, and security
    groups filter what leaves it. A Lambda function in a VPC that lists `aws_services`, or an
    ECS service in awsvpc mode that does (a Fargate task also pulls its image from Amazon ECR
    through its own interface), fails every such call when no egress rule of its groups allows
    TCP 443 to anywhere. Reported only when that is certain: the VPC describes the groups and
    no egress rule of any of them allows port 443, to whatever destination.

    Add an egress rule for tcp 443: to the interface endpoints' group, `pl:s3` or
    `pl:dynamodb` for a gateway endpoint, or 0.0.0.0/0 through a NAT gateway.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {app-a: {cidr: 10.0.0.0/24, az: us-east-1a}}
            route_tables: {private: {main: true}}
            endpoints: {dynamodb: {service: dynamodb, route_tables: [private]}}
            security_groups:
              users-fn:
                egress:
                  - {protocol: tcp, ports: 5432, to: 10.0.0.0/16}
        functions:
          users:
            memory: 256
            vpc: app
            subnets: [app-a]
            security_groups: [users-fn]
            aws_services: [dynamodb]

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {app-a: {cidr: 10.0.0.0/24, az: us-east-1a}}
            route_tables: {private: {main: true}}
            endpoints: {dynamodb: {service: dynamodb, route_tables: [private]}}
            security_groups:
              users-fn:
                egress:
                  - {protocol: tcp, ports: 5432, to: 10.0.0.0/16}
                  - {protocol: tcp, ports: 443, to: pl:dynamodb}
        functions:
          users:
            memory: 256
            vpc: app
            subnets: [app-a]
            security_groups: [users-fn]
            aws_services: [dynamodb]

    References:
        AWS PrivateLink Guide, "Access an AWS service using an interface VPC endpoint" <https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html>
        Amazon ECS Developer Guide, "Amazon ECS task networking options for Fargate" <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html>
        AWS Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC" <https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html>
    """
    for kind, name, vpc_name, path, groups in _workloads(architecture):
        vpc = architecture.vpcs.get(vpc_name)
        if vpc is None or any(group not in vpc.security_groups for group in groups):
            continue  # an unknown group (AP703) may be the one that allows it
        if not any(not vpc.security_groups[group].implicit for group in groups):
            continue  # only AWS's default group, which allows everything out
        if architecture.rejected_within("vpcs", vpc_name, "security_groups"):
            continue
        if kind == "service":
            service = architecture.services[name]
            if not service.awsvpc:
                continue  # the instances' interfaces carry the calls
            calls = list(service.aws_services)
            if service.launch_type == "fargate" and service.image_registry == "ecr":
                calls.insert(0, "ecr (image pulls)")
        else:
            calls = list(architecture.functions[name].aws_services)
        if not calls or _allows_https_out(vpc, groups):
            continue
        yield Problem(
            f'{kind} "{name}" calls {", ".join(calls)} over HTTPS (TCP 443), but no egress rule '
            f"of its security group{'s' if len(groups) > 1 else ''} {', '.join(groups)} "
            "allows TCP 443 out: every such call fails; allow tcp 443 to the endpoints' group, "
            "the service's prefix list or 0.0.0.0/0",
            (*path, "security_groups"),
            tuple(
                Related(f'security group "{group}" is here', vpc.security_groups[group].path)
                for group in groups
            ),
        )
