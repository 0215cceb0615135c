"""Terraform ECS, Lambda and EKS resources of a plan to container facts: clusters, task
definitions and capacity providers first, then the services, functions and node groups that
point at them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from archplan.importers.tf_plan import Resource

if TYPE_CHECKING:
    from archplan.importers.tf_resources import Importer

FIRST = (
    "aws_ecs_cluster",
    "aws_ecs_task_definition",
    "aws_ecs_capacity_provider",
    "aws_eks_cluster",
)
THEN = ("aws_ecs_service", "aws_lambda_function", "aws_eks_node_group")
LAST = ("aws_appautoscaling_target",)  # after the services whose desired count they scale


class ContainerImporter:
    """Reads the plan's containers into the importer's facts."""

    def __init__(self, importer: Importer) -> None:
        self.importer = importer
        self.facts = importer.facts.containers
        self.clusters: dict[str, str] = {}  # ECS cluster key -> its name
        self.tasks: dict[str, TaskFacts] = {}
        self.providers: dict[str, str] = {}  # capacity provider key -> scaling group key
        self.provider_names: dict[str, str] = {}  # capacity provider name -> its key

    def handle(self, resource: Resource) -> None:
        handler = {
            "aws_ecs_cluster": self.cluster,
            "aws_ecs_task_definition": self.task_definition,
            "aws_ecs_capacity_provider": self.capacity_provider,
            "aws_eks_cluster": self.eks_cluster,
            "aws_ecs_service": self.service,
            "aws_lambda_function": self.function,
            "aws_eks_node_group": self.node_group,
            "aws_appautoscaling_target": self.scalable_target,
        }.get(resource.type)
        if handler is not None:
            handler(resource)

    def _block(self, resource: Resource, attribute: str) -> tuple[dict[str, Any], Any]:
        """The first nested block `attribute` and its configuration expression."""
        value = resource.values.get(attribute)
        block = value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else {}
        expression = resource.expressions.get(attribute)
        nested = (
            expression[0]
            if isinstance(expression, list) and expression and isinstance(expression[0], dict)
            else {}
        )
        return block, nested

    def _all(self, resource: Resource, expression: Any, kinds: tuple[str, ...]) -> list[Resource]:
        """Every resource of `kinds` the expression's references name, in order: a list
        written `[aws_subnet.a.id, aws_subnet.b.id]` names both (plan.follow takes the first
        reference that resolves, for single values)."""
        references = expression.get("references") if isinstance(expression, dict) else None
        if not isinstance(references, list):
            return []
        found: dict[str, Resource] = {}
        for reference in references:
            for match in self.importer.plan.follow(
                resource, {"references": [reference]}, kinds, many=True
            ):
                found.setdefault(match.address, match)
        return list(found.values())

    def _subnets(
        self, resource: Resource, block: dict[str, Any], nested: dict[str, Any], key: str
    ) -> list[str]:
        found = self._all(resource, nested.get(key), ("aws_subnet",))
        if not found:
            ids = block.get(key)
            plan = self.importer.plan
            listed = (
                [plan.by_id(value) for value in ids if isinstance(value, str)]
                if isinstance(ids, list)
                else []
            )
            found = [subnet for subnet in listed if subnet is not None]
        if found:
            return [self.importer.key(subnet) for subnet in found if subnet.type == "aws_subnet"]
        ids = block.get(key)
        return [value for value in ids if isinstance(value, str)] if isinstance(ids, list) else []

    # -- ECS --------------------------------------------------------------------------------

    def cluster(self, resource: Resource) -> None:
        name = resource.values.get("name")
        self.clusters[self.importer.key(resource)] = (
            name if isinstance(name, str) else resource.name
        )

    def task_definition(self, resource: Resource) -> None:
        values = resource.values
        task = TaskFacts(size(values.get("cpu")), size(values.get("memory")))
        mode = values.get("network_mode")
        if isinstance(mode, str) and mode:
            task.network_mode = mode
        platform, _ = self._block(resource, "runtime_platform")
        if str(platform.get("cpu_architecture", "")).upper() == "ARM64":
            task.architecture = "arm64"
        self.tasks[self.importer.key(resource)] = task

    def capacity_provider(self, resource: Resource) -> None:
        _, nested = self._block(resource, "auto_scaling_group_provider")
        groups = self.importer.plan.follow(
            resource, nested.get("auto_scaling_group_arn"), ("aws_autoscaling_group",)
        )
        key = self.importer.key(resource)
        if groups:
            self.providers[key] = self.importer.key(groups[0])
        name = resource.values.get("name")
        if isinstance(name, str):
            self.provider_names[name] = key

    def service(self, resource: Resource) -> None:
        importer = self.importer
        values = resource.values
        service = ServiceFacts(
            importer.key(resource), importer.label(resource), importer.origin(resource)
        )
        clusters = importer.plan.resolve(resource, "cluster", ("aws_ecs_cluster",))
        if clusters:
            service.cluster = self.clusters.get(importer.key(clusters[0]))
        tasks = importer.plan.resolve(resource, "task_definition", ("aws_ecs_task_definition",))
        if tasks:
            service.task = self.tasks.get(importer.key(tasks[0]))
        block, nested = self._block(resource, "network_configuration")
        service.subnets = self._subnets(resource, block, nested, "subnets")
        service.desired = count(values.get("desired_count"))
        if isinstance(values.get("name"), str):
            service.name = values["name"]
        launch = values.get("launch_type")
        strategy = values.get("capacity_provider_strategy")
        if isinstance(launch, str) and launch.upper() == "FARGATE":
            service.launch_type = "fargate"
        elif isinstance(strategy, list) and strategy:
            self._strategy(resource, service, strategy)
        elif isinstance(launch, str) and launch:
            service.missing.append(f"capacity provider (launch type {launch})")
        self.facts.services[service.key] = service

    def scalable_target(self, resource: Resource) -> None:
        """An ECS service's min_capacity and max_capacity, for the aws_ecs_service its
        resource_id refers to (or, written out, spells)."""
        values = resource.values
        if values.get("service_namespace") != NAMESPACE:
            return  # DynamoDB, Aurora ...: not archplan's
        if values.get("scalable_dimension") != DIMENSION:
            return
        importer = self.importer
        services = importer.plan.resolve(resource, "resource_id", ("aws_ecs_service",))
        found = self.facts.services.get(importer.key(services[0])) if len(services) == 1 else None
        if found is None:
            found = service_named(self.facts.services, values.get("resource_id"))
        if found is None:
            importer.issue(
                resource,
                f"{resource.address}: its resource_id names no aws_ecs_service of the plan; it "
                "is not read",
            )
            return
        problem = scale(
            found, values.get("min_capacity"), values.get("max_capacity"), resource.address
        )
        if problem is not None:
            importer.issue(resource, f"{resource.address}: {problem}")

    def _strategy(self, resource: Resource, service: ServiceFacts, strategy: list[Any]) -> None:
        weights: dict[str, int] = {}
        groups: list[str] = []
        expressions = resource.expressions.get("capacity_provider_strategy")
        for index, item in enumerate(strategy):
            if not isinstance(item, dict):
                continue
            name = item.get("capacity_provider")
            weight = count(item.get("weight")) or 0
            if name in ("FARGATE", "FARGATE_SPOT"):
                weights[str(name)] = weights.get(str(name), 0) + weight
                continue
            expression = (
                expressions[index].get("capacity_provider")
                if isinstance(expressions, list)
                and index < len(expressions)
                and isinstance(expressions[index], dict)
                else None
            )
            found = self.importer.plan.follow(resource, expression, ("aws_ecs_capacity_provider",))
            key = self.importer.key(found[0]) if found else self.provider_names.get(str(name))
            group = self.providers.get(key or "")
            if group is not None:
                groups.append(group)
        if groups and not weights and len(set(groups)) == 1:
            service.launch_type = "ec2"
            service.provider_group = groups[0]
            return
        share = spot_share(weights)
        if groups or share is None:
            service.missing.append("capacity provider strategy (one scaling group, or Fargate)")
            return
        service.launch_type = "fargate"
        service.spot_percent = share

    # -- Lambda -----------------------------------------------------------------------------

    def function(self, resource: Resource) -> None:
        importer = self.importer
        values = resource.values
        name = values.get("function_name")
        function = FunctionFacts(
            importer.key(resource),
            name if isinstance(name, str) and name else importer.label(resource),
            importer.origin(resource),
        )
        memory = count(values.get("memory_size"))
        if memory:
            function.memory = memory
        if values.get("architectures") == ["arm64"]:
            function.architecture = "arm64"
        reserved = count(values.get("reserved_concurrent_executions"))  # -1: unreserved
        if reserved is not None:
            function.reserved = reserved
        block, nested = self._block(resource, "vpc_config")
        function.subnets = self._subnets(resource, block, nested, "subnet_ids")
        self.facts.functions[function.key] = function

    # -- EKS --------------------------------------------------------------------------------

    def eks_cluster(self, resource: Resource) -> None:
        importer = self.importer
        name = resource.values.get("name")
        cluster = ClusterFacts(
            importer.key(resource),
            name if isinstance(name, str) and name else importer.label(resource),
            importer.origin(resource),
        )
        block, nested = self._block(resource, "vpc_config")
        cluster.subnets = self._subnets(resource, block, nested, "subnet_ids")
        self.facts.clusters[cluster.key] = cluster

    def node_group(self, resource: Resource) -> None:
        importer = self.importer
        values = resource.values
        clusters = importer.plan.resolve(resource, "cluster_name", ("aws_eks_cluster",))
        name = values.get("node_group_name")
        group = NodeGroupFacts(
            importer.key(resource),
            name if isinstance(name, str) and name else importer.label(resource),
            importer.origin(resource),
            importer.key(clusters[0]) if clusters else None,
        )
        types = values.get("instance_types")
        if isinstance(types, list):
            group.instance_types = [value for value in types if isinstance(value, str)]
        subnets = self._all(resource, resource.expressions.get("subnet_ids"), ("aws_subnet",))
        subnets = subnets or importer.plan.resolve(
            resource, "subnet_ids", ("aws_subnet",), many=True
        )
        if subnets:
            group.subnets = [importer.key(subnet) for subnet in subnets]
        elif isinstance(values.get("subnet_ids"), list):
            group.subnets = [value for value in values["subnet_ids"] if isinstance(value, str)]
        scaling, _ = self._block(resource, "scaling_config")
        group.min = count(scaling.get("min_size"))
        group.max = count(scaling.get("max_size"))
        group.desired = count(scaling.get("desired_size"))
        self.facts.node_groups[group.key] = group
