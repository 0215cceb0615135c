"""Transit gateway rules (AP401-AP409), a module per topic.

attachments: an attachment's Region and its one subnet per Availability Zone. overlaps: attached
VPCs whose blocks overlap. routes: routes to a transit gateway that it cannot deliver. quotas:
attachments and gateways against their quotas. subnet_kind: the kind of subnet an attachment
uses. The rules' domain is "transit", whichever module they sit in."""

# A rule registers when its module is imported: in id order, the order rules run in.
# isort: off
from archplan.rules.transit import attachments
from archplan.rules.transit import overlaps
from archplan.rules.transit import routes
from archplan.rules.transit import quotas
from archplan.rules.transit import subnet_kind
# isort: on

__all__ = ["attachments", "overlaps", "quotas", "routes", "subnet_kind"]
