"""CloudFormation's Auto Scaling groups to format 1: subnets, size, instance types and weights
(from the group, its mixed instances policy or its launch template), and the purchase options."""

from __future__ import annotations

from typing import Any

from archplan.findings import Span
from archplan.importers.cfn_reading import kind_of, logical_id_of
from archplan.importers.cfn_topology import TopologyMapper
from archplan.importers.cloudformation import Resource
from archplan.importers.common import DocPath
from archplan.importers.intrinsics import Unresolved, text
from archplan.loader import Mapping

_SPOT = {
    "lowest-price",
    "capacity-optimized",
    "capacity-optimized-prioritized",
    "price-capacity-optimized",
}


class ScalingMapper(TopologyMapper):
    """The scaling groups of one template (they name the topology's subnets)."""

    def scaling_group(self, resource: Resource) -> None:
        left_out = "the scaling group is left out"
        subnets = self.subnet_list(resource, "VPCZoneIdentifier", left_out)
        if subnets is None:
            return
        vpcs = sorted({vpc for vpc, _ in subnets[0]})
        if len(vpcs) != 1:
            self.issue(
                f"{resource.logical_id}: its subnets are in VPCs {', '.join(vpcs)}; {left_out}",
                subnets[1],
                f"{resource.logical_id}.Properties.VPCZoneIdentifier",
            )
            return
        capacity_type = self.get(resource, "DesiredCapacityType", left_out)
        if capacity_type is not None and text(capacity_type[0]) not in ("units", None):
            self.issue(
                f"{resource.logical_id}: capacity in {capacity_type[0]} is not in format 1 "
                f"(capacity units only); {left_out}",
                capacity_type[1],
                f"{resource.logical_id}.Properties.DesiredCapacityType",
            )
            return
        sizes = {}
        for prop, key in (("MinSize", "min"), ("MaxSize", "max"), ("DesiredCapacity", "desired")):
            found = (
                self.string(resource, prop, left_out)
                if key != "desired"
                else self.string(
                    resource, prop, "it is imported without a desired capacity", required=False
                )
            )
            if found is None:
                if key != "desired":
                    return
                continue
            try:
                sizes[key] = (int(str(found[0])), found[1], prop)
                if sizes[key][0] < 0:
                    raise ValueError
            except ValueError:
                self.issue(
                    f"{resource.logical_id}.{prop}: {kind_of(found[0])} is not a count "
                    f"(a whole number, 0 or more); {left_out}",
                    found[1],
                    f"{resource.logical_id}.Properties.{prop}",
                )
                return
        types = self.instance_types(resource, left_out)
        if types is None:
            return
        name = self.name(resource)
        self.groups[resource.logical_id] = name
        path: DocPath = ("scaling_groups", name)
        self.record(path, resource.key, resource.logical_id)
        body: dict[str, Any] = {
            "vpc": vpcs[0],
            "subnets": [subnet for _, subnet in subnets[0]],
            "instance_types": types[0],
        }
        address = f"{resource.logical_id}.Properties"
        self.record((*path, "subnets"), subnets[1], f"{address}.VPCZoneIdentifier")
        self.record((*path, "instance_types"), types[1], address)
        for key, (value, span, prop) in sizes.items():
            body[key] = value
            self.record((*path, key), span, f"{address}.{prop}")
        purchase = self.purchase(resource)
        if purchase:
            body["purchase"] = purchase[0]
            self.record((*path, "purchase"), purchase[1], f"{address}.MixedInstancesPolicy")
        launch_template = types[2]
        if launch_template:
            body["launch_template"] = launch_template
        security_groups = self.network.launch_template_groups(resource, vpcs[0])
        if security_groups is not None:
            body["security_groups"] = security_groups
        self.m.groups[name] = body

    def instance_types(
        self, resource: Resource, left_out: str
    ) -> tuple[dict[str, int] | list[str], Span, str] | None:
        """The group's instance types (with weights), its launch template's name."""
        policy_node = self.node(resource, "MixedInstancesPolicy")
        if policy_node is not None:
            policy = self.get(resource, "MixedInstancesPolicy", left_out)
            if policy is None:
                return None
            template = policy[0].get("LaunchTemplate", {}) if isinstance(policy[0], dict) else {}
            overrides = template.get("Overrides", []) if isinstance(template, dict) else []
            weights: dict[str, int] = {}
            for override in overrides if isinstance(overrides, list) else []:
                kind = override.get("InstanceType") if isinstance(override, dict) else None
                if not isinstance(kind, str):
                    self.issue(
                        f"{resource.logical_id}: an override without InstanceType (instance "
                        f"requirements are chosen by AWS at launch); {left_out}",
                        policy[1],
                        f"{resource.logical_id}.Properties.MixedInstancesPolicy",
                    )
                    return None
                weight = override.get("WeightedCapacity", 1)
                try:
                    weights[kind] = int(str(weight)) if not isinstance(weight, bool) else 0
                    if not 1 <= weights[kind] <= 999:
                        raise ValueError
                except ValueError:
                    weights.pop(kind, None)
                    self.issue(
                        f"{resource.logical_id}: the WeightedCapacity of {kind} is "
                        f"{kind_of(weight)}, not a whole number from 1 to 999; the override "
                        "is left out",
                        policy[1],
                        f"{resource.logical_id}.Properties.MixedInstancesPolicy",
                    )
            if not weights:
                specification = (
                    template.get("LaunchTemplateSpecification", {})
                    if isinstance(template, dict)
                    else {}
                )
                return self.launch_template_type(resource, specification, policy[1], left_out)
            spec = (
                template.get("LaunchTemplateSpecification", {})
                if isinstance(template, dict)
                else {}
            )
            types: dict[str, int] | list[str] = (
                list(weights) if all(w == 1 for w in weights.values()) else weights
            )
            return types, policy[1], self.launch_template_name(spec)
        launch = self.get(resource, "LaunchTemplate", left_out)
        if launch is not None:
            return self.launch_template_type(resource, launch[0], launch[1], left_out)
        configuration = self.get(resource, "LaunchConfigurationName", left_out)
        if configuration is not None:
            logical_id = logical_id_of(configuration[0])
            config = self.t.resources.get(logical_id or "")
            if config is not None and config.type == "AWS::AutoScaling::LaunchConfiguration":
                kind = self.string(config, "InstanceType", left_out)
                return ([str(kind[0])], configuration[1], "") if kind is not None else None
            self.issue(
                f"{resource.logical_id}.LaunchConfigurationName: the launch configuration is "
                f"not in the template, so its instance type is unknown; {left_out}",
                configuration[1],
                f"{resource.logical_id}.Properties.LaunchConfigurationName",
            )
            return None
        self.issue(
            f"{resource.logical_id} names no instance type; {left_out}",
            resource.key,
            resource.logical_id,
        )
        return None

    def launch_template_type(
        self, resource: Resource, specification: Any, span: Span, left_out: str
    ) -> tuple[list[str], Span, str] | None:
        reference = (
            specification.get("LaunchTemplateId") if isinstance(specification, dict) else None
        )
        logical_id = logical_id_of(reference)
        template = self.t.resources.get(logical_id or "")
        if template is not None and template.type == "AWS::EC2::LaunchTemplate":
            # Only the instance type: the image and user data often come from SSM or exports.
            data = self.node(template, "LaunchTemplateData")
            entry = data.entries.get("InstanceType") if isinstance(data, Mapping) else None
            if entry is not None:
                try:
                    kind = self.ev.value(entry.value)
                except Unresolved as error:
                    self.issue(
                        f"{template.logical_id}.LaunchTemplateData.InstanceType: "
                        f"{error.message}; {left_out}",
                        error.span,
                        f"{template.logical_id}.Properties.LaunchTemplateData.InstanceType",
                    )
                    return None
                if isinstance(kind, str):
                    return [kind], span, self.launch_template_name(specification)
                self.issue(
                    f"{template.logical_id}.LaunchTemplateData.InstanceType: {kind_of(kind)} "
                    f"where CloudFormation expects a string, so it rejects the template; "
                    f"{left_out}",
                    entry.value.span,
                    f"{template.logical_id}.Properties.LaunchTemplateData.InstanceType",
                    "error",
                )
                return None
        self.issue(
            f"{resource.logical_id}: the instance type is in a launch template archplan cannot "
            f"read from the template; {left_out}",
            span,
            f"{resource.logical_id}.Properties",
        )
        return None

    def launch_template_name(self, specification: Any) -> str:
        if not isinstance(specification, dict):
            return ""
        name = specification.get("LaunchTemplateName")
        if isinstance(name, str):
            return name
        logical_id = logical_id_of(specification.get("LaunchTemplateId"))
        return logical_id or ""

    def purchase(self, resource: Resource) -> tuple[dict[str, Any], Span] | None:
        policy = self.get(resource, "MixedInstancesPolicy", "purchase options are left out")
        if policy is None or not isinstance(policy[0], dict):
            return None
        distribution = policy[0].get("InstancesDistribution")
        if not isinstance(distribution, dict):
            return None
        purchase: dict[str, Any] = {}
        for prop, key in (
            ("OnDemandBaseCapacity", "on_demand_base"),
            ("OnDemandPercentageAboveBaseCapacity", "on_demand_percentage_above_base"),
        ):
            if prop in distribution:
                try:
                    purchase[key] = int(str(distribution[prop]))
                except ValueError:
                    self.issue(
                        f'{resource.logical_id}.{prop}: "{distribution[prop]}" is not a whole '
                        "number; it is left out",
                        policy[1],
                        f"{resource.logical_id}.Properties.MixedInstancesPolicy",
                    )
        strategy = distribution.get("SpotAllocationStrategy")
        if isinstance(strategy, str) and strategy in _SPOT:
            purchase["spot_allocation_strategy"] = strategy
        return (purchase, policy[1]) if purchase else None
