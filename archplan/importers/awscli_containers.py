"""AWS CLI output of ECS, Lambda and EKS to container facts.

Read: `aws ecs describe-services` (`services`), `describe-task-definition` (`taskDefinition`),
`describe-capacity-providers` (`capacityProviders`); `aws lambda list-functions` (`Functions`),
`get-function` (`Configuration`, `Concurrency`) and `get-function-configuration`; `aws eks
describe-cluster` (`cluster`) and `describe-nodegroup` (`nodegroup`); `aws
application-autoscaling describe-scalable-targets` (`ScalableTargets`: an ECS service's min and
max, matched by its `service/CLUSTER/NAME` resource ID). Subnets are their ids (as
describe-subnets keys them), scaling groups their names; task definitions and capacity providers
are matched to services by ARN and name.
"""

from __future__ import annotations

from typing import Any

from archplan.importers.common import Origin
from archplan.importers.tf_awscli_containers import (
    DIMENSION,
    NAMESPACE,
    ClusterFacts,
    FunctionFacts,
    NodeGroupFacts,
    ServiceFacts,
    TaskFacts,
    count,
    scale,
    service_named,
    size,
    spot_share,
)
from archplan.importers.tf_awscli_facts import Facts, listed

# Read in this order: what services point at first.
SHAPES = (
    "taskDefinition",
    "capacityProviders",
    "services",
    "ScalableTargets",
    "Functions",
    "Configuration",
    "cluster",
    "nodegroup",
)
COMMANDS = (
    "aws ecs describe-services, describe-task-definition, describe-capacity-providers, "
    "aws lambda list-functions, get-function, get-function-configuration, aws eks "
    "describe-cluster and describe-nodegroup, aws application-autoscaling "
    "describe-scalable-targets"
)


def shapes(data: Any) -> list[tuple[str, list[Any]]]:
    """The container parts of one file: (shape, items)."""
    if not isinstance(data, dict):
        return []
    found: list[tuple[str, list[Any]]] = []
    for key in SHAPES:
        value = data.get(key)
        if isinstance(value, list) and key in (
            "capacityProviders",
            "services",
            "ScalableTargets",
            "Functions",
        ):
            found.append((key, value))
        elif isinstance(value, dict) and key in ("taskDefinition", "cluster", "nodegroup"):
            found.append((key, [value]))
        elif isinstance(value, dict) and key == "Configuration":  # get-function
            concurrency = data.get("Concurrency")
            found.append((key, [{**value, "_Concurrency": concurrency}]))
    if not found and isinstance(data.get("FunctionName"), str):  # get-function-configuration
        found.append(("Functions", [data]))
    return found


def _tail(arn: Any, marker: str) -> str | None:
    """What follows `marker` in an ARN (cluster/NAME, autoScalingGroupName/NAME)."""
    if not isinstance(arn, str) or marker not in arn:
        return None
    return arn.rsplit(marker, 1)[1] or None


class ContainerReader:
    """Reads one source's container outputs into the facts, in SHAPES order."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.tasks: dict[str, TaskFacts] = {}  # task definition ARN (and family:revision)
        self.providers: dict[str, str] = {}  # capacity provider name -> scaling group name

    def handle(self, shape: str, raw: dict[str, Any], index: int) -> None:
        {
            "taskDefinition": self.task_definition,
            "capacityProviders": self.capacity_provider,
            "services": self.service,
            "ScalableTargets": self.scalable_target,
            "Functions": self.function,
            "Configuration": self.function,
            "cluster": self.eks_cluster,
            "nodegroup": self.node_group,
        }[shape](raw, index)

    def origin(self, address: str) -> Origin:
        return self.facts.origin(address)

    def task_definition(self, raw: dict[str, Any], index: int) -> None:
        task = TaskFacts(size(raw.get("cpu")), size(raw.get("memory")))
        if isinstance(raw.get("networkMode"), str):
            task.network_mode = raw["networkMode"]
        platform = raw.get("runtimePlatform")
        if (
            isinstance(platform, dict)
            and str(platform.get("cpuArchitecture", "")).upper() == "ARM64"
        ):
            task.architecture = "arm64"
        arn = raw.get("taskDefinitionArn")
        if isinstance(arn, str):
            self.tasks[arn] = task
            family = _tail(arn, "task-definition/")
            if family:
                self.tasks[family] = task

    def capacity_provider(self, raw: dict[str, Any], index: int) -> None:
        provider = raw.get("autoScalingGroupProvider")
        group = (
            _tail(provider.get("autoScalingGroupArn"), "autoScalingGroupName/")
            if isinstance(provider, dict)
            else None
        )
        if isinstance(raw.get("name"), str) and group:
            self.providers[raw["name"]] = group

    def service(self, raw: dict[str, Any], index: int) -> None:
        name = raw.get("serviceName")
        key = raw.get("serviceArn") if isinstance(raw.get("serviceArn"), str) else None
        key = key or (name if isinstance(name, str) else f"service-{index + 1}")
        label = name if isinstance(name, str) and name else key
        service = ServiceFacts(key, label, self.origin(key))
        service.name = name if isinstance(name, str) and name else None
        service.cluster = _tail(raw.get("clusterArn"), "cluster/")
        definition = raw.get("taskDefinition")
        service.task = self.tasks.get(definition) if isinstance(definition, str) else None
        if service.task is None and isinstance(definition, str):
            service.task = self.tasks.get(_tail(definition, "task-definition/") or "")
        network = raw.get("networkConfiguration")
        awsvpc = network.get("awsvpcConfiguration") if isinstance(network, dict) else None
        if isinstance(awsvpc, dict):
            service.subnets = [s for s in listed(awsvpc, "subnets") if isinstance(s, str)]
        service.desired = count(raw.get("desiredCount"))
        strategy = [
            item for item in listed(raw, "capacityProviderStrategy") if isinstance(item, dict)
        ]
        launch = raw.get("launchType")
        if isinstance(launch, str) and launch.upper() == "FARGATE" and not strategy:
            service.launch_type = "fargate"
        elif strategy:
            weights: dict[str, int] = {}
            groups = []
            for item in strategy:
                provider = item.get("capacityProvider")
                if provider in ("FARGATE", "FARGATE_SPOT"):
                    weights[str(provider)] = weights.get(str(provider), 0) + (
                        count(item.get("weight")) or 0
                    )
                elif isinstance(provider, str) and provider in self.providers:
                    groups.append(self.providers[provider])
                else:
                    groups.append("")
            share = spot_share(weights)
            if groups and not weights and len(set(groups)) == 1 and groups[0]:
                service.launch_type, service.provider_group = "ec2", groups[0]
            elif not groups and share is not None:
                service.launch_type, service.spot_percent = "fargate", share
            else:
                service.missing.append("capacity provider strategy (one scaling group, or Fargate)")
        elif isinstance(launch, str) and launch:
            service.missing.append(f"capacity provider (launch type {launch})")
        self.facts.containers.services.setdefault(key, service)

    def scalable_target(self, raw: dict[str, Any], index: int) -> None:
        """An ECS service's MinCapacity and MaxCapacity (describe-scalable-targets)."""
        if raw.get("ServiceNamespace") != NAMESPACE or raw.get("ScalableDimension") != DIMENSION:
            return  # another service's target: not archplan's
        resource_id = raw.get("ResourceId")
        address = resource_id if isinstance(resource_id, str) else f"scalable-target-{index + 1}"
        found = service_named(self.facts.containers.services, resource_id)
        if found is None:
            self.facts.issue(
                f"scalable target {address}: names no ECS service of the sources (give its "
                "describe-services output too); it is not read",
                address,
            )
            return
        problem = scale(found, raw.get("MinCapacity"), raw.get("MaxCapacity"), address)
        if problem is not None:
            self.facts.issue(f"scalable target {address}: {problem}", address)

    def function(self, raw: dict[str, Any], index: int) -> None:
        name = raw.get("FunctionName")
        key = name if isinstance(name, str) and name else f"function-{index + 1}"
        function = FunctionFacts(key, key, self.origin(key))
        memory = count(raw.get("MemorySize"))
        if memory:
            function.memory = memory
        if raw.get("Architectures") == ["arm64"]:
            function.architecture = "arm64"
        concurrency = raw.get("_Concurrency")
        if isinstance(concurrency, dict):
            function.reserved = count(concurrency.get("ReservedConcurrentExecutions"))
        config = raw.get("VpcConfig")
        if isinstance(config, dict):
            function.subnets = [s for s in listed(config, "SubnetIds") if isinstance(s, str)]
        self.facts.containers.functions.setdefault(key, function)

    def eks_cluster(self, raw: dict[str, Any], index: int) -> None:
        name = raw.get("name")
        key = name if isinstance(name, str) and name else f"cluster-{index + 1}"
        cluster = ClusterFacts(key, key, self.origin(key))
        config = raw.get("resourcesVpcConfig")
        if isinstance(config, dict):
            cluster.subnets = [s for s in listed(config, "subnetIds") if isinstance(s, str)]
        self.facts.containers.clusters.setdefault(key, cluster)

    def node_group(self, raw: dict[str, Any], index: int) -> None:
        name = raw.get("nodegroupName")
        cluster = raw.get("clusterName")
        key = f"{cluster}/{name}" if isinstance(name, str) else f"nodegroup-{index + 1}"
        group = NodeGroupFacts(
            key,
            name if isinstance(name, str) else key,
            self.origin(key),
            cluster if isinstance(cluster, str) else None,
        )
        group.instance_types = [t for t in listed(raw, "instanceTypes") if isinstance(t, str)]
        group.subnets = [s for s in listed(raw, "subnets") if isinstance(s, str)]
        scaling = raw.get("scalingConfig")
        if isinstance(scaling, dict):
            group.min = count(scaling.get("minSize"))
            group.max = count(scaling.get("maxSize"))
            group.desired = count(scaling.get("desiredSize"))
        self.facts.containers.node_groups.setdefault(key, group)
