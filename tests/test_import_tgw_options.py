"""Transit gateway options the importers read: the gateway's SecurityGroupReferencingSupport
(AWS: off) and a VPC attachment's Ipv6Support (AWS: off) and SecurityGroupReferencingSupport
(AWS: on), from CloudFormation, Terraform plans and AWS CLI output. A value the source states,
or AWS's default where it writes nothing, is written (IPv6 support only where the VPC has
IPv6 blocks or it is on); a value the source leaves unknown is left out with an issue."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from archplan.importers import SourceKind, import_sources
from archplan.importers.common import ImportOptions
from tests.conftest import corpus_file
from tests.test_import_network import TF_PLAN

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Mode: {Type: String}
Resources:
  Dual: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  DualV6: {Type: AWS::EC2::VPCCidrBlock, Properties: {VpcId: !Ref Dual, Ipv6CidrBlock: "2600:1f18:1:100::/56"}}
  DualSub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Dual, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a}}
  Plain: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.1.0.0/16}}
  PlainSub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Plain, CidrBlock: 10.1.0.0/24, AvailabilityZone: us-east-1a}}
  Legacy: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.2.0.0/16}}
  LegacySub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Legacy, CidrBlock: 10.2.0.0/24, AvailabilityZone: us-east-1a}}
  Hub: {Type: AWS::EC2::TransitGateway, Properties: {SecurityGroupReferencingSupport: GATEWAY}}
  DualAtt:
    Type: AWS::EC2::TransitGatewayAttachment
    Properties: {TransitGatewayId: !Ref Hub, VpcId: !Ref Dual, SubnetIds: [!Ref DualSub], DUAL_OPTIONS}
  PlainAtt:
    Type: AWS::EC2::TransitGatewayAttachment
    Properties: {TransitGatewayId: !Ref Hub, VpcId: !Ref Plain, SubnetIds: [!Ref PlainSub]}
  LegacyAtt:
    Type: AWS::EC2::TransitGatewayAttachment
    Properties: {TransitGatewayId: !Ref Hub, VpcId: !Ref Legacy, SubnetIds: [!Ref LegacySub], Options: {SecurityGroupReferencingSupport: disable}}
"""


def _cfn(tmp_path: Path, gateway: str = "enable", dual: str = "Options: {}") -> Any:
    path = tmp_path / "t.yaml"
    path.write_text(
        TEMPLATE.replace("GATEWAY", gateway).replace("DUAL_OPTIONS", dual), encoding="utf-8"
    )
    return import_sources(SourceKind.CLOUDFORMATION, [str(path)], ImportOptions())


def test_cloudformation_reads_the_gateway_and_attachment_options(tmp_path: Path) -> None:
    imported = _cfn(tmp_path, dual="Options: {Ipv6Support: enable}")
    gateway = imported.document["transit_gateways"]["Hub"]
    assert gateway["security_group_referencing"] is True
    attachments = gateway["attachments"]
    assert attachments["Dual"] == {"subnets": ["DualSub"], "ipv6_support": True}
    assert attachments["Plain"] == {"subnets": ["PlainSub"]}  # IPv4 only, AWS's defaults
    assert attachments["Legacy"] == {"subnets": ["LegacySub"], "security_group_referencing": False}
    assert not [i for i in imported.issues if "Options" in i.message]


def test_cloudformation_writes_aws_default_ipv6_off_where_the_vpc_has_ipv6(
    tmp_path: Path,
) -> None:
    imported = _cfn(tmp_path, gateway="disable")
    gateway = imported.document["transit_gateways"]["Hub"]
    assert "security_group_referencing" not in gateway
    assert gateway["attachments"]["Dual"] == {"subnets": ["DualSub"], "ipv6_support": False}


def test_cloudformation_leaves_out_what_it_cannot_resolve(tmp_path: Path) -> None:
    imported = _cfn(tmp_path, gateway="!Ref Mode", dual="Options: {Ipv6Support: !Ref Mode}")
    gateway = imported.document["transit_gateways"]["Hub"]
    assert "security_group_referencing" not in gateway
    assert gateway["attachments"]["Dual"] == {"subnets": ["DualSub"]}
    messages = [i.message for i in imported.issues]
    assert any(
        m.startswith("Hub.SecurityGroupReferencingSupport:") and "left out" in m for m in messages
    ), messages
    assert any(m.startswith("DualAtt.Options:") and "left out" in m for m in messages), messages


def test_cloudformation_says_when_a_value_is_neither_word(tmp_path: Path) -> None:
    imported = _cfn(tmp_path, dual="Options: {Ipv6Support: maybe}")
    assert "ipv6_support" not in imported.document["transit_gateways"]["Hub"]["attachments"]["Dual"]
    assert any(
        "DualAtt.Options.Ipv6Support: 'maybe' is neither enable nor disable" in i.message
        for i in imported.issues
    )


def test_terraform_reads_the_options(tmp_path: Path) -> None:
    plan = copy.deepcopy(TF_PLAN)
    for resource in plan["planned_values"]["root_module"]["resources"]:
        if resource["address"] == "aws_ec2_transit_gateway.hub":
            resource["values"]["security_group_referencing_support"] = "enable"
        if resource["address"] == "aws_ec2_transit_gateway_vpc_attachment.app":
            resource["values"]["ipv6_support"] = "enable"
            resource["values"]["security_group_referencing_support"] = "disable"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    document = import_sources(SourceKind.TERRAFORM, [str(path)], ImportOptions()).document
    gateway = document["transit_gateways"]["aws_ec2_transit_gateway.hub"]
    assert gateway["security_group_referencing"] is True
    assert gateway["attachments"]["aws_vpc.app"] == {
        "subnets": ["aws_subnet.a"],
        "appliance_mode": True,
        "ipv6_support": True,
        "security_group_referencing": False,
    }


def _cli(tmp_path: Path, gateway: dict[str, Any], attachment: dict[str, Any]) -> Any:
    outputs = {
        "vpcs.json": {
            "Vpcs": [
                {
                    "VpcId": "vpc-1",
                    "CidrBlock": "10.0.0.0/16",
                    "Ipv6CidrBlockAssociationSet": [
                        {
                            "Ipv6CidrBlock": "2600:1f18:1:100::/56",
                            "Ipv6CidrBlockState": {"State": "associated"},
                        }
                    ],
                }
            ]
        },
        "subnets.json": {
            "Subnets": [
                {
                    "SubnetId": "subnet-a",
                    "VpcId": "vpc-1",
                    "CidrBlock": "10.0.0.0/24",
                    "AvailabilityZone": "us-east-1a",
                }
            ]
        },
        "tgws.json": {
            "TransitGateways": [
                {
                    "TransitGatewayId": "tgw-1",
                    "TransitGatewayArn": "arn:aws:ec2:us-east-1:111122223333:transit-gateway/tgw-1",
                    "State": "available",
                    "Options": gateway,
                }
            ]
        },
        "attachments.json": {
            "TransitGatewayVpcAttachments": [
                {
                    "TransitGatewayAttachmentId": "tgw-attach-1",
                    "TransitGatewayId": "tgw-1",
                    "VpcId": "vpc-1",
                    "State": "available",
                    "SubnetIds": ["subnet-a"],
                    "Options": attachment,
                }
            ]
        },
    }
    paths = []
    for name, data in outputs.items():
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        paths.append(str(path))
    return import_sources(SourceKind.AWS_CLI, paths, ImportOptions(region="us-east-1"))


def test_aws_cli_reads_the_options(tmp_path: Path) -> None:
    imported = _cli(
        tmp_path,
        {"SecurityGroupReferencingSupport": "enable"},
        {"Ipv6Support": "enable", "SecurityGroupReferencingSupport": "disable"},
    )
    gateway = imported.document["transit_gateways"]["tgw-1"]
    assert gateway["security_group_referencing"] is True
    assert gateway["attachments"]["vpc-1"] == {
        "subnets": ["subnet-a"],
        "ipv6_support": True,
        "security_group_referencing": False,
    }


def test_aws_cli_defaults_and_unknown_values(tmp_path: Path) -> None:
    imported = _cli(
        tmp_path, {}, {"Ipv6Support": "disable", "SecurityGroupReferencingSupport": "?"}
    )
    gateway = imported.document["transit_gateways"]["tgw-1"]
    assert "security_group_referencing" not in gateway
    assert gateway["attachments"]["vpc-1"] == {"subnets": ["subnet-a"], "ipv6_support": False}
    assert any(
        "whether it keeps security group referencing is not in the source" in i.message
        for i in imported.issues
    )


def test_the_corpus_attachment_output_states_ipv6_off() -> None:
    from archplan.importers.awscli import _switch

    path = corpus_file(
        "aws-cli", "aws-cli__ec2_describe-transit-gateway-vpc-attachments__ex1_output.json"
    )
    options = json.loads(Path(path).read_text(encoding="utf-8"))["TransitGatewayVpcAttachments"][0][
        "Options"
    ]
    assert _switch(options, "Ipv6Support", "disable") is False
    assert _switch(options, "SecurityGroupReferencingSupport", "enable") is True  # not listed
