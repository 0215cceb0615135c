"""AWS Network Firewall rules applied to one packet at a firewall endpoint.

Stateless rules see every packet, request and reply alike: the lowest priority that matches
decides pass, drop, or forward to the stateful rules; a packet none matches takes the
stateless default action. The stateful rules decide once per flow, on its request: with AWS's
default action order a matching pass rule wins over a matching drop (or reject) rule and a
flow neither matches passes; with strict order the first matching rule decides (alert rules
only log) and a flow none matches takes the stateful default. A reply the stateless rules
forward passes when the stateful rules passed its request. Rules match source and destination ports (AWS's
SourcePorts and DestinationPorts match attributes; unwritten, any). A request goes to one
port from the client's ephemeral source ports and its reply from that port to them, so the
rules are applied over the set that varies (the request's source ports, the reply's
destination ports), as network ACLs are over the reply's, and that set may pass in part.
"""

from __future__ import annotations

from typing import NamedTuple

from archplan.findings import Path
from archplan.network import ALL, ALL_PORTS, PORTED, FirewallRule, NetworkFirewall, protocol_name
from archplan.reach.filters import Packet, PortSet, show_ports, subtract


class Decision(NamedTuple):
    action: str  # pass, drop, forward (stateless), or unknown
    ports: PortSet
    detail: str
    path: Path | None


def describe(rule: FirewallRule, kind: str) -> str:
    number = rule.priority if kind == "stateless" else rule.priority + 1
    ported = rule.protocol in PORTED
    ports = f" {rule.ports}" if ported else ""
    source = rule.source.canonical if rule.source else "any"
    if ported and rule.source_ports != ALL_PORTS:
        source += f" port {rule.source_ports}"
    destination = rule.destination.canonical if rule.destination else "any"
    return (
        f"{kind} rule {number} {rule.action} {protocol_name(rule.protocol)}{ports} "
        f"{source} -> {destination}"
    )


def by_source(packet: Packet) -> bool:
    """Whether the ports that vary are the source ports: a request to one destination port
    (its reply varies the destination ports)."""
    return (
        packet.protocol in PORTED
        and len(packet.ports) == 1
        and packet.ports[0][0] == packet.ports[0][1]
        and not (len(packet.src_ports) == 1 and packet.src_ports[0][0] == packet.src_ports[0][1])
    )


def varying(packet: Packet) -> PortSet:
    """The port set the rules split: source ports of a request, else destination ports."""
    return packet.src_ports if by_source(packet) else packet.ports


def narrowed(packet: Packet, ports: PortSet) -> Packet:
    """The packet with only `ports` left of the set that varies."""
    if by_source(packet):
        return packet._replace(src_ports=ports)
    return packet._replace(ports=ports)


def _within(ports: PortSet, low: int, high: int) -> bool:
    return all(low <= first and last <= high for first, last in ports)


def _matches(rule: FirewallRule, packet: Packet) -> bool:
    if rule.protocol not in (ALL, packet.protocol):
        return False
    for block, address in ((rule.source, packet.src), (rule.destination, packet.dst)):
        if block is not None and not (
            block.version == packet.version and block.first <= address <= block.last
        ):
            return False
    return True


def _split(rule: FirewallRule, packet: Packet, ports: PortSet) -> tuple[PortSet, PortSet]:
    """(the ports the rule matches, the rest)."""
    if not _matches(rule, packet):
        return (), ports
    if packet.protocol in PORTED and rule.protocol in PORTED:
        # The fixed side must lie within the rule's range; the varying side is split by it.
        if by_source(packet):
            if not _within(packet.ports, rule.ports.first, rule.ports.last):
                return (), ports
            return subtract(ports, rule.source_ports.first, rule.source_ports.last)
        if not _within(packet.src_ports, rule.source_ports.first, rule.source_ports.last):
            return (), ports
        return subtract(ports, rule.ports.first, rule.ports.last)
    return ports, ()


def _first_match(
    rules: tuple[FirewallRule, ...], packet: Packet, ports: PortSet, kind: str, default: str
) -> list[Decision]:
    decisions: list[Decision] = []
    for rule in rules:
        if not ports:
            break
        if rule.action == "alert":
            continue  # logs and goes on
        hit, ports = _split(rule, packet, ports)
        if hit:
            action = "drop" if rule.action == "reject" else rule.action
            decisions.append(Decision(action, hit, describe(rule, kind), rule.path))
    if ports:
        decisions.append(Decision(default, ports, _default_text(kind, default), None))
    return decisions


def _default_text(kind: str, action: str) -> str:
    does = {
        "forward": "forwards it to the stateful rules",
        "pass": "passes it",
        "drop": "drops it",
    }[action]
    return f"no {kind} rule matches, so the default action {does}"


def stateless(firewall: NetworkFirewall, packet: Packet) -> list[Decision]:
    return _first_match(
        firewall.stateless, packet, varying(packet), "stateless", firewall.stateless_default
    )


def stateful(firewall: NetworkFirewall, packet: Packet, ports: PortSet) -> list[Decision]:
    """What the stateful rules do with the request's `ports`."""
    if firewall.strict:
        return _first_match(firewall.stateful, packet, ports, "stateful", firewall.stateful_default)
    decisions: list[Decision] = []
    for actions in (("pass",), ("drop", "reject")):
        for rule in firewall.stateful:
            if rule.action in actions and ports:
                hit, ports = _split(rule, packet, ports)
                if hit:
                    action = "drop" if rule.action == "reject" else rule.action
                    decisions.append(Decision(action, hit, describe(rule, "stateful"), rule.path))
    if ports:
        decisions.append(
            Decision("pass", ports, "no stateful rule matches, so the flow passes", None)
        )
    return decisions


def evaluate(
    firewall: NetworkFirewall, packet: Packet, *, reply: bool, request_tracked: bool
) -> list[Decision]:
    """Every port of the packet with what decides it: pass, drop, or (a reply the stateful
    rules must judge though they never saw its request) unknown."""
    final: list[Decision] = []
    for decision in stateless(firewall, packet):
        if decision.action != "forward":
            final.append(decision)
        elif not reply:
            final += [
                Decision(
                    d.action, d.ports, f"{decision.detail}; {d.detail}", d.path or decision.path
                )
                for d in stateful(firewall, packet, decision.ports)
            ]
        elif request_tracked:
            final.append(
                Decision(
                    "pass",
                    decision.ports,
                    f"{decision.detail}; the stateful rules passed the request, so its reply "
                    "passes",
                    decision.path,
                )
            )
        else:
            final.append(
                Decision(
                    "unknown",
                    decision.ports,
                    f"{decision.detail}: the stateful rules see a reply whose request a "
                    "stateless rule passed around them",
                    decision.path,
                )
            )
    return final


def ports_text(ports: PortSet, packet: Packet) -> str:
    if packet.protocol not in PORTED:
        return "the packet"
    return f"{'source ports' if by_source(packet) else 'ports'} {show_ports(ports)}"
