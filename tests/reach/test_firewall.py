"""AWS Network Firewall policies (`network_firewalls:`) against a brute-force evaluation,
port by port, of random policies: stateless rules by priority (pass, drop, forward) with
their default action, then stateful rules in AWS's default action order or strict order with
their default, each rule matching destination and source ports; the request from every
source port class and its reply to every port class. And the walk: a firewall endpoint whose
policy is in the file drops what the policy drops, one without says it assumes a pass."""

from __future__ import annotations

import ipaddress
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archplan.engine import load_architecture, validate_source
from archplan.network import PROTOCOLS
from archplan.reach.filters import Packet
from archplan.reach.firewall import evaluate
from archplan.source import Source
from tests.properties.test_reach_brute_force import EXAMPLES

ADDRESSES = ["10.0.0.10", "10.0.1.10", "10.1.0.10", "192.0.2.10"]
BLOCKS = ["any", "any", "10.0.0.0/8", "10.0.0.0/24", "10.0.1.0/24", "10.1.0.0/16", "0.0.0.0/0"]
PORTS = [22, 80, 443, "80-443", "all", "1024-65535", "32768-40000", "50000-65535"]
REPLY_PORTS = [1024, 32767, 32768, 40000, 40001, 49999, 50000, 61000, 65535]
CLIENT_PORTS = (32768, 61000)  # the request's source ports, as reach sends it from a VPC
SOURCE_PORTS = [32768, 39999, 40000, 40001, 49999, 50000, 61000]


def _rule(stateless: bool) -> Any:
    actions = ["pass", "drop", "forward"] if stateless else ["pass", "drop", "reject", "alert"]
    rule = st.fixed_dictionaries(
        {
            "action": st.sampled_from(actions),
            "protocol": st.sampled_from(["tcp", "tcp", "udp", "all"]),
            "ports": st.sampled_from(PORTS),
            "from": st.sampled_from(BLOCKS),
            "to": st.sampled_from(BLOCKS),
        },
        optional={"source_ports": st.sampled_from(PORTS)},
    )
    # AWS reads source ports for TCP and UDP only; the format refuses them elsewhere.
    return rule.map(
        lambda r: (
            r if r["protocol"] != "all" else {k: v for k, v in r.items() if k != "source_ports"}
        )
    )


@st.composite
def policies(draw: Any) -> dict[str, Any]:
    stateless = draw(st.lists(_rule(True), max_size=4))
    priorities = draw(
        st.lists(st.integers(1, 9), min_size=len(stateless), max_size=len(stateless), unique=True)
    )
    for rule, priority in zip(stateless, priorities, strict=True):
        rule["priority"] = priority * 10
    strict = draw(st.booleans())
    policy: dict[str, Any] = {
        "stateless_default": draw(st.sampled_from(["forward", "forward", "pass", "drop"])),
        "stateless": stateless,
        "rule_order": "strict" if strict else "default",
        "stateful": draw(st.lists(_rule(False), max_size=4)),
    }
    if strict:
        policy["stateful_default"] = draw(st.sampled_from(["pass", "drop"]))
    return policy


# -- the brute force --------------------------------------------------------------------------


def _in(spec: int | str, port: int) -> bool:
    if spec == "all":
        return True
    if isinstance(spec, int):
        return port == spec
    low, high = (int(x) for x in spec.split("-"))
    return low <= port <= high


def _matches(
    rule: dict[str, Any], protocol: str, src: str, dst: str, port: int, sport: int
) -> bool:
    if rule["protocol"] not in ("all", protocol):
        return False
    for key, address in (("from", src), ("to", dst)):
        if rule[key] != "any" and ipaddress.ip_address(address) not in ipaddress.ip_network(
            rule[key]
        ):
            return False
    if rule["protocol"] == "all":
        return True
    return _in(rule["ports"], port) and _in(rule.get("source_ports", "all"), sport)


def _stateless(
    policy: dict[str, Any], protocol: str, src: str, dst: str, port: int, sport: int
) -> str:
    for rule in sorted(policy["stateless"], key=lambda r: r["priority"]):
        if _matches(rule, protocol, src, dst, port, sport):
            return str(rule["action"])
    return str(policy["stateless_default"])


def _stateful(
    policy: dict[str, Any], protocol: str, src: str, dst: str, port: int, sport: int
) -> str:
    hits = [r["action"] for r in policy["stateful"] if _matches(r, protocol, src, dst, port, sport)]
    if policy["rule_order"] == "strict":
        decided = [a for a in hits if a != "alert"]
        action = decided[0] if decided else policy["stateful_default"]
    else:
        action = "pass" if "pass" in hits else "drop" if {"drop", "reject"} & set(hits) else "pass"
    return "drop" if action == "reject" else str(action)


def _request(
    policy: dict[str, Any], protocol: str, src: str, dst: str, port: int, sport: int
) -> str:
    first = _stateless(policy, protocol, src, dst, port, sport)
    return _stateful(policy, protocol, src, dst, port, sport) if first == "forward" else first


def _reply(
    policy: dict[str, Any], protocol: str, src: str, dst: str, port: int, sport: int, tracked: bool
) -> str:
    first = _stateless(policy, protocol, src, dst, port, sport)
    if first != "forward":
        return first
    return "pass" if tracked else "unknown"


def _engine_action(decisions: list[Any], port: int) -> str:
    for decision in decisions:
        if any(low <= port <= high for low, high in decision.ports):
            return str(decision.action)
    raise AssertionError(f"port {port} is in no decision: {decisions}")


@settings(
    max_examples=EXAMPLES * 5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    policies(),
    st.sampled_from(ADDRESSES),
    st.sampled_from(ADDRESSES),
    st.sampled_from(["tcp", "udp"]),
    st.sampled_from([22, 80, 443, 8080]),
)
def test_firewall_agrees_with_a_port_by_port_evaluation(
    policy: dict[str, Any], src: str, dst: str, protocol: str, port: int
) -> None:
    text = yaml.safe_dump({"archplan": 1, "network_firewalls": {"fw": policy}})
    firewall = load_architecture(Source("fw.yaml", text)).architecture.network_firewalls["fw"]
    number = PROTOCOLS[protocol]
    a, b = int(ipaddress.ip_address(src)), int(ipaddress.ip_address(dst))
    # The request: one destination port, from any of the client's ephemeral source ports
    # (the decisions are per source port).
    request = Packet(4, a, b, number, ((port, port),), None, (CLIENT_PORTS,))
    decisions = evaluate(firewall, request, reply=False, request_tracked=False)
    for sport in SOURCE_PORTS:
        expected = _request(policy, protocol, src, dst, port, sport)
        assert _engine_action(decisions, sport) == expected, (sport, decisions, text)
        if expected != "pass":
            continue
        # Its reply: from the request's port to that source port (decisions per destination
        # port, across the whole reply range).
        tracked = _stateless(policy, protocol, src, dst, port, sport) == "forward"
        reply = Packet(4, b, a, number, ((1024, 65535),), None, ((port, port),))
        answers = evaluate(firewall, reply, reply=True, request_tracked=tracked)
        for reply_port in [*REPLY_PORTS, sport]:
            wanted = _reply(policy, protocol, dst, src, reply_port, port, tracked)
            assert _engine_action(answers, reply_port) == wanted, (reply_port, answers, text)


INSPECTION = "examples/inspection.yaml"


def test_the_firewall_drops_plain_http_the_security_groups_let_out() -> None:
    from archplan.reach.places import Place, resolve
    from archplan.reach.query import ask
    from tests.conftest import ROOT

    text = (ROOT / INSPECTION).read_text()
    architecture = load_architecture(Source(INSPECTION, text)).architecture
    orders, internet = resolve(architecture, "orders"), resolve(architecture, "internet")
    assert isinstance(orders, Place) and isinstance(internet, Place)
    answer = ask(architecture, orders, internet, PROTOCOLS["tcp"], 80)
    assert not isinstance(answer, str) and answer.verdict == "unreachable"
    assert answer.forward.reason == (
        "firewall endpoint fw-a (network firewall central) drops it: no stateless rule "
        "matches, so the default action forwards it to the stateful rules; no stateful rule "
        "matches, so the default action drops it"
    )
    assert answer.forward.fix == "add a stateful pass rule for it (network_firewalls.central)"
    https = ask(architecture, orders, internet, PROTOCOLS["tcp"], 443)
    assert not isinstance(https, str) and https.verdict == "reachable"
    # Without the policy the endpoint passes everything, and says it assumes so.
    bare = text.replace("firewall: central}", "}")
    assumed = load_architecture(Source(INSPECTION, bare)).architecture
    orders = resolve(assumed, "orders")
    internet = resolve(assumed, "internet")
    assert isinstance(orders, Place) and isinstance(internet, Place)
    plain = ask(assumed, orders, internet, PROTOCOLS["tcp"], 80)
    assert not isinstance(plain, str) and plain.verdict == "reachable"
    assert (
        "firewall endpoint fw-a inspects (its firewall's rules are not in the file: assumed "
        "to pass)" in [hop.text for hop in plain.forward.hops]
    )


def test_a_firewall_endpoint_naming_an_unknown_policy_is_reported() -> None:
    from tests.conftest import ROOT

    text = (ROOT / INSPECTION).read_text().replace("firewall: central}", "firewall: centrl}", 1)
    findings = validate_source(Source(INSPECTION, text)).findings
    assert [(f.rule_id, f.message) for f in findings if f.rule_id == "AP005"] == [
        ("AP005", 'network firewall "centrl" does not exist (did you mean "central"?)')
    ]


def test_policy_values_aws_refuses() -> None:
    text = """\
archplan: 1
network_firewalls:
  fw:
    stateless:
      - {priority: 10, action: pass, protocol: tcp, ports: 443, from: any, to: any}
      - {priority: 10, action: drop, protocol: all, from: any, to: any}
    stateful_default: drop
"""
    findings = validate_source(Source("fw.yaml", text)).findings
    assert [(f.rule_id, f.span.line) for f in findings] == [("AP006", 6), ("AP006", 7)]
