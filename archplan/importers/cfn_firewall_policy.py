"""AWS Network Firewall policies of a CloudFormation template into `network_firewalls:`.

A firewall's policy (AWS::NetworkFirewall::FirewallPolicy, by the firewall's
FirewallPolicyArn) is written only when every fact it decides by is in the template and in
format 1's terms: stateless rule groups of 5-tuple rules (MatchAttributes), stateful rule
groups of 5-tuple rules (StatefulRules), the default actions and the rule order. A rule group
written as Suricata rules (RulesString), a domain list (RulesSourceList), custom actions, TCP
flags, a stateful default that drops only established connections, a rule group this template
does not define, or a value that does not resolve leaves the whole policy out with an issue:
`reach` then says the endpoint is assumed to pass, rather than judging by part of the rules.

A stateless rule naming several protocols, addresses or port ranges becomes one format-1 rule
per combination, in AWS's order (rule groups by priority, rules by priority); they are
renumbered 1, 2, ... since format 1 wants one priority per rule. A stateful rule whose
direction is ANY matches the flow either way: it is written twice, the second reversed.

- AWS CloudFormation, "AWS::NetworkFirewall::FirewallPolicy FirewallPolicy"
  <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-networkfirewall-firewallpolicy-firewallpolicy.html>
- AWS CloudFormation, "AWS::NetworkFirewall::RuleGroup MatchAttributes"
  <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-networkfirewall-rulegroup-matchattributes.html>
- AWS CloudFormation, "AWS::NetworkFirewall::RuleGroup Header"
  <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-networkfirewall-rulegroup-header.html>
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from archplan.importers.intrinsics import ResourceRef, Unresolved

if TYPE_CHECKING:
    from archplan.importers.cfn_mapping import _TemplateMapper
    from archplan.importers.cloudformation import Resource

STATELESS = {"aws:pass": "pass", "aws:drop": "drop", "aws:forward_to_sfe": "forward"}
STATEFUL = {"PASS": "pass", "DROP": "drop", "REJECT": "reject", "ALERT": "alert"}
HEADER_PROTOCOLS = {"IP": "all", "TCP": "tcp", "UDP": "udp", "ICMP": "icmp"}
IANA = {6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6"}


class Incomplete(Exception):
    """What the template does not say (or says outside format 1): the policy is left out."""


def firewall_policies(tm: _TemplateMapper, firewalls: dict[str, tuple[str, list[str]]]) -> None:
    """One `network_firewalls` entry per imported firewall whose policy is complete."""
    groups = {r.logical_id: r for r in tm.of_type("AWS::NetworkFirewall::RuleGroup")}
    for resource in tm.of_type("AWS::NetworkFirewall::Firewall"):
        if resource.logical_id not in firewalls:
            continue  # not imported (said where it was left out)
        node = tm.node(resource, "FirewallPolicyArn")
        reference = _reference(tm, node)
        policy = tm.t.resources.get(reference) if reference else None
        vpc, endpoints = firewalls[resource.logical_id]
        name = tm.m.vpcs[vpc]["firewalls"][endpoints[0]]["firewall"]  # as its endpoints name it
        if policy is None or policy.type != "AWS::NetworkFirewall::FirewallPolicy":
            _left_out(tm, resource, "its FirewallPolicyArn names no policy of this template")
            continue
        try:
            body = _policy(tm, policy, groups)
        except Incomplete as why:
            _left_out(tm, resource, f"its policy {policy.logical_id}: {why}")
            continue
        tm.m.network_firewalls[name] = body
        tm.record(("network_firewalls", name), policy.key, policy.logical_id)


def _left_out(tm: _TemplateMapper, resource: Resource, why: str) -> None:
    tm.issue(
        f"{resource.logical_id}: {why}; its rules are left out (reach assumes its endpoints "
        "pass what they receive)",
        resource.key,
        resource.logical_id,
    )


def _reference(tm: _TemplateMapper, node: Any) -> str | None:
    if node is None:
        return None
    try:
        value = tm.ev.value(node)
    except Unresolved:
        return None
    return value.logical_id if isinstance(value, ResourceRef) else None


def _value(tm: _TemplateMapper, resource: Resource, prop: str) -> Any:
    node = tm.node(resource, prop)
    if node is None:
        raise Incomplete(f"{prop} is not written")
    try:
        return tm.ev.value(node)
    except Unresolved as error:
        raise Incomplete(f"{prop} does not resolve ({error.message})") from None


def _policy(tm: _TemplateMapper, policy: Resource, groups: dict[str, Resource]) -> dict[str, Any]:
    raw = _dict(_value(tm, policy, "FirewallPolicy"), "FirewallPolicy")
    known = {
        "StatelessDefaultActions",
        "StatelessFragmentDefaultActions",
        "StatelessRuleGroupReferences",
        "StatefulRuleGroupReferences",
        "StatefulEngineOptions",
        "StatefulDefaultActions",
    }
    extra = sorted(set(raw) - known)
    if extra:
        raise Incomplete(f"{', '.join(extra)} is not modelled")
    if raw.get("StatelessCustomActions"):
        raise Incomplete("custom stateless actions are not modelled")
    body: dict[str, Any] = {
        "stateless_default": _stateless_action(raw.get("StatelessDefaultActions"))
    }
    engine = _dict(raw.get("StatefulEngineOptions") or {}, "StatefulEngineOptions")
    strict = engine.get("RuleOrder", "DEFAULT_ACTION_ORDER") == "STRICT_ORDER"
    stateless: list[dict[str, Any]] = []
    for ref in sorted(_list(raw.get("StatelessRuleGroupReferences")), key=_priority):
        group = _group(tm, ref, groups, "STATELESS")
        stateless += _stateless_rules(group)
    for number, rule in enumerate(stateless, 1):
        rule["priority"] = number
    if stateless:
        body["stateless"] = stateless
    stateful: list[dict[str, Any]] = []
    references = _list(raw.get("StatefulRuleGroupReferences"))
    for ref in sorted(references, key=_priority) if strict else references:
        group = _group(tm, ref, groups, "STATEFUL")
        stateful += _stateful_rules(group)
    if strict:
        body["rule_order"] = "strict"
    if stateful:
        body["stateful"] = stateful
    defaults = [str(a) for a in _list(raw.get("StatefulDefaultActions"))]
    if defaults and not strict:
        raise Incomplete("StatefulDefaultActions need STRICT_ORDER")
    if "aws:drop_established" in defaults or "aws:alert_established" in defaults:
        raise Incomplete("a stateful default for established connections is not modelled")
    if "aws:drop_strict" in defaults:
        body["stateful_default"] = "drop"
    return body


def _priority(ref: Any) -> int:
    value = ref.get("Priority", 0) if isinstance(ref, dict) else 0
    return int(value) if isinstance(value, int) else 0


def _group(tm: _TemplateMapper, ref: Any, groups: dict[str, Resource], kind: str) -> dict[str, Any]:
    arn = ref.get("ResourceArn") if isinstance(ref, dict) else None
    if not isinstance(arn, ResourceRef) or arn.logical_id not in groups:
        raise Incomplete(f"a {kind.lower()} rule group it references is not in this template")
    resource = groups[arn.logical_id]
    written = _value(tm, resource, "Type")
    if written != kind:
        raise Incomplete(f"rule group {resource.logical_id} is {written}, referenced as {kind}")
    group = _dict(_value(tm, resource, "RuleGroup"), f"{resource.logical_id}.RuleGroup")
    if set(group) - {"RulesSource", "StatefulRuleOptions", "RuleVariables"}:
        raise Incomplete(f"{resource.logical_id}.RuleGroup holds what is not modelled")
    if group.get("RuleVariables"):
        raise Incomplete(f"{resource.logical_id} uses rule variables, which are not modelled")
    source = _dict(group.get("RulesSource"), f"{resource.logical_id}.RulesSource")
    for key in ("RulesString", "RulesSourceList"):
        if key in source:
            raise Incomplete(f"rule group {resource.logical_id} is written as {key}")
    return source


def _stateless_rules(source: dict[str, Any]) -> list[dict[str, Any]]:
    block = _dict(source.get("StatelessRulesAndCustomActions"), "StatelessRulesAndCustomActions")
    if block.get("CustomActions"):
        raise Incomplete("custom stateless actions are not modelled")
    rules: list[dict[str, Any]] = []
    for rule in sorted(_list(block.get("StatelessRules")), key=_priority):
        definition = _dict(_dict(rule, "StatelessRule").get("RuleDefinition"), "RuleDefinition")
        action = _stateless_action(definition.get("Actions"))
        match = _dict(definition.get("MatchAttributes"), "MatchAttributes")
        if match.get("TCPFlags"):
            raise Incomplete("TCP flags are not modelled")
        protocols = [_iana(p) for p in _list(match.get("Protocols"))] or ["all"]
        sources = [_address(a) for a in _list(match.get("Sources"))] or ["any"]
        destinations = [_address(a) for a in _list(match.get("Destinations"))] or ["any"]
        from_ports = [_range(r) for r in _list(match.get("SourcePorts"))] or ["all"]
        to_ports = [_range(r) for r in _list(match.get("DestinationPorts"))] or ["all"]
        for protocol in protocols:
            ported = protocol in ("tcp", "udp")
            for src in sources:
                for dst in destinations:
                    for sport in from_ports if ported else ["all"]:
                        for dport in to_ports if ported else ["all"]:
                            entry: dict[str, Any] = {"action": action, "protocol": protocol}
                            if ported:
                                entry["ports"] = dport
                                if sport != "all":
                                    entry["source_ports"] = sport
                            entry["from"], entry["to"] = src, dst
                            rules.append(entry)
    return rules


def _stateful_rules(source: dict[str, Any]) -> list[dict[str, Any]]:
    if "StatelessRulesAndCustomActions" in source or not source.get("StatefulRules"):
        raise Incomplete("a stateful rule group without StatefulRules is not modelled")
    rules: list[dict[str, Any]] = []
    for rule in _list(source.get("StatefulRules")):
        rule = _dict(rule, "StatefulRule")
        action = STATEFUL.get(str(rule.get("Action")))
        header = _dict(rule.get("Header"), "Header")
        protocol = HEADER_PROTOCOLS.get(str(header.get("Protocol")))
        if action is None or protocol is None:
            raise Incomplete(
                f"a stateful rule with action {rule.get('Action')!r} and protocol "
                f"{header.get('Protocol')!r} is not modelled"
            )
        ends = [_header_address(header.get(k)) for k in ("Source", "Destination")]
        ports = [_header_port(header.get(k)) for k in ("SourcePort", "DestinationPort")]
        direction = str(header.get("Direction", "FORWARD"))
        if direction not in ("FORWARD", "ANY"):
            raise Incomplete(f"direction {direction!r} is not modelled")
        ways = [(0, 1)] + ([(1, 0)] if direction == "ANY" else [])
        for a, b in ways:
            entry: dict[str, Any] = {"action": action, "protocol": protocol}
            if protocol in ("tcp", "udp"):
                entry["ports"] = ports[b]
                if ports[a] != "all":
                    entry["source_ports"] = ports[a]
            entry["from"], entry["to"] = ends[a], ends[b]
            rules.append(entry)
    return rules


def _stateless_action(actions: Any) -> str:
    written = [str(a) for a in _list(actions)]
    chosen = [STATELESS[a] for a in written if a in STATELESS]
    if len(chosen) != 1 or len(written) != 1:
        raise Incomplete(
            f"stateless actions {written} are not one of aws:pass, aws:drop, aws:forward_to_sfe"
        )
    return chosen[0]


def _iana(value: Any) -> str | int:
    if not isinstance(value, int) or not 0 <= value <= 255:
        raise Incomplete(f"protocol {value!r} is not an IANA number")
    return IANA.get(value, value)


def _address(value: Any) -> str:
    text = _dict(value, "Address").get("AddressDefinition")
    return _cidr(text)


def _cidr(text: Any) -> str:
    try:
        network = ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        raise Incomplete(f"address {text!r} is not a CIDR block") from None
    return str(network)


def _range(value: Any) -> str | int:
    item = _dict(value, "PortRange")
    low, high = item.get("FromPort"), item.get("ToPort")
    if not isinstance(low, int) or not isinstance(high, int) or not 0 <= low <= high <= 65535:
        raise Incomplete(f"port range {low!r}-{high!r} is not modelled")
    if (low, high) == (0, 65535):
        return "all"
    return low if low == high else f"{low}-{high}"


def _header_address(text: Any) -> str:
    if str(text).upper() == "ANY":
        return "any"
    if isinstance(text, str) and text.startswith("$"):
        raise Incomplete(f"rule variable {text} is not modelled")
    return _cidr(text)


def _header_port(text: Any) -> str | int:
    written = str(text).strip()
    if written.upper() == "ANY":
        return "all"
    if written.isdigit() and int(written) <= 65535:
        return int(written)
    low, sep, high = written.partition(":")
    if sep and low.isdigit() and high.isdigit() and int(low) <= int(high) <= 65535:
        return f"{int(low)}-{int(high)}"
    raise Incomplete(f"port {written!r} is not modelled")


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Incomplete(f"{what} is not written as an object")
    return value


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Incomplete("a list is not written as a list")
    return value
