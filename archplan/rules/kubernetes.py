"""EKS rules: max pods per node beyond what the instance type's network interfaces address, and
node subnets too small for the node group's pods.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from archplan.capacity.arith import ceil_div
from archplan.cidr import usable_addresses
from archplan.containers_data import EniLimit, eni_limits
from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.registry import Problem, rule

if TYPE_CHECKING:
    from archplan.model_containers import PodNetworking

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@rule(
    "AP808",
    "max-pods-beyond-enis",
    ERROR,
    "A node group's max pods per node is more than its instance type can address.",
)
def max_pods_beyond_enis(architecture: Architecture) -> Iterator[Problem]:
    """With the Amazon VPC CNI every pod takes an address from one of the node's network
    interfaces, so a node holds at most ENIs × (IPv4 addresses per ENI − 1) + 2 pods (the first
    address of each interface is the interface's own; 2 pods use the host network). With
    custom networking the primary interface carries no pods (one ENI fewer); with prefix
    delegation each slot holds a /28 prefix of 16 addresses. A `max_pods` above that lets the
    scheduler place pods the CNI cannot address: they stay in ContainerCreating with "failed to
    assign an IP address". The limits come from archplan's shipped table (the VPC CNI's own,
    generated from EC2's DescribeInstanceTypes).

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/20, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.16.0/20, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        kubernetes:
          shop:
            vpc: app
            node_groups:
              general:
                instance_types: [m5.large]
                subnets: [app-a, app-b]
                min: 2
                max: 6
                max_pods: 58

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/20, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.16.0/20, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        kubernetes:
          shop:
            vpc: app
            node_groups:
              general:
                instance_types: [m5.large]
                subnets: [app-a, app-b]
                min: 2
                max: 6
                max_pods: 29

    References:
        Amazon EKS User Guide, "Choose an optimal Amazon EC2 node instance type" <https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html>
        Amazon EKS User Guide, "Assign more IP addresses to Amazon EKS nodes with prefixes" <https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html>
    """
    limits = None
    for cluster in architecture.clusters.values():
        for group in cluster.node_groups.values():
            if group.max_pods is None:
                continue
            if limits is None:
                limits = eni_limits()
            for instance_type in group.instance_types:
                limit = limits.get(instance_type)
                if limit is None:
                    continue
                most = _addressable(limit, cluster.networking)
                if group.max_pods > most:
                    yield Problem(
                        f'node group "{group.name}" sets max_pods {group.max_pods}, but a '
                        f"{instance_type} node addresses {most} pods ({limit.enis} ENIs of "
                        f"{limit.ipv4_per_eni} IPv4 addresses{_mode(cluster.networking, limit.nitro)}); "
                        f"pods beyond {most} cannot get an address",
                        (*group.path, "max_pods"),
                    )
                    break


def _addressable(limit: EniLimit, networking: PodNetworking) -> int:
    """Pods the interfaces address, without the managed node groups' 110/250 ceiling."""
    if networking.prefix_delegation and limit.nitro:
        enis = limit.enis - 1 if networking.custom_subnets else limit.enis
        return enis * (limit.ipv4_per_eni - 1) * 16 + 2
    from archplan.analysis.addresses import max_pods

    return max_pods(limit, networking, None)


def _mode(networking: PodNetworking, nitro: bool) -> str:
    parts = []
    if networking.custom_subnets:
        parts.append("custom networking: the primary ENI carries no pods")
    if networking.prefix_delegation and nitro:
        parts.append("prefix delegation: /28 prefixes")
    return f"; {', '.join(parts)}" if parts else ""


@rule(
    "AP809",
    "pod-subnets-too-small",
    WARNING,
    "A node group's subnets cannot address its nodes full of pods.",
)
def pod_subnets_too_small(architecture: Architecture) -> Iterator[Problem]:
    """Each pod takes an address in its node's subnet (or, with custom networking, in the pod
    subnet of the node's zone). A node group at `max` nodes, each running its max pods, needs
    ⌈max / subnets⌉ × (max pods + 1) addresses in its fullest subnet (the node's own address
    and its pods'; the CNI's warm pool takes more). Subnets smaller than that can never fill
    the node group: pods stay pending long before the nodes are full. AP802 checks the
    addresses the planned workloads actually take.

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
        kubernetes:
          shop:
            vpc: app
            node_groups:
              general:
                instance_types: [m5.large]
                subnets: [app-a, app-b]
                min: 2
                max: 20

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/22, az: us-east-1a, route_table: out}
              app-b: {cidr: 10.0.4.0/22, az: us-east-1b, route_table: out}
            internet_gateway: true
            route_tables:
              out: {routes: {0.0.0.0/0: igw}}
        kubernetes:
          shop:
            vpc: app
            node_groups:
              general:
                instance_types: [m5.large]
                subnets: [app-a, app-b]
                min: 2
                max: 20

    References:
        Amazon EKS User Guide, "View Amazon EKS networking requirements for VPC and subnets" <https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html>
        Amazon EKS Best Practices Guide, "Optimizing IP Address Utilization" <https://docs.aws.amazon.com/eks/latest/best-practices/ip-opt.html>
    """
    if not architecture.clusters:
        return
    from archplan.analysis.addresses import max_pods

    limits = None
    for cluster in architecture.clusters.values():
        vpc = architecture.vpcs.get(cluster.vpc or "")
        if vpc is None:
            continue
        custom = cluster.networking.custom_subnets
        for group in cluster.node_groups.values():
            names = list(dict.fromkeys(group.subnets))
            if group.max is None or not names or any(name not in vpc.subnets for name in names):
                continue
            if limits is None:
                limits = eni_limits()
            if any(name not in limits for name in group.instance_types):
                continue
            most = group.max_pods
            for name in group.instance_types:
                spec = architecture.instance_specs.get(name)
                allowed = max_pods(limits[name], cluster.networking, spec.vcpu if spec else None)
                most = allowed if most is None else min(most, allowed)
            if most is None:
                continue
            nodes = ceil_div(group.max, len(names))
            if custom:  # pods in the pod subnets of the nodes' zones, nodes in their own
                zones = {vpc.subnets[name].az for name in names}
                pod_subnets = [
                    vpc.subnets[name]
                    for name in dict.fromkeys(custom)
                    if name in vpc.subnets and vpc.subnets[name].az in zones
                ]
                checks = [(subnet, nodes * most) for subnet in pod_subnets]
            else:
                checks = [(vpc.subnets[name], nodes * (most + 1)) for name in names]
            for subnet, needed in checks:
                if subnet.cidr is None:
                    continue
                usable = usable_addresses(subnet.cidr)
                if needed > usable:
                    yield Problem(
                        f'node group "{group.name}" of cluster "{cluster.name}" at max puts up '
                        f'to {nodes} nodes of {most} pods in subnet "{subnet.name}", '
                        f"{needed} addresses, but it has {usable} usable; use larger subnets "
                        "or custom networking on a larger range",
                        (*group.path, "subnets"),
                    )
                    break
