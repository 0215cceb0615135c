"""Importing ECS services (task definitions, clusters, capacity providers), Lambda functions and
EKS clusters with node groups from CloudFormation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from archplan.cli import app
from tests.conftest import CORPUS_ABSENT, corpus_dir

CORPUS = corpus_dir("cloudformation")

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
    # min and max are said to come from DesiredCount, for want of a scalable target
    assert "Messages: min and max are its DesiredCount (4): the template has no " in stderr


SCALABLE = """  MessagesScaling:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: ecs
      ScalableDimension: ecs:service:DesiredCount
      ResourceId: !Join ["/", [service, !Ref Cluster, !GetAtt Messages.Name]]
      MinCapacity: !Ref MessagesMin
      MaxCapacity: 30
  TopicsScaling:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: ecs
      ScalableDimension: ecs:service:DesiredCount
      ResourceId: service/forum/topics-svc
      MinCapacity: 1
      MaxCapacity: 8
  TableScaling:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: dynamodb
      ScalableDimension: dynamodb:table:ReadCapacityUnits
      ResourceId: table/forum
      MinCapacity: 5
      MaxCapacity: 50
  Stray:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: ecs
      ScalableDimension: ecs:service:DesiredCount
      ResourceId: service/forum/elsewhere
      MinCapacity: 1
      MaxCapacity: 2
"""


@pytest.mark.parametrize(
    "resource_id",
    [
        '!Join ["/", [service, !Ref Cluster, !GetAtt Messages.Name]]',
        "!Sub service/${Cluster}/${Messages.Name}",
        "{'Fn::Sub': ['service/${C}/${Messages.Name}', {C: !Ref Cluster}]}",
    ],
)
def test_services_take_min_and_max_from_their_scalable_target(
    tmp_path: Path, resource_id: str
) -> None:
    """A ScalableTarget's MinCapacity and MaxCapacity become the service's min and max (matched
    by the references in its ResourceId, or by the service name it spells); DesiredCount stays
    the desired count when inside them. Without a target, min = max = DesiredCount, said."""
    template = TEMPLATE.replace(
        "Resources:\n", "Parameters:\n  MessagesMin: {Type: Number, Default: 3}\nResources:\n"
    ).replace(
        "      DesiredCount: 2\n", "      ServiceName: topics-svc\n      DesiredCount: 12\n"
    ) + SCALABLE.replace('!Join ["/", [service, !Ref Cluster, !GetAtt Messages.Name]]', resource_id)
    path = tmp_path / "template.yaml"
    path.write_text(template, encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "cloudformation", str(path)])
    assert result.exit_code == 0, result.output
    services = yaml.safe_load(result.stdout)["services"]
    messages, topics = services["Messages"], services["Topics"]
    assert (messages["min"], messages["max"], messages["desired"]) == (3, 30, 4)
    assert (topics["min"], topics["max"]) == (1, 8)
    assert "desired" not in topics  # 12 is outside 1..8: said and left out
    assert "Topics.DesiredCount 12 is outside TopicsScaling's 1..8" in result.stderr
    assert "min and max are its DesiredCount" not in result.stderr
    assert "Stray.ResourceId: names no AWS::ECS::Service of the template" in result.stderr
    assert "TableScaling" not in result.stderr  # another service's target is not archplan's


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


def test_subnets_in_two_vpcs_leave_the_object_out_with_why(tmp_path: Path) -> None:
    other = """  Other:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  OtherA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Other, CidrBlock: 10.1.0.0/20, AvailabilityZone: us-east-1a}
"""
    text = TEMPLATE.replace("Resources:\n", "Resources:\n" + other, 1)
    text = text.replace("Subnets: [!Ref AppA, !Ref AppB]}", "Subnets: [!Ref AppA, !Ref OtherA]}")
    text = text.replace("SubnetIds: [!Ref AppA, !Ref AppB]", "SubnetIds: [!Ref AppA, !Ref OtherA]")
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "cloudformation", str(path)])
    document = yaml.safe_load(result.stdout)
    assert "services" not in document and "functions" not in document
    assert "kubernetes" not in document
    for logical_id, left_out in (
        ("Messages", "the service is left out"),
        ("Topics", "the service is left out"),
        ("Users", "the function is left out"),
        ("Shop", "the cluster and its node groups are left out"),
    ):
        said = f"{logical_id}: its subnets are not in one VPC of the template; {left_out}"
        assert said in result.stderr


def test_a_misspelt_property_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE.replace("DesiredCount: 2", "DesiredCont: 2"), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "cloudformation", str(path)])
    assert result.exit_code == 1
    assert "DesiredCont" in result.stderr


@pytest.mark.skipif(not CORPUS.is_dir(), reason=CORPUS_ABSENT)
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


def _tf(address: str, values: dict[str, object]) -> dict[str, object]:
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name, "values": values}


def _refs(*references: str) -> dict[str, object]:
    return {"references": list(references)}


TF_PLAN: dict[str, object] = {
    "format_version": "1.2",
    "planned_values": {
        "root_module": {
            "resources": [
                _tf("aws_vpc.main", {"cidr_block": "10.0.0.0/16", "tags": {"Name": "main"}}),
                _tf(
                    "aws_subnet.a", {"cidr_block": "10.0.0.0/20", "availability_zone": "us-east-1a"}
                ),
                _tf(
                    "aws_subnet.b",
                    {"cidr_block": "10.0.16.0/20", "availability_zone": "us-east-1b"},
                ),
                _tf(
                    "aws_autoscaling_group.hosts",
                    {
                        "name": "hosts",
                        "min_size": 1,
                        "max_size": 10,
                        "mixed_instances_policy": [
                            {
                                "launch_template": [
                                    {
                                        "launch_template_specification": [
                                            {"launch_template_name": "hosts"}
                                        ],
                                        "override": [{"instance_type": "c5.large"}],
                                    }
                                ]
                            }
                        ],
                    },
                ),
                _tf("aws_ecs_cluster.forum", {"name": "forum"}),
                _tf(
                    "aws_ecs_capacity_provider.hosts",
                    {"name": "hosts-cp", "auto_scaling_group_provider": [{}]},
                ),
                _tf(
                    "aws_ecs_task_definition.messages",
                    {
                        "cpu": "512",
                        "memory": "1024",
                        "network_mode": "awsvpc",
                        "runtime_platform": [{"cpu_architecture": "ARM64"}],
                    },
                ),
                _tf(
                    "aws_ecs_service.messages",
                    {
                        "name": "messages",
                        "desired_count": 6,
                        "capacity_provider_strategy": [
                            {"capacity_provider": "FARGATE", "weight": 1},
                            {"capacity_provider": "FARGATE_SPOT", "weight": 1},
                        ],
                        "network_configuration": [{}],
                    },
                ),
                _tf(
                    "aws_ecs_service.topics",
                    {
                        "name": "topics",
                        "desired_count": 2,
                        "capacity_provider_strategy": [
                            {"capacity_provider": "hosts-cp", "weight": 1}
                        ],
                        "network_configuration": [{}],
                    },
                ),
                _tf(
                    "aws_lambda_function.users",
                    {
                        "function_name": "users",
                        "memory_size": 256,
                        "architectures": ["x86_64"],
                        "reserved_concurrent_executions": -1,
                        "vpc_config": [{}],
                    },
                ),
                _tf("aws_eks_cluster.shop", {"name": "shop", "vpc_config": [{}]}),
                _tf(
                    "aws_eks_node_group.general",
                    {
                        "node_group_name": "general",
                        "instance_types": ["m5.large"],
                        "scaling_config": [{"min_size": 2, "max_size": 6, "desired_size": 2}],
                    },
                ),
            ]
        }
    },
    "configuration": {
        "provider_config": {
            "aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}
        },
        "root_module": {
            "resources": [
                {
                    "address": "aws_subnet.a",
                    "expressions": {"vpc_id": _refs("aws_vpc.main.id", "aws_vpc.main")},
                },
                {
                    "address": "aws_subnet.b",
                    "expressions": {"vpc_id": _refs("aws_vpc.main.id", "aws_vpc.main")},
                },
                {
                    "address": "aws_autoscaling_group.hosts",
                    "expressions": {
                        "vpc_zone_identifier": _refs(
                            "aws_subnet.a.id", "aws_subnet.a", "aws_subnet.b.id", "aws_subnet.b"
                        )
                    },
                },
                {
                    "address": "aws_ecs_capacity_provider.hosts",
                    "expressions": {
                        "auto_scaling_group_provider": [
                            {
                                "auto_scaling_group_arn": _refs(
                                    "aws_autoscaling_group.hosts.arn", "aws_autoscaling_group.hosts"
                                )
                            }
                        ]
                    },
                },
                {
                    "address": "aws_ecs_service.messages",
                    "expressions": {
                        "cluster": _refs("aws_ecs_cluster.forum.id", "aws_ecs_cluster.forum"),
                        "task_definition": _refs(
                            "aws_ecs_task_definition.messages.arn",
                            "aws_ecs_task_definition.messages",
                        ),
                        "network_configuration": [
                            {
                                "subnets": _refs(
                                    "aws_subnet.a.id",
                                    "aws_subnet.a",
                                    "aws_subnet.b.id",
                                    "aws_subnet.b",
                                )
                            }
                        ],
                    },
                },
                {
                    "address": "aws_ecs_service.topics",
                    "expressions": {
                        "cluster": _refs("aws_ecs_cluster.forum.id", "aws_ecs_cluster.forum"),
                        "task_definition": _refs(
                            "aws_ecs_task_definition.messages.arn",
                            "aws_ecs_task_definition.messages",
                        ),
                        "network_configuration": [
                            {
                                "subnets": _refs(
                                    "aws_subnet.a.id",
                                    "aws_subnet.a",
                                    "aws_subnet.b.id",
                                    "aws_subnet.b",
                                )
                            }
                        ],
                    },
                },
                {
                    "address": "aws_lambda_function.users",
                    "expressions": {
                        "vpc_config": [{"subnet_ids": _refs("aws_subnet.a.id", "aws_subnet.a")}]
                    },
                },
                {
                    "address": "aws_eks_cluster.shop",
                    "expressions": {
                        "vpc_config": [
                            {
                                "subnet_ids": _refs(
                                    "aws_subnet.a.id",
                                    "aws_subnet.a",
                                    "aws_subnet.b.id",
                                    "aws_subnet.b",
                                )
                            }
                        ]
                    },
                },
                {
                    "address": "aws_eks_node_group.general",
                    "expressions": {
                        "cluster_name": _refs("aws_eks_cluster.shop.name", "aws_eks_cluster.shop"),
                        "subnet_ids": _refs(
                            "aws_subnet.a.id", "aws_subnet.a", "aws_subnet.b.id", "aws_subnet.b"
                        ),
                    },
                },
            ]
        },
    },
}


def test_terraform_plan_containers(tmp_path: Path) -> None:
    import json

    path = tmp_path / "plan.json"
    path.write_text(json.dumps(TF_PLAN), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "terraform", str(path)])
    document = yaml.safe_load(result.stdout)
    services = document["services"]
    assert services["aws_ecs_service.messages"] == {
        "cluster": "forum",
        "vpc": "main",
        "subnets": ["aws_subnet.a", "aws_subnet.b"],
        "launch_type": "fargate",
        "fargate_spot_percent": 50,
        "cpu": 512,
        "memory": 1024,
        "architecture": "arm64",
        "network_mode": "awsvpc",
        "min": 6,
        "max": 6,
        "desired": 6,
    }
    assert services["aws_ecs_service.topics"]["launch_type"] == "ec2"
    assert services["aws_ecs_service.topics"]["capacity_provider"] == "hosts"
    assert document["functions"] == {
        "users": {"memory": 256, "vpc": "main", "subnets": ["aws_subnet.a"]}
    }
    cluster = document["kubernetes"]["shop"]
    assert cluster["node_groups"]["general"] == {
        "instance_types": ["m5.large"],
        "subnets": ["aws_subnet.a", "aws_subnet.b"],
        "min": 2,
        "max": 6,
        "desired": 2,
    }


CLI_FILES: dict[str, object] = {
    "vpcs.json": {
        "Vpcs": [
            {
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.0.0/16",
                "Tags": [{"Key": "Name", "Value": "main"}],
            }
        ]
    },
    "subnets.json": {
        "Subnets": [
            {
                "SubnetId": "subnet-a",
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.0.0/20",
                "AvailabilityZone": "us-east-1a",
            },
            {
                "SubnetId": "subnet-b",
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.16.0/20",
                "AvailabilityZone": "us-east-1b",
            },
        ]
    },
    "groups.json": {
        "AutoScalingGroups": [
            {
                "AutoScalingGroupName": "hosts",
                "MinSize": 1,
                "MaxSize": 10,
                "VPCZoneIdentifier": "subnet-a,subnet-b",
                "MixedInstancesPolicy": {
                    "LaunchTemplate": {
                        "LaunchTemplateSpecification": {"LaunchTemplateName": "hosts"},
                        "Overrides": [{"InstanceType": "c5.large"}],
                    }
                },
            }
        ]
    },
    "task.json": {
        "taskDefinition": {
            "taskDefinitionArn": "arn:aws:ecs:us-east-1:111122223333:task-definition/messages:3",
            "cpu": "512",
            "memory": "1024",
            "networkMode": "awsvpc",
        }
    },
    "providers.json": {
        "capacityProviders": [
            {
                "name": "hosts-cp",
                "autoScalingGroupProvider": {
                    "autoScalingGroupArn": "arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:1234:autoScalingGroupName/hosts"
                },
            }
        ]
    },
    "services.json": {
        "services": [
            {
                "serviceArn": "arn:aws:ecs:us-east-1:111122223333:service/forum/messages",
                "serviceName": "messages",
                "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/forum",
                "desiredCount": 6,
                "taskDefinition": "arn:aws:ecs:us-east-1:111122223333:task-definition/messages:3",
                "capacityProviderStrategy": [
                    {"capacityProvider": "FARGATE", "weight": 3},
                    {"capacityProvider": "FARGATE_SPOT", "weight": 1},
                ],
                "networkConfiguration": {
                    "awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"]}
                },
            },
            {
                "serviceArn": "arn:aws:ecs:us-east-1:111122223333:service/forum/topics",
                "serviceName": "topics",
                "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/forum",
                "desiredCount": 2,
                "taskDefinition": "arn:aws:ecs:us-east-1:111122223333:task-definition/messages:3",
                "capacityProviderStrategy": [{"capacityProvider": "hosts-cp", "weight": 1}],
                "networkConfiguration": {
                    "awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"]}
                },
            },
        ]
    },
    "function.json": {
        "Configuration": {
            "FunctionName": "users",
            "MemorySize": 512,
            "Architectures": ["arm64"],
            "VpcConfig": {"SubnetIds": ["subnet-a", "subnet-b"]},
        },
        "Concurrency": {"ReservedConcurrentExecutions": 200},
    },
    "cluster.json": {
        "cluster": {"name": "shop", "resourcesVpcConfig": {"subnetIds": ["subnet-a", "subnet-b"]}}
    },
    "nodegroup.json": {
        "nodegroup": {
            "nodegroupName": "general",
            "clusterName": "shop",
            "instanceTypes": ["m5.large"],
            "subnets": ["subnet-a", "subnet-b"],
            "scalingConfig": {"minSize": 2, "maxSize": 6, "desiredSize": 3},
        }
    },
}


def test_aws_cli_containers(tmp_path: Path) -> None:
    import json

    paths = []
    for name, content in CLI_FILES.items():
        path = tmp_path / name
        path.write_text(json.dumps(content), encoding="utf-8")
        paths.append(str(path))
    result = CliRunner().invoke(app, ["import", "aws-cli", *paths])
    document = yaml.safe_load(result.stdout)
    assert document["services"]["messages"] == {
        "cluster": "forum",
        "vpc": "main",
        "subnets": ["subnet-a", "subnet-b"],
        "launch_type": "fargate",
        "fargate_spot_percent": 25,
        "cpu": 512,
        "memory": 1024,
        "network_mode": "awsvpc",
        "min": 6,
        "max": 6,
        "desired": 6,
    }
    assert document["services"]["topics"]["capacity_provider"] == "hosts"
    assert document["functions"]["users"]["reserved_concurrency"] == 200
    assert document["functions"]["users"]["architecture"] == "arm64"
    general = document["kubernetes"]["shop"]["node_groups"]["general"]
    assert (general["min"], general["max"], general["desired"]) == (2, 6, 3)
    validated = CliRunner().invoke(app, ["validate", "--from", "aws-cli", *paths, "-f", "concise"])
    assert "Traceback" not in validated.output


def _with_terraform_targets(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan with an aws_appautoscaling_target for messages (resource_id an expression that
    refers to the service), one for topics written out as text, a DynamoDB one and a stray."""
    import copy

    plan = copy.deepcopy(plan)
    targets = [
        (
            "aws_appautoscaling_target.messages",
            {
                "service_namespace": "ecs",
                "scalable_dimension": "ecs:service:DesiredCount",
                "resource_id": "service/forum/messages",
                "min_capacity": 3,
                "max_capacity": 30,
            },
        ),
        (
            "aws_appautoscaling_target.topics",
            {
                "service_namespace": "ecs",
                "scalable_dimension": "ecs:service:DesiredCount",
                "resource_id": "service/forum/topics",
                "min_capacity": 1,
                "max_capacity": 4,
            },
        ),
        (
            "aws_appautoscaling_target.table",
            {
                "service_namespace": "dynamodb",
                "scalable_dimension": "dynamodb:table:ReadCapacityUnits",
                "resource_id": "table/forum",
                "min_capacity": 5,
                "max_capacity": 50,
            },
        ),
        (
            "aws_appautoscaling_target.stray",
            {
                "service_namespace": "ecs",
                "scalable_dimension": "ecs:service:DesiredCount",
                "resource_id": "service/forum/elsewhere",
                "min_capacity": 1,
                "max_capacity": 2,
            },
        ),
    ]
    resources = plan["planned_values"]["root_module"]["resources"]
    resources += [_tf(address, values) for address, values in targets]
    plan["configuration"]["root_module"]["resources"].append(
        {
            "address": "aws_appautoscaling_target.messages",
            "expressions": {
                "resource_id": _refs(
                    "aws_ecs_cluster.forum.name",
                    "aws_ecs_cluster.forum",
                    "aws_ecs_service.messages.name",
                    "aws_ecs_service.messages",
                )
            },
        }
    )
    return plan


def test_terraform_services_take_min_and_max_from_their_scalable_target(tmp_path: Path) -> None:
    import json

    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_with_terraform_targets(TF_PLAN)), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "terraform", str(path)])
    assert result.exit_code == 0, result.output
    services = yaml.safe_load(result.stdout)["services"]
    messages, topics = services["aws_ecs_service.messages"], services["aws_ecs_service.topics"]
    assert (messages["min"], messages["max"], messages["desired"]) == (3, 30, 6)
    assert (topics["min"], topics["max"], topics["desired"]) == (1, 4, 2)
    assert "min and max are its desired count" not in result.stderr
    assert "aws_appautoscaling_target.stray: its resource_id names no aws_ecs_service" in (
        result.stderr
    )
    assert "aws_appautoscaling_target.table" not in result.stderr


def test_aws_cli_services_take_min_and_max_from_describe_scalable_targets(
    tmp_path: Path,
) -> None:
    import json

    files = dict(CLI_FILES)
    files["targets.json"] = {
        "ScalableTargets": [
            {
                "ServiceNamespace": "ecs",
                "ScalableDimension": "ecs:service:DesiredCount",
                "ResourceId": "service/forum/messages",
                "MinCapacity": 2,
                "MaxCapacity": 5,
            },
            {
                "ServiceNamespace": "ecs",
                "ScalableDimension": "ecs:service:DesiredCount",
                "ResourceId": "service/other/topics",  # another cluster's "topics"
                "MinCapacity": 1,
                "MaxCapacity": 9,
            },
            {
                "ServiceNamespace": "dynamodb",
                "ScalableDimension": "dynamodb:table:ReadCapacityUnits",
                "ResourceId": "table/forum",
                "MinCapacity": 5,
                "MaxCapacity": 50,
            },
        ]
    }
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_text(json.dumps(content), encoding="utf-8")
        paths.append(str(path))
    result = CliRunner().invoke(app, ["import", "aws-cli", *paths])
    assert result.exit_code == 0, result.output
    services = yaml.safe_load(result.stdout)["services"]
    messages, topics = services["messages"], services["topics"]
    # desiredCount 6 is outside 2..5: Application Auto Scaling would move it; said, left out
    assert (messages["min"], messages["max"]) == (2, 5)
    assert "desired" not in messages
    assert "its desired count 6 is outside service/forum/messages's 2..5" in result.stderr
    # no target for forum/topics: min = max = desired, said
    assert (topics["min"], topics["max"], topics["desired"]) == (2, 2, 2)
    assert 'service "topics": min and max are its desired count (2)' in result.stderr
    assert "scalable target service/other/topics: names no ECS service" in result.stderr
    assert "table/forum" not in result.stderr
