"""Reachability intents (AP790-AP799): what the file says must or must not get through,
checked with the path engine (archplan.reach) on every validate."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.registry import Problem, Related, rule
from archplan.rules.zones import known_zone

ERROR = Severity.ERROR
# The sections a path may cross; a value rejected in one of them leaves paths unknown.
NETWORK_SECTIONS = frozenset(
    {
        "vpcs",
        "peerings",
        "transit_gateways",
        "hosts",
        "scaling_groups",
        "prefix_lists",
        "on_premises",
        "direct_connect_gateways",
        "network_firewalls",
        "services",
        "functions",
    }
)


def network_rejected(architecture: Architecture) -> bool:
    """Whether a value the path engine may read was written but rejected, or a subnet's zone
    is wrong (AP114/AP117: which attachment subnet serves it is not known)."""
    if any(path and path[0] in NETWORK_SECTIONS for path in architecture.rejected):
        return True
    return any(
        subnet.az is not None and known_zone(subnet, vpc.region) is None
        for vpc in architecture.vpcs.values()
        for subnet in vpc.subnets.values()
    )


@rule("AP790", "reachability-intent", ERROR, "A reachability intent in the file does not hold.")
def reachability_intent(architecture: Architecture) -> Iterator[Problem]:
    """`reachability:` says which flows must get through (`expect: reachable`) and which must
    not (`expect: unreachable`); validate traces each one through routes, transit gateway
    route tables, network ACLs, security groups and inspection points, request and reply,
    as `archplan reach` does. A flow expected reachable that is dropped is reported with the
    component that drops it; a flow expected unreachable that gets through, with the rule
    that lets it in. When the answer depends on something the file does not describe
    (security groups of a workload, transit gateway route tables), or on a value the file
    gets wrong (reported on its own), nothing is reported.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              web: {cidr: 10.0.0.0/24, az: us-east-1a}
              db: {cidr: 10.0.1.0/24, az: us-east-1a}
            security_groups:
              web: {}
              db:
                ingress:
                  - {protocol: tcp, ports: 3306, from: sg:web}
        hosts:
          web-1: {vpc: app, subnet: web, security_groups: [web]}
          db-1: {vpc: app, subnet: db, security_groups: [db]}
        reachability:
          - {from: web-1, to: db-1, port: 5432, expect: reachable}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              web: {cidr: 10.0.0.0/24, az: us-east-1a}
              db: {cidr: 10.0.1.0/24, az: us-east-1a}
            security_groups:
              web: {}
              db:
                ingress:
                  - {protocol: tcp, ports: 5432, from: sg:web}
        hosts:
          web-1: {vpc: app, subnet: web, security_groups: [web]}
          db-1: {vpc: app, subnet: db, security_groups: [db]}
        reachability:
          - {from: web-1, to: db-1, port: 5432, expect: reachable}
          - {from: web-1, to: db-1, port: 22, expect: unreachable}

    References:
        Amazon VPC User Guide, "Control traffic to your AWS resources using security groups" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html>
        Amazon VPC User Guide, "Control subnet traffic with network access control lists" <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>
        Reachability Analyzer Guide, "How Reachability Analyzer works" <https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html>
    """
    if not architecture.reachability or network_rejected(architecture):
        return  # no cascade: a rejected value stands in with a default no intent may judge
    from archplan.reach.places import Unresolved, resolve
    from archplan.reach.query import ask, describe_packet

    for intent in architecture.reachability:
        source = resolve(architecture, intent.source)
        destination = resolve(architecture, intent.destination)
        if isinstance(source, Unresolved) or isinstance(destination, Unresolved):
            continue  # reported when the file was read
        answer = ask(architecture, source, destination, intent.protocol, intent.port)
        if isinstance(answer, str) or answer.verdict == "unknown":
            continue
        if intent.expect == "reachable" and answer.verdict == "unreachable":
            leg = answer.reply if answer.forward.delivered else answer.forward
            assert leg is not None
            direction = "the reply" if leg is answer.reply else "the request"
            related = (Related(f"drops {direction}: {leg.reason}", leg.blame),) if leg.blame else ()
            asked = intent.port is not None or intent.protocol is not None
            what = (
                describe_packet(answer)
                if asked
                else "no traffic gets through; e.g. " + (describe_packet(answer))
            )
            yield Problem(
                f"{intent.source} cannot reach {intent.destination} "
                f"({what}): {direction} is dropped: {leg.reason}"
                + (f"; {leg.fix}" if leg.fix else ""),
                intent.path,
                related,
            )
        elif intent.expect == "unreachable" and answer.verdict == "reachable":
            letting = [hop for hop in answer.forward.hops if hop.path is not None]
            # The last filter or route that let the request through is where to close it.
            leak = next(
                (hop for hop in reversed(letting) if "security group" in hop.text),
                letting[-1] if letting else None,
            )
            related = (
                (Related(f"lets it through: {leak.text}", leak.path),) if leak and leak.path else ()
            )
            yield Problem(
                f"{intent.source} can reach {intent.destination} ({describe_packet(answer)}), "
                "which the intent says must not happen"
                + (f"; it gets through {leak.text}" if leak else ""),
                intent.path,
                related,
            )
