"""CloudFormation filters and transit routing to format 1, one template at a time: the
NetworkMapper that `_TemplateMapper` (archplan.importers.cfn_mapping) runs, made of a part per
topic: security groups and the instances that use them (cfn_security_groups), network ACLs
(cfn_network_acls), Network Firewall and Gateway Load Balancer endpoints (cfn_inspection),
transit gateway route tables (cfn_tgw_tables).

The parts read the VPCs, subnets and attachments that cfn_topology mapped, and resolve
references the same way; each keeps the state it owns (logical ID -> format-1 name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archplan.importers.cfn_inspection import InspectionMapping
from archplan.importers.cfn_network_acls import NetworkAclMapping
from archplan.importers.cfn_security_groups import SecurityGroupMapping
from archplan.importers.cfn_tgw_tables import TransitTableMapping

if TYPE_CHECKING:
    from archplan.importers.cfn_mapping import _TemplateMapper


class NetworkMapper(
    SecurityGroupMapping, NetworkAclMapping, InspectionMapping, TransitTableMapping
):
    """The filtering and transit-routing objects of one template."""

    def __init__(self, mapper: _TemplateMapper) -> None:
        SecurityGroupMapping.__init__(self, mapper)
        NetworkAclMapping.__init__(self, mapper)
        InspectionMapping.__init__(self, mapper)
        TransitTableMapping.__init__(self, mapper)
