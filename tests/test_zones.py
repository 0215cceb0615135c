"""Zone notations: AZ names and AZ IDs are compared only within one notation."""

from __future__ import annotations

import itertools

import pytest

from archplan.capacity.az import zones_of
from archplan.engine import load_architecture
from archplan.regions import describe, is_local_zone, known_distinct, may_be_among, notation
from archplan.source import Source


@pytest.mark.parametrize(
    ("zone", "kind", "local"),
    [
        ("us-east-1a", "name", False),
        ("use1-az1", "id", False),
        ("us-west-2-lax-1a", "name", True),
        ("usw2-lax1-az1", "id", True),
        ("ap-northeast-1-tpe-1a", "name", True),
        ("us-east-1-wl1-bos-wlz-1", "name", False),  # a Wavelength Zone is not a Local Zone
        ("us-gov-west-1a", "name", False),
    ],
)
def test_notation_and_local_zones(zone: str, kind: str, local: bool) -> None:
    assert notation(zone) == kind
    assert is_local_zone(zone) is local


def test_known_distinct_is_the_fewest_zones_the_set_can_span() -> None:
    names = ["us-east-1a", "us-east-1b", "us-east-1c"]
    ids = ["use1-az1", "use1-az2", "use1-az4"]
    for n_names, n_ids in itertools.product(range(4), range(4)):
        zones = names[:n_names] + ids[:n_ids]
        # Each ID may be any of the names (and the reverse): at least max(...) zones.
        assert len(known_distinct(zones)) == max(n_names, n_ids)
    assert known_distinct(["us-east-1a", "use1-az1"]) == ("us-east-1a",)  # names on a tie


def test_may_be_among_only_across_notations() -> None:
    assert may_be_among("us-east-1a", ["us-east-1a"])
    assert not may_be_among("us-east-1a", ["us-east-1b"])
    assert may_be_among("us-east-1a", ["us-east-1b", "use1-az1"])
    assert not may_be_among("use1-az2", ["use1-az1"])
    assert describe(["use1-az1", "us-east-1a"]).endswith("which may be the same zone)")
    assert describe(["us-east-1b", "us-east-1a"]) == "us-east-1a, us-east-1b"


def test_scale_plan_counts_mixed_zones_conservatively() -> None:
    text = """archplan: 1
defaults: {region: us-east-1}
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      a: {cidr: 10.0.0.0/24, az: us-east-1a}
      b: {cidr: 10.0.1.0/24, az: us-east-1b}
      one: {cidr: 10.0.2.0/24, az: use1-az1}
scaling_groups:
  web:
    vpc: app
    subnets: [a, b, one]
    instance_types: [m6i.large]
    min: 1
    max: 4
"""
    architecture = load_architecture(Source("x.yaml", text)).architecture
    # use1-az1 may be us-east-1a or us-east-1b: N is 2, not 3.
    assert zones_of(architecture, architecture.scaling_groups["web"]) == (
        "us-east-1a",
        "us-east-1b",
    )


def test_a_zone_id_of_another_region_or_kind_is_never_the_same_zone() -> None:
    # A Local Zone ID cannot be a Region's AZ, nor an ID of us-west-2 a zone of us-east-1.
    assert not may_be_among("us-west-2d", ["usw2-lax1-az1"])
    assert not may_be_among("us-east-1a", ["usw2-az1"])
    assert may_be_among("us-west-2-lax-1a", ["usw2-lax1-az1"])
    assert may_be_among("usw2-az3", ["us-west-2d"])
