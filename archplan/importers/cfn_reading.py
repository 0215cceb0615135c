"""Reading one CloudFormation template's resource properties for the mapping to format 1:
evaluated through the intrinsics, typed, located, and every value that cannot be used said as
an import issue with what it costs. The mappers by topic (cfn_topology, cfn_scaling,
cfn_network, cfn_containers) build on this."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.findings import Span
from archplan.importers.cloudformation import READ_TYPES, Resource, Template
from archplan.importers.common import DocPath, ImportIssue, Origin, object_name
from archplan.importers.intrinsics import NO_VALUE, Attribute, ResourceRef, Unresolved, text
from archplan.loader import Node

if TYPE_CHECKING:
    from archplan.importers.cfn_mapping import Mapper
    from archplan.importers.cfn_network import NetworkMapper

Located = tuple[Any, Span]  # an evaluated property value and where it is written


class TemplateReader:
    """One template's state while it is mapped, and reading its resources' properties: each
    value evaluated, typed and located, a problem said as an import issue."""

    network: NetworkMapper  # set by the mapper that runs the template (cfn_mapping)

    def __init__(self, mapper: Mapper, template: Template) -> None:
        self.m = mapper
        self.t = template
        self.ev = template.evaluator
        self.vpc_names: dict[str, str] = {}
        self.subnets: dict[str, tuple[str, str]] = {}  # logical ID -> (VPC, subnet)
        self.tables: dict[str, tuple[str, str]] = {}
        self.nats: dict[str, tuple[str, str]] = {}  # NAT -> (VPC, its subnet)
        self.peerings: dict[str, str] = {}
        self.transit_gateways: dict[str, str] = {}
        self.endpoints: dict[str, tuple[str, str]] = {}
        self.attachments: dict[str, tuple[str, str]] = {}  # logical ID -> (gateway, VPC)
        self.internet_gateways: set[str] = set()
        self.vpn_gateways: set[str] = set()
        self.groups: dict[str, str] = {}  # scaling group logical ID -> its name
        self.failed = False  # whether the last `get` reported an unresolvable value
        self.removed = False  # whether the last `get` found AWS::NoValue
        # Gateway attachments left out, by the gateway property they set: (gateway, VPC,
        # attachment) logical IDs, None when unknown. Routes of that VPC through that gateway
        # are left out with them, so no rule reports a VPC "not attached" only because the
        # import dropped the attachment.
        self.left_out_links: dict[str, list[tuple[str | None, str | None, str]]] = {}

    def of_type(self, *kinds: str) -> list[Resource]:
        return [r for r in self.t.resources.values() if r.type in kinds]

    # -- reading properties -------------------------------------------------------------------

    def issue(self, message: str, span: Span, address: str, severity: str = "warning") -> None:
        origin = Origin(
            self.t.file, span.line, span.column, address, span.end_line, span.end_column
        )
        self.m.issues.append(ImportIssue(message, origin, severity))

    def record(self, path: DocPath, span: Span, address: str) -> None:
        self.m.origins[path] = Origin(
            self.t.file, span.line, span.column, address, span.end_line, span.end_column
        )

    def node(self, resource: Resource, prop: str) -> Node | None:
        if resource.properties is None:
            return None
        entry = resource.properties.entries.get(prop)
        return entry.value if entry else None

    def get(self, resource: Resource, prop: str, consequence: str) -> Located | None:
        """The evaluated property, or None when absent, AWS::NoValue or unresolvable (then an
        issue says so and what `consequence` it has)."""
        self.failed = False
        self.removed = False
        node = self.node(resource, prop)
        if node is None:
            return None
        try:
            value = self.ev.value(node)
        except Unresolved as error:
            self.failed = True
            self.issue(
                f"{resource.logical_id}.{prop}: {error.message}; {consequence}",
                error.span,
                f"{resource.logical_id}.Properties.{prop}",
                error.severity,
            )
            return None
        if value is NO_VALUE:
            self.removed = True
            return None
        return value, node.span

    def require(self, resource: Resource, prop: str, consequence: str) -> Located | None:
        """A property the object cannot be imported without: absent or AWS::NoValue is said."""
        if self.node(resource, prop) is None:
            self.issue(
                f"{resource.logical_id} has no {prop}; {consequence}",
                resource.key,
                resource.logical_id,
            )
            return None
        found = self.get(resource, prop, consequence)
        if found is None and self.removed:
            self.said_removed(resource, prop, consequence)
        return found

    def said_removed(self, resource: Resource, prop: str, consequence: str) -> None:
        node = self.node(resource, prop)
        self.issue(
            f"{resource.logical_id}.{prop} is AWS::NoValue (removed), as if not written; "
            f"{consequence}",
            node.span if node is not None else resource.key,
            f"{resource.logical_id}.Properties.{prop}",
        )

    def string(
        self, resource: Resource, prop: str, consequence: str, required: bool = True
    ) -> Located | None:
        """A property CloudFormation types as a string (a CIDR block, a zone, a name): numbers
        read as CloudFormation writes them; a list, a mapping or a boolean is an error."""
        found = (self.require if required else self.get)(resource, prop, consequence)
        if found is None:
            return None
        value, span = found
        if isinstance(value, ResourceRef | Attribute):
            what = "the ID of" if isinstance(value, ResourceRef) else f"attribute {value.name} of"
            self.issue(
                f"{resource.logical_id}.{prop}: {what} {value.logical_id} is known only at "
                f"deployment; {consequence}",
                span,
                f"{resource.logical_id}.Properties.{prop}",
            )
            self.failed = True
            return None
        if isinstance(value, bool) or text(value) is None:
            self.issue(
                f"{resource.logical_id}.{prop}: {kind_of(value)} where CloudFormation expects "
                f"a string, so it rejects the template; {consequence}",
                span,
                f"{resource.logical_id}.Properties.{prop}",
                "error",
            )
            self.failed = True
            return None
        return text(value), span

    def boolean(self, resource: Resource, prop: str, consequence: str) -> Located | None:
        """A Boolean property: true/false, or the strings "true"/"false" CloudFormation takes."""
        found = self.get(resource, prop, consequence)
        if found is None:
            return None
        value, span = found
        if isinstance(value, bool):
            return value, span
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true", span
        if isinstance(value, ResourceRef | Attribute):
            self.issue(
                f"{resource.logical_id}.{prop}: {shown_value(value)} is known only at deployment; "
                f"{consequence}",
                span,
                f"{resource.logical_id}.Properties.{prop}",
            )
            return None
        self.issue(
            f"{resource.logical_id}.{prop}: {kind_of(value)} where CloudFormation expects "
            f"true or false, so it rejects the template; {consequence}",
            span,
            f"{resource.logical_id}.Properties.{prop}",
            "error",
        )
        return None

    def target(
        self,
        resource: Resource,
        prop: str,
        known: dict[str, Any],
        kind: str,
        consequence: str,
    ) -> tuple[Any, Span] | None:
        """The object a reference property names, among the `known` ones of its `kind`."""
        found = self.require(resource, prop, consequence)
        if found is None:
            return None
        value, span = found
        return self.resolve(resource, prop, value, span, known, kind, consequence)

    def vpc_of(self, resource: Resource, without: str, consequence: str) -> tuple[str, Span] | None:
        """The imported VPC a resource's VpcId names, or None when it names none (said). A
        resource with no VpcId at all is said with `without`, what such a resource is."""
        if self.node(resource, "VpcId") is None:
            self.issue(
                f"{resource.logical_id}{without}; {consequence}", resource.key, resource.logical_id
            )
            return None
        return self.target(resource, "VpcId", self.vpc_names, "VPC", consequence)

    def resolve(
        self,
        resource: Resource,
        prop: str,
        value: Any,
        span: Span,
        known: dict[str, Any],
        kind: str,
        consequence: str,
    ) -> tuple[Any, Span] | None:
        logical_id = logical_id_of(value)
        if logical_id is not None and logical_id in known:
            return known[logical_id], span
        declared = self.t.declared.get(logical_id or "")
        if isinstance(value, bool | list | dict):
            self.issue(
                f"{resource.logical_id}.{prop}: {kind_of(value)} where CloudFormation expects "
                f"the ID of a {kind}, so it rejects the template; {consequence}",
                span,
                f"{resource.logical_id}.Properties.{prop}",
                "error",
            )
            return None
        if logical_id is not None and logical_id in self.t.resources:
            why = f"{logical_id} was not imported as a {kind}"
        elif logical_id is not None and declared in READ_TYPES:
            why = f"{logical_id} is not created (its condition is false)"
        elif logical_id is not None:
            why = f"{logical_id} is a {declared}, not a {kind} archplan reads"
        else:
            why = f'"{shown_value(value)}" is not a {kind} of the template'
        self.issue(
            f"{resource.logical_id}.{prop}: {why}; {consequence}",
            span,
            f"{resource.logical_id}.Properties.{prop}",
        )
        return None

    def name(self, resource: Resource) -> str:
        return object_name(resource.logical_id, self.m.taken)

    def m_name(self, raw: str) -> str:
        return object_name(raw, self.m.taken)


def logical_id_of(value: Any) -> str | None:
    """The resource a reference names: `Ref: X`, or `Fn::GetAtt: [X, SomethingId]`."""
    if isinstance(value, ResourceRef):
        return value.logical_id
    if isinstance(value, Attribute) and value.name.endswith("Id"):
        return value.logical_id
    return None


def kind_of(value: Any) -> str:
    """What a wrongly typed value is, for a message: never the value's Python repr."""
    if isinstance(value, bool):
        return f"the Boolean {text(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    shown = text(value)
    return f'"{shown}"' if shown is not None else "a value"


def shown_value(value: Any) -> str:
    if isinstance(value, ResourceRef | Attribute):
        return value.logical_id
    return str(value)
