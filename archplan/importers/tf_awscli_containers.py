"""Containers and functions from Terraform plans and AWS CLI output: the facts each source
fills in, and their assembly into `services`, `functions` and `kubernetes`.

The sources say different things in different shapes (a task definition is a resource of its
own in Terraform, a `describe-task-definition` document in the CLI); both reduce to these facts,
keyed like the network's (subnets by their key, groups by theirs), so one assembly names them
and decides what waits under x-incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from archplan.importers.common import Origin, object_name

if TYPE_CHECKING:
    from archplan.importers.tf_awscli_document import _Assembly


@dataclass(slots=True)
class TaskFacts:
    """A task definition: its task-level size and network mode."""

    cpu: int | None = None
    memory: int | None = None
    network_mode: str = "bridge"  # ECS's default on Linux
    architecture: str | None = None


@dataclass(slots=True)
class ServiceFacts:
    key: str
    label: str
    origin: Origin
    cluster: str | None = None
    subnets: list[str] = field(default_factory=list)
    launch_type: str | None = None  # fargate or ec2
    spot_percent: int = 0
    provider_group: str | None = None  # key of the scaling group behind the capacity provider
    task: TaskFacts | None = None
    desired: int | None = None
    missing: list[str] = field(default_factory=list)
    name: str | None = None  # the ECS service name (a scalable target's ResourceId spells it)
    # From the Application Auto Scaling scalable target of its desired count, when the source
    # has one: its MinCapacity and MaxCapacity, and where they were read.
    min: int | None = None
    max: int | None = None
    scaled_by: str | None = None


NAMESPACE, DIMENSION = "ecs", "ecs:service:DesiredCount"


def service_named(services: dict[str, ServiceFacts], resource_id: Any) -> ServiceFacts | None:
    """The service an ECS scalable target's `service/CLUSTER/NAME` names (None when none, or
    when the text is not an ECS service's resource ID)."""
    if not isinstance(resource_id, str):
        return None
    parts = resource_id.split("/")
    if len(parts) != 3 or parts[0] != "service":
        return None
    _, cluster, name = parts
    found = [
        service
        for service in services.values()
        if (service.name or service.label) == name and service.cluster in (cluster, None)
    ]
    return found[0] if len(found) == 1 else None


def scale(service: ServiceFacts, low: Any, high: Any, source: str) -> str | None:
    """Take a scalable target's bounds for the service; a reason when they cannot be taken."""
    low_count, high_count = count(low), count(high)
    if low_count is None or high_count is None:
        return "its minimum and maximum capacity are not both whole numbers; it is not read"
    if service.scaled_by is not None:
        return f"a second scalable target for the service; the first, {service.scaled_by}, is read"
    service.min, service.max, service.scaled_by = low_count, high_count, source
    return None


@dataclass(slots=True)
class FunctionFacts:
    key: str
    label: str
    origin: Origin
    memory: int = 128  # Lambda's default
    architecture: str | None = None
    reserved: int | None = None
    subnets: list[str] = field(default_factory=list)


@dataclass(slots=True)
class NodeGroupFacts:
    key: str
    label: str
    origin: Origin
    cluster: str | None  # the cluster's key
    instance_types: list[str] = field(default_factory=list)
    subnets: list[str] = field(default_factory=list)
    min: int | None = None
    max: int | None = None
    desired: int | None = None


@dataclass(slots=True)
class ClusterFacts:
    key: str
    label: str
    origin: Origin
    subnets: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ContainerFacts:
    services: dict[str, ServiceFacts] = field(default_factory=dict)
    functions: dict[str, FunctionFacts] = field(default_factory=dict)
    clusters: dict[str, ClusterFacts] = field(default_factory=dict)
    node_groups: dict[str, NodeGroupFacts] = field(default_factory=dict)


def size(value: Any) -> int | None:
    """Task CPU units or memory MiB as the sources write them: 512, "512", "0.5 vCPU", "1 GB"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    parts = value.strip().lower().split()
    try:
        if len(parts) == 1:
            return int(parts[0])
        if len(parts) == 2 and parts[1] in ("vcpu", "gb"):
            scaled = float(parts[0]) * 1024
            return int(scaled) if scaled == int(scaled) else None
    except ValueError:
        return None
    return None


def count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value >= 0 else None


def spot_share(weights: dict[str, int]) -> int | None:
    """The Fargate Spot percentage of FARGATE / FARGATE_SPOT weights, rounded down."""
    total = sum(weights.values())
    if total <= 0:
        return None
    return weights.get("FARGATE_SPOT", 0) * 100 // total


def assemble_containers(assembly: _Assembly) -> dict[str, dict[str, Any]]:
    """`services`, `functions` and `kubernetes` of the document (each empty when none)."""
    facts = assembly.facts.containers
    return {
        "services": _services(assembly, facts),
        "functions": _functions(assembly, facts),
        "kubernetes": _clusters(assembly, facts),
    }


def _placed(assembly: _Assembly, keys: list[str]) -> tuple[str | None, list[str]]:
    """The VPC name and subnet names of subnet keys; (None, ...) unless all are one VPC's."""
    names = [assembly.subnet_names[key] for key in keys if key in assembly.subnet_names]
    vpcs = list(dict.fromkeys(assembly.subnet_vpc[k] for k in keys if k in assembly.subnet_vpc))
    if not keys or len(names) < len(keys) or len(vpcs) != 1 or vpcs[0] not in assembly.vpc_names:
        return None, names
    return assembly.vpc_names[vpcs[0]], names


def _services(assembly: _Assembly, facts: ContainerFacts) -> dict[str, Any]:
    out: dict[str, Any] = {}
    taken: set[str] = set()
    for key, service in facts.services.items():
        name = object_name(service.label, taken)
        vpc, subnets = _placed(assembly, service.subnets)
        missing = list(service.missing)
        if vpc is None:
            missing.append("subnets")
        task = service.task
        if task is None or task.cpu is None or task.memory is None:
            missing.append("cpu and memory (a task definition with task-level sizes)")
        group = None
        if service.launch_type == "ec2":
            group = assembly.group_names.get(service.provider_group or "")
            if group is None:
                missing.append("capacity_provider (a scaling group of the source)")
        elif service.launch_type is None:
            missing.append("launch_type")
        body: dict[str, Any] = {}
        if service.cluster:
            body["cluster"] = service.cluster
        if vpc is not None:
            body["vpc"] = vpc
        body["subnets"] = subnets or service.subnets
        if service.launch_type:
            body["launch_type"] = service.launch_type
        if service.launch_type == "fargate" and service.spot_percent:
            body["fargate_spot_percent"] = service.spot_percent
        if group is not None:
            body["capacity_provider"] = group
        if task is not None:
            for field_name in ("cpu", "memory"):
                if getattr(task, field_name) is not None:
                    body[field_name] = getattr(task, field_name)
            if task.architecture:
                body["architecture"] = task.architecture
            body["network_mode"] = task.network_mode
        low, high = service.min, service.max
        scaled = low is not None and high is not None
        desired = service.desired if service.desired is not None or scaled else 1
        if low is not None and high is not None:
            body.update(min=low, max=high)
            if desired is not None and low <= desired <= high:
                body["desired"] = desired
            elif desired is not None:
                assembly.facts.issue(
                    f'service "{name}": its desired count {desired} is outside '
                    f"{service.scaled_by}'s {low}..{high} (Application Auto Scaling moves it "
                    "into range); it is left out",
                    service.origin.address,
                )
        else:
            body.update(min=desired, max=desired, desired=desired)
        if missing:
            assembly.park(
                "services", name, {"source": key, "missing": missing, **body}, service.origin
            )
            assembly.facts.issue(
                f'service "{name}" kept under x-incomplete: the imported source does not give '
                f"its {', '.join(missing)}; complete it and move it under services",
                service.origin.address,
            )
            continue
        assembly.origins[("services", name)] = service.origin
        if not scaled:
            assembly.facts.issue(
                f'service "{name}": min and max are its desired count ({desired}): the source '
                "has no Application Auto Scaling scalable target for it",
                service.origin.address,
            )
        out[name] = body
    return out


def _functions(assembly: _Assembly, facts: ContainerFacts) -> dict[str, Any]:
    out: dict[str, Any] = {}
    taken: set[str] = set()
    for key, function in facts.functions.items():
        name = object_name(function.label, taken)
        body: dict[str, Any] = {"memory": function.memory}
        if function.architecture:
            body["architecture"] = function.architecture
        if function.reserved is not None:
            body["reserved_concurrency"] = function.reserved
        if function.subnets:
            vpc, subnets = _placed(assembly, function.subnets)
            if vpc is None:
                entry = {"source": key, "missing": ["subnets"], **body, "subnets": function.subnets}
                assembly.park("functions", name, entry, function.origin)
                assembly.facts.issue(
                    f'function "{name}" kept under x-incomplete: its subnets are not in the '
                    "imported source; complete it and move it under functions",
                    function.origin.address,
                )
                continue
            body["vpc"] = vpc
            body["subnets"] = subnets
        assembly.origins[("functions", name)] = function.origin
        out[name] = body
    return out


def _clusters(assembly: _Assembly, facts: ContainerFacts) -> dict[str, Any]:
    out: dict[str, Any] = {}
    taken: set[str] = set()
    names: dict[str, str] = {}
    for key, cluster in facts.clusters.items():
        name = object_name(cluster.label, taken)
        vpc, subnets = _placed(assembly, cluster.subnets)
        if vpc is None:
            entry = {"source": key, "missing": ["subnets"], "subnets": cluster.subnets}
            assembly.park("kubernetes", name, entry, cluster.origin)
            assembly.facts.issue(
                f'cluster "{name}" kept under x-incomplete: its subnets are not in the imported '
                "source; complete it and move it under kubernetes",
                cluster.origin.address,
            )
            continue
        names[key] = name
        assembly.origins[("kubernetes", name)] = cluster.origin
        out[name] = {"vpc": vpc, "subnets": subnets}
    groups_taken: dict[str, set[str]] = {}
    for key, group in facts.node_groups.items():
        cluster_name = names.get(group.cluster or "")
        vpc, subnets = _placed(assembly, group.subnets)
        missing = []
        if cluster_name is None:
            missing.append("cluster")
        if vpc is None or (cluster_name is not None and out[cluster_name]["vpc"] != vpc):
            missing.append("subnets")
        if group.min is None or group.max is None:
            missing.append("min and max")
        name = object_name(group.label, groups_taken.setdefault(cluster_name or "", set()))
        body: dict[str, Any] = {
            "instance_types": group.instance_types or ["t3.medium"],  # EKS's default type
            "subnets": subnets or group.subnets,
        }
        for field_name in ("min", "max", "desired"):
            if getattr(group, field_name) is not None:
                body[field_name] = getattr(group, field_name)
        if missing:
            entry = {"source": key, "missing": missing, **body}
            assembly.park("node_groups", name, entry, group.origin)
            assembly.facts.issue(
                f'node group "{name}" kept under x-incomplete: the imported source does not '
                f"give its {', '.join(missing)}; complete it and move it under its cluster",
                group.origin.address,
            )
            continue
        assert cluster_name is not None
        assembly.origins[("kubernetes", cluster_name, "node_groups", name)] = group.origin
        out[cluster_name].setdefault("node_groups", {})[name] = body
    return out
