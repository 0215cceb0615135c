"""Decoded `services:`, `functions:`, `kubernetes:` and `instance_types:` to the model, reporting
references to objects that do not exist and settings AWS would refuse together.

Called by archplan.build.Builder once the VPCs and scaling groups are built; problems go to the
same builder, so they are reported (and counted as rejected) exactly like the network's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.decode import INVALID_VALUE, MISSING_FIELD
from archplan.findings import Path
from archplan.model import Rejection, ScalingGroup, Vpc
from archplan.model_containers import (
    Cluster,
    Demand,
    FargatePrices,
    Function,
    InstanceSpec,
    LambdaPrices,
    NodeGroup,
    PodNetworking,
    Service,
    Workload,
)

if TYPE_CHECKING:
    from archplan.build import Builder


class Containers:
    """What the containers' sections build to."""

    def __init__(self) -> None:
        self.instance_specs: dict[str, InstanceSpec] = {}
        self.services: dict[str, Service] = {}
        self.functions: dict[str, Function] = {}
        self.clusters: dict[str, Cluster] = {}


def build_containers(
    builder: Builder,
    data: dict[str, Any],
    vpcs: dict[str, Vpc],
    groups: dict[str, ScalingGroup],
    region: str | None,
) -> Containers:
    """Build the four sections; references are checked against `vpcs` and `groups`."""
    built = Containers()
    built.instance_specs = {
        name: InstanceSpec(fields["vcpu"], fields["memory"], ("instance_types", name))
        for name, fields in data.get("instance_types", {}).items()
        if "vcpu" in fields and "memory" in fields
    }
    services = {
        name: _service(builder, name, raw, vpcs, groups)
        for name, raw in data.get("services", {}).items()
    }
    functions = {
        name: _function(builder, name, raw, vpcs, region)
        for name, raw in data.get("functions", {}).items()
    }
    clusters = {
        name: _cluster(builder, name, raw, vpcs) for name, raw in data.get("kubernetes", {}).items()
    }
    # After the references are checked: their problems are the object's too.
    invalid = builder._invalid_in("services")
    built.services = {
        name: service._replace(invalid=invalid.get(name, {})) for name, service in services.items()
    }
    invalid = builder._invalid_in("functions")
    built.functions = {
        name: function._replace(invalid=invalid.get(name, {}))
        for name, function in functions.items()
    }
    built.clusters = {
        name: cluster._replace(
            workloads={
                workload: record._replace(invalid=_invalid_under(builder, record.path))
                for workload, record in cluster.workloads.items()
            }
        )
        for name, cluster in clusters.items()
    }
    return built


def _invalid_under(builder: Builder, path: Path) -> dict[Path, Rejection]:
    size = len(path)
    return {
        found[size:]: rejection
        for found, rejection in builder.rejected.items()
        if len(found) > size and found[:size] == path
    }


def _demand(raw: dict[str, Any]) -> Demand:
    demand = raw.get("demand", {})
    hourly = demand.get("hourly")
    return Demand(
        demand.get("unit"), tuple(hourly) if hourly is not None else None, demand.get("file")
    )


def _subnets(
    builder: Builder,
    raw: dict[str, Any],
    vpc: Vpc | None,
    vpcs: dict[str, Vpc],
    path: Path,
    key: str = "subnets",
) -> tuple[str, ...]:
    """The subnets listed under `raw["subnets"]`, each checked to be in `vpc` (written at
    `path.key`)."""
    subnets = tuple(raw.get("subnets", ()))
    for index, subnet in enumerate(subnets):
        if vpc is not None and subnet not in vpc.subnets:
            builder._unknown_subnet(subnet, vpc, vpcs, (*path, key, index))
    return subnets


def _service(
    builder: Builder,
    name: str,
    raw: dict[str, Any],
    vpcs: dict[str, Vpc],
    groups: dict[str, ScalingGroup],
) -> Service:
    path: Path = ("services", name)
    vpc = vpcs.get(raw.get("vpc", ""))
    builder._vpc_reference(raw.get("vpc"), vpcs, (*path, "vpc"))
    subnets = _subnets(builder, raw, vpc, vpcs, path)
    launch_type = raw.get("launch_type")
    provider = raw.get("capacity_provider")
    network_mode = raw.get("network_mode", "awsvpc")
    if launch_type == "ec2":
        if provider is None and (*path, "capacity_provider") not in builder.rejected:
            builder.report(
                MISSING_FIELD,
                'missing "capacity_provider": an ec2 service runs on a scaling group',
                path,
                on_key=True,
            )
        elif provider is not None and provider not in groups:
            builder.unknown("scaling group", provider, groups, (*path, "capacity_provider"))
        if "fargate_spot_percent" in raw:
            builder.report(
                INVALID_VALUE,
                "fargate_spot_percent applies to fargate services only (this one is ec2)",
                (*path, "fargate_spot_percent"),
                on_key=True,
            )
    elif launch_type == "fargate":
        # "Fargate task definitions must use awsvpc" (ECS developer guide, AWS Fargate).
        if network_mode != "awsvpc":
            builder.report(
                INVALID_VALUE,
                f'Fargate tasks use the awsvpc network mode only, not "{network_mode}"',
                (*path, "network_mode"),
            )
        for key in ("capacity_provider", "trunking"):
            if key in raw:
                builder.report(
                    INVALID_VALUE,
                    f"{key} applies to ec2 services only (this one is fargate)",
                    (*path, key),
                    on_key=True,
                )
    _check_bounds(builder, raw, path)
    capacity = raw.get("capacity", {})
    return Service(
        name=name,
        cluster=raw.get("cluster"),
        vpc=raw.get("vpc"),
        subnets=subnets,
        security_groups=tuple(raw.get("security_groups", ())),
        launch_type=launch_type,
        fargate_spot_percent=raw.get("fargate_spot_percent", 0),
        capacity_provider=provider,
        trunking=raw.get("trunking", False),
        architecture=raw.get("architecture", "x86_64"),
        cpu=raw.get("cpu"),
        memory=raw.get("memory"),
        network_mode=network_mode,
        image_registry=raw.get("image_registry", "ecr"),
        aws_services=tuple(raw.get("aws_services", ())),
        min=raw.get("min"),
        max=raw.get("max"),
        desired=raw.get("desired"),
        per_task=capacity.get("per_task"),
        target_utilization=capacity.get("target_utilization", 100),
        demand=_demand(raw),
        survive_az_loss=raw.get("availability", {}).get("survive_az_loss", False),
        path=path,
    )


def _check_bounds(builder: Builder, raw: dict[str, Any], path: Path) -> None:
    """min <= desired <= max, as Application Auto Scaling and ECS require."""
    low, high, desired = raw.get("min"), raw.get("max"), raw.get("desired")
    if low is not None and high is not None and low > high:
        builder.report(INVALID_VALUE, f"min {low} is above max {high}", (*path, "min"))
    elif desired is not None and low is not None and desired < low:
        builder.report(INVALID_VALUE, f"desired {desired} is below min {low}", (*path, "desired"))
    elif desired is not None and high is not None and desired > high:
        builder.report(INVALID_VALUE, f"desired {desired} is above max {high}", (*path, "desired"))


def _function(
    builder: Builder, name: str, raw: dict[str, Any], vpcs: dict[str, Vpc], region: str | None
) -> Function:
    path: Path = ("functions", name)
    builder._missing_region(raw, region, path)
    vpc = vpcs.get(raw.get("vpc", ""))
    builder._vpc_reference(raw.get("vpc"), vpcs, (*path, "vpc"))
    subnets = _subnets(builder, raw, vpc, vpcs, path)
    if "vpc" in raw and "subnets" not in raw and (*path, "subnets") not in builder.rejected:
        builder.report(
            MISSING_FIELD,
            'missing "subnets": a function in a VPC names its subnets',
            path,
            on_key=True,
        )
    if "subnets" in raw and "vpc" not in raw and (*path, "vpc") not in builder.rejected:
        builder.report(
            MISSING_FIELD, 'missing "vpc": the VPC of the function\'s subnets', path, on_key=True
        )
    duration = raw.get("duration_ms", {})
    average, p95 = duration.get("average"), duration.get("p95")
    if average is not None and p95 is not None and p95 < average:
        builder.report(
            INVALID_VALUE,
            f"p95 duration {p95} ms is below the average {average} ms",
            (*path, "duration_ms", "p95"),
        )
    reserved, provisioned = raw.get("reserved_concurrency"), raw.get("provisioned_concurrency")
    if reserved is not None and provisioned is not None and provisioned > reserved:
        # Provisioned concurrency "counts towards a function's reserved concurrency".
        builder.report(
            INVALID_VALUE,
            f"provisioned concurrency {provisioned} is above the reserved concurrency "
            f"{reserved} it counts towards",
            (*path, "provisioned_concurrency"),
        )
    return Function(
        name=name,
        region=raw.get("region", region),
        memory=raw.get("memory"),
        architecture=raw.get("architecture", "x86_64"),
        duration_average=average,
        duration_p95=p95,
        reserved_concurrency=reserved,
        provisioned_concurrency=provisioned,
        vpc=raw.get("vpc"),
        subnets=subnets,
        security_groups=tuple(raw.get("security_groups", ())),
        aws_services=tuple(raw.get("aws_services", ())),
        demand=_demand(raw),
        path=path,
    )


def _cluster(builder: Builder, name: str, raw: dict[str, Any], vpcs: dict[str, Vpc]) -> Cluster:
    path: Path = ("kubernetes", name)
    vpc = vpcs.get(raw.get("vpc", ""))
    builder._vpc_reference(raw.get("vpc"), vpcs, (*path, "vpc"))
    subnets = _subnets(builder, raw, vpc, vpcs, path)
    net = raw.get("pod_networking", {})
    net_path = (*path, "pod_networking")
    custom = _subnets(
        builder,
        {"subnets": net.get("custom_networking", ())},
        vpc,
        vpcs,
        net_path,
        "custom_networking",
    )
    networking = PodNetworking(
        prefix_delegation=net.get("prefix_delegation", False),
        custom_subnets=custom,
        warm_eni_target=net.get("warm_eni_target", 1),
        warm_ip_target=net.get("warm_ip_target"),
        minimum_ip_target=net.get("minimum_ip_target"),
        warm_prefix_target=net.get("warm_prefix_target", 1),
    )
    node_groups: dict[str, NodeGroup] = {}
    for group_name, fields in raw.get("node_groups", {}).items():
        group_path = (*path, "node_groups", group_name)
        _check_bounds(builder, fields, group_path)
        node_groups[group_name] = NodeGroup(
            name=group_name,
            cluster=name,
            instance_types=tuple(dict.fromkeys(fields.get("instance_types", ()))),
            subnets=_subnets(builder, fields, vpc, vpcs, group_path),
            min=fields.get("min"),
            max=fields.get("max"),
            desired=fields.get("desired"),
            max_pods=fields.get("max_pods"),
            path=group_path,
        )
    workloads: dict[str, Workload] = {}
    for workload_name, fields in raw.get("workloads", {}).items():
        workload_path = (*path, "workloads", workload_name)
        node_group = fields.get("node_group")
        if node_group is None and len(node_groups) == 1:
            node_group = next(iter(node_groups))
        elif node_group is None and (*workload_path, "node_group") not in builder.rejected:
            builder.report(
                MISSING_FIELD,
                'missing "node_group": the cluster has several node groups',
                workload_path,
                on_key=True,
            )
        elif node_group is not None and node_group not in node_groups:
            builder.unknown(
                "node group",
                node_group,
                node_groups,
                (*workload_path, "node_group"),
                f' in cluster "{name}"',
            )
        if "replicas" not in fields:
            _check_bounds(builder, fields, workload_path)
        capacity = fields.get("capacity", {})
        workloads[workload_name] = Workload(
            name=workload_name,
            cluster=name,
            node_group=node_group,
            cpu=fields.get("cpu"),
            memory=fields.get("memory"),
            replicas=fields.get("replicas"),
            min=fields.get("min", fields.get("replicas")),
            max=fields.get("max"),
            per_pod=capacity.get("per_pod"),
            target_utilization=capacity.get("target_utilization", 100),
            demand=_demand(fields),
            survive_az_loss=fields.get("availability", {}).get("survive_az_loss", False),
            path=workload_path,
        )
    return Cluster(
        name=name,
        vpc=raw.get("vpc"),
        subnets=subnets,
        aws_services=tuple(raw.get("aws_services", ())),
        networking=networking,
        node_groups=node_groups,
        workloads=workloads,
        path=path,
    )


def fargate_prices(raw: dict[str, Any] | None) -> FargatePrices | None:
    if raw is None:
        return None
    return FargatePrices(
        raw.get("vcpu_hour"),
        raw.get("gb_hour"),
        raw.get("arm_vcpu_hour"),
        raw.get("arm_gb_hour"),
        raw.get("spot_discount"),
    )


def lambda_prices(raw: dict[str, Any] | None) -> LambdaPrices | None:
    if raw is None:
        return None
    return LambdaPrices(
        raw.get("gb_second"), raw.get("arm_gb_second"), raw.get("requests_per_million")
    )
