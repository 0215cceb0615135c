"""Subnet address counts against brute force: every even spread of tasks and nodes over their
subnets, and the VPC CNI's warm pool simulated pod by pod.

ARCHPLAN_PROPERTY_EXAMPLES raises the number of cases for a longer run.
"""

from __future__ import annotations

import itertools
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archplan.analysis.addresses import Consumer, loads_of, node_addresses
from archplan.cidr import parse_block, usable_addresses
from archplan.containers_data import EniLimit, eni_limits
from archplan.model import Subnet
from archplan.model_containers import PodNetworking

EXAMPLES = int(os.environ.get("ARCHPLAN_PROPERTY_EXAMPLES", "200"))

SUBNETS = tuple(
    Subnet(name, "app", parse_block(cidr), None, zone, None, ("vpcs", "app", "subnets", name))
    for name, cidr, zone in (
        ("a1", "10.0.0.0/26", "us-east-1a"),
        ("a2", "10.0.0.64/26", "us-east-1a"),
        ("b1", "10.0.1.0/26", "us-east-1b"),
        ("c1", "10.0.2.0/26", "us-east-1c"),
    )
)
ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")


@st.composite
def consumers(draw: st.DrawFn) -> list[Consumer]:
    found = []
    for index in range(draw(st.integers(min_value=1, max_value=4))):
        chosen = draw(st.lists(st.sampled_from(SUBNETS), min_size=1, max_size=4, unique=True))
        found.append(
            Consumer(
                f"consumer {index}",
                ("services", f"s{index}"),
                tuple(chosen),
                draw(st.integers(min_value=0, max_value=9)),
                draw(st.integers(min_value=0, max_value=3)),
                draw(st.integers(min_value=0, max_value=2)),
            )
        )
    return found


def brute_force(found: list[Consumer], lost: str | None) -> dict[str, int]:
    """Per subnet, the most addresses any even spread of each consumer can put there."""
    need: dict[str, int] = {}
    for consumer in found:
        left = [s for s in consumer.subnets if lost is None or s.az != lost]
        if not left:
            continue
        most = dict.fromkeys((s.name for s in left), 0)
        for counts in itertools.product(range(consumer.units + 1), repeat=len(left)):
            if sum(counts) != consumer.units or max(counts) - min(counts) > 1:
                continue
            for subnet, count in zip(left, counts, strict=True):
                most[subnet.name] = max(most[subnet.name], count)
        for name, count in most.items():
            need[name] = need.get(name, 0) + count * consumer.each + consumer.fixed
    return need


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consumers(), st.sampled_from((None, *ZONES)))
def test_subnet_loads_equal_brute_force(found: list[Consumer], lost: str | None) -> None:
    loads = {load.subnet.name: load for load in loads_of(found, lost)}
    expected = brute_force(found, lost)
    assert {name: load.needed for name, load in loads.items()} == expected
    for load in loads.values():
        assert load.usable == usable_addresses(load.subnet.cidr)  # type: ignore[arg-type]
        assert sum(taken for _, taken in load.shares) == load.needed
        if lost is not None:
            assert load.subnet.az != lost


def simulate(limit: EniLimit, pods: int, networking: PodNetworking) -> tuple[int, int]:
    """ipamd, pod by pod: attach ENIs (or prefixes) as the warm settings ask, then count."""
    slots = limit.ipv4_per_eni - 1
    custom = bool(networking.custom_subnets)
    most = limit.enis - 1 if custom else limit.enis
    targeted = networking.warm_ip_target is not None or networking.minimum_ip_target is not None
    if networking.prefix_delegation and limit.nitro:
        prefixes = 0
        for used in range(pods + 1):
            if targeted:
                wanted = max(
                    used + (networking.warm_ip_target or 0), networking.minimum_ip_target or 0
                )
                while prefixes * 16 < wanted:
                    prefixes += 1
            else:
                while prefixes - -(-used // 16) < networking.warm_prefix_target:
                    prefixes += 1
        enis = max(1, -(-prefixes // slots)) if not custom else -(-prefixes // slots)
        enis = min(enis, most)
        prefixes = min(prefixes, enis * slots)
        taken = prefixes * 16 + enis
    elif targeted:
        allocated = 0
        wanted = max(pods + (networking.warm_ip_target or 0), networking.minimum_ip_target or 0)
        while allocated < wanted and allocated < most * slots:
            allocated += 1
        enis = -(-allocated // slots)
        taken = allocated + enis
    else:
        enis = 0 if custom else 1
        for used in range(pods + 1):
            while enis < most and enis * slots - used < networking.warm_eni_target * slots:
                enis += 1
        taken = enis * (slots + 1)
    if custom:
        return 1, taken
    if taken == 0:
        return 1, 0
    return taken, 0


NETWORKING = st.builds(
    PodNetworking,
    prefix_delegation=st.booleans(),
    custom_subnets=st.sampled_from(((), ("pods-a",))),
    warm_eni_target=st.integers(min_value=0, max_value=2),
    warm_ip_target=st.one_of(st.none(), st.integers(min_value=0, max_value=20)),
    minimum_ip_target=st.one_of(st.none(), st.integers(min_value=0, max_value=40)),
    warm_prefix_target=st.integers(min_value=0, max_value=2),
)
TYPES = sorted(eni_limits())


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TYPES), st.integers(min_value=0, max_value=120), NETWORKING)
def test_node_addresses_equal_the_simulated_cni(
    instance_type: str, pods: int, networking: PodNetworking
) -> None:
    limit = eni_limits()[instance_type]
    assert node_addresses(limit, pods, networking) == simulate(limit, pods, networking)


def test_aws_worked_examples() -> None:
    """CNI docs, eni-and-ip-target.md: t3.small with WARM_ENI_TARGET=1 holds 1/3/3 ENIs for
    0/5/9 pods; p3dn.24xlarge 2 ENIs (98 secondary IPs) for 3 pods; with WARM_IP_TARGET=5 and
    MINIMUM_IP_TARGET=10, 7 pods take one ENI and 12 secondary IPs."""
    default = PodNetworking()
    small = eni_limits()["t3.small"]
    for pods, enis in ((0, 1), (5, 3), (9, 3)):
        assert node_addresses(small, pods, default) == (enis * small.ipv4_per_eni, 0)
    large = eni_limits()["p3dn.24xlarge"]
    assert node_addresses(large, 3, default) == (98 + 2, 0)
    targeted = PodNetworking(warm_ip_target=5, minimum_ip_target=10)
    assert node_addresses(large, 7, targeted) == (12 + 1, 0)
