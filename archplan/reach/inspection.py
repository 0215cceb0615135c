"""Middle boxes on a walk: Gateway Load Balancer and Network Firewall endpoints, and hosts
that forward traffic (appliances). Each is stateful: the reply must pass the one the request
passed, and group references do not survive it. A firewall endpoint whose firewall's policy
is in the file (`network_firewalls:`) applies its rules (reach.firewall); any other endpoint
passes what it receives, and its hop says that this is assumed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from archplan.findings import Path
from archplan.model import Vpc
from archplan.network import FirewallEndpoint, NetworkFirewall
from archplan.reach.filters import PortSet
from archplan.reach.hops import Dropped

if TYPE_CHECKING:
    from archplan.reach.walk import Walk


def endpoint(walk: Walk, vpc: Vpc, subnet: str, kind: str, name: str, path: Path | None) -> None:
    endpoints = vpc.gwlb_endpoints if kind == "gwlbe" else vpc.firewalls
    endpoint = endpoints.get(name)
    if endpoint is None:
        raise Dropped(f"endpoint {name} does not exist in VPC {vpc.name}", "", path, unknown=True)
    label = f"{'Gateway Load Balancer' if kind == 'gwlbe' else 'firewall'} endpoint {name}"
    where = endpoint.subnet
    if where is None or where not in vpc.subnets:
        raise Dropped(f"{label} has no subnet", "", endpoint.path)
    walk.cross(vpc, subnet, where)
    identity = f"{vpc.name}/{name}"
    if walk.reply and walk.forward is not None and identity not in walk.forward.inspected:
        raise Dropped(
            f"the reply reaches {label}, which never saw the request (asymmetric routing); "
            "a stateful inspection drops it",
            "route both directions through the same endpoint (for a transit gateway, "
            "enable appliance_mode on the inspection VPC's attachment)",
            endpoint.path,
        )
    walk.inspected.append(identity)
    walk.lose_references(f"{label} forwards it")
    policy = (
        walk.a.network_firewalls.get(endpoint.firewall or "")
        if isinstance(endpoint, FirewallEndpoint)
        else None
    )
    if policy is not None:
        _filter(walk, policy, identity, label)
    elif kind == "firewall":
        walk.hop(
            f"{label} inspects (its firewall's rules are not in the file: assumed to pass)",
            endpoint.path,
        )
    else:
        walk.hop(
            f"{label} inspects (the appliances behind it are not in the file: assumed to pass)",
            endpoint.path,
        )
    walk.at_subnet(vpc, where)


def _filter(walk: Walk, policy: NetworkFirewall, identity: str, label: str) -> None:
    """The firewall's rules on the packet: the ports they drop are gone (a note when some
    pass), and a reply the stateful rules cannot place makes the answer depend on it."""
    from archplan.reach import firewall

    packet = walk.packet
    tracked = walk.forward is not None and identity in walk.forward.tracked
    decisions = firewall.evaluate(policy, packet, reply=walk.reply, request_tracked=tracked)
    through = [d for d in decisions if d.action in ("pass", "unknown")]
    dropped = [d for d in decisions if d.action == "drop"]
    name = f"{label} (network firewall {policy.name})"
    if not through:
        first = dropped[0]
        kind = "stateful" if "no stateful rule matches" in first.detail else "stateless"
        raise Dropped(
            f"{name} drops it: {first.detail}",
            f"add a pass rule for it ahead of that rule (network_firewalls.{policy.name})"
            if first.path is not None
            else f"add a {kind} pass rule for it (network_firewalls.{policy.name})",
            first.path or policy.path,
        )
    if dropped:
        gone = _merged(d.ports for d in dropped)
        walk.caveats.append(
            f"{name}: {dropped[0].detail}: {firewall.ports_text(gone, packet)} are dropped"
        )
        walk.packet = firewall.narrowed(packet, _merged(d.ports for d in through))
    for decision in through:
        if decision.action == "unknown":
            walk.assumptions.append(f"{name}: {decision.detail}")
    if not walk.reply and any(d.action == "forward" for d in firewall.stateless(policy, packet)):
        walk.tracked.append(identity)  # the stateful rules saw the request and passed it
    walk.hop(f"{name}: {through[0].detail}", through[0].path or policy.path)


def _merged(groups: Iterable[PortSet]) -> PortSet:
    """Disjoint port intervals as one sorted set, touching intervals joined."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(interval for group in groups for interval in group):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return tuple(merged)


def appliance(walk: Walk, vpc: Vpc, subnet: str, name: str, path: Path | None) -> None:
    host = walk.a.hosts[name]
    if host.vpc != vpc.name or host.subnet is None or host.subnet not in vpc.subnets:
        raise Dropped(f"appliance {name} is not in VPC {vpc.name}", "", host.path)
    if host.source_dest_check:
        raise Dropped(
            f"appliance {name} has source/destination check on, so it drops "
            "traffic not addressed to it",
            "set source_dest_check: false",
            host.path,
        )
    walk.cross(vpc, subnet, host.subnet)
    identity = f"{vpc.name}/{name}"
    if walk.reply and walk.forward is not None and identity not in walk.forward.inspected:
        raise Dropped(
            f"the reply reaches appliance {name}, which never saw the request (asymmetric routing)",
            "route both directions through it",
            host.path,
        )
    if not walk.reply:
        walk.check_groups(vpc.name, host.security_groups, "ingress")
    walk.inspected.append(identity)
    walk.lose_references(f"appliance {name} forwards it")
    walk.hop(f"appliance {name} forwards", host.path)
    walk.at_subnet(vpc, host.subnet)
