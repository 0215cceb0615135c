"""The connected parts of an estate (archplan.engine.parts), and the rules that read only them.

A rule that says Reads.CONNECTED must find on an estate exactly what it finds on each of its
connected parts, together: checked by brute force on every example, broken example, rule case
and rule documentation example, and on random estates.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given

from archplan.diff.match import objects
from archplan.diff.sides import from_text
from archplan.engine.parts import (
    SETTINGS_SECTIONS,
    UNIT_SECTIONS,
    Links,
    part_of,
    top_level_collections,
)
from archplan.model import Architecture
from archplan.rules import RULES
from archplan.rules.registry import Reads
from tests.diff.estates import estates
from tests.engine.locality import components, connected_rules, sources, violations

SOURCES = list(sources())


def test_every_top_level_collection_is_a_unit_or_a_setting() -> None:
    # A new top-level section must be placed: a unit (then part_of must cut it) or a setting.
    assert top_level_collections() == set(UNIT_SECTIONS) | (SETTINGS_SECTIONS - {"prices"})
    fields = set(Architecture._fields)
    assert set(UNIT_SECTIONS.values()) <= fields


def test_some_rules_read_only_what_is_connected() -> None:
    # The diff's speed depends on these; the quotas per Region and intents read everything.
    connected = {rule.id for rule in connected_rules()}
    assert {"AP308", "AP312", "AP515"} <= connected
    assert {"AP113", "AP117", "AP203"} <= {rule.id for rule in connected_rules(Reads.UNIT)}
    estate = {rule.id for rule in RULES.values() if rule.reads is Reads.ESTATE}
    assert {"AP118", "AP408", "AP419", "AP790", "AP806", "AP807"} <= estate


@pytest.mark.parametrize(("label", "text", "folder"), SOURCES, ids=[s[0] for s in SOURCES])
def test_rules_find_on_the_parts_what_they_find_on_the_whole(
    label: str, text: str, folder: str
) -> None:
    assert violations(label, text, folder, connected_rules()) == []
    assert violations(label, text, folder, connected_rules(Reads.UNIT), Reads.UNIT) == []


@given(estates())
def test_on_random_estates_too(document: dict[str, Any]) -> None:
    text = yaml.safe_dump(document, sort_keys=False)
    assert violations("random", text, ".", connected_rules()) == []
    assert violations("random", text, ".", connected_rules(Reads.UNIT), Reads.UNIT) == []


def test_every_rule_is_local_where_the_examples_can_tell() -> None:
    """The rules left reading the whole estate that the examples show are not local: if one of
    them passes this test, the examples cannot tell, and reading its code decides."""
    rules = [rule for rule in RULES.values() if rule.check is not None]
    failing = set()
    for label, text, folder in SOURCES:
        for line in violations(label, text, folder, rules):
            failing.add(line.split(": ", 1)[1].split(" ", 1)[0])
    assert {"AP116", "AP118", "AP408", "AP419", "AP790", "AP806"} <= failing
    assert not failing & {rule.id for rule in connected_rules()}
    unit_failing = set()
    for label, text, folder in SOURCES:
        for line in violations(label, text, folder, rules, Reads.UNIT):
            unit_failing.add(line.split(": ", 1)[1].split(" ", 1)[0])
    # Those that read a peering's VPCs or a route's target are not about one unit.
    assert {"AP205", "AP206", "AP302", "AP312", "AP503"} <= unit_failing
    assert not unit_failing & {rule.id for rule in connected_rules(Reads.UNIT)}


# -- which units are linked ---------------------------------------------------------------------


def _groups(text: str) -> set[frozenset[str]]:
    side = from_text("test.yaml", text)
    return {frozenset(f"{s}.{n}" for s, n in group) for group in components(side.data)}


VPCS = """
archplan: 1
defaults: {region: us-east-1}
vpcs:
  a:
    cidr: 10.0.0.0/16
    subnets: {s1: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: private}}
    route_tables: {private: {routes: {}}}
  b:
    cidr: 10.1.0.0/16
    subnets: {s2: {cidr: 10.1.0.0/24, az: us-east-1a, route_table: private}}
    route_tables: {private: {routes: {}}}
"""


def test_names_a_unit_holds_itself_link_nothing() -> None:
    # Both VPCs have a route table "private": each subnet names its own.
    assert _groups(VPCS) == {frozenset({"vpcs.a"}), frozenset({"vpcs.b"})}


def test_a_peering_links_its_vpcs() -> None:
    text = VPCS + "peerings:\n  ab: {requester: a, accepter: b, status: active}\n"
    assert _groups(text) == {frozenset({"vpcs.a", "vpcs.b", "peerings.ab"})}


def test_a_route_to_a_nat_gateway_in_another_vpc_links_the_vpcs() -> None:
    text = VPCS.replace(
        "private: {routes: {}}}\n  b:", "private: {routes: {0.0.0.0/0: nat:s2}}}\n  b:"
    )
    assert _groups(text) == {frozenset({"vpcs.a", "vpcs.b"})}


def test_a_scaling_group_links_the_vpcs_of_its_subnets() -> None:
    text = VPCS + (
        "scaling_groups:\n"
        "  web: {vpc: a, subnets: [s1], min: 1, max: 2, instance_types: {m5.large: 1}}\n"
    )
    assert _groups(text) == {frozenset({"vpcs.a", "scaling_groups.web"}), frozenset({"vpcs.b"})}


def test_a_security_group_naming_another_vpcs_group_links_the_vpcs() -> None:
    text = VPCS.replace(
        "route_tables: {private: {routes: {}}}\n  b:",
        "route_tables: {private: {routes: {}}}\n"
        "    security_groups: {web: {ingress: [{protocol: tcp, ports: 443, from: sg:b/lb}]}}\n"
        "  b:",
    )
    assert _groups(text) == {frozenset({"vpcs.a", "vpcs.b"})}


def test_a_part_keeps_its_units_in_the_files_order_and_every_setting() -> None:
    text = VPCS + "quotas: {subnets_per_vpc: 3}\n"
    side = from_text("test.yaml", text)
    whole = side.loaded.architecture
    part = part_of(whole, frozenset({("vpcs", "b")}))
    assert list(part.vpcs) == ["b"]
    assert part.subnet_owner == {"s2": ["b"]}
    assert part.quotas == whole.quotas
    assert part.memo == {} and part.memo is not whole.memo


def test_links_read_in_one_pass_over_each_version() -> None:
    links = Links()
    side = from_text("test.yaml", VPCS)
    links.read(objects(side.data))
    assert sorted(links.units()) == [("vpcs", "a"), ("vpcs", "b")]
