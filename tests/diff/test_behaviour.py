"""The update behaviour of each field, read from the shipped table, and the table itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archplan import schema as s
from archplan.diff import behaviour, fields
from archplan.diff.compare import compare_entries
from archplan.diff.match import ObjectEntry, diffable_fields, objects
from archplan.diff.model import MISSING, Update
from archplan.findings import Path as FieldPath
from tests.conftest import reference_file

SHIPPED = Path(behaviour.__file__).resolve().parents[1] / "data" / "update-behaviour.json"


def test_the_shipped_table_is_the_reference_copy_with_its_source_and_date() -> None:
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert shipped["generated"] and shipped["source"]["schema"]["schema_date"]
    assert "2026" in behaviour.source_line()
    reference = reference_file("data", "update-behaviour.json")
    assert shipped == json.loads(reference.read_text(encoding="utf-8"))


def _concrete(field: FieldPath) -> FieldPath:
    return tuple("some-key" if part == fields.ANY else part for part in field)


def test_every_diffable_field_is_mapped_or_marked_archplan_only() -> None:
    """Each field the diff can report is a property of a type in the shipped table, a stated
    add/remove or placement, a type the table does not cover (named), or archplan-only."""
    missing = []
    for kind, paths in diffable_fields().items():
        assert kind == () or kind in fields.KINDS, f"kind {kind} is not in fields.KINDS"
        for field in paths:
            found = behaviour.answer(kind, _concrete(field))
            if found is None:
                missing.append((kind, field))
            elif isinstance(found, fields.Prop):
                if found.property != fields.TARGET:
                    entry = behaviour.property_entry(found.resource_type, found.property)
                    assert entry is not None and entry["update"] is not None, (kind, field, found)
            elif isinstance(found, fields.Fixed):
                assert found.note, (kind, field)
                if found.resource_type is not None:
                    assert behaviour.type_entry(found.resource_type), (kind, field, found)
            else:
                assert found.note, (kind, field)
    assert not missing, f"fields with neither a mapping nor an archplan-only mark: {missing}"


def test_archplan_only_fields_say_so_and_move_nothing() -> None:
    for kind, field in [
        (("scaling_groups",), ("demand", "hourly")),
        (("meshes",), ()),
        ((), ("reachability",)),
        (("kubernetes", "workloads"), ("replicas",)),
        (("services",), ("aws_services",)),
    ]:
        found = behaviour.field_behaviour(kind, field, 1, 2, {})
        assert found.update is Update.NONE
        assert found.note.startswith("archplan-only (no AWS resource): "), found


def test_types_the_table_does_not_cover_are_named_and_unknown() -> None:
    covered = set(behaviour.table()["types"])
    not_covered: set[str | None] = set()
    for kind, paths in diffable_fields().items():
        for field in paths:
            found = behaviour.answer(kind, _concrete(field))
            if isinstance(found, fields.NotCovered):
                assert found.resource_type not in covered, (kind, field, found)
                not_covered.add(found.resource_type)
                result = behaviour.field_behaviour(kind, _concrete(field), 1, 2, {})
                assert result.update is Update.UNKNOWN and "not in the update-behaviour" in (
                    result.note
                )
    for answer in fields.KINDS.values():
        if isinstance(answer, fields.NotCovered):
            assert answer.resource_type not in covered
    # Listed so that a type joining the table (or a field losing its type) is a decision.
    assert not_covered == {
        None,
        "AWS::EC2::PrefixList",
        "AWS::NetworkFirewall::FirewallPolicy",
        "AWS::EC2::VPNConnection",
        "AWS::EC2::GatewayRouteTableAssociation",
        "AWS::EC2::VPNGatewayRoutePropagation",
        "AWS::AutoScaling::ScalingPolicy",
        "AWS::ApiGateway::Method",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "AWS::ECS::AccountSetting",
        "AWS::Lambda::Alias",
        "AWS::EKS::Addon",
    }


def test_every_object_type_and_route_target_is_in_the_table() -> None:
    for answer in fields.KINDS.values():
        if isinstance(answer, str):
            assert behaviour.type_entry(answer), answer
    for prop in behaviour.ROUTE_TARGETS.values():
        assert behaviour.property_entry(fields.ROUTE, prop) is not None


def test_a_kind_is_added_or_removed_as_its_resource_or_as_nothing() -> None:
    assert behaviour.whole_update(("vpcs", "security_groups")) is Update.ADD_REMOVE
    assert behaviour.whole_update(("kubernetes", "workloads")) is Update.NONE
    assert behaviour.whole_update(("prefix_lists",)) is Update.UNKNOWN


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
    # The kinds format 1 gained after the reference's table, mapped the same way.
    (("vpcs", "security_groups"), ("description",), "a", "b", Update.REPLACEMENT, True),
    (("vpcs", "security_groups"), ("ingress",), [], [{}], Update.INTERRUPTION, False),
    (("vpcs", "network_acls"), ("ingress",), [], [{}], Update.ADD_REMOVE, False),
    (("vpcs", "gwlb_endpoints"), ("service",), "a", "b", Update.REPLACEMENT, True),
    (
        ("transit_gateways", "route_tables"),
        ("routes", "10.0.0.0/8"),
        "a",
        "b",
        Update.REPLACEMENT,
        False,
    ),
    (
        ("transit_gateways", "route_tables"),
        ("routes", "10.0.0.0/8"),
        MISSING,
        "b",
        Update.ADD_REMOVE,
        False,
    ),
    (("transit_gateways", "attachments"), ("appliance_mode",), False, True, Update.IN_PLACE, False),
    (("services",), ("cluster",), "a", "b", Update.REPLACEMENT, True),
    (("services",), ("cpu",), 256, 512, Update.REPLACEMENT, False),
    (("services",), ("launch_type",), "ec2", "fargate", Update.CONDITIONAL, True),
    (("functions",), ("memory",), 128, 256, Update.IN_PLACE, False),
    (("kubernetes",), ("subnets",), ["a"], ["b"], Update.IN_PLACE, False),
    (("kubernetes", "node_groups"), ("instance_types",), ["a"], ["b"], Update.REPLACEMENT, True),
    (("kubernetes", "node_groups"), ("max",), 2, 3, Update.IN_PLACE, False),
    (("prefix_lists",), ("entries",), [], ["10.0.0.0/8"], Update.UNKNOWN, False),
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
