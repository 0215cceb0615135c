"""Zone notations: AZ names and AZ IDs are compared only within one notation."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from archplan.capacity.az import zones_of
from archplan.engine import load_architecture, validate_source
from archplan.regions import (
    KNOWN_REGIONS,
    describe,
    is_local_zone,
    known_distinct,
    may_be_among,
    missing_zone,
    notation,
    region_of_zone,
    zone_id_prefix,
    zone_table,
)
from archplan.source import Source
from tests.conftest import ROOT, corpus_dir


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


# -- zones that exist (AP117) ---------------------------------------------------------------

ZONE_NAME = re.compile(r"\b[a-z]{2}(?:-[a-z]+)+-\d+[a-z]\b")
AZ_ID = re.compile(r"\b[a-z]{2,7}\d-az\d+\b")


def test_zone_table_is_dated_sourced_and_covers_known_regions_only() -> None:
    raw = json.loads((ROOT / "archplan" / "data" / "zones.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw["date"])
    assert all(
        source["url"].startswith("https://docs.aws.amazon.com/") for source in raw["sources"]
    )
    table = zone_table()
    assert set(table.regions) <= KNOWN_REGIONS
    for region, zones in table.regions.items():
        # Every Region has at least three zones; letters run from a without gaps.
        assert len(zones.letters) >= 3 and zones.az_ids >= 3, region
        assert zones.letters == "abcdefghij"[: len(zones.letters)], region


@pytest.mark.parametrize(
    ("zone", "region", "missing"),
    [
        ("us-east-1z", "us-east-1", True),
        ("eu-west-1d", "eu-west-1", True),
        ("us-east-1f", "us-east-1", False),
        ("use1-az6", "us-east-1", False),
        ("use1-az7", "us-east-1", True),
        ("euw1-az0", "eu-west-1", True),
        ("us-east-1-bos-1z", "us-east-1", False),  # Local Zones are not in the table
        ("use1-bos1-az9", "us-east-1", False),
        ("us-east-1-wl1-bos-wlz-9", "us-east-1", False),  # nor Wavelength Zones
        ("xx-new-1q", "xx-new-1", False),  # a Region the table lacks is not checked
        ("us-west-2a", "us-east-1", False),  # another Region's zone is AP114's
    ],
)
def test_missing_zone(zone: str, region: str, missing: bool) -> None:
    assert (missing_zone(zone, region) is not None) is missing


def _corpus_and_examples() -> list[Path]:
    root = corpus_dir()
    files = sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []
    examples = sorted((ROOT / "examples").rglob("*.yaml"))
    return files + [path for path in examples if path.name != "AP117-unknown-zone.yaml"]


def test_no_zone_in_the_corpus_or_examples_is_reported_missing() -> None:
    """Precision: every zone name and AZ ID written in the shared corpus and the examples is
    one the table accepts (or one it does not cover)."""
    prefixes = {zone_id_prefix(region): region for region in zone_table().regions}
    checked = 0
    for path in _corpus_and_examples():
        text = path.read_text(encoding="utf-8", errors="replace")
        for zone in ZONE_NAME.findall(text):
            region = region_of_zone(zone)
            if region is not None:
                checked += 1
                assert missing_zone(zone, region) is None, f"{path}: {zone}"
        for zone in AZ_ID.findall(text):
            region = prefixes.get(zone.split("-")[0])
            if region is not None:
                checked += 1
                assert missing_zone(zone, region) is None, f"{path}: {zone}"
    assert checked > 0


def test_no_example_but_its_own_trips_unknown_zone() -> None:
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        result = validate_source(Source(str(path), path.read_text(encoding="utf-8")))
        found = [f.message for f in result.findings if f.rule_id == "AP117"]
        assert bool(found) is (path.name == "AP117-unknown-zone.yaml"), (path, found)


# Zones AWS's pages name (see "verification" in archplan/data/zones.json): none is reported.
REAL_ZONES = [
    *(f"use1-az{number}" for number in range(1, 7)),
    *(f"us-east-1{letter}" for letter in "abcdef"),
    "usw1-az1",
    "usw1-az3",
    *(f"usw2-az{number}" for number in range(1, 5)),
    *(f"use2-az{number}" for number in range(1, 4)),
    "apne1-az4",
    "ap-northeast-1d",
    "cac1-az4",
    "ca-central-1d",
    "cnn1-az4",
    "cn-north-1d",
]


@pytest.mark.parametrize("zone", REAL_ZONES)
def test_a_zone_aws_names_is_never_reported(zone: str) -> None:
    prefixes = {zone_id_prefix(region): region for region in zone_table().regions}
    region = region_of_zone(zone) or prefixes[zone.split("-")[0]]
    assert missing_zone(zone, region) is None
