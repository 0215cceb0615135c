"""What an instance type tells about the hardware: the processor architecture (Arm or x86),
which one launch template's AMI must match, and the hypervisor (Nitro or Xen)."""

from __future__ import annotations

import functools
import json
import pkgutil
import re
from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.registry import Problem, rule

ERROR = Severity.ERROR

# FAMILY.SIZE where FAMILY is series letters, a generation digit and option letters (m7gd:
# series m, generation 7, options g and d). The option "g" is an AWS Graviton (Arm)
# processor; "a" AMD and "i" Intel are x86; no processor option is Intel x86. a1 is the first
# Graviton family. Families the pattern does not read (mac2-m2pro, u-6tb1) are left unknown.
_FAMILY = re.compile(r"^(?P<series>[a-z]+?)(?P<generation>[0-9]+)(?P<options>[a-z]*)(?:-flex)?$")
_ARM_FAMILIES = frozenset({"a1"})
_UNKNOWN_SERIES = frozenset({"mac", "u"})


def architecture_of(instance_type: str) -> str | None:
    """ "arm64" or "x86_64" from an instance type's name, or None when the name does not say."""
    family = instance_type.partition(".")[0]
    if family in _ARM_FAMILIES:
        return "arm64"
    match = _FAMILY.match(family)
    if match is None or match["series"] in _UNKNOWN_SERIES:
        return None
    return "arm64" if "g" in match["options"] else "x86_64"


@rule(
    "AP519",
    "instance-architecture-mix",
    ERROR,
    "A scaling group mixes Arm (Graviton) and x86 instance types with one launch template.",
)
def instance_architecture_mix(architecture: Architecture) -> Iterator[Problem]:
    """An AMI is built for one processor architecture: a launch template's AMI for x86_64
    does not boot on Arm (AWS Graviton) instances, and the reverse. A group in the format has
    one launch template, so when its instance types mix the two, every launch of the other
    architecture fails, and the group falls short whenever Auto Scaling picks those types
    (often first, for Spot: Graviton pools are cheap). Keep the types of one architecture,
    or give the others their own launch template (AWS's "multiple launch templates") and
    their own group here.

    The architecture is read from the type name: a "g" among the options after the
    generation digit means Graviton (m7g, c6gn, r8gd, t4g, im4gn), as does a1; the other
    families are x86 (Intel or AMD). Names the pattern does not read (mac2-m2pro.metal,
    u-6tb1.metal) count as neither.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [c5.large, c5a.large, c6g.large]
            min: 2
            max: 10
            launch_template: web-x86
            purchase: {on_demand_percentage_above_base: 100}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [c5.large, c5a.large, c6i.large]
            min: 2
            max: 10
            launch_template: web-x86
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon EC2 Auto Scaling User Guide, "Use multiple launch templates" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-mixed-instances-groups-launch-template-overrides.html>
        Amazon EC2 Instance Types, "Amazon EC2 instance type naming conventions" <https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html>
    """
    for group in architecture.scaling_groups.values():
        if any(path[0] == "instance_types" for path in group.invalid):
            continue  # a type was rejected: the group's types are not all known
        kinds: dict[str, list[str]] = {}
        for instance_type in group.instance_types:
            kind = architecture_of(instance_type)
            if kind is not None:
                kinds.setdefault(kind, []).append(instance_type)
        if len(kinds) < 2:
            continue
        arm, x86 = ", ".join(kinds["arm64"]), ", ".join(kinds["x86_64"])
        template = (
            f'launch template "{group.launch_template}"'
            if group.launch_template
            else ("one launch template")
        )
        yield Problem(
            f'scaling group "{group.name}" mixes Arm (Graviton) types ({arm}) and x86 types '
            f"({x86}) with {template}: its AMI runs on one architecture only, so launches of "
            "the other fail; keep one architecture, or move the others to a group with their "
            "own launch template",
            (*group.path, "instance_types"),
        )


@functools.cache
def xen_types() -> frozenset[str]:
    """The instance types built on Xen rather than Nitro, from the shipped table (dated and
    sourced in archplan/data/xen-instance-types.json)."""
    data = pkgutil.get_data("archplan", "data/xen-instance-types.json")
    if data is None:  # pragma: no cover - only a loader without get_data returns None
        raise RuntimeError("archplan's xen-instance-types.json is missing from the installation")
    return frozenset(json.loads(data.decode("utf-8"))["xen"])


@rule(
    "AP520",
    "ipv6-only-subnet-not-nitro",
    ERROR,
    "A scaling group launches instance types not built on Nitro into an IPv6-only subnet.",
)
def ipv6_only_subnet_not_nitro(architecture: Architecture) -> Iterator[Problem]:
    """Only instances built on the AWS Nitro System can launch into an IPv6-only subnet (a
    subnet with an IPv6 block and no IPv4 block). Older types built on Xen (t2, m4, c4, r4,
    i3, x1, p3 and the previous generations) fail to launch there, so the group falls short
    whenever Auto Scaling picks them. Use current-generation types, or give the subnets an
    IPv4 block (dual stack).

    Which types are Xen comes from a table shipped with archplan (EC2's
    DescribeInstanceTypes hypervisor field, dated in archplan/data/xen-instance-types.json);
    a type it does not list is taken as Nitro.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            ipv6_cidrs: ["2600:1f18:1a2b:3c00::/56"]
            subnets:
              v6-a: {ipv6_cidr: "2600:1f18:1a2b:3c00::/64", az: us-east-1a}
              v6-b: {ipv6_cidr: "2600:1f18:1a2b:3c01::/64", az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [v6-a, v6-b]
            instance_types: [m5.large, m4.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            ipv6_cidrs: ["2600:1f18:1a2b:3c00::/56"]
            subnets:
              v6-a: {ipv6_cidr: "2600:1f18:1a2b:3c00::/64", az: us-east-1a}
              v6-b: {ipv6_cidr: "2600:1f18:1a2b:3c01::/64", az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [v6-a, v6-b]
            instance_types: [m5.large, m6i.large]
            min: 2
            max: 10
            purchase: {on_demand_percentage_above_base: 100}

    References:
        Amazon VPC User Guide, "Subnets for your VPC" <https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html>
        Amazon EC2 Instance Types, "Instances built on the AWS Nitro System" <https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html>
    """
    for group in architecture.scaling_groups.values():
        vpc = architecture.vpcs.get(group.vpc or "")
        if vpc is None or not group.instance_types:
            continue
        ipv6_only = [
            subnet.name
            for name in dict.fromkeys(group.subnets)
            if (subnet := vpc.subnets.get(name)) is not None
            and subnet.cidr is None
            and subnet.ipv6_cidr is not None
            and not architecture.is_rejected(*subnet.path, "cidr")
        ]
        if not ipv6_only:
            continue
        xen = [kind for kind in group.instance_types if kind in xen_types()]
        if xen:
            yield Problem(
                f'scaling group "{group.name}" launches {", ".join(xen)} into IPv6-only '
                f"subnet{'s' if len(ipv6_only) > 1 else ''} {', '.join(ipv6_only)}: only "
                "instances built on the Nitro System launch there, and these are built on Xen; "
                "use current-generation types, or give the subnets an IPv4 block",
                (*group.path, "instance_types"),
            )
