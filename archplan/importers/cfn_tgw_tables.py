"""CloudFormation transit gateway route tables to format 1: the tables, AWS's default table,
associations, propagations and routes.

Part of cfn_network's NetworkMapper, for one template's `_TemplateMapper` (cfn_mapping)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archplan.importers.cfn_reading import logical_id_of
from archplan.importers.common import DocPath
from archplan.importers.intrinsics import Attribute, text

if TYPE_CHECKING:
    from archplan.findings import Span
    from archplan.importers.cfn_mapping import _TemplateMapper
    from archplan.importers.cloudformation import Resource


class TransitTableMapping:
    """The transit gateway route tables of one template."""

    def __init__(self, mapper: _TemplateMapper) -> None:
        self.tm = mapper
        self.tables: dict[str, tuple[str, str]] = {}  # TGW route table -> (gateway, table)
        # Gateways that lost an association, propagation or route: their tables would be
        # judged without it (a reply "with no route back"), so they are left out whole.
        self.incomplete: dict[str, str] = {}  # gateway -> the first resource left out

    def transit_gateway_tables(self) -> None:
        tm = self.tm
        declared = tm.of_type("AWS::EC2::TransitGatewayRouteTable")
        for resource in declared:
            gateway = tm.target(
                resource,
                "TransitGatewayId",
                tm.transit_gateways,
                "transit gateway",
                "the route table, its associations, propagations and routes are left out",
            )
            if gateway is None:
                continue
            name = tm.name(resource)
            body = tm.m.transit_gateways[gateway[0]]
            path: DocPath = ("transit_gateways", gateway[0], "route_tables", name)
            tm.record(path, resource.key, resource.logical_id)
            body.setdefault("route_tables", {})[name] = {}
            self.tables[resource.logical_id] = (gateway[0], name)
        for logical_id, gateway_name in tm.transit_gateways.items():
            self.default_tables(tm.t.resources[logical_id], gateway_name)
        for kind, key in (
            ("AWS::EC2::TransitGatewayRouteTableAssociation", "associations"),
            ("AWS::EC2::TransitGatewayRouteTablePropagation", "propagations"),
        ):
            for resource in tm.of_type(kind):
                self.table_link(resource, key)
        for resource in tm.of_type("AWS::EC2::TransitGatewayRoute"):
            self.tgw_route(resource)
        for gateway_name, lost in self.incomplete.items():
            body = tm.m.transit_gateways[gateway_name]
            for key in ("route_tables", "default_association", "default_propagation"):
                body.pop(key, None)
            resource = tm.t.resources[lost]
            tm.issue(
                f"transit gateway {gateway_name}: {lost} was left out (see its own finding), so its "
                "route tables are left out too; it is checked as if on one default table",
                resource.key,
                resource.logical_id,
            )

    def default_tables(self, resource: Resource, gateway: str) -> None:
        """AWS's default route table, which the template cannot declare: written as `default`
        when the gateway keeps default association or propagation and the template declares
        route tables of its own (else the gateway has only that table, format 1's model)."""
        tm = self.tm
        body = tm.m.transit_gateways[gateway]
        enabled = {}
        for prop in ("DefaultRouteTableAssociation", "DefaultRouteTablePropagation"):
            found = tm.get(resource, prop, "taken as enable (AWS's default)")
            enabled[prop] = found is None or str(found[0]).lower() != "disable"
        tables = body.get("route_tables")
        if not tables:
            if not any(enabled.values()):
                tm.issue(
                    f"{resource.logical_id}: default route table association and propagation are "
                    "disabled but the template declares none of its route tables (they are in "
                    "another stack?); its attachments are imported as if on one table",
                    resource.key,
                    resource.logical_id,
                )
            return
        if not any(enabled.values()):
            return
        name = "default"
        while name in tables:
            name += "-table"
        tables[name] = {}
        tm.record(
            ("transit_gateways", gateway, "route_tables", name), resource.key, resource.logical_id
        )
        if enabled["DefaultRouteTableAssociation"]:
            body["default_association"] = name
        if enabled["DefaultRouteTablePropagation"]:
            body["default_propagation"] = name

    def attachment_name(
        self, resource: Resource, prop: str, gateway: str, left_out: str
    ) -> str | None:
        """The format-1 name of the attachment a property names (its VPC's name)."""
        tm = self.tm
        found = tm.require(resource, prop, left_out)
        if found is None:
            return None
        value, span = found
        logical_id = logical_id_of(value)
        if isinstance(value, Attribute) and value.name == "TransitGatewayAttachmentId":
            why = f"{value.logical_id}'s transit gateway attachment (a firewall attached to the transit gateway) is not in format 1"
        elif logical_id in tm.attachments:
            attached_gateway, vpc = tm.attachments[logical_id]
            if attached_gateway == gateway:
                return vpc
            why = f"{logical_id} attaches to {attached_gateway}, not {gateway}"
        else:
            why = f'"{logical_id or text(value)}" is not an imported attachment'
        tm.issue(
            f"{resource.logical_id}.{prop}: {why}; {left_out}",
            span,
            f"{resource.logical_id}.Properties.{prop}",
        )
        return None

    def route_table_of(
        self, resource: Resource, left_out: str
    ) -> tuple[tuple[str, str], Span] | None:
        """The (gateway, table) its TransitGatewayRouteTableId names, or None (said)."""
        return self.tm.target(
            resource,
            "TransitGatewayRouteTableId",
            self.tables,
            "transit gateway route table",
            left_out,
        )

    def table_link(self, resource: Resource, key: str) -> None:
        tm = self.tm
        what = "association" if key == "associations" else "propagation"
        left_out = f"the {what} is left out"
        table = self.route_table_of(resource, left_out)
        if table is None:
            return
        gateway, name = table[0]
        attachment = self.attachment_name(resource, "TransitGatewayAttachmentId", gateway, left_out)
        if attachment is None:
            self.incomplete.setdefault(gateway, resource.logical_id)
            return
        tables = tm.m.transit_gateways[gateway]["route_tables"]
        if key == "associations":
            for other_name, other in tables.items():
                if attachment in other.get("associations", []):
                    tm.issue(
                        f"{resource.logical_id}: attachment {attachment} is already associated "
                        f"with {other_name}; an attachment has one route table, so {left_out}",
                        resource.key,
                        resource.logical_id,
                    )
                    return
        links = tables[name].setdefault(key, [])
        if attachment not in links:
            links.append(attachment)
            tm.record(
                ("transit_gateways", gateway, "route_tables", name, key),
                resource.key,
                resource.logical_id,
            )

    def tgw_route(self, resource: Resource) -> None:
        tm = self.tm
        left_out = "the route is left out"
        table = self.route_table_of(resource, left_out)
        if table is None:
            return
        gateway, name = table[0]
        destination = tm.string(resource, "DestinationCidrBlock", left_out)
        if destination is None:
            self.incomplete.setdefault(gateway, resource.logical_id)
            return
        blackhole = tm.boolean(resource, "Blackhole", "taken as false")
        if blackhole is not None and blackhole[0]:
            target = "blackhole"
        else:
            found = self.attachment_name(resource, "TransitGatewayAttachmentId", gateway, left_out)
            if found is None:
                self.incomplete.setdefault(gateway, resource.logical_id)
                return
            target = found
        routes = tm.m.transit_gateways[gateway]["route_tables"][name].setdefault("routes", {})
        key = str(destination[0])
        if key in routes:
            tm.issue(
                f"{resource.logical_id}: {name} already has a route to {key}; {left_out}",
                resource.key,
                resource.logical_id,
            )
            return
        routes[key] = target
        tm.record(
            ("transit_gateways", gateway, "route_tables", name, "routes", key),
            resource.key,
            resource.logical_id,
        )
