"""The update behaviour of each field, read from the shipped table, and the table itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archplan import schema as s
from archplan.diff import behaviour
from archplan.diff.compare import compare_entries
from archplan.diff.match import ObjectEntry, objects
from archplan.diff.model import MISSING, Update

SHARED = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "data" / "update-behaviour.json"
)
SHIPPED = Path(behaviour.__file__).resolve().parents[1] / "data" / "update-behaviour.json"


def test_the_shipped_table_is_the_reference_copy_with_its_source_and_date() -> None:
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert shipped["generated"] and shipped["source"]["schema"]["schema_date"]
    assert "2026" in behaviour.source_line()
    if not SHARED.is_file():
        pytest.skip("the shared reference is not here")
    assert shipped == json.loads(SHARED.read_text(encoding="utf-8"))


def test_every_mapped_property_is_in_the_table() -> None:
    for kind, pattern, mapping in behaviour.FIELDS:
        if isinstance(mapping, behaviour.Prop) and mapping.property != "(target)":
            entry = behaviour.property_entry(mapping.resource_type, mapping.property)
            assert entry is not None and entry["update"] is not None, (kind, pattern, mapping)
    for resource_type in behaviour.OBJECT_TYPES.values():
        assert behaviour.type_entry(resource_type), resource_type
    for prop in behaviour.ROUTE_TARGETS.values():
        assert behaviour.property_entry(behaviour.ROUTE, prop) is not None


# The reference's mapping table (change-preview.md), row by row.
ROWS = [
    (("vpcs",), ("cidr",), "10.0.0.0/16", "10.1.0.0/16", Update.REPLACEMENT, True),
    (("vpcs",), ("dns", "hostnames"), True, False, Update.IN_PLACE, False),
    (("vpcs",), ("secondary_cidrs",), [], ["100.64.0.0/16"], Update.ADD_REMOVE, False),
    (("vpcs",), ("region",), "us-east-1", "us-west-2", Update.REPLACEMENT, True),
    (("vpcs", "subnets"), ("az",), "us-east-1a", "us-east-1b", Update.REPLACEMENT, True),
    (("vpcs", "subnets"), ("ipv6_cidr",), MISSING, "2600::/64", Update.CONDITIONAL, True),
    (("vpcs", "subnets"), ("route_table",), "a", "b", Update.REPLACEMENT, False),
    (("vpcs", "route_tables"), ("routes", "0.0.0.0/0"), "igw", "nat:a", Update.IN_PLACE, False),
    (("vpcs", "route_tables"), ("routes", "0.0.0.0/0"), MISSING, "igw", Update.ADD_REMOVE, False),
    (("vpcs", "route_tables"), ("main",), True, False, Update.NONE, False),
    (("vpcs", "endpoints"), ("service",), "s3", "dynamodb", Update.REPLACEMENT, True),
    (("vpcs", "endpoints"), ("subnets",), [], ["a"], Update.IN_PLACE, False),
    (("peerings",), ("accepter",), "a", "b", Update.REPLACEMENT, True),
    (("peerings",), ("status",), "active", "failed", Update.NONE, False),
    (("transit_gateways", "attachments"), ("subnets",), ["a"], ["b"], Update.REPLACEMENT, True),
    (("scaling_groups",), ("min",), 1, 2, Update.IN_PLACE, False),
    (("scaling_groups",), ("subnets",), ["a"], ["b"], Update.CONDITIONAL, True),
    (("scaling_groups",), ("purchase", "on_demand_base"), 0, 1, Update.CONDITIONAL, True),
    (("scaling_groups",), ("demand", "hourly"), [1], [2], Update.NONE, False),
    (("api_gateways",), ("throttle", "rate"), 1, 2, Update.IN_PLACE, False),
    (("meshes",), (), ["a"], ["b"], Update.NONE, False),
]


@pytest.mark.parametrize(("kind", "field", "old", "new", "update", "replaces"), ROWS)
def test_the_reference_mapping(
    kind: tuple[str, ...],
    field: tuple[str, ...],
    old: object,
    new: object,
    update: Update,
    replaces: bool,
) -> None:
    found = behaviour.field_behaviour(kind, field, old, new, {})
    assert (found.update, found.replaces_object) == (update, replaces)


def test_asg_conditionals_carry_the_update_policy_condition() -> None:
    found = behaviour.field_behaviour(("scaling_groups",), ("subnets",), ["a"], ["b"], {})
    assert "AutoScalingReplacingUpdate" in found.note


def test_a_kind_the_table_does_not_know_is_compared_and_marked_unknown() -> None:
    # A kind another branch adds to the schema: objects and fields come from the schema alone.
    rule = s.Object(
        fields={"port": s.Field(s.Integer()), "sources": s.Field(s.ListOf(item=s.Cidr(version=4)))}
    )
    group = s.Object(
        fields={"vpc": s.Field(s.Reference(target="vpc")), "rules": s.Field(s.NamedMap(value=rule))}
    )
    root = s.Object(
        fields={**s.ARCHITECTURE.fields, "security_groups": s.Field(s.NamedMap(value=group))}
    )
    old = {
        "security_groups": {"web": {"vpc": "a", "rules": {"https": {"port": 443, "sources": []}}}}
    }
    new = {
        "security_groups": {"web": {"vpc": "a", "rules": {"https": {"port": 8443, "sources": []}}}}
    }
    found = {entry.path: entry for entry in objects(old, root)}
    changed = {entry.path: entry for entry in objects(new, root)}
    path = ("security_groups", "web", "rules", "https")
    before: ObjectEntry = found[path]
    assert before.kind == ("security_groups", "rules")
    assert compare_entries(before, changed[path]) == [(("port",), 443, 8443)]
    assert compare_entries(found[path[:2]], changed[path[:2]]) == []
    unknown = behaviour.field_behaviour(before.kind, ("port",), 443, 8443, {})
    assert unknown.update is Update.UNKNOWN
