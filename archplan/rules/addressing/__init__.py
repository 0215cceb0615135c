"""Addressing rules (AP101-AP116), a module per topic.

vpc_ranges: a VPC block's size and the ranges AWS never assigns or that clash. vpc_blocks: a
VPC's blocks together: overlaps, how many, which secondaries AWS refuses. ipv6: IPv6 block
sizes and placement. subnets: subnet sizes, placement, overlaps, zones and quota. regions: Region
names. The rules' domain is "addressing", whichever module they sit in."""

# A rule registers when its module is imported: in id order, the order rules run in.
# isort: off
from archplan.rules.addressing import vpc_ranges
from archplan.rules.addressing import vpc_blocks
from archplan.rules.addressing import ipv6
from archplan.rules.addressing import subnets
from archplan.rules.addressing import regions
# isort: on

__all__ = ["ipv6", "regions", "subnets", "vpc_blocks", "vpc_ranges"]
