"""CloudFormation containers and functions to format 1: ECS services with their task
definitions, clusters and capacity providers, Lambda functions, EKS clusters and node groups.

Run by archplan.importers.cfn_mapping after the network and the scaling groups, with its
helpers (property reading, references, issues). What a template does not say (a service's
demand, a function's duration, the auto scaling bounds kept in other resources) is not
invented: the object is imported without it and an issue says so where it matters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.importers.cloudformation import Resource
from archplan.importers.intrinsics import text

if TYPE_CHECKING:
    from archplan.importers.cfn_mapping import _TemplateMapper
    from archplan.importers.common import DocPath

# Fargate CPU and memory may be written "1 vCPU" / "2 GB" (ECS task definition parameters):
# CPU units are vCPU x 1024, memory GB x 1024 MiB.
_UNITS = {"vcpu": 1024, "gb": 1024}


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
        subnets = []
        for value in awsvpc.get("Subnets") or []:
            subnet = o.resolve(
                resource, "NetworkConfiguration", value, network[1], o.subnets, "subnet", left_out
            )
            if subnet is None:
                return
            subnets.append(subnet[0])
        vpcs = sorted({vpc for vpc, _ in subnets})
        if len(vpcs) != 1:
            o.issue(
                f"{resource.logical_id}: its subnets are not in one VPC of the template; {left_out}",
                network[1],
                f"{resource.logical_id}.Properties.NetworkConfiguration",
            )
            return
        launch = self.launch(resource)
        if launch is None:
            return
        desired = o.get(resource, "DesiredCount", "it is imported with 1 task (the default)")
        count = _count(desired[0]) if desired else 1
        if count is None:
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
        body["vpc"] = vpcs[0]
        body["subnets"] = [subnet for _, subnet in subnets]
        o.record(
            (*path, "subnets"), network[1], f"{resource.logical_id}.Properties.NetworkConfiguration"
        )
        body.update(launch)
        body["cpu"] = task["cpu"]
        body["memory"] = task["memory"]
        if task.get("architecture"):
            body["architecture"] = task["architecture"]
        body["network_mode"] = task["network_mode"]
        body["min"] = count
        body["max"] = count
        body["desired"] = count
        o.issue(
            f"{resource.logical_id}: min and max are its DesiredCount ({count}); the service's "
            "auto scaling bounds (AWS::ApplicationAutoScaling::ScalableTarget) are not read",
            resource.key,
            resource.logical_id,
        )
        self.o.m.services[name] = body

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
            subnets = []
            for value in config[0]["SubnetIds"]:
                subnet = o.resolve(
                    resource, "VpcConfig", value, config[1], o.subnets, "subnet", left_out
                )
                if subnet is None:
                    return
                subnets.append(subnet[0])
            vpcs = sorted({vpc for vpc, _ in subnets})
            if len(vpcs) != 1:
                return
            body["vpc"] = vpcs[0]
            body["subnets"] = [subnet for _, subnet in subnets]
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
        subnets = []
        for value in config[0].get("SubnetIds") or []:
            subnet = o.resolve(
                resource, "ResourcesVpcConfig", value, config[1], o.subnets, "subnet", left_out
            )
            if subnet is None:
                return
            subnets.append(subnet[0])
        vpcs = sorted({vpc for vpc, _ in subnets})
        if len(vpcs) != 1:
            o.issue(
                f"{resource.logical_id}: its subnets are not in one VPC of the template; {left_out}",
                config[1],
                f"{resource.logical_id}.Properties.ResourcesVpcConfig",
            )
            return
        name = o.name(resource)
        path: DocPath = ("kubernetes", name)
        o.record(path, resource.key, resource.logical_id)
        self.eks[resource.logical_id] = name
        self.o.m.clusters[name] = {
            "vpc": vpcs[0],
            "subnets": [subnet for _, subnet in subnets],
        }

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
