"""Peering rules (AP301-AP316), a module per topic.

connections: a peering's two VPCs, duplicates and overlaps. status: routes through peerings
that are not active yet or never will be. quota: active peerings per VPC. leaving_peer: routes
that leave the peer VPC (one diagnosis, AP308-AP311). usage: peerings routed from one side or
from none. reply_paths: whether replies find their way back. dns: peering DNS resolution.
The rules' domain is "peering", whichever module they sit in."""

# A rule registers when its module is imported: in id order, the order rules run in.
# isort: off
from archplan.rules.peering import connections
from archplan.rules.peering import status
from archplan.rules.peering import quota
from archplan.rules.peering import leaving_peer
from archplan.rules.peering import usage
from archplan.rules.peering import reply_paths
from archplan.rules.peering import dns
# isort: on

__all__ = ["connections", "dns", "leaving_peer", "quota", "reply_paths", "status", "usage"]
