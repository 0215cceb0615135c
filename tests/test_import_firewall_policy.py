"""AWS Network Firewall policies imported from CloudFormation into `network_firewalls:`: a
policy of 5-tuple rule groups is written rule by rule; one that decides by what format 1 does
not hold (Suricata rules, domain lists, policy variables...) is left out whole with an issue,
as the corpus's real templates are."""

from __future__ import annotations

from pathlib import Path

import pytest

from archplan.engine import validate_source
from archplan.importers import SourceKind, import_sources
from archplan.importers.common import ImportOptions
from archplan.importers.render import render_document
from archplan.source import Source
from tests.conftest import corpus_files

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  FwSub: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/28, AvailabilityZone: us-east-1a}}
  Pairs:
    Type: AWS::NetworkFirewall::RuleGroup
    Properties:
      Type: STATELESS
      Capacity: 100
      RuleGroup:
        RulesSource:
          StatelessRulesAndCustomActions:
            StatelessRules:
              - Priority: 20
                RuleDefinition:
                  Actions: [aws:pass]
                  MatchAttributes:
                    Protocols: [6]
                    Sources: [{AddressDefinition: 0.0.0.0/0}]
                    Destinations: [{AddressDefinition: 10.0.0.0/8}]
                    SourcePorts: [{FromPort: 443, ToPort: 443}]
                    DestinationPorts: [{FromPort: 1024, ToPort: 65535}]
              - Priority: 10
                RuleDefinition:
                  Actions: [aws:pass]
                  MatchAttributes:
                    Protocols: [6, 17]
                    Sources: [{AddressDefinition: 10.0.0.0/8}]
                    SourcePorts: [{FromPort: 1024, ToPort: 65535}]
                    DestinationPorts: [{FromPort: 443, ToPort: 443}]
  Tuples:
    Type: AWS::NetworkFirewall::RuleGroup
    Properties:
      Type: STATEFUL
      Capacity: 100
      RuleGroup:
        RulesSource:
          STATEFUL_SOURCE
        StatefulRuleOptions: {RuleOrder: STRICT_ORDER}
  Policy:
    Type: AWS::NetworkFirewall::FirewallPolicy
    Properties:
      FirewallPolicyName: central
      FirewallPolicy:
        StatelessDefaultActions: [aws:forward_to_sfe]
        StatelessFragmentDefaultActions: [aws:forward_to_sfe]
        StatelessRuleGroupReferences: [{ResourceArn: !Ref Pairs, Priority: 1}]
        StatefulRuleGroupReferences: [{ResourceArn: !Ref Tuples, Priority: 1}]
        StatefulEngineOptions: {RuleOrder: STRICT_ORDER}
        StatefulDefaultActions: [aws:drop_strict]
  Fw:
    Type: AWS::NetworkFirewall::Firewall
    Properties:
      FirewallName: central
      FirewallPolicyArn: !Ref Policy
      VpcId: !Ref Vpc
      SubnetMappings: [{SubnetId: !Ref FwSub}]
"""
TUPLES = """StatefulRules:
            - Action: PASS
              Header: {Protocol: TCP, Source: 10.0.0.0/8, SourcePort: ANY, Direction: FORWARD, Destination: ANY, DestinationPort: "443"}
              RuleOptions: [{Keyword: "sid:1"}]
            - Action: DROP
              Header: {Protocol: IP, Source: ANY, SourcePort: ANY, Direction: ANY, Destination: 10.20.0.0/16, DestinationPort: ANY}
              RuleOptions: [{Keyword: "sid:2"}]"""
SURICATA = """RulesString: |
            pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"example.com"; sid:1;)"""


def _import(tmp_path: Path, source: str) -> object:
    path = tmp_path / "fw.yaml"
    path.write_text(TEMPLATE.replace("STATEFUL_SOURCE", source), encoding="utf-8")
    return import_sources(SourceKind.CLOUDFORMATION, [str(path)], ImportOptions())


def test_a_policy_of_five_tuple_rule_groups_is_imported(tmp_path: Path) -> None:
    imported = _import(tmp_path, TUPLES)
    document = imported.document  # type: ignore[attr-defined]
    assert document["vpcs"]["Vpc"]["firewalls"] == {"Fw": {"subnet": "FwSub", "firewall": "Fw"}}
    assert document["network_firewalls"]["Fw"] == {
        "stateless_default": "forward",
        "stateless": [
            # Priority 10 first; one rule per protocol, renumbered.
            {
                "action": "pass",
                "protocol": "tcp",
                "ports": 443,
                "source_ports": "1024-65535",
                "from": "10.0.0.0/8",
                "to": "any",
                "priority": 1,
            },
            {
                "action": "pass",
                "protocol": "udp",
                "ports": 443,
                "source_ports": "1024-65535",
                "from": "10.0.0.0/8",
                "to": "any",
                "priority": 2,
            },
            {
                "action": "pass",
                "protocol": "tcp",
                "ports": "1024-65535",
                "source_ports": 443,
                "from": "0.0.0.0/0",
                "to": "10.0.0.0/8",
                "priority": 3,
            },
        ],
        "rule_order": "strict",
        "stateful": [
            {"action": "pass", "protocol": "tcp", "ports": 443, "from": "10.0.0.0/8", "to": "any"},
            # Direction ANY: the flow either way.
            {"action": "drop", "protocol": "all", "from": "any", "to": "10.20.0.0/16"},
            {"action": "drop", "protocol": "all", "from": "10.20.0.0/16", "to": "any"},
        ],
        "stateful_default": "drop",
    }
    text = render_document(document, "cloudformation", ["fw.yaml"])
    result = validate_source(Source("imported.yaml", text))
    assert result.error is None
    assert not [f for f in result.findings if f.rule_id.startswith("AP00")], result.findings


def test_a_suricata_rule_group_leaves_the_policy_out(tmp_path: Path) -> None:
    imported = _import(tmp_path, SURICATA)
    assert "network_firewalls" not in imported.document  # type: ignore[attr-defined]
    messages = [i.message for i in imported.issues]  # type: ignore[attr-defined]
    assert (
        "Fw: its policy Policy: rule group Tuples is written as RulesString; its rules are left "
        "out (reach assumes its endpoints pass what they receive)" in messages
    )


@pytest.mark.parametrize(
    "path",
    [p for p in corpus_files("cloudformation") if "networkfirewall" in p.name] or [None],
)
def test_real_policies_are_left_out_with_why(path: Path | None) -> None:
    if path is None:
        pytest.skip("corpus not found (set ARCHPLAN_CORPUS)")
    imported = import_sources(SourceKind.CLOUDFORMATION, [str(path)], ImportOptions())
    # Every policy of the corpus decides by Suricata rules or policy variables.
    assert "network_firewalls" not in imported.document
    firewalls = {
        endpoint["firewall"]
        for vpc in imported.document.get("vpcs", {}).values()
        for endpoint in vpc.get("firewalls", {}).values()
    }
    said = [i for i in imported.issues if "its rules are left out" in i.message]
    assert len(said) == len(firewalls)
