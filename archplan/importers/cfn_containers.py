"""CloudFormation containers and functions to format 1: ECS services with their task
definitions, clusters and capacity providers, Lambda functions, EKS clusters and node groups.

Run by archplan.importers.cfn_mapping after the network and the scaling groups, with its
helpers (property reading, references, issues). A service's min and max are its
AWS::ApplicationAutoScaling::ScalableTarget's (matched by the references in its ResourceId, else
by the service name it spells), else its DesiredCount with an issue saying so. What a template
does not say (a service's demand, a function's duration) is not invented: the object is
imported without it and an issue says so where it matters.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from archplan.importers.cloudformation import Resource
from archplan.importers.intrinsics import Unresolved, text
from archplan.loader import Mapping, Node, Scalar, Sequence

if TYPE_CHECKING:
    from archplan.findings import Span
    from archplan.importers.cfn_mapping import _TemplateMapper
    from archplan.importers.common import DocPath

# Fargate CPU and memory may be written "1 vCPU" / "2 GB" (ECS task definition parameters):
# CPU units are vCPU x 1024, memory GB x 1024 MiB.
_UNITS = {"vcpu": 1024, "gb": 1024}
# An ECS service's desired count as Application Auto Scaling names it.
NAMESPACE, DIMENSION = "ecs", "ecs:service:DesiredCount"
_SUB_NAME = re.compile(r"\$\{([^}!][^}]*)\}")


class Scaling(NamedTuple):
    """A service's auto scaling bounds, from the scalable target that names it."""

    low: int
    high: int
    target: str  # the scalable target's logical ID
    low_span: Span
    high_span: Span


def _references(node: Node) -> set[str]:
    """The logical IDs a property's value names (Ref, Fn::GetAtt, ${X} and ${X.Attr} in
    Fn::Sub), however deep: a ResourceId is usually joined from the cluster and the service."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Sequence):
            stack.extend(item.items)
            continue
        if not isinstance(item, Mapping):
            continue
        if len(item.entries) == 1:
            ((key, entry),) = item.entries.items()
            value = entry.value
            if isinstance(value, Sequence) and value.items and key in ("Fn::GetAtt", "Fn::Sub"):
                value = value.items[0]
            if isinstance(value, Scalar) and isinstance(value.value, str):
                if key == "Ref":
                    found.add(value.value)
                elif key == "Fn::GetAtt":
                    found.add(value.value.split(".")[0])
                elif key == "Fn::Sub":
                    found.update(name.split(".")[0] for name in _SUB_NAME.findall(value.value))
        stack.extend(entry.value for entry in item.entries.values())
    return found


def _count(value: Any) -> int | None:
    shown = text(value)
    if shown is None:
        return None
    try:
        number = int(shown)
    except ValueError:
        return None
    return number if number >= 0 else None


def _size(value: Any) -> int | None:
    """Task CPU units or memory MiB: "512", 512, "0.5 vCPU", "1 GB"."""
    shown = text(value)
    if shown is None:
        return None
    parts = shown.strip().lower().split()
    try:
        if len(parts) == 1:
            return int(parts[0])
        if len(parts) == 2 and parts[1] in _UNITS:
            scaled = float(parts[0]) * _UNITS[parts[1]]
            return int(scaled) if scaled == int(scaled) else None
    except ValueError:
        return None
    return None


class ContainerMapper:
    """The containers of one template, mapped with the template mapper's helpers."""

    def __init__(self, owner: _TemplateMapper) -> None:
        self.o = owner
        self.task_definitions: dict[str, dict[str, Any]] = {}
        self.clusters: dict[str, str] = {}  # logical ID -> ECS cluster name
        self.providers: dict[str, str] = {}  # capacity provider logical ID -> scaling group
        self.eks: dict[str, str] = {}  # EKS cluster logical ID -> its name in the document
        self.scaling: dict[str, Scaling] = {}  # service logical ID -> its auto scaling bounds

    def run(self) -> None:
        o = self.o
        for resource in o.of_type("AWS::ECS::Cluster"):
            name = o.get(resource, "ClusterName", "the cluster is named by its logical ID")
            self.clusters[resource.logical_id] = (
                text(name[0]) or resource.logical_id if name else resource.logical_id
            )
        for resource in o.of_type("AWS::ECS::CapacityProvider"):
            self.capacity_provider(resource)
        for resource in o.of_type("AWS::ECS::TaskDefinition"):
            self.task_definition(resource)
        for resource in o.of_type("AWS::ApplicationAutoScaling::ScalableTarget"):
            self.scalable_target(resource)
        for resource in o.of_type("AWS::ECS::Service"):
            self.service(resource)
        for resource in o.of_type("AWS::Lambda::Function"):
            self.function(resource)
        for resource in o.of_type("AWS::EKS::Cluster"):
            self.eks_cluster(resource)
        for resource in o.of_type("AWS::EKS::Nodegroup"):
            self.node_group(resource)

    # -- ECS ------------------------------------------------------------------------------------

    def capacity_provider(self, resource: Resource) -> None:
        provider = self.o.get(resource, "AutoScalingGroupProvider", "its services are left out")
        if provider is None or not isinstance(provider[0], dict):
            return
        reference = provider[0].get("AutoScalingGroupArn")
        group = self.o.resolve(
            resource,
            "AutoScalingGroupProvider",
            reference,
            provider[1],
            self.o.groups,
            "scaling group",
            "its services are left out",
        )
        if group is not None:
            self.providers[resource.logical_id] = group[0]

    def task_definition(self, resource: Resource) -> None:
        o = self.o
        left_out = "services using it are left out"
        found: dict[str, Any] = {}
        for prop, key in (("Cpu", "cpu"), ("Memory", "memory")):
            value = o.get(resource, prop, left_out)
            size = _size(value[0]) if value is not None else None
            if value is not None and size is None:
                o.issue(
                    f"{resource.logical_id}.{prop}: not a size archplan reads; {left_out}",
                    value[1],
                    f"{resource.logical_id}.Properties.{prop}",
                )
                return
            if size is not None:
                found[key] = size
        mode = o.get(resource, "NetworkMode", "its network mode is taken as bridge (ECS default)")
        found["network_mode"] = (text(mode[0]) or "bridge") if mode else "bridge"
        platform = o.get(resource, "RuntimePlatform", "it is taken as x86_64")
        if platform is not None and isinstance(platform[0], dict):
            architecture = text(platform[0].get("CpuArchitecture"))
            if architecture and architecture.upper() == "ARM64":
                found["architecture"] = "arm64"
        self.task_definitions[resource.logical_id] = found

    def scalable_target(self, resource: Resource) -> None:
        """An ECS service's MinCapacity and MaxCapacity, for the service its ResourceId names."""
        o = self.o
        ignored = "the service it scales is imported with min = max = its DesiredCount"
        namespace = o.get(resource, "ServiceNamespace", ignored)
        dimension = o.get(resource, "ScalableDimension", ignored)
        if namespace is None or dimension is None:
            return
        if text(namespace[0]) != NAMESPACE or text(dimension[0]) != DIMENSION:
            return  # another service's target (DynamoDB, Aurora ...): not archplan's
        service = self.scaled_service(resource)
        if service is None:
            where = o.node(resource, "ResourceId")
            o.issue(
                f"{resource.logical_id}.ResourceId: names no AWS::ECS::Service of the template; "
                "the scalable target is not read",
                where.span if where is not None else resource.key,
                f"{resource.logical_id}.Properties.ResourceId",
            )
            return
        bounds = []
        for prop in ("MinCapacity", "MaxCapacity"):
            value = o.require(resource, prop, ignored)
            if value is None:
                return
            number = _count(value[0])
            if number is None:
                o.issue(
                    f"{resource.logical_id}.{prop}: not a whole number of tasks; {ignored}",
                    value[1],
                    f"{resource.logical_id}.Properties.{prop}",
                )
                return
            bounds.append((number, value[1]))
        (low, low_span), (high, high_span) = bounds
        if service in self.scaling:
            o.issue(
                f"{resource.logical_id}: a second scalable target for {service}; the first, "
                f"{self.scaling[service].target}, is read",
                resource.key,
                resource.logical_id,
            )
            return
        self.scaling[service] = Scaling(low, high, resource.logical_id, low_span, high_span)

    def scaled_service(self, resource: Resource) -> str | None:
        """The logical ID of the service a scalable target's ResourceId names: by reference
        (`service/${Cluster}/${Service.Name}`), else by its evaluated text's service name."""
        o = self.o
        services = {one.logical_id: one for one in o.of_type("AWS::ECS::Service")}
        node = o.node(resource, "ResourceId")
        if node is None:
            return None
        named = sorted(_references(node) & services.keys())
        if len(named) == 1:
            return named[0]
        try:
            written = text(o.ev.value(node))
        except Unresolved:
            return None
        parts = (written or "").split("/")
        if len(parts) != 3 or parts[0] != "service":
            return None
        for logical_id, one in services.items():
            name_node = o.node(one, "ServiceName")
            try:
                name = text(o.ev.value(name_node)) if name_node is not None else None
            except Unresolved:
                name = None
            if parts[2] == (name or logical_id):
                return logical_id
        return None

    def service(self, resource: Resource) -> None:
        o = self.o
        left_out = "the service is left out"
        definition = o.target(
            resource, "TaskDefinition", self.task_definitions, "task definition", left_out
        )
        if definition is None:
            return
        task = definition[0]
        if "cpu" not in task or "memory" not in task:
            o.issue(
                f"{resource.logical_id}: its task definition gives no task-level Cpu and Memory "
                f"(only containers' own); {left_out}",
                definition[1],
                f"{resource.logical_id}.Properties.TaskDefinition",
            )
            return
        network = o.get(resource, "NetworkConfiguration", left_out)
        awsvpc = (
            network[0].get("AwsvpcConfiguration")
            if network and isinstance(network[0], dict)
            else None
        )
        if not isinstance(awsvpc, dict):
            o.issue(
                f"{resource.logical_id}: no NetworkConfiguration.AwsvpcConfiguration to say its "
                f"subnets; {left_out}",
                network[1] if network else resource.key,
                f"{resource.logical_id}.Properties.NetworkConfiguration",
            )
            return
        assert network is not None
        placed = self.subnets_in_one_vpc(
            resource, "NetworkConfiguration", awsvpc.get("Subnets") or [], network[1], left_out
        )
        if placed is None:
            return
        launch = self.launch(resource)
        if launch is None:
            return
        scaled = self.scaling.get(resource.logical_id)
        desired = o.get(
            resource,
            "DesiredCount",
            "it is imported without it"
            if scaled is not None
            else "it is imported with 1 task (the default)",
        )
        count = _count(desired[0]) if desired else None
        if count is None and scaled is None:
            count = 1
        name = o.name(resource)
        path: DocPath = ("services", name)
        o.record(path, resource.key, resource.logical_id)
        body: dict[str, Any] = {}
        cluster = o.get(resource, "Cluster", "it is imported without its cluster's name")
        if cluster is not None:
            logical = getattr(cluster[0], "logical_id", None)
            shown = self.clusters.get(logical or "") or text(cluster[0])
            if shown:
                body["cluster"] = shown
        body["vpc"], body["subnets"] = placed

        o.record(
            (*path, "subnets"), network[1], f"{resource.logical_id}.Properties.NetworkConfiguration"
        )
        body.update(launch)
        body["cpu"] = task["cpu"]
        body["memory"] = task["memory"]
        if task.get("architecture"):
            body["architecture"] = task["architecture"]
        body["network_mode"] = task["network_mode"]
        if scaled is not None:
            self.bounds(resource, path, body, scaled, count)
        else:
            assert count is not None
            body["min"] = count
            body["max"] = count
            body["desired"] = count
            o.issue(
                f"{resource.logical_id}: min and max are its DesiredCount ({count}): the template "
                "has no AWS::ApplicationAutoScaling::ScalableTarget for the service",
                resource.key,
                resource.logical_id,
            )
        self.o.m.services[name] = body

    def subnets_in_one_vpc(
        self, resource: Resource, prop: str, values: Any, span: Span, left_out: str
    ) -> tuple[str, list[str]] | None:
        """The VPC and format-1 subnet names of a service's, function's or cluster's subnet
        references; None when one is not an imported subnet or they are not all in one VPC
        (said: AWS places a task, a function or a cluster in one VPC)."""
        o = self.o
        subnets = o.subnets_named(resource, prop, values, span, left_out)
        if subnets is None:
            return None
        vpcs = sorted({vpc for vpc, _ in subnets})
        if len(vpcs) != 1:
            o.issue(
                f"{resource.logical_id}: its subnets are not in one VPC of the template; {left_out}",
                span,
                f"{resource.logical_id}.Properties.{prop}",
            )
            return None
        return vpcs[0], [subnet for _, subnet in subnets]

    def bounds(
        self,
        resource: Resource,
        path: DocPath,
        body: dict[str, Any],
        scaled: Scaling,
        desired: int | None,
    ) -> None:
        """min and max from the service's scalable target; desired when inside them (outside,
        Application Auto Scaling moves the count into range, so it is said and left out)."""
        o = self.o
        body["min"] = scaled.low
        body["max"] = scaled.high
        o.record((*path, "min"), scaled.low_span, f"{scaled.target}.Properties.MinCapacity")
        o.record((*path, "max"), scaled.high_span, f"{scaled.target}.Properties.MaxCapacity")
        if desired is None:
            return
        if scaled.low <= desired <= scaled.high:
            body["desired"] = desired
            return
        o.issue(
            f"{resource.logical_id}.DesiredCount {desired} is outside {scaled.target}'s "
            f"{scaled.low}..{scaled.high} (Application Auto Scaling moves it into range); "
            "it is left out",
            resource.key,
            f"{resource.logical_id}.Properties.DesiredCount",
        )

    def launch(self, resource: Resource) -> dict[str, Any] | None:
        """launch_type with its Fargate Spot share or capacity provider."""
        o = self.o
        left_out = "the service is left out"
        launch = o.get(resource, "LaunchType", left_out)
        strategy = o.get(resource, "CapacityProviderStrategy", left_out)
        if launch is not None:
            kind = (text(launch[0]) or "").upper()
            if kind == "FARGATE":
                return {"launch_type": "fargate"}
            o.issue(
                f"{resource.logical_id}.LaunchType {kind}: archplan reads EC2 services through "
                f"their capacity provider; {left_out}",
                launch[1],
                f"{resource.logical_id}.Properties.LaunchType",
            )
            return None
        if strategy is None or not isinstance(strategy[0], list) or not strategy[0]:
            o.issue(
                f"{resource.logical_id}: no LaunchType or CapacityProviderStrategy (the cluster's "
                f"default strategy is not read); {left_out}",
                resource.key,
                resource.logical_id,
            )
            return None
        weights: dict[str, int] = {}
        groups: list[str] = []
        for item in strategy[0]:
            if not isinstance(item, dict):
                return None
            provider = item.get("CapacityProvider")
            weight = _count(item.get("Weight", 0)) or 0
            shown = text(provider) if not hasattr(provider, "logical_id") else None
            if shown in ("FARGATE", "FARGATE_SPOT"):
                weights[shown] = weights.get(shown, 0) + weight
                continue
            group = self.providers.get(getattr(provider, "logical_id", "") or "")
            if group is None:
                o.issue(
                    f"{resource.logical_id}.CapacityProviderStrategy: a capacity provider that "
                    f"is not an Auto Scaling group of the template; {left_out}",
                    strategy[1],
                    f"{resource.logical_id}.Properties.CapacityProviderStrategy",
                )
                return None
            groups.append(group)
        if groups and not weights and len(set(groups)) == 1:
            return {"launch_type": "ec2", "capacity_provider": groups[0]}
        total = sum(weights.values())
        if groups or total == 0:
            o.issue(
                f"{resource.logical_id}.CapacityProviderStrategy: a strategy archplan cannot "
                f"write (several groups, or no weight); {left_out}",
                strategy[1],
                f"{resource.logical_id}.Properties.CapacityProviderStrategy",
            )
            return None
        spot = weights.get("FARGATE_SPOT", 0) * 100
        if spot % total:
            o.issue(
                f"{resource.logical_id}.CapacityProviderStrategy: Fargate Spot weighs "
                f"{spot / total:.2f} %; it is imported rounded down",
                strategy[1],
                f"{resource.logical_id}.Properties.CapacityProviderStrategy",
            )
        body: dict[str, Any] = {"launch_type": "fargate"}
        if spot // total:
            body["fargate_spot_percent"] = spot // total
        return body

    # -- Lambda ---------------------------------------------------------------------------------

    def function(self, resource: Resource) -> None:
        o = self.o
        left_out = "the function is left out"
        name = o.name(resource)
        path: DocPath = ("functions", name)
        body: dict[str, Any] = {}
        memory = o.get(resource, "MemorySize", "it is imported with 128 MB (the default)")
        body["memory"] = (_count(memory[0]) if memory else None) or 128
        architectures = o.get(resource, "Architectures", "it is taken as x86_64")
        arm = architectures is not None and isinstance(architectures[0], list)
        if arm and architectures and [text(v) for v in architectures[0]] == ["arm64"]:
            body["architecture"] = "arm64"
        reserved = o.get(resource, "ReservedConcurrentExecutions", "it is left out")
        if reserved is not None and _count(reserved[0]) is not None:
            body["reserved_concurrency"] = _count(reserved[0])
        config = o.get(resource, "VpcConfig", left_out)
        if config is not None and isinstance(config[0], dict) and config[0].get("SubnetIds"):
            placed = self.subnets_in_one_vpc(
                resource, "VpcConfig", config[0]["SubnetIds"], config[1], left_out
            )
            if placed is None:
                return
            body["vpc"], body["subnets"] = placed
            o.record((*path, "subnets"), config[1], f"{resource.logical_id}.Properties.VpcConfig")
        o.record(path, resource.key, resource.logical_id)
        self.o.m.functions[name] = body

    # -- EKS ------------------------------------------------------------------------------------

    def eks_cluster(self, resource: Resource) -> None:
        o = self.o
        left_out = "the cluster and its node groups are left out"
        config = o.require(resource, "ResourcesVpcConfig", left_out)
        if config is None or not isinstance(config[0], dict):
            return
        placed = self.subnets_in_one_vpc(
            resource, "ResourcesVpcConfig", config[0].get("SubnetIds") or [], config[1], left_out
        )
        if placed is None:
            return
        name = o.name(resource)
        path: DocPath = ("kubernetes", name)
        o.record(path, resource.key, resource.logical_id)
        self.eks[resource.logical_id] = name
        self.o.m.clusters[name] = {"vpc": placed[0], "subnets": placed[1]}

    def node_group(self, resource: Resource) -> None:
        o = self.o
        left_out = "the node group is left out"
        cluster = o.require(resource, "ClusterName", left_out)
        if cluster is None:
            return
        logical = getattr(cluster[0], "logical_id", None)
        name = self.eks.get(logical or "")
        if name is None:
            o.issue(
                f"{resource.logical_id}.ClusterName: not an EKS cluster of the template; "
                f"{left_out}",
                cluster[1],
                f"{resource.logical_id}.Properties.ClusterName",
            )
            return
        subnets = o.subnet_list(resource, "Subnets", left_out)
        if subnets is None:
            return
        scaling = o.get(resource, "ScalingConfig", left_out)
        sizes = scaling[0] if scaling and isinstance(scaling[0], dict) else {}
        low, high = _count(sizes.get("MinSize")), _count(sizes.get("MaxSize"))
        if low is None or high is None:
            o.issue(
                f"{resource.logical_id}: no ScalingConfig MinSize and MaxSize; {left_out}",
                scaling[1] if scaling else resource.key,
                f"{resource.logical_id}.Properties.ScalingConfig",
            )
            return
        types = o.get(resource, "InstanceTypes", "it is taken as t3.medium (the default)")
        listed = [text(value) for value in types[0]] if types and isinstance(types[0], list) else []
        group_name = o.name(resource)
        body: dict[str, Any] = {
            "instance_types": [value for value in listed if value] or ["t3.medium"],
            "subnets": [subnet for _, subnet in subnets[0]],
            "min": low,
            "max": high,
        }
        desired = _count(sizes.get("DesiredSize"))
        if desired is not None:
            body["desired"] = desired
        path: DocPath = ("kubernetes", name, "node_groups", group_name)
        o.record(path, resource.key, resource.logical_id)
        self.o.m.clusters[name].setdefault("node_groups", {})[group_name] = body
