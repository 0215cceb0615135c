"""Container rules: Fargate task sizes, subnet addresses at the peak and after an AZ loss, image
pulls from private subnets, services and node groups in one AZ, and services their capacity
provider cannot hold.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from archplan.containers_data import fargate_sizes
from archplan.findings import Severity
from archplan.model import Architecture, Subnet
from archplan.regions import known_distinct
from archplan.rules.registry import Problem, Related, rule
from archplan.rules.zones import known_zone

# The address and egress analyses and the container packer load only when a file has
# containers or functions (start-up: pre-commit runs archplan on every commit).
if TYPE_CHECKING:
    from archplan.analysis.addresses import SubnetLoad

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@rule("AP801", "fargate-task-size", ERROR, "A Fargate task size that AWS does not offer.")
def fargate_task_size(architecture: Architecture) -> Iterator[Problem]:
    """Fargate runs tasks only in fixed CPU and memory combinations: 0.25 vCPU with 0.5 to 2 GB,
    0.5 vCPU with 1 to 4 GB, 1 vCPU with 2 to 8 GB and so on up to 32 vCPU. Any other pair
    is refused when the task definition is registered ("Invalid 'cpu' setting for task";
    Terraform: "No Fargate configuration exists for given values"). archplan checks the pair
    against AWS's table, shipped in archplan/data/fargate-task-sizes.csv.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: fargate
            cpu: 256
            memory: 4096
            min: 2
            max: 4

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: fargate
            cpu: 512
            memory: 4096
            min: 2
            max: 4

    References:
        Amazon ECS Developer Guide, "Troubleshoot Amazon ECS task definition invalid CPU or memory errors" <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html>
    """
    sizes = None
    for service in architecture.services.values():
        if service.launch_type != "fargate" or service.cpu is None or service.memory is None:
            continue
        if sizes is None:
            sizes = fargate_sizes()
        if (service.cpu, service.memory) in sizes:
            continue
        offered = sorted(memory for cpu, memory in sizes if cpu == service.cpu)
        if offered:
            hint = f"with {service.cpu} CPU units Fargate offers {_memories(offered)} MiB"
        else:
            cpus = ", ".join(str(cpu) for cpu in sorted({cpu for cpu, _ in sizes}))
            hint = f"Fargate offers {cpus} CPU units"
        yield Problem(
            f'service "{service.name}" asks Fargate for {service.cpu} CPU units and '
            f"{service.memory} MiB, which is not a Fargate size; {hint}",
            (*service.path, "memory" if offered else "cpu"),
        )


def _memories(values: list[int]) -> str:
    if len(values) <= 4:
        return ", ".join(str(value) for value in values)
    step = values[1] - values[0]
    if all(b - a == step for a, b in itertools.pairwise(values)):
        return f"{values[0]} to {values[-1]} in steps of {step}"
    return ", ".join(str(value) for value in values)


def _describe(load: SubnetLoad) -> str:
    parts = "; ".join(f"{consumer.what}: {taken}" for consumer, taken in load.shares)
    return (
        f'subnet "{load.subnet.name}" has {load.usable} usable addresses (size less the 5 AWS '
        f"reserves) and needs {load.needed} at the peak ({parts})"
    )


def _related(load: SubnetLoad) -> tuple[Related, ...]:
    return tuple(
        Related(f"{consumer.what.split(':')[0]} takes addresses here", consumer.path)
        for consumer, _ in load.shares
    )


@rule(
    "AP802",
    "subnet-addresses-exhausted-at-peak",
    ERROR,
    "A subnet runs out of addresses when its tasks, pods and functions peak.",
)
def subnet_addresses_exhausted_at_peak(architecture: Architecture) -> Iterator[Problem]:
    """Every awsvpc task, every EKS pod and node, each Lambda network interface and each
    instance takes an IPv4 address in its subnet. When a subnet is full, tasks stop launching,
    pods stay pending and functions fail to scale: the classic outage of clusters that grow.

    archplan adds up, per subnet, what each user takes at its peak, spread evenly over its
    subnets (the fullest gets ⌈units / subnets⌉): services at `max` tasks (awsvpc only: bridge
    and host tasks use their instance's address); node groups at `max` nodes, each holding the
    addresses the VPC CNI keeps for its pods and its warm pool (secondary IPs: whole ENIs, one
    spare by default; prefix delegation: /28 prefixes); one Lambda interface per subnet for each
    set of security groups; scaling groups at max with their rebalancing margin (as AP510
    counts them); interface endpoints one each. Deployments that surge above the desired count
    need more. Only subnets with a task, pod or function are reported here (AP510 covers
    instances alone).

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/27, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.0.32/27, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: fargate
            cpu: 256
            memory: 512
            min: 2
            max: 60

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/26, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.0.64/26, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: fargate
            cpu: 256
            memory: 512
            min: 2
            max: 50

    References:
        Amazon ECS Developer Guide, "Amazon ECS task networking options for the EC2 launch type" <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html>
        Amazon EKS Best Practices Guide, "Optimizing IP Address Utilization" <https://docs.aws.amazon.com/eks/latest/best-practices/ip-opt.html>
        AWS Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC" <https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html>
        Amazon VPC User Guide, "Subnet CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>
    """
    if not (architecture.services or architecture.functions or architecture.clusters):
        return
    from archplan.analysis.addresses import subnet_loads

    for load in subnet_loads(architecture):
        if load.containers and load.needed > load.usable:
            yield Problem(
                f"{_describe(load)}; use a larger subnet, more subnets, or lower max",
                (*load.subnet.path, "cidr"),
                _related(load),
            )


@rule(
    "AP803",
    "subnet-addresses-after-az-loss",
    WARNING,
    "A subnet runs out of addresses when another AZ is lost and its tasks move in.",
)
def subnet_addresses_after_az_loss(architecture: Architecture) -> Iterator[Problem]:
    """When an Availability Zone fails, ECS starts the lost tasks in the service's other
    subnets, the cluster's nodes and pods are replaced in the zones left, and scaling groups
    launch their instances there: the remaining subnets must hold what the lost zone held too.

    For each zone whose loss leaves a subnet short (the subnet itself not in that zone), the
    count of subnet-addresses-exhausted-at-peak (AP802) is redone with every user spread over
    its subnets outside the lost zone; the worst zone is reported. A subnet already short with
    every zone up is AP802's finding, not this one.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/26, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.0.64/26, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: fargate
            cpu: 256
            memory: 512
            min: 2
            max: 80

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/25, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.0.128/25, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: fargate
            cpu: 256
            memory: 512
            min: 2
            max: 80

    References:
        Amazon ECS Developer Guide, "Balancing an Amazon ECS service across Availability Zones" <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html>
        Amazon VPC User Guide, "Subnet CIDR blocks" <https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>
    """
    if not (architecture.services or architecture.functions or architecture.clusters):
        return
    from archplan.analysis.addresses import subnet_loads

    up = {(load.subnet.vpc, load.subnet.name): load for load in subnet_loads(architecture)}
    zones = sorted(
        {
            subnet.az
            for load in up.values()
            if load.containers
            for consumer, _ in load.shares
            for subnet in consumer.subnets
            if subnet.az is not None
        }
    )
    worst: dict[tuple[str, str], tuple[SubnetLoad, str]] = {}
    for zone in zones:
        for load in subnet_loads(architecture, zone):
            key = (load.subnet.vpc, load.subnet.name)
            before = up.get(key)
            if before is None or before.needed > before.usable or not load.containers:
                continue
            if load.needed > load.usable and (
                key not in worst or load.needed > worst[key][0].needed
            ):
                worst[key] = (load, zone)
    for load, zone in worst.values():
        yield Problem(
            f"with {zone} lost, {_describe(load)}; use a larger subnet or more subnets",
            (*load.subnet.path, "cidr"),
            _related(load),
        )


def _subnets(
    architecture: Architecture, vpc_name: str | None, names: tuple[str, ...]
) -> list[Subnet]:
    vpc = architecture.vpcs.get(vpc_name or "")
    if vpc is None:
        return []
    return [vpc.subnets[name] for name in dict.fromkeys(names) if name in vpc.subnets]


@rule(
    "AP804",
    "image-pull-no-egress",
    ERROR,
    "Tasks or pods in a subnet with neither a way out nor the endpoints to pull images.",
)
def image_pull_no_egress(architecture: Architecture) -> Iterator[Problem]:
    """A task or pod starts by pulling its image. From Amazon ECR that takes the ecr.api and
    ecr.dkr interface endpoints (private DNS on) and the S3 gateway endpoint on the subnet's
    route table, where ECR keeps the layers (S3 interface endpoints do not work for ECR); an
    image from another registry needs a way out. A subnet whose route table has no default
    route (to a NAT gateway, an internet gateway or anything else but a blackhole) and lacks
    one of those endpoints cannot start the task: it fails with CannotPullContainerError.
    Services also list in `aws_services` what else they call (`logs` for the awslogs driver,
    `secretsmanager`, `ssm` ...), each needing its endpoint the same way.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: private}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: private}
            route_tables:
              private: {routes: {}}
            endpoints:
              ecr-api: {service: ecr.api, type: interface, subnets: [app-a, app-b]}
              ecr-dkr: {service: ecr.dkr, type: interface, subnets: [app-a, app-b]}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: fargate
            cpu: 256
            memory: 512
            min: 2
            max: 4

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: private}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: private}
            route_tables:
              private: {routes: {}}
            endpoints:
              ecr-api: {service: ecr.api, type: interface, subnets: [app-a, app-b]}
              ecr-dkr: {service: ecr.dkr, type: interface, subnets: [app-a, app-b]}
              s3: {service: s3, type: gateway, route_tables: [private]}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: fargate
            cpu: 256
            memory: 512
            min: 2
            max: 4

    References:
        Amazon ECR User Guide, "Amazon ECR interface VPC endpoints (AWS PrivateLink)" <https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html>
        Amazon ECS Developer Guide, "Amazon ECS interface VPC endpoints (AWS PrivateLink)" <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html>
    """
    for service in architecture.services.values():
        yield from _pull_problems(
            architecture,
            f'service "{service.name}"',
            service.vpc,
            service.subnets,
            service.aws_services,
            service.image_registry == "ecr",
            (*service.path, "subnets"),
        )
    for cluster in architecture.clusters.values():
        for group in cluster.node_groups.values():
            yield from _pull_problems(
                architecture,
                f'node group "{group.name}" of cluster "{cluster.name}"',
                cluster.vpc,
                group.subnets,
                cluster.aws_services,
                True,
                (*group.path, "subnets"),
            )


def _pull_problems(
    architecture: Architecture,
    who: str,
    vpc_name: str | None,
    names: tuple[str, ...],
    services: tuple[str, ...],
    from_ecr: bool,
    path: tuple[str | int, ...],
) -> Iterator[Problem]:
    from archplan.analysis.egress import IMAGE_PULL, egress, egress_known

    vpc = architecture.vpcs.get(vpc_name or "")
    if vpc is None or not egress_known(architecture, vpc) or architecture.rejected_within(*path):
        return  # a rejected route, endpoint or subnet may be the way out
    for subnet in _subnets(architecture, vpc_name, names):
        reach = egress(vpc, subnet)
        if reach.way_out:
            continue
        if not from_ecr:
            yield Problem(
                f'{who} pulls its image from outside Amazon ECR, but subnet "{subnet.name}" has '
                "no default route to a NAT gateway or any other way out; route 0.0.0.0/0 to a "
                "NAT gateway",
                path,
            )
            return
        missing = reach.missing((*IMAGE_PULL, *services), images=True)
        if missing:
            names_missing = ", ".join(
                "s3 (a gateway endpoint on the subnet's route table)" if name == "s3" else name
                for name in missing
            )
            yield Problem(
                f'{who} runs in subnet "{subnet.name}", which has no default route (NAT gateway) '
                f"and no endpoint for {names_missing}: its images cannot be pulled or those "
                "services reached; add the endpoints or a route to a NAT gateway",
                path,
            )
            return


def _zones(
    architecture: Architecture, vpc: str | None, names: tuple[str, ...]
) -> tuple[str, ...] | None:
    """The distinct zones of the subnets; None when a subnet's zone was written but rejected
    (the subnet may be in another zone than the default that stands in for it)."""
    subnets = _subnets(architecture, vpc, names)
    if any(architecture.is_rejected(*subnet.path, "az") for subnet in subnets):
        return None
    region = architecture.vpcs[vpc].region if vpc in architecture.vpcs else None
    zones = [known_zone(subnet, region) for subnet in subnets]
    if any(zone is None and subnet.az for zone, subnet in zip(zones, subnets, strict=True)):
        return None  # a wrong zone (AP114/AP117) stands for one not known
    return known_distinct([zone for zone in zones if zone])


@rule("AP810", "containers-in-one-az", WARNING, "A service or node group in a single AZ.")
def containers_in_one_az(architecture: Architecture) -> Iterator[Problem]:
    """A service whose subnets, or a node group whose subnets, are all in one Availability
    Zone stops entirely when that zone fails: there is nowhere else to start the tasks or
    nodes. AWS recommends spreading them over at least two zones (ECS spreads a service's tasks
    over the zones of its subnets by default).

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        services:
          api:
            vpc: app
            subnets: [app-a]
            launch_type: fargate
            cpu: 256
            memory: 512
            min: 2
            max: 4

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: fargate
            cpu: 256
            memory: 512
            min: 2
            max: 4

    References:
        Amazon ECS Developer Guide, "Balancing an Amazon ECS service across Availability Zones" <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html>
        Amazon EKS Best Practices Guide, "Running highly-available applications" <https://docs.aws.amazon.com/eks/latest/best-practices/application.html>
    """
    for service in architecture.services.values():
        if (
            service.is_invalid("subnets")
            or service.is_invalid("vpc")
            or architecture.rejected_within(*service.path, "subnets")
            or architecture.is_rejected(*service.path, "vpc")
        ):
            continue  # a subnet written but rejected may be in another zone
        zones = _zones(architecture, service.vpc, service.subnets)
        if zones is not None and len(zones) == 1 and service.max:
            yield Problem(
                f'service "{service.name}" runs all its tasks in {zones[0]}: losing that zone '
                "stops it; add a subnet in another zone",
                (*service.path, "subnets"),
            )
    for cluster in architecture.clusters.values():
        for group in cluster.node_groups.values():
            if architecture.rejected_within(*group.path, "subnets"):
                continue
            zones = _zones(architecture, cluster.vpc, group.subnets)
            if zones is not None and len(zones) == 1 and group.max:
                yield Problem(
                    f'node group "{group.name}" of cluster "{cluster.name}" runs all its nodes '
                    f"in {zones[0]}: losing that zone stops its pods; add a subnet in another zone",
                    (*group.path, "subnets"),
                )


@rule(
    "AP811",
    "service-beyond-capacity-provider",
    ERROR,
    "An EC2 service's max tasks do not fit its capacity provider group at max.",
)
def service_beyond_capacity_provider(architecture: Architecture) -> Iterator[Problem]:
    """Tasks of an EC2 service run on the instances of its capacity provider's Auto Scaling
    group. When the services on a group, all at `max`, need more instances than the group's
    `max` allows, tasks stay PROVISIONING and never start.

    archplan packs the tasks onto each of the group's instance types by CPU, memory and, for
    awsvpc tasks, the network interfaces the type allows (with or without ENI trunking, from
    AWS's table), first fit decreasing, and takes the type that needs the most capacity units
    (AWS may launch any of them). The types' CPU and memory come from the file's
    `instance_types:`; a type without them leaves the rule silent.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        instance_types:
          c5.large: {vcpu: 2, memory: 3584}
        scaling_groups:
          hosts:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [c5.large]
            min: 1
            max: 4
            purchase: {on_demand_percentage_above_base: 100}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: ec2
            capacity_provider: hosts
            cpu: 512
            memory: 1024
            min: 2
            max: 10

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        instance_types:
          c5.large: {vcpu: 2, memory: 3584}
        scaling_groups:
          hosts:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [c5.large]
            min: 1
            max: 4
            purchase: {on_demand_percentage_above_base: 100}
        services:
          api:
            vpc: app
            subnets: [app-a, app-b]
            launch_type: ec2
            capacity_provider: hosts
            trunking: true
            cpu: 512
            memory: 1024
            min: 2
            max: 10

    References:
        Amazon ECS Developer Guide, "Amazon ECS capacity providers for the EC2 launch type" <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/asg-capacity-providers.html>
        Amazon ECS Developer Guide, "Elastic network interface trunking" <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html>
    """
    if not architecture.services:
        return  # no tasks on any group
    from archplan.capacity.containers import provider_shortfall

    for group in architecture.scaling_groups.values():
        found = provider_shortfall(architecture, group)
        if found is None:
            continue
        services, needed, instance_type = found
        names = ", ".join(f'"{service.name}"' for service in services)
        first = services[0]
        yield Problem(
            f"at max the tasks of service{'s' if len(services) > 1 else ''} {names} need "
            f'{needed} capacity units of {instance_type} in scaling group "{group.name}", '
            f"whose max is {group.max}; raise the group's max or lower the services' max",
            (*first.path, "max"),
            (
                Related(f'scaling group "{group.name}" sets max here', (*group.path, "max")),
                *tuple(
                    Related(f'service "{service.name}" also runs on it', service.path)
                    for service in services[1:]
                ),
            ),
        )
