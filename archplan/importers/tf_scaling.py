"""An aws_autoscaling_group of a plan to scaling-group facts (sizes, subnets, mixed policy)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.importers.tf_awscli_facts import GroupFacts, listed
from archplan.importers.tf_plan import Resource
from archplan.schema import SPOT_STRATEGIES

if TYPE_CHECKING:
    from archplan.importers.tf_resources import Importer

_PURCHASE = (
    ("on_demand_base_capacity", "on_demand_base"),
    ("on_demand_percentage_above_base_capacity", "on_demand_percentage_above_base"),
    ("spot_allocation_strategy", "spot_allocation_strategy"),
)


def scaling_group(importer: Importer, resource: Resource, group: GroupFacts) -> None:
    values = resource.values
    for attribute, field in (
        ("min_size", "min"),
        ("max_size", "max"),
        ("desired_capacity", "desired"),
    ):
        value = values.get(attribute)
        if isinstance(value, int) and not isinstance(value, bool):
            setattr(group, field, value)
        elif resource.is_unknown(attribute) and field != "desired":
            importer.issue(resource, f"{attribute} is known only after apply")
    subnets = importer.plan.resolve(resource, "vpc_zone_identifier", ("aws_subnet",), many=True)
    if subnets:
        group.subnets = [importer.key(subnet) for subnet in subnets]
    else:
        # Ids of subnets outside the plan: kept so the issue can name them.
        known = values.get("vpc_zone_identifier")
        group.subnets = [s for s in known if isinstance(s, str)] if isinstance(known, list) else []
    unit = values.get("desired_capacity_type")
    if isinstance(unit, str) and unit not in ("", "units"):
        # Sizes in vCPUs or MiB are not instance counts: read as capacity units they would be
        # checked wrongly, so the group waits under x-incomplete.
        group.missing.append("capacity_units")
        group.capacity_type = unit
    policy = _first(values.get("mixed_instances_policy"))
    if policy:
        _mixed(importer, resource, group, policy)
    else:
        # Without a mixed instances policy every instance is On-Demand, which is AWS's default
        # for `purchase` too: nothing is written (as the CloudFormation import does).
        _single_type(importer, resource, group)


def _mixed(
    importer: Importer, resource: Resource, group: GroupFacts, policy: dict[str, Any]
) -> None:
    template = _first(policy.get("launch_template"))
    for override in listed(template, "override"):
        if not isinstance(override, dict):
            continue
        kind = override.get("instance_type")
        if not isinstance(kind, str) or not kind:
            continue  # attribute-based (instance_requirements): AWS chooses the types
        weight_text = override.get("weighted_capacity")
        weight = 1
        if isinstance(weight_text, str | int) and str(weight_text).isdigit():
            weight = int(weight_text)
        elif weight_text not in (None, ""):
            importer.issue(
                resource,
                f'weighted_capacity "{weight_text}" of {kind} is not a whole number; 1 assumed',
            )
        group.instance_types[kind] = weight
    if not group.instance_types and any(
        isinstance(o, dict) and o.get("instance_requirements") for o in listed(template, "override")
    ):
        group.missing.append("instance_types")
        importer.issue(
            resource,
            "instance types chosen by attributes (instance_requirements); list the types to check them",
        )
    specification = _first(template.get("launch_template_specification"))
    group.launch_template = _template_name(importer, resource, specification)
    distribution = _first(policy.get("instances_distribution"))
    for attribute, field in _PURCHASE:
        value = distribution.get(attribute)
        if field == "spot_allocation_strategy":
            if isinstance(value, str) and value in SPOT_STRATEGIES:
                group.purchase[field] = value
            elif value not in (None, ""):
                importer.issue(
                    resource,
                    f'spot_allocation_strategy "{value}" is not one AWS knows '
                    f"({', '.join(SPOT_STRATEGIES)}); left out",
                )
        elif isinstance(value, int) and not isinstance(value, bool):
            group.purchase[field] = value
    if not group.instance_types:
        _single_type(importer, resource, group)


def _single_type(importer: Importer, resource: Resource, group: GroupFacts) -> None:
    """The instance type of the launch template or configuration the group launches."""
    template = _first(resource.values.get("launch_template"))
    if template and group.launch_template is None:
        group.launch_template = _template_name(importer, resource, template)
    sources = importer.plan.of_type("aws_launch_template") + importer.plan.of_type(
        "aws_launch_configuration"
    )
    wanted = {
        name
        for name in (group.launch_template, resource.known("launch_configuration"))
        if isinstance(name, str)
    }
    referenced = importer.plan.resolve(
        resource, "launch_configuration", ("aws_launch_configuration",)
    ) + _template_references(importer, resource)
    for source in referenced + [s for s in sources if s.known("name") in wanted]:
        kind = source.known("instance_type")
        if isinstance(kind, str):
            group.instance_types[kind] = 1
            return


def _template_references(importer: Importer, resource: Resource) -> list[Resource]:
    """Launch templates the configuration names, directly or inside the mixed policy."""
    kinds = ("aws_launch_template",)
    found: list[Resource] = []
    blocks = [resource.expressions.get("launch_template")]
    policy = resource.expressions.get("mixed_instances_policy")
    if isinstance(policy, list) and policy and isinstance(policy[0], dict):
        template = policy[0].get("launch_template")
        if isinstance(template, list) and template and isinstance(template[0], dict):
            blocks.append(template[0].get("launch_template_specification"))
    for block in blocks:
        first = block[0] if isinstance(block, list) and block and isinstance(block[0], dict) else {}
        for attribute in ("id", "name", "launch_template_id", "launch_template_name"):
            found += importer.plan.follow(resource, first.get(attribute), kinds)
    return found


def _template_name(
    importer: Importer, resource: Resource, specification: dict[str, Any]
) -> str | None:
    for attribute in ("launch_template_name", "name"):
        value = specification.get(attribute)
        if isinstance(value, str) and value:
            return value
    referenced = _template_references(importer, resource)
    if referenced:
        name = referenced[0].known("name")
        return name if isinstance(name, str) else referenced[0].name
    for attribute in ("launch_template_id", "id"):
        value = specification.get(attribute)
        if isinstance(value, str) and value:
            return value
    return None


def _first(value: Any) -> dict[str, Any]:
    """Terraform shows a nested block as a list of one object."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}
