"""Pairs of versions of the shipped examples, each with what `archplan diff` must say."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from typer.testing import CliRunner

from archplan.diff.model import Action, Update
from archplan.importers import SourceKind
from tests.diff.helpers import EXAMPLES, edit, imported, texts

FORUM = (EXAMPLES / "forum-ec2.yaml").read_text(encoding="utf-8")
SHARED = (EXAMPLES / "shared-services.yaml").read_text(encoding="utf-8")


def test_subnet_block_change_is_a_replacement_naming_the_groups_instances() -> None:
    new = edit(
        FORUM, "forum-app-a:    {cidr: 10.50.16.0/20", "forum-app-a:    {cidr: 10.50.64.0/20"
    )
    result = texts(FORUM, new, str(EXAMPLES))
    [replaced] = result.replacements
    assert replaced.path == ("vpcs", "forum", "subnets", "forum-app-a")
    [field] = replaced.fields
    assert (field.field, field.behaviour.update) == (("cidr",), Update.REPLACEMENT)
    assert (field.behaviour.resource_type, field.behaviour.property) == (
        "AWS::EC2::Subnet",
        "CidrBlock",
    )
    assert field.old_place is not None and field.new_place is not None
    assert field.old_place.text() == "old.yaml:34:30"
    assert field.new_place.text() == "new.yaml:34:30"
    taken = {item.path: item.message for item in result.consequences}
    assert set(taken) == {("scaling_groups", name) for name in ("users", "topics", "messages")}
    assert all('instances in subnet "forum-app-a"' in message for message in taken.values())
    assert not result.failures  # the new block does not overlap the old one


def test_a_changed_route_adds_ap308_and_the_diff_says_so() -> None:
    new = edit(
        SHARED,
        "surviving a zone failure\n          10.0.0.0/16: peering:shared-hr",
        "surviving a zone failure\n          10.0.0.0/12: peering:shared-hr",
    )
    result = texts(SHARED, new)
    [change] = result.changes
    assert change.path == ("vpcs", "hr", "route_tables", "private")
    assert [(f.field, f.behaviour.update) for f in change.fields] == [
        (("routes", "10.0.0.0/16"), Update.ADD_REMOVE),
        (("routes", "10.0.0.0/12"), Update.ADD_REMOVE),
    ]
    [finding] = result.introduced
    assert finding.rule_id == "AP308"
    assert finding.path == ("vpcs", "hr", "route_tables", "private", "routes", "10.0.0.0/12")
    assert finding.place.text() == "new.yaml:90:24"
    assert not result.resolved


def test_moving_a_block_of_lines_changes_nothing() -> None:
    # The hr VPC moved to the end of `vpcs`, and a peering moved up: every line after them
    # moves, nothing else changes. The broken AP308 example keeps its finding the same way.
    start = SHARED.index("  hr:\n")
    end = SHARED.index("  engineering:\n")
    block = SHARED[start:end]
    moved = SHARED[:start] + SHARED[end:]
    moved = edit(moved, "# Requested from", block + "\n# Requested from")
    moved = (
        edit(
            moved,
            "  shared-finance:     {requester: shared, accepter: finance,     dns_resolution: true}\n",
            "",
        )
        + "  shared-finance:     {requester: shared, accepter: finance,     dns_resolution: true}\n"
    )
    assert moved != SHARED
    result = texts(SHARED, moved)
    assert result.empty and not result.changes and not result.introduced and not result.resolved

    broken = (EXAMPLES / "broken" / "AP308-transitive-peering-route.yaml").read_text(
        encoding="utf-8"
    )
    shifted = edit(broken, "archplan: 1\n", "archplan: 1\n\n\n# two lines down\n")
    assert texts(broken, shifted).empty


CFN_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.{n}.0.0/16
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.{n}.1.0/24
      AvailabilityZone: us-east-1a
"""


def test_an_object_renamed_with_the_same_logical_id_is_a_rename(tmp_path: Path) -> None:
    # Two stacks both call their VPC "VPC": imported together, the second becomes "VPC-2".
    # With the first stack gone, the second stack's VPC is named "VPC" again: a rename of the
    # same resource (same template, same logical ID), not a VPC whose block changed.
    first, second = tmp_path / "net-a.yaml", tmp_path / "net-b.yaml"
    first.write_text(CFN_TEMPLATE.format(n=1), encoding="utf-8")
    second.write_text(CFN_TEMPLATE.format(n=2), encoding="utf-8")
    old = imported(SourceKind.CLOUDFORMATION, [str(first), str(second)], "old")
    new = imported(SourceKind.CLOUDFORMATION, [str(second)], "new")
    from archplan.diff.result import diff

    result = diff(old, new)
    by_old = {change.old_path: change for change in result.changes}
    renamed = by_old[("vpcs", "VPC-2")]
    assert renamed.action is Action.MODIFIED and renamed.renamed
    assert renamed.new_path == ("vpcs", "VPC")
    assert renamed.identity == f"{second}#VPC"
    assert not renamed.fields and renamed.update is Update.NONE
    subnet = by_old[("vpcs", "VPC-2", "subnets", "PrivateSubnet-2")]
    assert subnet.renamed and subnet.new_path == ("vpcs", "VPC", "subnets", "PrivateSubnet")
    assert by_old[("vpcs", "VPC")].action is Action.REMOVED
    assert not result.replacements
    assert renamed.new_place is not None and renamed.new_place.text() == f"{second}:3:3"


def _scale_plan_total(path: Path) -> Fraction:
    """The monthly total of group "users" in `scale-plan FILE` (the whole file: a group in a
    shared commitment is priced as the file's plan prices it, not as it would be alone)."""
    from archplan.cli import app

    run = CliRunner().invoke(app, ["scale-plan", str(path), "--format", "json"])
    assert run.exit_code in (0, 1), run.output
    report = json.loads(run.stdout)
    [group] = [group for group in report["groups"] if group["name"] == "users"]
    return Fraction(group["cost"]["per_month"]["total"])


def test_a_rise_of_max_shows_the_cost_delta_the_two_scale_plans_give(tmp_path: Path) -> None:
    # users needs 10 units at its busiest hour with an AZ lost; max 6 caps it, max 12 does not.
    old_text = edit(FORUM, "    max: 12\n", "    max: 6\n")
    old_path, new_path = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old_path.write_text(old_text, encoding="utf-8")
    new_path.write_text(FORUM, encoding="utf-8")
    result = texts(old_text, FORUM, str(tmp_path))
    assert result.costs is not None
    [group] = result.costs.groups
    assert group.name == "users" and group.old is not None and group.new is not None
    assert group.old.monthly is not None and group.new.monthly is not None
    expected = _scale_plan_total(new_path) - _scale_plan_total(old_path)
    assert expected > 0
    assert group.new.monthly - group.old.monthly == expected
    assert result.costs.delta == expected
    assert group.new.peak_required == group.old.peak_required  # demand did not change
    assert group.new.peak_capacity > group.old.peak_capacity
