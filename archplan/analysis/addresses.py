"""Subnet addresses: who takes them, how many each subnet must hold at the peak, and after an
Availability Zone is lost.

One count serves every rule about addresses: the scaling groups' pools (AP510/AP511) and the
containers' per-subnet load (AP802/AP803), so instances, awsvpc tasks, EKS pods with the VPC
CNI's warm pool, Lambda's network interfaces and interface endpoints are counted once, the
same way, wherever a subnet is checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from archplan.analysis import shared
from archplan.capacity.arith import ceil_div
from archplan.cidr import usable_addresses
from archplan.containers_data import EniLimit, eni_limits
from archplan.findings import Path
from archplan.model import MAX_WEIGHT, MIN_WEIGHT, Architecture, ScalingGroup, Subnet
from archplan.model_containers import Cluster, Function, NodeGroup, PodNetworking
from archplan.problems import Related
from archplan.regions import known_distinct

# While it rebalances zones a group may exceed max "by a margin of 10 percent or one
# instance, whichever is greater" (Amazon EC2 Auto Scaling User Guide, "Auto Scaling group
# Availability Zone distribution",
# https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-availability-zone-balanced.html).
REBALANCE_PERCENT = 10


def group_subnets(architecture: Architecture, group: ScalingGroup) -> list[Subnet] | None:
    """The group's subnets, each once in the order written; None when one cannot be resolved.

    A VPC or subnet that does not exist is AP005's finding; rules that need every subnet of
    the group then say nothing.
    """
    vpc = architecture.vpcs.get(group.vpc or "")
    if vpc is None or any(name not in vpc.subnets for name in group.subnets):
        return None
    return [vpc.subnets[name] for name in dict.fromkeys(group.subnets)]


def weights_valid(group: ScalingGroup) -> bool:
    return bool(group.instance_types) and all(
        MIN_WEIGHT <= weight <= MAX_WEIGHT for weight in group.instance_types.values()
    )


def instances_at_max(group: ScalingGroup) -> int | None:
    """The most instances the group runs at `max` capacity units; None when unknown.

    With weights, `max` counts units and the smallest weight gives the most instances:
    ⌈max / smallest weight⌉. AWS may overshoot `max` by up to the largest weight, but only
    through the last launch, made while capacity was still below max (at most
    ⌊(max − 1) / smallest⌋ instances): so the count never passes ⌈max / smallest⌉.
    """
    if group.max is None or not weights_valid(group):
        return None
    return ceil_div(group.max, min(group.instance_types.values()))


def peak_instances(group: ScalingGroup) -> int | None:
    """Instances at max plus the margin AWS allows while rebalancing zones.

    The margin is 10 % or one instance, whichever is greater; how AWS rounds 10 % of a count
    that is not a multiple of 10 is not documented ([UNCONFIRMED]): archplan rounds up.
    """
    at_max = instances_at_max(group)
    if at_max is None:
        return None
    if at_max == 0:
        return 0
    return at_max + max(1, ceil_div(at_max * REBALANCE_PERCENT, 100))


def peak_text(group: ScalingGroup, peak: int) -> str:
    """'"web" 13 = 11 + 2', or with weights '"web" 22 = 20 (max 40 units, smallest weight 2) + 2'."""
    at_max = instances_at_max(group) or 0
    smallest = min(group.instance_types.values())
    units = f" (max {group.max} units, smallest weight {smallest})" if smallest > 1 else ""
    return f'"{group.name}" {peak} = {at_max}{units} + {peak - at_max}'


class Pool:
    """One scaling group's subnets, the addresses they leave and the instances that use them."""

    def __init__(self, group: ScalingGroup, subnets: list[Subnet], addresses: int) -> None:
        self.group = group
        self.subnets = subnets
        self.addresses = addresses
        self.users: list[tuple[ScalingGroup, int]] = []

    @property
    def needed(self) -> int:
        return sum(peak for _, peak in self.users)

    def describe(self) -> str:
        """What the subnets hold and what may need them, for both address rules."""
        names = ", ".join(subnet.name for subnet in self.subnets)
        peaks = ", ".join(peak_text(group, peak) for group, peak in self.users)
        return (
            f'the subnets of scaling group "{self.group.name}" ({names}) have {self.addresses} '
            f"usable addresses (size less the 5 AWS reserves in each) for up to {self.needed} "
            f"instances: each group at max, plus the margin AWS may add while it rebalances "
            f"zones ({peaks})"
        )

    @property
    def blamed(self) -> ScalingGroup:
        """The group whose max overflows the subnets: the one with the most instances at its
        peak (the pool's own group on a tie, then the first written)."""
        top = max(peak for _, peak in self.users)
        if any(group is self.group and peak == top for group, peak in self.users):
            return self.group
        return next(group for group, peak in self.users if peak == top)

    def zone_loss(self) -> tuple[str, int] | None:
        """The zone whose loss leaves the fewest addresses, and the addresses left in the
        others; None when a subnet's zone is unknown or the subnets span fewer than two
        Availability Zones (Local Zones count as neither here)."""
        by_zone: dict[str, int] = {}
        for subnet in self.subnets:
            if subnet.az is None or subnet.cidr is None:
                return None
            by_zone[subnet.az] = by_zone.get(subnet.az, 0) + usable_addresses(subnet.cidr)
        if len(known_distinct(by_zone)) < 2 or len(known_distinct(by_zone)) != len(by_zone):
            return None  # a zone written as a name and as an ID may be one zone
        fullest = max(sorted(by_zone), key=lambda zone: by_zone[zone])
        return fullest, self.addresses - by_zone[fullest]

    def related(self) -> tuple[Related, ...]:
        blamed = self.blamed
        return tuple(
            Related(f'scaling group "{group.name}" also launches in these subnets', group.path)
            for group, _ in self.users
            if group is not blamed
        )


def pools(architecture: Architecture) -> Iterator[Pool]:
    """Each distinct set of group subnets once, with every group launching in any of them.

    A group that also has subnets elsewhere counts in full: when a zone fails, a group
    launches its replacements in the zones it has left, which may be exactly these.
    """
    groups = list(architecture.scaling_groups.values())
    in_subnet: dict[tuple[str, str], list[int]] = {}  # (VPC, subnet) -> groups, by position
    for position, group in enumerate(groups):
        for name in dict.fromkeys(group.subnets):
            in_subnet.setdefault((group.vpc or "", name), []).append(position)
    seen: set[tuple[str, frozenset[str]]] = set()
    for group in groups:
        subnets = group_subnets(architecture, group)
        if not subnets or any(subnet.cidr is None for subnet in subnets):
            continue
        key = (group.vpc or "", frozenset(subnet.name for subnet in subnets))
        if key in seen:
            continue
        seen.add(key)
        sharing = sorted({position for name in key[1] for position in in_subnet[(key[0], name)]})
        peaks = [(groups[position], peak_instances(groups[position])) for position in sharing]
        if any(peak is None for _, peak in peaks):
            continue  # a group's size is unknown: say nothing rather than guess
        addresses = sum(usable_addresses(subnet.cidr) for subnet in subnets if subnet.cidr)
        pool = Pool(group, subnets, addresses)
        pool.users = [(other, peak) for other, peak in peaks if peak is not None]
        yield pool


# -- what each subnet holds: instances, tasks, pods, Lambda and endpoint interfaces -------------

# The VPC CNI's prefix mode hands out /28 prefixes of 16 addresses (Amazon EKS User Guide, "Assign
# more IP addresses to Amazon EKS nodes with prefixes",
# https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html); managed node
# groups cap max pods at 110 up to 30 vCPUs and 250 above (Amazon EKS User Guide, "Choose an
# optimal Amazon EC2 node instance type",
# https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html).
PREFIX_ADDRESSES = 16
MAX_PODS_SMALL, MAX_PODS_LARGE, LARGE_VCPUS = 110, 250, 30


class Consumer(NamedTuple):
    """Something that takes addresses in its subnets: `units` (instances, tasks, nodes) spread
    evenly over them, `each` addresses per unit, and `fixed` addresses in every one of them."""

    what: str  # 'service "messages": 20 awsvpc tasks at max'
    path: Path
    subnets: tuple[Subnet, ...]  # distinct, resolved
    units: int
    each: int
    fixed: int = 0
    container: bool = True  # a task, pod or function (scaling groups alone are AP510's)

    def takes(self, subnets: int) -> int:
        """Addresses in the fullest of `subnets` subnets: AWS spreads units evenly (counts
        differ by one at most), so the fullest holds ⌈units / subnets⌉ of them."""
        return ceil_div(self.units, subnets) * self.each + self.fixed


class SubnetLoad(NamedTuple):
    subnet: Subnet
    usable: int
    needed: int
    shares: tuple[tuple[Consumer, int], ...]  # each consumer with what it takes here

    @property
    def containers(self) -> bool:
        return any(consumer.container for consumer, _ in self.shares)


def node_addresses(limit: EniLimit, pods: int, networking: PodNetworking) -> tuple[int, int]:
    """Addresses one EKS node takes with `pods` pods on it: (in its own subnet, in its pod subnet
    under custom networking), by the VPC CNI's warm pool settings.

    Secondary-IP mode with WARM_ENI_TARGET w (no IP targets): ENIs attached = min(max ENIs,
    ⌈pods / S⌉ + w), each with its primary and S = IPv4 per ENI − 1 secondaries (AWS's worked
    examples: t3.small 0/5/9 pods → 1/3/3 ENIs; p3dn.24xlarge 3 pods → 2 ENIs). With
    WARM_IP_TARGET or MINIMUM_IP_TARGET, max(pods + warm IPs, minimum) secondaries on as many
    ENIs as they need. Prefix mode hands out /28 prefixes (16 addresses) instead, one per ENI
    slot: ⌈pods / 16⌉ + WARM_PREFIX_TARGET of them. Custom networking leaves the primary ENI
    (the node's address) in the node subnet and takes pod ENIs, one fewer, in the pod subnet.
    """
    slots = limit.ipv4_per_eni - 1
    custom = bool(networking.custom_subnets)
    most_enis = limit.enis - 1 if custom else limit.enis
    prefix = networking.prefix_delegation and limit.nitro
    targeted = networking.warm_ip_target is not None or networking.minimum_ip_target is not None
    wanted = max(pods + (networking.warm_ip_target or 0), networking.minimum_ip_target or 0)
    if prefix:
        if targeted:
            held = ceil_div(wanted, PREFIX_ADDRESSES)
        else:
            held = ceil_div(pods, PREFIX_ADDRESSES) + networking.warm_prefix_target
        enis = min(most_enis, ceil_div(held, slots))
        held = min(held, enis * slots)
        taken = held * PREFIX_ADDRESSES + enis
    elif targeted:
        enis = min(most_enis, ceil_div(wanted, slots))
        taken = min(wanted, enis * slots) + enis
    else:
        # ipamd fills each ENI it manages with addresses; the primary ENI is always there.
        enis = min(most_enis, ceil_div(pods, slots) + networking.warm_eni_target)
        if not custom:
            enis = max(enis, 1)
        taken = enis * (slots + 1)
    if custom:
        return 1, taken
    if enis == 0:  # the primary ENI is always there, with the node's own address
        return 1, 0
    return taken, 0


def max_pods(limit: EniLimit, networking: PodNetworking, vcpus: int | None) -> int:
    """Pods one node can address: ENIs × (IPv4 per ENI − 1) + 2 (the EKS AMI's formula; custom
    networking uses one ENI fewer; prefix mode × 16 per slot, capped at 110, or 250 above 30
    vCPUs, as the max-pods calculator and managed node groups do)."""
    enis = limit.enis - 1 if networking.custom_subnets else limit.enis
    slots = limit.ipv4_per_eni - 1
    if networking.prefix_delegation and limit.nitro:
        cap = MAX_PODS_LARGE if vcpus is not None and vcpus > LARGE_VCPUS else MAX_PODS_SMALL
        return min(enis * slots * PREFIX_ADDRESSES + 2, cap)
    return enis * slots + 2


def subnet_loads(architecture: Architecture, lost_zone: str | None = None) -> list[SubnetLoad]:
    """What each subnet must hold with every consumer at its peak (validate's count: everything
    at max); with `lost_zone`, after that AZ is lost and its consumers run in their other
    subnets. Subnets no consumer uses are left out."""
    return shared(
        architecture,
        f"subnet-loads:{lost_zone}",
        lambda _: loads_of(consumers(architecture), lost_zone),
    )


def loads_of(found: Iterable[Consumer], lost_zone: str | None = None) -> list[SubnetLoad]:
    """Each subnet's load from `found` consumers; with `lost_zone`, each consumer spreads over
    its subnets outside that zone (one with none left adds nothing)."""
    shares: dict[tuple[str, str], list[tuple[Consumer, int]]] = {}
    subnets: dict[tuple[str, str], Subnet] = {}
    for consumer in found:
        left = [
            subnet for subnet in consumer.subnets if lost_zone is None or subnet.az != lost_zone
        ]
        if not left:
            continue
        taken = consumer.takes(len(left))
        for subnet in left:
            key = (subnet.vpc, subnet.name)
            subnets[key] = subnet
            shares.setdefault(key, []).append((consumer, taken))
    loads = []
    for key, subnet in subnets.items():
        if subnet.cidr is None:
            continue
        held = tuple(shares[key])
        loads.append(
            SubnetLoad(subnet, usable_addresses(subnet.cidr), sum(n for _, n in held), held)
        )
    return loads


def consumers(architecture: Architecture) -> list[Consumer]:
    """Everything that takes addresses at its peak, computed once per file."""
    return shared(architecture, "address-consumers", _consumers)


def _resolve(
    architecture: Architecture, vpc_name: str | None, names: Iterable[str]
) -> tuple[Subnet, ...] | None:
    vpc = architecture.vpcs.get(vpc_name or "")
    names = list(dict.fromkeys(names))
    if vpc is None or not names or any(name not in vpc.subnets for name in names):
        return None
    return tuple(vpc.subnets[name] for name in names)


def _consumers(architecture: Architecture) -> list[Consumer]:
    found: list[Consumer] = []
    trunk_groups = {
        service.capacity_provider
        for service in architecture.services.values()
        if service.launch_type == "ec2" and service.awsvpc and service.trunking
    }
    for group in architecture.scaling_groups.values():
        subnets = _resolve(architecture, group.vpc, group.subnets)
        peak = peak_instances(group)
        if subnets is None or peak is None:
            continue
        # A trunking instance has a trunk interface too, with its own address (§1.3, §6).
        each = 2 if group.name in trunk_groups else 1
        found.append(
            Consumer(
                f'scaling group "{group.name}": {peak} instances at max with the rebalancing margin',
                group.path,
                subnets,
                peak,
                each,
                container=False,
            )
        )
    for vpc in architecture.vpcs.values():
        for endpoint in vpc.endpoints.values():
            if endpoint.type != "interface":
                continue
            subnets = _resolve(architecture, vpc.name, endpoint.subnets)
            if subnets is not None:
                found.append(
                    Consumer(
                        f'interface endpoint "{endpoint.name}"',
                        endpoint.path,
                        subnets,
                        0,
                        0,
                        1,
                        False,
                    )
                )
    for service in architecture.services.values():
        subnets = _resolve(architecture, service.vpc, service.subnets)
        if subnets is None or service.max is None or not service.awsvpc or service.invalid:
            continue
        found.append(
            Consumer(
                f'service "{service.name}": {service.max} awsvpc tasks at max',
                service.path,
                subnets,
                service.max,
                1,
            )
        )
    found += _function_consumers(architecture)
    for cluster in architecture.clusters.values():
        found += _cluster_consumers(architecture, cluster)
    return found


def _function_consumers(architecture: Architecture) -> list[Consumer]:
    """Lambda keeps one network interface per subnet for each security group set its functions
    in that subnet use (Hyperplane ENIs, shared by functions with the same subnet and groups)."""
    sets: dict[tuple[str, frozenset[str]], list[Function]] = {}
    for function in architecture.functions.values():
        if function.vpc is not None and function.subnets and not function.invalid:
            sets.setdefault((function.vpc, frozenset(function.security_groups)), []).append(
                function
            )
    found = []
    for (vpc, groups), functions in sets.items():
        subnets = _resolve(architecture, vpc, (name for f in functions for name in f.subnets))
        if subnets is None:
            continue
        names = ", ".join(f'"{function.name}"' for function in functions)
        shown = ", ".join(sorted(groups)) or "the VPC's default security group"
        found.append(
            Consumer(
                f"Lambda interfaces of functions {names} (security groups: {shown})",
                functions[0].path,
                subnets,
                0,
                0,
                1,
            )
        )
    return found


def node_group_peak(
    architecture: Architecture, cluster: Cluster, group: NodeGroup
) -> tuple[int, int, EniLimit, int] | None:
    """(nodes at max, pods on the fullest node, the ENI limits of its type, that type's max
    pods) for a node group at its peak; None when something needed is unknown. With several
    instance types, the one whose nodes take the most addresses is assumed (AWS may launch any).
    """
    if group.max is None or not group.instance_types:
        return None
    limits = eni_limits()
    if any(name not in limits for name in group.instance_types):
        return None
    pods = 0
    for workload in cluster.workloads.values():
        if workload.node_group == group.name:
            if workload.most is None or workload.invalid:
                return None
            pods += workload.most
    nodes = group.max
    if nodes == 0:
        return None
    worst: tuple[int, int, EniLimit, int] | None = None
    for name in group.instance_types:
        limit = limits[name]
        spec = architecture.instance_specs.get(name)
        most = max_pods(limit, cluster.networking, spec.vcpu if spec else None)
        if group.max_pods is not None:
            most = min(most, group.max_pods)
        on_node = min(most, ceil_div(pods, nodes))
        candidate = (nodes, on_node, limit, most)
        if worst is None or sum(node_addresses(limit, on_node, cluster.networking)) > sum(
            node_addresses(worst[2], worst[1], cluster.networking)
        ):
            worst = candidate
    return worst


def _cluster_consumers(architecture: Architecture, cluster: Cluster) -> list[Consumer]:
    found = []
    networking = cluster.networking
    pod_subnets = (
        _resolve(architecture, cluster.vpc, networking.custom_subnets)
        if networking.custom_subnets
        else ()
    )
    for group in cluster.node_groups.values():
        subnets = _resolve(architecture, cluster.vpc, group.subnets)
        peak = node_group_peak(architecture, cluster, group)
        if subnets is None or peak is None or pod_subnets is None:
            continue
        nodes, on_node, limit, _ = peak
        node_ips, pod_ips = node_addresses(limit, on_node, networking)
        mode = (
            "prefix delegation" if networking.prefix_delegation and limit.nitro else "secondary IPs"
        )
        found.append(
            Consumer(
                f'node group "{group.name}" of cluster "{cluster.name}": {nodes} nodes at max, '
                f"{on_node} pods on each, {node_ips + pod_ips} addresses per node with the VPC "
                f"CNI's warm pool ({mode})",
                group.path,
                subnets,
                nodes,
                node_ips,
            )
        )
        if pod_ips and pod_subnets:
            zones = {subnet.az for subnet in subnets}
            mine = tuple(subnet for subnet in pod_subnets if subnet.az in zones)
            if mine:
                found.append(
                    Consumer(
                        f'pods of node group "{group.name}" (custom networking): {nodes} nodes '
                        f"at max, {pod_ips} pod addresses each",
                        group.path,
                        mine,
                        nodes,
                        pod_ips,
                    )
                )
    return found
