"""A scaling group's instance types: their names, how many, and their weights."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import MAX_WEIGHT, MIN_WEIGHT, Architecture
from archplan.rules.registry import Problem, rule
from archplan.rules.scaling._shared import type_path
from archplan.spelling import did_you_mean

ERROR = Severity.ERROR


# LaunchTemplateOverrides.InstanceType: up to 40 types per group (WeightedCapacity: model.py)
# (Amazon EC2 Auto Scaling API Reference,
# "LaunchTemplateOverrides", https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LaunchTemplateOverrides.html).
MAX_INSTANCE_TYPES = 40
# EC2 instance type names are FAMILY.SIZE: the family is letters and digits, sometimes with
# hyphenated parts (u-6tb1, m7i-flex, mac2-m2pro); the size is one of a short list.
_FAMILY = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_SIZE = re.compile(
    r"^(?:nano|micro|small|medium|large|[1-9][0-9]*xlarge|xlarge|metal(?:-[1-9][0-9]*xl)?)$"
)
SIZES = (
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
    "12xlarge", "16xlarge", "24xlarge", "48xlarge", "metal",
)  # fmt: skip


def _type_name_problem(instance_type: str) -> str | None:
    """Why a name is not FAMILY.SIZE, with a suggestion; None when it looks right."""
    family, dot, size = instance_type.partition(".")
    if instance_type != instance_type.lower():
        return f'instance types are lower case (did you mean "{instance_type.lower()}"?)'
    if not dot or not family or not size:
        return "an instance type is FAMILY.SIZE, e.g. m6i.large"
    if not _FAMILY.match(family) or not any(char.isdigit() for char in family):
        return f'"{family}" is not an instance family (letters and a generation digit, e.g. m6i)'
    if not _SIZE.match(size):
        hint = did_you_mean(instance_type, [f"{family}.{known}" for known in SIZES])
        sizes = " (nano, micro, small, medium, large, xlarge, 2xlarge ... 48xlarge, metal)"
        return f'"{size}" is not an instance size{hint or sizes}'
    return None


@rule("AP504", "instance-type-name", ERROR, "An instance type that does not look like family.size.")
def instance_type_name(architecture: Architecture) -> Iterator[Problem]:
    """EC2 instance types are named FAMILY.SIZE in lower case: `m6i.large`, `c5.2xlarge`.

    A typo (`m5.larg`, `m5large`, `M5.large`) is refused by EC2 when the group launches,
    often long after the template was deployed. The family has a generation digit (`m6i`,
    `u-6tb1`, `m7i-flex`); the size is `nano`, `micro`, `small`, `medium`, `large`,
    `xlarge`, `Nxlarge`, `metal` or `metal-Nxl`.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: {m6i.large: 1, m5.larg: 1}
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: {m6i.large: 1, m5.large: 1, m7i-flex.2xlarge: 4}
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Instance Types, "Amazon EC2 instance type naming conventions" <https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html>
    """
    for group in architecture.scaling_groups.values():
        for instance_type in group.instance_types:
            problem = _type_name_problem(instance_type)
            if problem is not None:
                yield Problem(
                    f'"{instance_type}" in scaling group "{group.name}" is not an EC2 instance '
                    f"type: {problem}",
                    type_path(group, instance_type),
                    on_key=True,
                )


@rule("AP505", "instance-type-count", ERROR, "A scaling group with more than 40 instance types.")
def instance_type_count(architecture: Architecture) -> Iterator[Problem]:
    """A mixed instances policy takes at most 40 instance types (launch template overrides).

    AWS refuses a 41st. Keep the types that matter: Spot needs flexibility over about ten
    types and all zones, not forty.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [
              m5.large, m5a.large, m5d.large, m5ad.large, m5n.large, m5dn.large, m5zn.large,
              m6i.large, m6a.large, m6id.large, m6in.large, m6idn.large, m7i.large, m7a.large,
              c5.large, c5a.large, c5d.large, c5ad.large, c5n.large, c6i.large, c6a.large,
              c6id.large, c6in.large, c7i.large, c7a.large, r5.large, r5a.large, r5d.large,
              r5ad.large, r5n.large, r5dn.large, r6i.large, r6a.large, r6id.large, r6in.large,
              r6idn.large, r7i.large, r7a.large, m4.large, c4.large, r4.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m5.large, m6i.large, m6a.large, c5.large, c6i.large, r5.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Auto Scaling API Reference, "LaunchTemplateOverrides" <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LaunchTemplateOverrides.html>
    """
    for group in architecture.scaling_groups.values():
        count = len(group.instance_types)
        if count > MAX_INSTANCE_TYPES:
            yield Problem(
                f'scaling group "{group.name}" lists {count} instance types; a mixed instances '
                f"policy takes at most {MAX_INSTANCE_TYPES}: drop {count - MAX_INSTANCE_TYPES}",
                (*group.path, "instance_types"),
            )


@rule("AP506", "instance-weight", ERROR, "An instance weight outside 1-999.")
def instance_weight(architecture: Architecture) -> Iterator[Problem]:
    """A weight (WeightedCapacity) says how many capacity units one instance counts for.

    AWS accepts whole numbers from 1 to 999. Weights are relative: give the smallest type 1
    and the others its multiple (a type with twice the vCPUs counts 2).

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: {c5.large: 0, c5.xlarge: 2}
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: {c5.large: 1, c5.xlarge: 2}
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Auto Scaling API Reference, "LaunchTemplateOverrides" <https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LaunchTemplateOverrides.html>
        Amazon EC2 Auto Scaling User Guide, "Configure an Auto Scaling group to use instance weights" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-mixed-instances-groups-instance-weighting.html>
    """
    for group in architecture.scaling_groups.values():
        for instance_type, weight in group.instance_types.items():
            if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
                yield Problem(
                    f'the weight of {instance_type} in scaling group "{group.name}" is {weight}; '
                    f"AWS accepts weights from {MIN_WEIGHT} to {MAX_WEIGHT} (capacity units one "
                    "instance counts for)",
                    type_path(group, instance_type),
                )
