"""VPC endpoint rules (AP411-AP419), a module per topic.

gateway: gateway endpoints' services, Region, duplicates and the routes AWS manages for them.
interface: interface endpoints' fields and subnets. dns: private DNS and the VPC's DNS settings.
quota: endpoints per VPC. The rules' domain is "endpoints", whichever module they sit in."""

# A rule registers when its module is imported: in id order, the order rules run in.
# isort: off
from archplan.rules.endpoints import gateway
from archplan.rules.endpoints import interface
from archplan.rules.endpoints import dns
from archplan.rules.endpoints import quota
# isort: on

__all__ = ["dns", "gateway", "interface", "quota"]
