"""Auto Scaling group rules (AP501-AP512), a module per topic.

groups: size, subnets and zones. types: instance type names, how many, their weights.
purchase: the On-Demand/Spot mix. addresses: whether the subnets hold the group. prices:
instance types the price book does not know. The rules' domain is "scaling", whichever module
they sit in."""

# A rule registers when its module is imported: in id order, the order rules run in.
# isort: off
from archplan.rules.scaling import groups
from archplan.rules.scaling import types
from archplan.rules.scaling import purchase
from archplan.rules.scaling import addresses
from archplan.rules.scaling import prices
# isort: on

__all__ = ["addresses", "groups", "prices", "purchase", "types"]
