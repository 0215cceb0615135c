"""Reply paths: a peer answers through another peering (AP314) or has no route back (AP315)."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.peering._replies import reply_outcomes
from archplan.rules.registry import CONNECTED, Problem, rule, shared

WARNING = Severity.WARNING


@rule(
    "AP314",
    "reply-to-other-peer",
    WARNING,
    "Replies to a peered subnet leave through another peering.",
    reads=CONNECTED,
)
def reply_to_other_peer(architecture: Architecture) -> Iterator[Problem]:
    """AWS does no reverse-path forwarding: a reply follows the replying VPC's route table, not
    the peering the request came in on. When a hub peers with two spokes whose blocks overlap,
    and its route for a spoke's subnet points at the other spoke, replies go to the wrong VPC.
    Route each spoke's addresses through its own peering, from the subnets that serve it.

    Changed: silent for a VPC with a rejected route, route table or association,
    whose replies cannot be followed.

    Changed: widened the scope to peerings routed on one side only, whose other side
    answers through another peering (reported as one-sided-peering, AP312, before).

    Fails:
        vpcs:
          hub:
            region: us-east-1
            cidr: 10.9.0.0/16
            subnets: {h1: {cidr: 10.9.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:hub-a", 10.0.5.0/24: "peering:hub-b"}}}
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {a5: {cidr: 10.0.5.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.9.0.0/16: "peering:hub-a"}}}
          b:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {b5: {cidr: 10.0.5.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.9.0.0/16: "peering:hub-b"}}}
        peerings:
          hub-a: {requester: hub, accepter: a}
          hub-b: {requester: hub, accepter: b}

    Passes:
        vpcs:
          hub:
            region: us-east-1
            cidr: 10.9.0.0/16
            subnets:
              h1: {cidr: 10.9.1.0/24, az: us-east-1a, route_table: to-a}
              h2: {cidr: 10.9.2.0/24, az: us-east-1a, route_table: to-b}
            route_tables:
              to-a: {routes: {10.0.0.0/16: "peering:hub-a"}}
              to-b: {routes: {10.0.0.0/16: "peering:hub-b"}}
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {a5: {cidr: 10.0.5.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.9.1.0/24: "peering:hub-a"}}}
          b:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets: {b5: {cidr: 10.0.5.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.9.2.0/24: "peering:hub-b"}}}
        peerings:
          hub-a: {requester: hub, accepter: a}
          hub-b: {requester: hub, accepter: b}

    References:
        Amazon VPC Peering Guide, "VPC peering configurations with specific routes" <https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html>
        Amazon VPC Peering Guide, "VPC peering limitations" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations>
    """
    for rule_id, problem in shared(architecture, "reply-paths", reply_outcomes):
        if rule_id == "AP314":
            yield problem


@rule(
    "AP315",
    "reply-unroutable",
    WARNING,
    "A peer has no route back to a subnet that reaches it.",
    reads=CONNECTED,
)
def reply_unroutable(architecture: Architecture) -> Iterator[Problem]:
    """A subnet that sends requests through a peering needs the peer to route its addresses
    back through the same peering, from the peer subnets that answer. A peer that routes only
    part of the requester's blocks leaves the other subnets without replies.

    Changed: silent for a VPC with a rejected route, route table or association,
    whose replies cannot be followed.

    Fails:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a1: {cidr: 10.0.1.0/24, az: us-east-1a}
              a2: {cidr: 10.0.2.0/24, az: us-east-1a}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets: {b1: {cidr: 10.1.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.1.0/24: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    Passes:
        vpcs:
          a:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              a1: {cidr: 10.0.1.0/24, az: us-east-1a}
              a2: {cidr: 10.0.2.0/24, az: us-east-1a}
            route_tables: {main: {main: true, routes: {10.1.0.0/16: "peering:a-b"}}}
          b:
            region: us-east-1
            cidr: 10.1.0.0/16
            subnets: {b1: {cidr: 10.1.0.0/24, az: us-east-1a}}
            route_tables: {main: {main: true, routes: {10.0.0.0/16: "peering:a-b"}}}
        peerings:
          a-b: {requester: a, accepter: b}

    References:
        Amazon VPC Peering Guide, "Update your route tables for a VPC peering connection" <https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html>
        Amazon VPC Peering Guide, "VPC peering configurations with specific routes" <https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html>
    """
    for rule_id, problem in shared(architecture, "reply-paths", reply_outcomes):
        if rule_id == "AP315":
            yield problem
