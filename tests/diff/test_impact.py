"""What replacements take with them, edits that fail as written, and peering link changes."""

from __future__ import annotations

from archplan.diff.model import Update
from tests.diff.helpers import EXAMPLES, edit, texts

SHARED = (EXAMPLES / "shared-services.yaml").read_text(encoding="utf-8")
FORUM = (EXAMPLES / "forum-ec2.yaml").read_text(encoding="utf-8")

SMALL = """\
archplan: 1
defaults: {region: us-east-1, account: "111111111111"}
vpcs:
  a:
    cidr: 10.0.0.0/16
    secondary_cidrs: [100.64.0.0/24]
    subnets:
      a1: {cidr: 10.0.1.0/24, az: us-east-1a, route_table: main}
      a2: {cidr: 10.0.2.0/24, az: us-east-1b, route_table: main}
    route_tables:
      main: {main: true, routes: {10.1.0.0/16: "peering:ab"}}
  b:
    cidr: 10.1.0.0/16
    subnets:
      b1: {cidr: 10.1.1.0/24, az: us-east-1a}
    route_tables:
      main: {main: true, routes: {10.0.0.0/16: "peering:ab"}}
peerings:
  ab: {requester: a, accepter: b}
transit_gateways:
  hub:
    attachments:
      a: {subnets: [a1]}
"""


def test_a_replaced_vpc_takes_its_subnets_tables_peerings_and_attachment() -> None:
    result = texts(SMALL, edit(SMALL, "cidr: 10.0.0.0/16", "cidr: 10.2.0.0/16"))
    [replaced] = result.replacements
    assert replaced.path == ("vpcs", "a")
    taken = {item.path: item.update for item in result.consequences if item.cause == ("vpcs", "a")}
    assert taken == {
        ("vpcs", "a", "subnets", "a1"): Update.REPLACEMENT,
        ("vpcs", "a", "subnets", "a2"): Update.REPLACEMENT,
        ("vpcs", "a", "route_tables", "main"): Update.REPLACEMENT,
        ("peerings", "ab"): Update.REPLACEMENT,
        ("transit_gateways", "hub", "attachments", "a"): Update.REPLACEMENT,
    }
    # and the replaced route table's association goes with each subnet, the peering's routes
    # follow it in place (b's table is not replaced)
    causes = {(item.cause, item.path) for item in result.consequences}
    assert (("peerings", "ab"), ("vpcs", "b", "route_tables", "main")) in causes
    # b's block 10.1.0.0/16 is untouched; a's peering route to it is now...
    assert not result.links


def test_moving_a_subnet_to_another_zone_with_its_block_fails() -> None:
    result = texts(
        SMALL,
        edit(
            SMALL,
            "a1: {cidr: 10.0.1.0/24, az: us-east-1a",
            "a1: {cidr: 10.0.1.0/24, az: us-east-1c",
        ),
    )
    [failure] = result.failures
    assert failure.path == ("vpcs", "a", "subnets", "a1")
    assert "CIDR Block must change if Availability Zone is changed" in failure.message
    assert failure.place is not None and failure.place.text() == "new.yaml:8:7"


def test_resizing_a_subnet_over_its_own_block_fails_and_a_new_block_does_not() -> None:
    grown = texts(SMALL, edit(SMALL, "a1: {cidr: 10.0.1.0/24", "a1: {cidr: 10.0.0.0/23"))
    assert [f.path for f in grown.failures] == [("vpcs", "a", "subnets", "a1")]
    assert "InvalidSubnet.Conflict" in grown.failures[0].message
    moved = texts(SMALL, edit(SMALL, "a1: {cidr: 10.0.1.0/24", "a1: {cidr: 10.0.9.0/24"))
    assert not moved.failures and len(moved.replacements) == 1


def test_a_renamed_subnet_with_the_old_block_collides_with_the_old_one() -> None:
    result = texts(SMALL, edit(SMALL, "      a2: {cidr", "      a3: {cidr"))
    [failure] = result.failures
    assert failure.path == ("vpcs", "a", "subnets", "a3") and 'subnet "a2"' in failure.message


def test_a_secondary_block_resized_over_itself_fails() -> None:
    result = texts(SMALL, edit(SMALL, "[100.64.0.0/24]", "[100.64.0.0/23]"))
    [failure] = result.failures
    assert "100.64.0.0/23 is associated before 100.64.0.0/24 is removed" in failure.message


def test_attachment_subnets_change_fails_as_a_replacement() -> None:
    result = texts(SMALL, edit(SMALL, "a: {subnets: [a1]}", "a: {subnets: [a1, a2]}"))
    [failure] = result.failures
    assert (
        "DuplicateTransitGatewayAttachment" in failure.message and "AddSubnetIds" in failure.message
    )
    reordered = texts(
        edit(SMALL, "a: {subnets: [a1]}", "a: {subnets: [a1, a2]}"),
        edit(SMALL, "a: {subnets: [a1]}", "a: {subnets: [a2, a1]}"),
    )
    assert reordered.empty  # SubnetIds is unordered: a reorder is no change


def test_a_peering_replaced_between_the_same_vpcs_fails() -> None:
    swapped = texts(
        SMALL, edit(SMALL, "ab: {requester: a, accepter: b}", "ab: {requester: b, accepter: a}")
    )
    assert len(swapped.failures) == 1 and "more than one" not in swapped.failures[0].message
    assert "same two VPCs" in swapped.failures[0].message
    renamed = texts(
        SMALL,
        edit(SMALL, "  ab: {requester: a, accepter: b}", "  ab2: {requester: a, accepter: b}"),
    )
    assert any("more than one VPC peering connection" in f.message for f in renamed.failures)


def test_a_replaced_nat_subnet_takes_its_gateway() -> None:
    new = edit(SHARED, "hr-public-a:  {cidr: 10.20.0.0/24", "hr-public-a:  {cidr: 10.20.2.0/24")
    result = texts(SHARED, new)
    messages = [item.message for item in result.consequences]
    assert any(
        message.startswith('the NAT gateway in subnet "hr-public-a" is replaced')
        for message in messages
    )


def test_links_gained_lost_and_made_impossible() -> None:
    lost = texts(
        SMALL,
        edit(
            SMALL,
            "ab: {requester: a, accepter: b}",
            "ab: {requester: a, accepter: b, status: failed}",
        ),
    )
    assert [(x.change, x.first, x.second) for x in lost.links] == [("lost", "a", "b")]
    overlapping = texts(SMALL, edit(SMALL, "    cidr: 10.1.0.0/16\n", "    cidr: 10.0.128.0/17\n"))
    assert [(x.change, x.first, x.second) for x in overlapping.links] == [
        ("made impossible", "a", "b")
    ]
    assert any(f.rule_id == "AP303" for f in overlapping.introduced)


def test_objects_without_their_own_region_move_with_defaults() -> None:
    result = texts(SMALL, edit(SMALL, "{region: us-east-1,", "{region: us-west-2,"))
    moved = sorted(item.path for item in result.consequences if item.cause == ())
    assert moved == [("transit_gateways", "hub"), ("vpcs", "a"), ("vpcs", "b")]
    from archplan.diff.result import crossed, parse_gate

    assert crossed(result, [parse_gate("replacement")]) == ["3 replacement(s) or failing edit(s)"]


def test_a_replaced_subnet_takes_its_acl_association_and_updates_services_and_functions() -> None:
    """The newer kinds follow the table's cascade for AWS::EC2::Subnet: the network ACL's
    association with the subnet is replaced (not the ACL); an ECS service's and a Lambda
    function's network configuration take the new subnet in place."""
    three_tier = (EXAMPLES / "three-tier.yaml").read_text(encoding="utf-8")
    new = edit(three_tier, "db-a:     {cidr: 10.0.4.0/24", "db-a:     {cidr: 10.0.8.0/24")
    new = edit(new, "address: 10.0.4.10", "address: 10.0.8.10")
    found = {(c.path, c.via, c.update) for c in texts(three_tier, new).consequences}
    assert (
        ("vpcs", "shop", "network_acls", "private"),
        "AWS::EC2::SubnetNetworkAclAssociation",
        Update.REPLACEMENT,
    ) in found
    assert all(
        path[-2:] != ("network_acls", "private") or via != "AWS::EC2::NetworkAcl"
        for path, via, _ in found
    )
    forum = (EXAMPLES / "forum.yaml").read_text(encoding="utf-8")
    moved = edit(
        forum, "forum-app-a:    {cidr: 10.50.16.0/20", "forum-app-a:    {cidr: 10.50.64.0/20"
    )
    taken = {(c.path, c.via, c.update) for c in texts(forum, moved).consequences}
    assert (("services", "messages"), "AWS::ECS::Service", Update.IN_PLACE) in taken
    assert (("functions", "users"), "AWS::Lambda::Function", Update.IN_PLACE) in taken


def test_a_dependent_the_change_removes_is_not_taken_along() -> None:
    """forum-next moves forum-app-a and removes the service and the function in it: they go
    anyway, so the replacement names only the scaling group that stays."""
    forum = (EXAMPLES / "forum.yaml").read_text(encoding="utf-8")
    after = (EXAMPLES / "diff" / "forum-next.yaml").read_text(encoding="utf-8")
    taken = {c.path for c in texts(forum, after).consequences}
    assert taken == {("scaling_groups", "topics")}
