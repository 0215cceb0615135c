"""Middle boxes on a walk: Gateway Load Balancer and Network Firewall endpoints, and hosts
that forward traffic (appliances). Each is stateful: the reply must pass the one the request
passed, and group references do not survive it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archplan.findings import Path
from archplan.model import Vpc
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
    walk.hop(f"{label} inspects (its rules are not in the file: assumed to pass)", endpoint.path)
    walk.at_subnet(vpc, where)


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
