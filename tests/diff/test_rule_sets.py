"""Security group and network ACL rules as AWS keeps them: a set of rules (a security group's
rules have no order; an ACL's are keyed by rule number), so a reorder is no change and a
change reads rule by rule."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from archplan.diff.model import Update
from archplan.diff.render import text
from tests.diff.helpers import EXAMPLES, edit, texts

TIER = (EXAMPLES / "three-tier.yaml").read_text(encoding="utf-8")
WEB_EGRESS = (
    "          - {protocol: tcp, ports: 8080, to: sg:app}\n"
    "          - {protocol: tcp, ports: 80, to: 0.0.0.0/0}\n"
    "          - {protocol: tcp, ports: 443, to: 0.0.0.0/0}\n"
)
ACL_INGRESS = (
    "          - {rule: 100, action: allow, protocol: tcp, ports: 80, from: 0.0.0.0/0}\n"
    "          - {rule: 110, action: allow, protocol: tcp, ports: 443, from: 0.0.0.0/0}\n"
)


def test_reordered_security_group_and_acl_rules_are_no_change() -> None:
    reordered = edit(
        TIER,
        WEB_EGRESS,
        "          - {protocol: tcp, ports: 80, to: 0.0.0.0/0}\n"
        "          - {to: 0.0.0.0/0, ports: 443, protocol: tcp}\n"
        "          - {protocol: tcp, ports: 8080, to: sg:app}\n",
    )
    reordered = edit(
        reordered,
        ACL_INGRESS,
        "          - {rule: 110, action: allow, protocol: tcp, ports: 443, from: 0.0.0.0/0}\n"
        "          - {rule: 100, action: allow, protocol: tcp, ports: 80, from: 0.0.0.0/0}\n",
    )
    result = texts(TIER, reordered)
    assert result.empty, result.changes
    assert texts(reordered, TIER).empty


def test_a_new_security_group_rule_reads_as_that_rule() -> None:
    new = edit(
        TIER, WEB_EGRESS, WEB_EGRESS + "          - {protocol: tcp, ports: 22, to: 10.0.0.0/16}\n"
    )
    result = texts(TIER, new)
    (change,) = result.changes
    (field,) = change.fields
    assert field.field == ("egress",) and field.behaviour.update is Update.INTERRUPTION
    report = text.render(result, width=200)
    assert "egress: added {protocol: tcp, ports: 22, to: 10.0.0.0/16}  interruption" in report
    assert "8080" not in report  # the unchanged rules are not repeated
    back = text.render(texts(new, TIER), width=200)
    assert "egress: removed {protocol: tcp, ports: 22, to: 10.0.0.0/16}  interruption" in back


def test_an_acl_rule_changed_under_its_number_is_that_entry_updated_in_place() -> None:
    new = edit(
        TIER,
        ACL_INGRESS,
        ACL_INGRESS.replace("ports: 443, from: 0.0.0.0/0", "ports: 8443, from: 0.0.0.0/0"),
    )
    (change,) = texts(TIER, new).changes
    (field,) = change.fields
    behaviour = field.behaviour
    assert behaviour.update is Update.IN_PLACE
    assert (behaviour.resource_type, behaviour.property) == (
        "AWS::EC2::NetworkAclEntry",
        "PortRange",
    )
    report = text.render(texts(TIER, new), width=300)
    assert (
        "ingress: rule 110: {rule: 110, action: allow, protocol: tcp, ports: 443, from: "
        "0.0.0.0/0} -> {rule: 110, action: allow, protocol: tcp, ports: 8443, from: 0.0.0.0/0}"
        "  in place (AWS::EC2::NetworkAclEntry.PortRange)" in report
    )


def test_a_renumbered_acl_rule_is_an_entry_removed_and_added() -> None:
    new = edit(TIER, ACL_INGRESS, ACL_INGRESS.replace("rule: 110", "rule: 105"))
    (change,) = texts(TIER, new).changes
    (field,) = change.fields
    assert field.behaviour.update is Update.ADD_REMOVE
    report = text.render(texts(TIER, new), width=300)
    assert "removed {rule: 110," in report and "added {rule: 105," in report


_RULES = st.lists(
    st.tuples(st.sampled_from(["tcp", "udp"]), st.integers(1, 65535), st.integers(0, 3)),
    min_size=1,
    max_size=6,
)


def _group(rules: list[tuple[str, int, int]]) -> str:
    lines = "".join(
        f"          - {{protocol: {proto}, ports: {port}, to: 10.{net}.0.0/16}}\n"
        for proto, port, net in rules
    )
    return edit(TIER, WEB_EGRESS, lines)


@settings(max_examples=25, deadline=None)
@given(rules=_RULES, order=st.randoms(use_true_random=False), extra=_RULES)
def test_rule_lists_compare_as_multisets(
    rules: list[tuple[str, int, int]], order: random.Random, extra: list[tuple[str, int, int]]
) -> None:
    """A permutation is no change; adding rules is one change naming exactly the rules added
    (brute force: the expected difference counted independently with Counter)."""
    shuffled = list(rules)
    order.shuffle(shuffled)
    assert texts(_group(rules), _group(shuffled)).empty
    result = texts(_group(rules), _group(rules + extra))
    (field,) = result.changes[0].fields
    from archplan.diff.render import values

    said = values.arrow(result.changes[0], field).split("; ")
    assert said == [
        f"added {{protocol: {proto}, ports: {port}, to: 10.{net}.0.0/16}}"
        for proto, port, net in extra
    ]
