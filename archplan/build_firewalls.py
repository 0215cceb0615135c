"""Decoded `network_firewalls:` (AWS Network Firewall policies) to archplan.network records:
stateless rules sorted by priority (two with one priority are refused, as AWS refuses them),
stateful rules in the order written, addresses as blocks or `any`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.cidr import Block
from archplan.decode import INVALID_VALUE
from archplan.findings import Path
from archplan.network import ALL_PORTS, PORTED, FirewallRule, NetworkFirewall, Ports

if TYPE_CHECKING:
    from archplan.build_network import NetworkParts


def network_firewalls(network: NetworkParts, raw: dict[str, Any]) -> dict[str, NetworkFirewall]:
    firewalls: dict[str, NetworkFirewall] = {}
    for name, fields in raw.items():
        path: Path = ("network_firewalls", name)
        strict = fields.get("rule_order", "default") == "strict"
        # A rule_order written but rejected (a wrong value, a misspelt key) says nothing
        # about the order the user meant: judge stateful_default only against one written.
        order_rejected = (*path, "rule_order") in network.b.rejected
        if "stateful_default" in fields and not strict and not order_rejected:
            network.b.report(
                INVALID_VALUE,
                "stateful_default needs rule_order: strict (with AWS's default action order, "
                "traffic no stateful rule matches passes)",
                (*path, "stateful_default"),
                on_key=True,
            )
        stateless = _rules(network, fields.get("stateless", ()), (*path, "stateless"), True)
        firewalls[name] = NetworkFirewall(
            name,
            fields.get("stateless_default", "forward"),
            tuple(sorted(stateless, key=lambda rule: rule.priority)),
            strict,
            _rules(network, fields.get("stateful", ()), (*path, "stateful"), False),
            fields.get("stateful_default", "pass") if strict else "pass",
            path,
        )
    return firewalls


def _rules(
    network: NetworkParts, raw: list[dict[str, Any]], path: Path, stateless: bool
) -> tuple[FirewallRule, ...]:
    rules: list[FirewallRule] = []
    priorities: dict[int, int] = {}
    for index, entry in enumerate(raw):
        at = (*path, index)
        fields = network.rule_fields(entry, at)
        ends = [_address(network, entry.get(key), (*at, key)) for key in ("from", "to")]
        if fields is None or "action" not in entry or not all(ok for ok, _ in ends):
            continue
        priority = entry.get("priority", index) if stateless else index
        if stateless and priority in priorities:
            network.b.report(
                INVALID_VALUE,
                f"priority {priority} is already rule {priorities[priority] + 1}'s: AWS needs "
                "each stateless rule's priority to be unique",
                (*at, "priority"),
            )
            continue
        priorities[priority] = index
        (_, source), (_, destination) = ends
        protocol, ports, _, _ = fields
        source_ports = _source_ports(network, entry, protocol, at)
        if source_ports is None:
            continue
        rules.append(
            FirewallRule(
                entry["action"], protocol, ports, source, destination, priority, at, source_ports
            )
        )
    return tuple(rules)


def _source_ports(
    network: NetworkParts, entry: dict[str, Any], protocol: int, path: Path
) -> Ports | None:
    """The rule's source ports (all when not written); None when written but unusable (the
    rule is then left out, as one with unreadable destination ports is). AWS reads port
    ranges for TCP and UDP only."""
    if "source_ports" not in entry:
        return None if (*path, "source_ports") in network.b.rejected else ALL_PORTS
    if protocol not in PORTED:
        network.b.report(
            INVALID_VALUE,
            '"source_ports" applies only to protocol tcp or udp',
            (*path, "source_ports"),
            on_key=True,
        )
        return None
    return network.ports(entry["source_ports"], (*path, "source_ports"))


def _address(network: NetworkParts, text: Any, path: Path) -> tuple[bool, Block | None]:
    """(readable, the block; None for `any`); missing or unreadable is already reported."""
    if not isinstance(text, str):
        return False, None
    if text.strip() == "any":
        return True, None
    block = network.block(text, path)
    return block is not None, block
