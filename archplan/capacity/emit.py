"""`scale-plan --emit`: a group's size and MixedInstancesPolicy in a deployment tool's syntax.

Three forms, each ready to paste:
- CloudFormation: a template (YAML) with one AWS::AutoScaling::AutoScalingGroup per group and a
  parameter of type AWS::EC2::Subnet::Id per subnet (the file names subnets, not their IDs).
  MinSize, MaxSize and DesiredCapacity are strings there, as the resource schema requires.
- Terraform: `aws_autoscaling_group` resources with the snake_case blocks of the AWS provider
  (`mixed_instances_policy { instances_distribution {...} launch_template {
  launch_template_specification {...} override {...} } }`) and a string variable per subnet;
  `desired_capacity` is left out (a comment says why): pinned in Terraform, every apply would
  reset the group to it and undo what its scaling set.
- AWS CLI: the `--cli-input-json` document of `aws autoscaling create-auto-scaling-group`, for
  one group; the subnet IDs are placeholders naming the subnets. `aws-cli-policy` is the
  `put-scaling-policy` document of its target-tracking policy.

Each group also gets the target-tracking policy archplan.capacity.tracking chose so that AWS
holds the capacity the plan costs (the target, or a higher MinSize), with the choice and its
reason in a comment; a raised min raises DesiredCapacity with it.

Weights are written (WeightedCapacity, as strings) only when some type weighs more than 1: AWS
requires all or none, and all-ones is the same as none. An omitted
OnDemandPercentageAboveBaseCapacity is written out as AWS's default, 100, so the policy says
what it does. Commitments are bought outside the group (Savings Plans, Reserved Instances) and
appear only in comments. The launch template is the group's `launch_template`, else the group's
name (in the characters a launch template name allows); its version is `$Default`, as in AWS's
mixed-instances examples.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from archplan.capacity.choices import ScaleEmit
from archplan.capacity.plan import GroupPlan, ScalePlan
from archplan.capacity.purchase import AWS_DEFAULT_PERCENTAGE
from archplan.capacity.tracking import Choice, TrackingPolicy, choose
from archplan.findings import Path
from archplan.messages import json_safe
from archplan.model import (
    LAUNCH_TEMPLATE_RULE,
    Architecture,
    ScalingGroup,
    launch_template_problem,
)
from archplan.reports.terminal import printable

LAUNCH_TEMPLATE_VERSION = "$Default"


class EmitError(ValueError):
    """The plan cannot be written in the chosen form (message for the user); `at` is where in
    the architecture file the value at fault is written, when one is."""

    def __init__(self, message: str, at: Path | None = None) -> None:
        super().__init__(message)
        self.at = at


def _emittable(plan: ScalePlan) -> tuple[list[GroupPlan], list[str]]:
    """The groups to write and notes on those left out; EmitError when a group's values would
    write a group AWS rejects (MinSize above MaxSize, DesiredCapacity outside them, a launch
    template name AWS does not accept: AP514)."""
    groups: list[GroupPlan] = []
    skipped: list[str] = []
    for group_plan in plan.groups:
        group = group_plan.group
        if group.min is None or group.max is None:
            skipped.append(f'group "{group.name}" is not written: its min or max is invalid')
            continue
        if group.min > group.max:
            raise EmitError(
                f'group "{group.name}" cannot be written: min {group.min} is above max '
                f"{group.max}, which AWS rejects; fix min or max",
                (*group.path, "min"),
            )
        desired = _desired(group)
        if not group.min <= desired <= group.max:
            raise EmitError(
                f'group "{group.name}" cannot be written: desired {desired} is outside min '
                f"{group.min} to max {group.max}, which AWS rejects; fix desired, min or max",
                (*group.path, "desired" if group.desired is not None else "min"),
            )
        name = group.launch_template
        problem = launch_template_problem(name) if name is not None else None
        if problem is not None:
            raise EmitError(
                f'group "{group.name}" cannot be written: launch template "{name}" {problem}; '
                f"{LAUNCH_TEMPLATE_RULE}",
                (*group.path, "launch_template"),
            )
        groups.append(group_plan)
    return groups, skipped


def _launch_template(group: ScalingGroup) -> str:
    """The group's launch template, else one named after the group in the characters AWS allows
    in a launch template name (3 to 128 of letters, digits and ( ) . - / _)."""
    if group.launch_template is not None:
        return group.launch_template
    name = re.sub(r"[^A-Za-z0-9().\-/_]+", "-", group.name).strip("-")[:119]
    return name if len(name) >= 3 else f"{name or 'group'}-template"


def _desired(group: ScalingGroup) -> int:
    desired = group.desired if group.desired is not None else group.min
    return desired if desired is not None else 0


def _sizes(group_plan: GroupPlan, policy: TrackingPolicy) -> tuple[int, int]:
    """MinSize and DesiredCapacity as written: the policy's min (the file's, or the one it
    raised to hold the plan), and the file's desired, raised to that min."""
    return policy.min, max(_desired(group_plan.group), policy.min)


def _policy_note(group_plan: GroupPlan, policy: TrackingPolicy) -> str:
    """The policy's choice and why, for a comment beside it."""
    if policy.choice is Choice.NONE:
        return f"no target-tracking policy: {policy.reason}"
    text = f"scaling policy ({policy.choice}): {policy.reason}"
    if policy.choice is Choice.MIN:
        text += f" (min {group_plan.minimum} in the file)"
    if policy.excess_unit_hours:
        text += (
            f"; AWS then runs {policy.excess_unit_hours} unit-hours above the plan over its "
            f"{group_plan.hours} hours"
        )
    return text


def _target_json(value: Decimal) -> int | float:
    # TargetValue is a JSON number; a value of two decimals at most prints back exactly.
    return int(value) if value == value.to_integral_value() else float(value)


def policy_input(group_plan: GroupPlan) -> dict[str, Any]:
    """The `put-scaling-policy --cli-input-json` document of one group's policy."""
    policy = choose(group_plan)
    if policy.choice is Choice.NONE or policy.target_value is None:
        raise EmitError(
            f'group "{group_plan.name}" has no target-tracking policy to write: {policy.reason}'
        )
    return {
        "AutoScalingGroupName": group_plan.name,
        "PolicyName": _policy_name(group_plan.name),
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingConfiguration": {
            "PredefinedMetricSpecification": {"PredefinedMetricType": policy.metric.aws},
            "TargetValue": _target_json(policy.target_value),
        },
    }


def _policy_name(group: str) -> str:
    return f"{group}-target-tracking"


def _weighted(group: ScalingGroup) -> bool:
    return any(weight != 1 for weight in group.instance_types.values())


def _percentage(group: ScalingGroup) -> int:
    value = group.purchase.on_demand_percentage_above_base
    return AWS_DEFAULT_PERCENTAGE if value is None else value


def _subnets(architecture: Architecture, group: ScalingGroup) -> list[tuple[str, str | None]]:
    """The group's subnets with their AZs, in the order written."""
    vpc = architecture.vpcs.get(group.vpc) if group.vpc is not None else None
    subnets: list[tuple[str, str | None]] = []
    for name in dict.fromkeys(group.subnets):
        subnet = vpc.subnets.get(name) if vpc is not None else None
        subnets.append((name, subnet.az if subnet is not None else None))
    return subnets


def _subnet_text(name: str, zone: str | None) -> str:
    return f"subnet {name}" + (f" ({zone})" if zone else "")


def _notes(group_plan: GroupPlan) -> list[str]:
    """What the policy alone does not say: the plan's range, the commitment, defaults kept."""
    group = group_plan.group
    notes: list[str] = []
    if group_plan.planned and group_plan.capacity:
        low, high = min(group_plan.capacity), max(group_plan.capacity)
        short = group_plan.under_provisioned_hours
        notes.append(
            f"planned capacity {low}..{high} units over {group_plan.hours} hours"
            + (f"; {short} hours short of capacity at max" if short else "")
        )
    if group_plan.commitment:
        notes.append(
            f"{group_plan.commitment} committed units ({group.purchase.commitment_type}) are "
            "bought outside the group"
        )
    if group_plan.pooled:
        notes.append(
            f"its On-Demand part shares one {group.purchase.commitment_type} with other groups "
            "(the scale-plan report's shared commitment), bought outside the group"
        )
    if group.purchase.on_demand_percentage_above_base is None:
        notes.append("OnDemandPercentageAboveBaseCapacity omitted in the file: AWS's default 100")
    if group.purchase.spot_allocation_strategy is None:
        notes.append("SpotAllocationStrategy not set: AWS's default (lowest-price) applies")
    if group.launch_template is None:
        notes.append(
            f'no launch_template in the file: named after the group, "{_launch_template(group)}"'
        )
    return notes


def _unpinned(group: ScalingGroup, minimum: int) -> str:
    """Why the Terraform resource has no desired_capacity: written there, every apply would
    set the group back to it, undoing what scaling did (the AWS provider documents this)."""
    desired = max(_desired(group), minimum)
    start = f"AWS starts the group at min ({minimum})"
    if desired != minimum:
        start += f"; set desired {desired} once outside Terraform if it must start there"
    return (
        "desired_capacity is not pinned: Terraform would reset the group to it on every apply, "
        f"undoing what scaling set; {start}"
    )


def _comment(text: str) -> str:
    # A line break inside a name would end the comment.
    return printable(text)


# -- AWS CLI --------------------------------------------------------------------------------


def cli_input(architecture: Architecture, group_plan: GroupPlan) -> dict[str, Any]:
    """The `create-auto-scaling-group --cli-input-json` document of one group."""
    group = group_plan.group
    minimum, desired = _sizes(group_plan, choose(group_plan))
    overrides: list[dict[str, str]] = []
    for instance_type, weight in group.instance_types.items():
        override = {"InstanceType": instance_type}
        if _weighted(group):
            override["WeightedCapacity"] = str(weight)
        overrides.append(override)
    distribution: dict[str, Any] = {
        "OnDemandBaseCapacity": group.purchase.on_demand_base,
        "OnDemandPercentageAboveBaseCapacity": _percentage(group),
    }
    if group.purchase.spot_allocation_strategy is not None:
        distribution["SpotAllocationStrategy"] = group.purchase.spot_allocation_strategy
    launch_template: dict[str, Any] = {
        "LaunchTemplateSpecification": {
            "LaunchTemplateName": _launch_template(group),
            "Version": LAUNCH_TEMPLATE_VERSION,
        }
    }
    if overrides:
        launch_template["Overrides"] = overrides
    subnets = ",".join(f"<id of subnet {name}>" for name, _ in _subnets(architecture, group))
    return {
        "AutoScalingGroupName": group.name,
        "MixedInstancesPolicy": {
            "LaunchTemplate": launch_template,
            "InstancesDistribution": distribution,
        },
        "MinSize": minimum,
        "MaxSize": group.max,
        "DesiredCapacity": desired,
        "VPCZoneIdentifier": subnets,
    }


def _one_group(plan: ScalePlan, form: str) -> GroupPlan:
    groups, skipped = _emittable(plan)
    if len(plan.groups) != 1:
        names = ", ".join(f'"{group.name}"' for group in plan.groups) or "none"
        raise EmitError(
            f"--emit {form} writes one group's --cli-input-json: choose it with --group "
            f"(the file's groups: {names})"
        )
    if not groups:
        raise EmitError(skipped[0])
    return groups[0]


def emit_aws_cli(architecture: Architecture, plan: ScalePlan, file_name: str) -> str:
    group_plan = _one_group(plan, ScaleEmit.AWS_CLI)
    text = json.dumps(cli_input(architecture, group_plan), indent=2, ensure_ascii=False)
    return json_safe(text) + "\n"


def emit_aws_cli_policy(architecture: Architecture, plan: ScalePlan, file_name: str) -> str:
    group_plan = _one_group(plan, ScaleEmit.AWS_CLI_POLICY)
    text = json.dumps(policy_input(group_plan), indent=2, ensure_ascii=False)
    return json_safe(text) + "\n"


# -- CloudFormation -------------------------------------------------------------------------


def _logical_id(name: str, suffix: str, taken: set[str]) -> str:
    """A CloudFormation logical ID (ASCII letters and digits) from a name, unique in `taken`."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    base = "".join(word[:1].upper() + word[1:] for word in words) or "Group"
    candidate = base + suffix
    number = 2
    while candidate in taken:
        candidate = f"{base}{number}{suffix}"
        number += 1
    taken.add(candidate)
    return candidate


def _yaml(text: str) -> str:
    # A JSON string is a YAML double-quoted scalar: nothing in it can be misread.
    return json.dumps(text, ensure_ascii=False)


def emit_cloudformation(architecture: Architecture, plan: ScalePlan, file_name: str) -> str:
    groups, skipped = _emittable(plan)
    lines = [
        f"# archplan scale-plan --emit cloudformation, for {_comment(file_name)}.",
        "# Each group's MinSize, MaxSize, DesiredCapacity and MixedInstancesPolicy; the subnet",
        "# IDs are parameters (the architecture file names subnets, not their IDs).",
    ]
    lines += [f"# Note: {_comment(note)}" for note in skipped]
    if plan.containers is not None and plan.containers.services:
        lines.append(
            "# Each ECS service's Application Auto Scaling target and CPU target tracking."
        )
    lines += [
        'AWSTemplateFormatVersion: "2010-09-09"',
        f"Description: {_yaml(f'Auto Scaling groups planned by archplan from {file_name}')}",
    ]
    taken: set[str] = set()
    parameters: dict[str, str] = {}  # subnet name -> parameter logical ID
    parameter_lines: list[str] = []
    for group_plan in groups:
        for name, zone in _subnets(architecture, group_plan.group):
            if name in parameters:
                continue
            logical = _logical_id(f"subnet {name}", "", taken)
            parameters[name] = logical
            parameter_lines += [
                f"  {logical}:",
                '    Type: "AWS::EC2::Subnet::Id"',
                f"    Description: {_yaml('ID of ' + _subnet_text(name, zone))}",
            ]
    from archplan.capacity import emit_services

    parameter_lines += emit_services.cloudformation_parameters(plan)
    if parameter_lines:
        lines += ["Parameters:", *parameter_lines]
    service_lines = emit_services.cloudformation_resources(plan, taken)
    if not groups and not service_lines:
        lines.append("Resources: {}")
        return "\n".join(lines) + "\n"
    lines.append("Resources:")
    lines += service_lines
    for group_plan in groups:
        group = group_plan.group
        policy = choose(group_plan)
        minimum, desired = _sizes(group_plan, policy)
        logical = _logical_id(group.name, "AutoScalingGroup", taken)
        notes = [*_notes(group_plan), _policy_note(group_plan, policy)]
        lines += [f"  # {_comment(group.name)}: {_comment(note)}" for note in notes]
        lines += [
            f"  {logical}:",
            '    Type: "AWS::AutoScaling::AutoScalingGroup"',
            "    Properties:",
            f"      AutoScalingGroupName: {_yaml(group.name)}",
            f'      MinSize: "{minimum}"',
            f'      MaxSize: "{group.max}"',
            f'      DesiredCapacity: "{desired}"',
        ]
        subnets = _subnets(architecture, group)
        if subnets:
            lines.append("      VPCZoneIdentifier:")
            lines += [f"        - Ref: {parameters[name]}" for name, _ in subnets]
        lines += [
            "      MixedInstancesPolicy:",
            "        InstancesDistribution:",
            f"          OnDemandBaseCapacity: {group.purchase.on_demand_base}",
            f"          OnDemandPercentageAboveBaseCapacity: {_percentage(group)}",
        ]
        if group.purchase.spot_allocation_strategy is not None:
            strategy = group.purchase.spot_allocation_strategy
            lines.append(f"          SpotAllocationStrategy: {_yaml(strategy)}")
        lines += [
            "        LaunchTemplate:",
            "          LaunchTemplateSpecification:",
            f"            LaunchTemplateName: {_yaml(_launch_template(group))}",
            f"            Version: {_yaml(LAUNCH_TEMPLATE_VERSION)}",
        ]
        if group.instance_types:
            lines.append("          Overrides:")
            for instance_type, weight in group.instance_types.items():
                lines.append(f"            - InstanceType: {_yaml(instance_type)}")
                if _weighted(group):
                    lines.append(f'              WeightedCapacity: "{weight}"')
        if policy.target_value is not None:
            lines += [
                f"  {_logical_id(group.name, 'ScalingPolicy', taken)}:",
                '    Type: "AWS::AutoScaling::ScalingPolicy"',
                "    Properties:",
                "      AutoScalingGroupName:",
                f"        Ref: {logical}",
                '      PolicyType: "TargetTrackingScaling"',
                "      TargetTrackingConfiguration:",
                "        PredefinedMetricSpecification:",
                f"          PredefinedMetricType: {_yaml(policy.metric.aws)}",
                f"        TargetValue: {policy.target_value}",
            ]
    return "\n".join(lines) + "\n"


# -- Terraform ------------------------------------------------------------------------------


def _identifier(name: str, taken: set[str], prefix: str = "") -> str:
    """A Terraform identifier (letters, digits, _ and -, not starting with a digit)."""
    base = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_").lower() or "group"
    base = prefix + base
    if base[0].isdigit():
        base = "_" + base
    candidate = base
    number = 2
    while candidate in taken:
        candidate = f"{base}_{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _hcl(text: str) -> str:
    """An HCL quoted string: JSON escapes, and template sequences (${, %{) doubled."""
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("${", "$${").replace("%{", "%%{")


def _attributes(indent: int, pairs: list[tuple[str, str]]) -> list[str]:
    """`name = value` lines with the equals signs aligned, as `terraform fmt` writes them."""
    width = max(len(name) for name, _ in pairs)
    pad = " " * indent
    return [f"{pad}{name.ljust(width)} = {value}" for name, value in pairs]


def emit_terraform(architecture: Architecture, plan: ScalePlan, file_name: str) -> str:
    groups, skipped = _emittable(plan)
    lines = [
        f"# archplan scale-plan --emit terraform, for {_comment(file_name)}.",
        "# Each group's size and mixed_instances_policy for the AWS provider's",
        "# aws_autoscaling_group; the subnet IDs are variables (the file names subnets, not IDs).",
    ]
    lines += [f"# Note: {_comment(note)}" for note in skipped]
    if plan.containers is not None and plan.containers.services:
        lines.append("# Each ECS service's aws_appautoscaling_target and CPU target tracking.")
    taken: set[str] = set()
    variables: dict[str, str] = {}
    for group_plan in groups:
        for name, zone in _subnets(architecture, group_plan.group):
            if name in variables:
                continue
            variable = _identifier(name, taken, "subnet_")
            variables[name] = variable
            lines += [
                "",
                f"variable {_hcl(variable)} {{",
                *_attributes(
                    2,
                    [
                        ("description", _hcl("ID of " + _subnet_text(name, zone))),
                        ("type", "string"),
                    ],
                ),
                "}",
            ]
    resources: set[str] = set()
    for group_plan in groups:
        group = group_plan.group
        resource = _identifier(group.name, resources)
        subnets = ", ".join(f"var.{variables[name]}" for name, _ in _subnets(architecture, group))
        lines.append("")
        policy = choose(group_plan)
        minimum, _ = _sizes(group_plan, policy)
        notes = [*_notes(group_plan), _policy_note(group_plan, policy), _unpinned(group, minimum)]
        lines += [f"# {_comment(group.name)}: {_comment(note)}" for note in notes]
        lines.append(f'resource "aws_autoscaling_group" {_hcl(resource)} {{')
        lines += _attributes(
            2,
            [
                ("name", _hcl(group.name)),
                ("min_size", str(minimum)),
                ("max_size", str(group.max)),
                ("vpc_zone_identifier", f"[{subnets}]"),
            ],
        )
        distribution = [
            ("on_demand_base_capacity", str(group.purchase.on_demand_base)),
            ("on_demand_percentage_above_base_capacity", str(_percentage(group))),
        ]
        if group.purchase.spot_allocation_strategy is not None:
            distribution.append(
                ("spot_allocation_strategy", _hcl(group.purchase.spot_allocation_strategy))
            )
        lines += [
            "",
            "  mixed_instances_policy {",
            "    instances_distribution {",
            *_attributes(6, distribution),
            "    }",
            "",
            "    launch_template {",
            "      launch_template_specification {",
            *_attributes(
                8,
                [
                    ("launch_template_name", _hcl(_launch_template(group))),
                    ("version", _hcl(LAUNCH_TEMPLATE_VERSION)),
                ],
            ),
            "      }",
        ]
        for instance_type, weight in group.instance_types.items():
            override = [("instance_type", _hcl(instance_type))]
            if _weighted(group):
                override.append(("weighted_capacity", _hcl(str(weight))))
            lines += ["", "      override {", *_attributes(8, override), "      }"]
        lines += ["    }", "  }", "}"]
        if policy.target_value is not None:
            lines += [
                "",
                f'resource "aws_autoscaling_policy" {_hcl(resource)} {{',
                *_attributes(
                    2,
                    [
                        ("name", _hcl(_policy_name(group.name))),
                        ("autoscaling_group_name", f"aws_autoscaling_group.{resource}.name"),
                        ("policy_type", _hcl("TargetTrackingScaling")),
                    ],
                ),
                "",
                "  target_tracking_configuration {",
                "    predefined_metric_specification {",
                *_attributes(6, [("predefined_metric_type", _hcl(policy.metric.aws))]),
                "    }",
                *_attributes(4, [("target_value", str(policy.target_value))]),
                "  }",
                "}",
            ]
    from archplan.capacity import emit_services

    lines += emit_services.terraform_blocks(plan, set())
    return "\n".join(lines) + "\n"


Emitter = Callable[[Architecture, ScalePlan, str], str]

# Each --emit choice's writer; a test checks every ScaleEmit has one.
EMITTERS: dict[ScaleEmit, Emitter] = {
    ScaleEmit.CLOUDFORMATION: emit_cloudformation,
    ScaleEmit.TERRAFORM: emit_terraform,
    ScaleEmit.AWS_CLI: emit_aws_cli,
    ScaleEmit.AWS_CLI_POLICY: emit_aws_cli_policy,
}
