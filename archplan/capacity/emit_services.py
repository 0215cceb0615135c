"""`scale-plan --emit` for ECS services: Application Auto Scaling of the service's desired count
(a scalable target with the service's min and max, and a target-tracking policy on average CPU
at its target utilization), in CloudFormation and Terraform syntax, and for one service as the
two AWS CLI commands that create them (`register-scalable-target`, `put-scaling-policy`).

The resource ID is `service/CLUSTER/SERVICE`; a service without `cluster:` gets a parameter
(CloudFormation) or variable (Terraform) for it. Target tracking on
ECSServiceAverageCPUUtilization is archplan's reading of `target_utilization` (the share of a
task's capacity it runs at); with ALBRequestCountPerTarget the target would be per_task x
target_utilization / 100 requests per target, which needs the load balancer's names.
"""

from __future__ import annotations

import json
import re
import shlex

from archplan.capacity.plan import ScalePlan
from archplan.model_containers import Service

NAMESPACE = "ecs"
DIMENSION = "ecs:service:DesiredCount"
METRIC = "ECSServiceAverageCPUUtilization"


def _services(plan: ScalePlan) -> list[Service]:
    """The planned services with a min and a max, in file order."""
    if plan.containers is None:
        return []
    return [
        found.service
        for found in plan.containers.services
        if found.unplanned is None
        and found.service.min is not None
        and found.service.max is not None
    ]


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _words(name: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", name)
    return "".join(word[:1].upper() + word[1:] for word in words) or "Service"


def cloudformation_parameters(plan: ScalePlan) -> list[str]:
    if any(service.cluster is None for service in _services(plan)):
        return [
            "  EcsClusterName:",
            '    Type: "String"',
            '    Description: "Name of the ECS cluster of the services that name none"',
        ]
    return []


def cloudformation_resources(plan: ScalePlan, taken: set[str]) -> list[str]:
    """Two resources per service: its scalable target and its target-tracking policy."""
    lines: list[str] = []
    for service in _services(plan):
        base = _words(service.name)
        target, policy = base + "ScalableTarget", base + "CpuTargetTracking"
        number = 2
        while target in taken or policy in taken:
            target, policy = f"{base}{number}ScalableTarget", f"{base}{number}CpuTargetTracking"
            number += 1
        taken.update((target, policy))
        if service.cluster is not None:
            resource_id = _quote(f"service/{service.cluster}/{service.name}")
        else:
            sub = _quote(f"service/${{EcsClusterName}}/{service.name}")
            resource_id = f"\n        Fn::Sub: {sub}"
        lines += [
            f"  # service {json.dumps(service.name)[1:-1]}: tasks {service.min}..{service.max}",
            f"  {target}:",
            '    Type: "AWS::ApplicationAutoScaling::ScalableTarget"',
            "    Properties:",
            f"      ServiceNamespace: {_quote(NAMESPACE)}",
            f"      ScalableDimension: {_quote(DIMENSION)}",
            f"      ResourceId: {resource_id}",
            f"      MinCapacity: {service.min}",
            f"      MaxCapacity: {service.max}",
            f"  {policy}:",
            '    Type: "AWS::ApplicationAutoScaling::ScalingPolicy"',
            "    Properties:",
            f"      PolicyName: {_quote(service.name + '-cpu-target-tracking')}",
            '      PolicyType: "TargetTrackingScaling"',
            "      ScalingTargetId:",
            f"        Ref: {target}",
            "      TargetTrackingScalingPolicyConfiguration:",
            f"        TargetValue: {service.target_utilization}",
            "        PredefinedMetricSpecification:",
            f"          PredefinedMetricType: {_quote(METRIC)}",
        ]
    return lines


def _hcl(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")


def terraform_blocks(plan: ScalePlan, taken: set[str]) -> list[str]:
    """An aws_appautoscaling_target and an aws_appautoscaling_policy per service."""
    services = _services(plan)
    lines: list[str] = []
    if any(service.cluster is None for service in services):
        lines += [
            "",
            'variable "ecs_cluster_name" {',
            '  description = "Name of the ECS cluster of the services that name none"',
            "  type        = string",
            "}",
        ]
    for service in services:
        base = re.sub(r"[^A-Za-z0-9_]+", "_", service.name).strip("_").lower() or "service"
        if base[0].isdigit():
            base = "_" + base
        name, number = base, 2
        while name in taken:
            name, number = f"{base}_{number}", number + 1
        taken.add(name)
        if service.cluster is not None:
            resource_id = _hcl(f"service/{service.cluster}/{service.name}")
        else:
            resource_id = '"service/${var.ecs_cluster_name}/' + _hcl(service.name)[1:]
        lines += [
            "",
            f'resource "aws_appautoscaling_target" "{name}" {{',
            f"  service_namespace  = {_hcl(NAMESPACE)}",
            f"  scalable_dimension = {_hcl(DIMENSION)}",
            f"  resource_id        = {resource_id}",
            f"  min_capacity       = {service.min}",
            f"  max_capacity       = {service.max}",
            "}",
            "",
            f'resource "aws_appautoscaling_policy" "{name}" {{',
            f"  name               = {_hcl(service.name + '-cpu-target-tracking')}",
            '  policy_type        = "TargetTrackingScaling"',
            f"  service_namespace  = aws_appautoscaling_target.{name}.service_namespace",
            f"  scalable_dimension = aws_appautoscaling_target.{name}.scalable_dimension",
            f"  resource_id        = aws_appautoscaling_target.{name}.resource_id",
            "",
            "  target_tracking_scaling_policy_configuration {",
            f"    target_value = {service.target_utilization}",
            "",
            "    predefined_metric_specification {",
            f"      predefined_metric_type = {_hcl(METRIC)}",
            "    }",
            "  }",
            "}",
        ]
    return lines


# -- AWS CLI ----------------------------------------------------------------------------------


class UnknownService(ValueError):
    """`--service NAME` names no planned service (message for the user)."""


def cli_inputs(service: Service, cluster: str) -> tuple[dict[str, object], dict[str, object]]:
    """The `--cli-input-json` documents of `register-scalable-target` and `put-scaling-policy`."""
    resource_id = f"service/{cluster}/{service.name}"
    target: dict[str, object] = {
        "ServiceNamespace": NAMESPACE,
        "ResourceId": resource_id,
        "ScalableDimension": DIMENSION,
        "MinCapacity": service.min,
        "MaxCapacity": service.max,
    }
    policy: dict[str, object] = {
        "PolicyName": f"{service.name}-cpu-target-tracking",
        "ServiceNamespace": NAMESPACE,
        "ResourceId": resource_id,
        "ScalableDimension": DIMENSION,
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": service.target_utilization,
            "PredefinedMetricSpecification": {"PredefinedMetricType": METRIC},
        },
    }
    return target, policy


def aws_cli(plan: ScalePlan, name: str, file_name: str) -> str:
    """A shell script of the two `aws application-autoscaling` commands for service `name`,
    each with its `--cli-input-json` document (single-quoted for the shell)."""
    services = {service.name: service for service in _services(plan)}
    service = services.get(name)
    if service is None:
        known = ", ".join(f'"{one}"' for one in services) or "none"
        raise UnknownService(f'no planned service "{name}" (the planned services: {known})')
    cluster = service.cluster if service.cluster is not None else "<name of the ECS cluster>"
    target, policy = cli_inputs(service, cluster)
    from archplan.messages import json_safe
    from archplan.reports.terminal import printable

    lines = [
        f"# archplan scale-plan --emit aws-cli --service, for {printable(file_name)}:",
        f"# service {printable(service.name)}: tasks "
        f"{service.min}..{service.max}, CPU target tracking at {service.target_utilization} %",
    ]
    if service.cluster is None:
        lines.append("# the service names no cluster: replace <name of the ECS cluster> first")
    for command, document in (
        ("register-scalable-target", target),
        ("put-scaling-policy", policy),
    ):
        text = json_safe(json.dumps(document, indent=2, ensure_ascii=False))
        lines.append(f"aws application-autoscaling {command} --cli-input-json {shlex.quote(text)}")
    return "\n".join(lines) + "\n"
