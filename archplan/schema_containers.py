"""The shape of format 1's containers and functions: ECS services, Lambda functions, EKS clusters,
the instance resources tasks and pods are packed onto, and their prices.

Kept apart from archplan.schema (which declares the network and scaling groups) so each part of
the format reads in one place; archplan.schema adds these sections to the architecture. Both declare it in archplan.schema_kinds.
"""

from __future__ import annotations

from archplan.schema_kinds import (
    COUNT,
    MONEY,
    REGION,
    Boolean,
    Field,
    Integer,
    ListOf,
    NamedMap,
    Number,
    Object,
    Reference,
    Text,
)

LAUNCH_TYPES = ("fargate", "ec2")
NETWORK_MODES = ("awsvpc", "bridge", "host")
ARCHITECTURES = ("x86_64", "arm64")
REGISTRIES = ("ecr", "other")

# ECS task CPU: "128–196,608 CPU units" for EC2 (Amazon ECS API Reference,
# "RegisterTaskDefinition",
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html);
# Fargate sizes are a table, checked by AP801. Lambda memory "128–10,240 MB" (AWS Lambda
# Developer Guide, "Configure Lambda function memory",
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
TASK_CPU = Integer(minimum=128, maximum=196_608, description="task CPU units (1024 = 1 vCPU)")
TASK_MEMORY = Integer(minimum=1, description="task memory in MiB")
LAMBDA_MEMORY = Integer(minimum=128, maximum=10_240, description="memory in MB")

CAPACITY_PER: dict[str, Field] = {
    "target_utilization": Field(Integer(minimum=1, maximum=100)),
}
DEMAND = Object(
    fields={
        "unit": Field(Text()),
        "hourly": Field(
            ListOf(item=Number(minimum=0), when_empty="must not be empty: give one value per hour")
        ),
        "file": Field(Text(description="path to CloudWatch JSON or CSV")),
    },
    one_of=("hourly", "file"),
)
AVAILABILITY = Object(fields={"survive_az_loss": Field(Boolean())})
AWS_SERVICES = ListOf(
    item=Text(description="endpoint service name, e.g. logs, secretsmanager, dynamodb")
)
SUBNETS = ListOf(item=Reference(target="subnet"))
SECURITY_GROUPS = ListOf(item=Reference(target="security group"))

SERVICE = Object(
    fields={
        "cluster": Field(Text(description="ECS cluster name")),
        "vpc": Field(Reference(target="vpc"), required=True),
        "subnets": Field(SUBNETS, required=True),
        "security_groups": Field(SECURITY_GROUPS),
        "launch_type": Field(Text(choices=LAUNCH_TYPES), required=True),
        "fargate_spot_percent": Field(
            Integer(minimum=0, maximum=100, description="percent of tasks on Fargate Spot")
        ),
        "capacity_provider": Field(Reference(target="scaling group")),
        "trunking": Field(Boolean(description="awsvpcTrunking on the container instances")),
        "architecture": Field(Text(choices=ARCHITECTURES)),
        "cpu": Field(TASK_CPU, required=True),
        "memory": Field(TASK_MEMORY, required=True),
        "network_mode": Field(Text(choices=NETWORK_MODES)),
        "image_registry": Field(Text(choices=REGISTRIES)),
        "aws_services": Field(AWS_SERVICES),
        "min": Field(COUNT, required=True),
        "max": Field(COUNT, required=True),
        "desired": Field(COUNT),
        "capacity": Field(
            Object(
                fields={
                    "per_task": Field(Number(minimum=0, exclusive_minimum=True), required=True),
                    **CAPACITY_PER,
                }
            )
        ),
        "demand": Field(DEMAND),
        "availability": Field(AVAILABILITY),
    }
)
FUNCTION = Object(
    fields={
        "region": Field(REGION),
        "memory": Field(LAMBDA_MEMORY, required=True),
        "architecture": Field(Text(choices=ARCHITECTURES)),
        "duration_ms": Field(
            Object(
                fields={
                    "average": Field(Number(minimum=0, exclusive_minimum=True), required=True),
                    "p95": Field(Number(minimum=0, exclusive_minimum=True)),
                }
            ),
        ),
        "reserved_concurrency": Field(COUNT),
        "provisioned_concurrency": Field(COUNT),
        "vpc": Field(Reference(target="vpc")),
        "subnets": Field(SUBNETS),
        "security_groups": Field(SECURITY_GROUPS),
        "aws_services": Field(AWS_SERVICES),
        "demand": Field(DEMAND),
    }
)
NODE_GROUP = Object(
    fields={
        "instance_types": Field(ListOf(item=Text()), required=True),
        "subnets": Field(SUBNETS, required=True),
        "min": Field(COUNT, required=True),
        "max": Field(COUNT, required=True),
        "desired": Field(COUNT),
        "max_pods": Field(Integer(minimum=1, description="kubelet max pods per node")),
    }
)
POD_NETWORKING = Object(
    fields={
        "prefix_delegation": Field(Boolean()),
        "custom_networking": Field(SUBNETS),
        "warm_eni_target": Field(COUNT),
        "warm_ip_target": Field(COUNT),
        "minimum_ip_target": Field(COUNT),
        "warm_prefix_target": Field(COUNT),
    }
)
WORKLOAD = Object(
    fields={
        "node_group": Field(Reference(target="node group")),
        "cpu": Field(Integer(minimum=1, description="CPU request in millicores"), required=True),
        "memory": Field(Integer(minimum=1, description="memory request in MiB"), required=True),
        "replicas": Field(COUNT),
        "min": Field(COUNT),
        "max": Field(COUNT),
        "capacity": Field(
            Object(
                fields={
                    "per_pod": Field(Number(minimum=0, exclusive_minimum=True), required=True),
                    **CAPACITY_PER,
                }
            )
        ),
        "demand": Field(DEMAND),
        "availability": Field(AVAILABILITY),
    },
    one_of=("replicas", "max"),
)
CLUSTER = Object(
    fields={
        "vpc": Field(Reference(target="vpc"), required=True),
        "subnets": Field(SUBNETS),
        "aws_services": Field(AWS_SERVICES),
        "pod_networking": Field(POD_NETWORKING),
        "node_groups": Field(NamedMap(value=NODE_GROUP)),
        "workloads": Field(NamedMap(value=WORKLOAD)),
    }
)
INSTANCE_TYPE = Object(
    fields={
        "vcpu": Field(Integer(minimum=1), required=True),
        "memory": Field(
            Integer(minimum=1, description="MiB available to tasks and pods"), required=True
        ),
    }
)

PRICE_FIELDS: dict[str, Field] = {
    "fargate": Field(
        Object(
            fields={
                "vcpu_hour": Field(MONEY),
                "gb_hour": Field(MONEY),
                "arm_vcpu_hour": Field(MONEY),
                "arm_gb_hour": Field(MONEY),
                "spot_discount": Field(Number(minimum=0, maximum=1)),
            }
        )
    ),
    "lambda": Field(
        Object(
            fields={
                "gb_second": Field(MONEY),
                "arm_gb_second": Field(MONEY),
                "requests_per_million": Field(MONEY),
            }
        )
    ),
}

SECTIONS: dict[str, Field] = {
    "instance_types": Field(NamedMap(value=INSTANCE_TYPE, key_kind="type")),
    "services": Field(NamedMap(value=SERVICE)),
    "functions": Field(NamedMap(value=FUNCTION)),
    "kubernetes": Field(NamedMap(value=CLUSTER)),
}
