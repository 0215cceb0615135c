"""Importing ECS services (task definitions, clusters, capacity providers), Lambda functions and
EKS clusters with node groups from CloudFormation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import ROOT

CORPUS = ROOT.parent / "shared" / "corpus" / "cloudformation"

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  AppA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/20, AvailabilityZone: us-east-1a}
  AppB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.16.0/20, AvailabilityZone: us-east-1b}
  Hosts:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: "1"
      MaxSize: "10"
      VPCZoneIdentifier: [!Ref AppA, !Ref AppB]
      LaunchTemplate: {LaunchTemplateName: hosts, Version: "1"}
      MixedInstancesPolicy:
        LaunchTemplate:
          LaunchTemplateSpecification: {LaunchTemplateName: hosts, Version: "1"}
          Overrides: [{InstanceType: c5.large}]
  Provider:
    Type: AWS::ECS::CapacityProvider
    Properties:
      AutoScalingGroupProvider: {AutoScalingGroupArn: !Ref Hosts}
  Cluster:
    Type: AWS::ECS::Cluster
    Properties: {ClusterName: forum}
  MessagesTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Cpu: "0.5 vCPU"
      Memory: "1 GB"
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      RuntimePlatform: {CpuArchitecture: ARM64}
      ContainerDefinitions: [{Name: app, Image: app}]
  Messages:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      DesiredCount: 4
      TaskDefinition: !Ref MessagesTask
      CapacityProviderStrategy:
        - {CapacityProvider: FARGATE, Weight: 3}
        - {CapacityProvider: FARGATE_SPOT, Weight: 1}
      NetworkConfiguration:
        AwsvpcConfiguration: {Subnets: [!Ref AppA, !Ref AppB]}
  Topics:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      DesiredCount: 2
      TaskDefinition: !Ref MessagesTask
      CapacityProviderStrategy: [{CapacityProvider: !Ref Provider, Weight: 1}]
      NetworkConfiguration:
        AwsvpcConfiguration: {Subnets: [!Ref AppA, !Ref AppB]}
  Users:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::111122223333:role/users
      Code: {ZipFile: "exports.handler = async () => ({})"}
      Handler: index.handler
      Runtime: nodejs20.x
      MemorySize: 512
      Architectures: [arm64]
      ReservedConcurrentExecutions: 200
      VpcConfig: {SubnetIds: [!Ref AppA, !Ref AppB], SecurityGroupIds: []}
  Shop:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig: {SubnetIds: [!Ref AppA, !Ref AppB]}
  General:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Shop
      NodeRole: arn:aws:iam::111122223333:role/nodes
      Subnets: [!Ref AppA, !Ref AppB]
      InstanceTypes: [m5.large]
      ScalingConfig: {MinSize: 2, MaxSize: 12, DesiredSize: 3}
"""


@pytest.fixture
def imported(tmp_path: Path) -> tuple[dict[str, object], str]:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "cloudformation", str(path)])
    assert result.exit_code == 0, result.output
    return yaml.safe_load(result.stdout), result.stderr


def test_services_with_fargate_spot_share_and_capacity_provider(
    imported: tuple[dict[str, object], str],
) -> None:
    document, stderr = imported
    services = document["services"]  # type: ignore[index]
    assert services["Messages"] == {
        "cluster": "forum",
        "vpc": "Vpc",
        "subnets": ["AppA", "AppB"],
        "launch_type": "fargate",
        "fargate_spot_percent": 25,
        "cpu": 512,
        "memory": 1024,
        "architecture": "arm64",
        "network_mode": "awsvpc",
        "min": 4,
        "max": 4,
        "desired": 4,
    }
    assert services["Topics"]["launch_type"] == "ec2"
    assert services["Topics"]["capacity_provider"] == "Hosts"
    assert "auto scaling bounds" in stderr  # min and max are said to come from DesiredCount


def test_functions_and_eks(imported: tuple[dict[str, object], str]) -> None:
    document, _ = imported
    assert document["functions"] == {  # type: ignore[index]
        "Users": {
            "memory": 512,
            "architecture": "arm64",
            "reserved_concurrency": 200,
            "vpc": "Vpc",
            "subnets": ["AppA", "AppB"],
        }
    }
    assert document["kubernetes"] == {  # type: ignore[index]
        "Shop": {
            "vpc": "Vpc",
            "subnets": ["AppA", "AppB"],
            "node_groups": {
                "General": {
                    "instance_types": ["m5.large"],
                    "subnets": ["AppA", "AppB"],
                    "min": 2,
                    "max": 12,
                    "desired": 3,
                }
            },
        }
    }


def test_validate_from_cloudformation_checks_the_containers(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE.replace('Cpu: "0.5 vCPU"', 'Cpu: "256"'), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["validate", "--from", "cloudformation", str(path), "-f", "concise"]
    )
    # 256 CPU units with 1 GB is a Fargate size; the subnets have no route out at all.
    assert "AP801" not in result.stdout
    assert "AP804" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(TEMPLATE.replace('Memory: "1 GB"', 'Memory: "5 GB"'), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["validate", "--from", "cloudformation", str(bad), "-f", "concise"]
    )
    assert "AP801" in result.stdout


def test_a_misspelt_property_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE.replace("DesiredCount: 2", "DesiredCont: 2"), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "cloudformation", str(path)])
    assert result.exit_code == 1
    assert "DesiredCont" in result.stderr


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus (../shared/corpus) is absent")
def test_corpus_eks_template_imports_its_node_group() -> None:
    result = CliRunner().invoke(
        app,
        [
            "import",
            "cloudformation",
            str(CORPUS / "aws-cloudformation-templates__EKS_template.yaml"),
        ],
    )
    document = yaml.safe_load(result.stdout)
    (cluster,) = document["kubernetes"].values()
    (group,) = cluster["node_groups"].values()
    assert group["min"] == group["max"] == 2
    validated = CliRunner().invoke(
        app,
        [
            "validate",
            "--from",
            "cloudformation",
            str(CORPUS / "aws-cloudformation-templates__EKS_template.yaml"),
            "-f",
            "concise",
        ],
    )
    assert [line for line in validated.stdout.splitlines() if " AP8" in line] == []
