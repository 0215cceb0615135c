"""An Auto Scaling group in the API's shape (describe output or --cli-input-json) to facts."""

from __future__ import annotations

from typing import Any

from archplan.importers.common import Origin
from archplan.importers.tf_awscli_facts import Facts, GroupFacts, compared, listed
from archplan.schema import SPOT_STRATEGIES

_PURCHASE = (
    ("OnDemandBaseCapacity", "on_demand_base"),
    ("OnDemandPercentageAboveBaseCapacity", "on_demand_percentage_above_base"),
    ("SpotAllocationStrategy", "spot_allocation_strategy"),
)


def scaling_group(facts: Facts, raw: dict[str, Any], index: int) -> None:
    name = raw.get("AutoScalingGroupName")
    key = name if isinstance(name, str) and name else f"auto-scaling-group-{index + 1}"
    group = GroupFacts(key, key, Origin(facts.file, address=key))
    issues = len(facts.issues)
    for attribute, field in (
        ("MinSize", "min"),
        ("MaxSize", "max"),
        ("DesiredCapacity", "desired"),
    ):
        value = raw.get(attribute)
        if isinstance(value, int) and not isinstance(value, bool):
            setattr(group, field, value)
    zones = raw.get("VPCZoneIdentifier")
    if isinstance(zones, str):  # the API's comma-separated list
        group.subnets = [part.strip() for part in zones.split(",") if part.strip()]
    unit = raw.get("DesiredCapacityType")
    if isinstance(unit, str) and unit not in ("", "units"):
        # Sizes in vCPUs or MiB are not instance counts: read as capacity units they would be
        # checked wrongly, so the group waits under x-incomplete (as CloudFormation leaves it out).
        group.missing.append("capacity_units")
        group.capacity_type = unit
    policy = raw.get("MixedInstancesPolicy")
    if isinstance(policy, dict):
        _mixed(facts, group, policy)
    else:
        # No policy: every instance is On-Demand, which is also what format 1 assumes when
        # `purchase` is left out (as the CloudFormation import does).
        template = raw.get("LaunchTemplate")
        if isinstance(template, dict):
            group.launch_template = _template_name(template)
        elif isinstance(raw.get("LaunchConfigurationName"), str):
            group.launch_template = raw["LaunchConfigurationName"]
    if not group.instance_types:
        # describe-auto-scaling-groups lists the running instances, whose types are facts.
        for instance in listed(raw, "Instances"):
            kind = instance.get("InstanceType") if isinstance(instance, dict) else None
            if isinstance(kind, str):
                group.instance_types.setdefault(kind, 1)
    if key in facts.groups:
        # Only the first description is imported: what this one would have raised is moot.
        del facts.issues[issues:]
        first = facts.groups[key]
        facts.described_again(
            "scaling group", key, first.origin.file, compared(first), compared(group)
        )
        return
    group.origin = facts.origin(key)
    facts.groups[key] = group


def _mixed(facts: Facts, group: GroupFacts, policy: dict[str, Any]) -> None:
    template = policy.get("LaunchTemplate")
    template = template if isinstance(template, dict) else {}
    specification = template.get("LaunchTemplateSpecification")
    if isinstance(specification, dict):
        group.launch_template = _template_name(specification)
    by_requirements = False
    for override in listed(template, "Overrides"):
        if not isinstance(override, dict):
            continue
        kind = override.get("InstanceType")
        if not isinstance(kind, str):
            by_requirements = by_requirements or "InstanceRequirements" in override
            continue
        weight = override.get("WeightedCapacity", 1)
        if isinstance(weight, str) and weight.isdigit():
            weight = int(weight)
        if not isinstance(weight, int) or isinstance(weight, bool):
            facts.issue(
                f'scaling group "{group.key}": WeightedCapacity {weight!r} of {kind} is not a '
                "whole number; 1 assumed",
                group.key,
            )
            weight = 1
        group.instance_types[kind] = weight
    if by_requirements and not group.instance_types:
        group.missing.append("instance_types")
        facts.issue(
            f'scaling group "{group.key}" chooses instance types by attributes '
            "(InstanceRequirements); list the types to check them",
            group.key,
        )
    distribution = policy.get("InstancesDistribution")
    for attribute, field in _PURCHASE:
        value = distribution.get(attribute) if isinstance(distribution, dict) else None
        if field == "spot_allocation_strategy":
            if isinstance(value, str) and value in SPOT_STRATEGIES:
                group.purchase[field] = value
            elif value is not None:
                facts.issue(
                    f'scaling group "{group.key}": SpotAllocationStrategy "{value}" is not one '
                    f"AWS knows ({', '.join(SPOT_STRATEGIES)}); left out",
                    group.key,
                )
        elif isinstance(value, int) and not isinstance(value, bool):
            group.purchase[field] = value


def _template_name(template: dict[str, Any]) -> str | None:
    for attribute in ("LaunchTemplateName", "LaunchTemplateId"):
        value = template.get(attribute)
        if isinstance(value, str) and value:
            return value
    return None
