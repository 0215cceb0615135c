"""What a replacement takes with it, and which edits fail as written.

Dependents are found from the schema: an object depends on the object it is nested in (a
subnet on its VPC), on each object a `Reference` field names (a scaling group on its subnets,
a peering on its VPCs), on the VPC a collection is keyed by (a transit gateway attachment), and
on the objects its routes target (`nat:SUBNET`, `peering:NAME`, `tgw:NAME`, `endpoint:NAME`).
What happens to each dependent is the table's `replacement_cascade` for the replaced type
(archplan.diff.behaviour.cascade): a dependent replaced in turn takes its own dependents.

CloudFormation creates a replacement before it deletes the old resource, so some edits fail
as written (change-preview facts, each with its AWS error): a subnet moved to another zone with
the same block, a block that overlaps the one it replaces, a transit gateway attachment whose
subnets change, a second peering between the same two VPCs, and a custom-named resource
replaced under the same name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from archplan import schema as s
from archplan.cidr import Block
from archplan.diff import behaviour
from archplan.diff.match import ObjectEntry, is_collection, objects, own_value
from archplan.diff.model import MISSING, Action, KindKey, ObjectChange, Place, Side, Update
from archplan.findings import Path

# Route targets that name an object, and the kind they name.
ROUTE_TARGET_KINDS: dict[str, KindKey] = {
    "nat": ("vpcs", "subnets"),
    "peering": ("peerings",),
    "tgw": ("transit_gateways",),
    "endpoint": ("vpcs", "endpoints"),
}
# The resource that carries a reference, when it is not the referring object itself.
CARRIERS: dict[tuple[KindKey, str], str] = {
    (("vpcs", "subnets"), "route_table"): "AWS::EC2::SubnetRouteTableAssociation",
    (("vpcs", "route_tables"), "routes"): "AWS::EC2::Route",
    # A network ACL names its subnets: each is an association of its own.
    (("vpcs", "network_acls"), "subnets"): "AWS::EC2::SubnetNetworkAclAssociation",
    # A NAT gateway is written as a route target (`nat:SUBNET`): the gateway lives in the
    # subnet, and the routes to it follow it in place.
    (("vpcs", "route_tables"), "routes:nat"): "AWS::EC2::NatGateway",
}


class Consequence(NamedTuple):
    """Something that changes because another object is replaced."""

    cause: Path  # the replaced object, in the older version
    path: Path  # the dependent, in the older version
    kind: KindKey
    update: Update
    via: str  # Type.Property that takes the replaced resource's id
    message: str


class Failure(NamedTuple):
    """An edit CloudFormation cannot apply as written."""

    path: Path  # in the newer version when it has the object, else the older
    place: Place | None
    message: str


def singular(kind: KindKey) -> str:
    """ "subnet" for ("vpcs", "subnets"); "estate" for the root."""
    if not kind:
        return "estate"
    word = kind[-1].replace("_", " ")
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def describe(kind: KindKey, path: Path) -> str:
    if not path:
        return "the estate"
    return f'{singular(kind)} "{path[-1]}"'


class Dependent(NamedTuple):
    path: Path
    kind: KindKey
    carrier: str | None  # the resource type taking the id
    field: str  # the field (or "parent") that makes it depend


class Graph:
    """Who depends on whom in one version (read off the schema's references once per kind).

    Only what can depend on objects of the `start` kinds is looked at: kinds that name them,
    nest in them or route to them, and, as a replaced dependent takes its own, so on.
    """

    def __init__(self, entries: list[ObjectEntry], start: set[KindKey]) -> None:
        self.entries: dict[Path, ObjectEntry] = {}
        by_kind: dict[KindKey, list[ObjectEntry]] = {}
        for entry in entries:
            self.entries[entry.path] = entry
            by_kind.setdefault(entry.kind, []).append(entry)
        targets = _reference_targets(s.ARCHITECTURE, ())
        specs = {
            kind: _spec(found[0], self.entries, targets) for kind, found in by_kind.items() if kind
        }
        wanted, referrers = set(start), set()
        grew = True
        while grew:
            grew = False
            for kind, spec in specs.items():
                if kind not in referrers and _names(kind, spec) & wanted:
                    referrers.add(kind)
                    wanted.add(kind)
                    grew = True
        by_name: dict[KindKey, dict[str, list[Path]]] = {}
        near: dict[tuple[KindKey, str, Path], list[Path]] = {}
        for kind in wanted:
            for entry in by_kind.get(kind, ()):
                name = str(entry.path[-1])
                by_name.setdefault(kind, {}).setdefault(name, []).append(entry.path)
                near.setdefault((kind, name, entry.path[:2]), []).append(entry.path)
        self.by_name = by_name
        self.near = near
        self.dependents: dict[Path, list[Dependent]] = {}
        for kind in referrers:
            spec = specs[kind]
            for entry in by_kind[kind]:
                for target, field in self._references(entry, spec):
                    carrier = CARRIERS.get((entry.kind, field)) or behaviour.object_type(
                        entry.kind, entry.value
                    )
                    self.dependents.setdefault(target, []).append(
                        Dependent(entry.path, entry.kind, carrier, field)
                    )

    def _resolve(self, kind: KindKey, name: str, near: Path) -> list[Path]:
        found = self.by_name.get(kind, {}).get(name, [])
        if len(found) > 1:  # names unique per VPC: prefer the referrer's own VPC
            return self.near.get((kind, name, near[:2])) or found
        return found

    def _references(self, entry: ObjectEntry, spec: _Spec) -> Iterator[tuple[Path, str]]:
        path = entry.path
        if len(path) >= 2 and path[:-2] in self.entries:
            yield path[:-2], "parent"
        if spec.keyed_by is not None:  # attachments keyed by the VPC they attach
            yield from (
                (found, "key") for found in self._resolve(spec.keyed_by, str(path[-1]), path)
            )
        value = entry.value
        for field, target in spec.fields:
            item: Any = value
            for step in field:
                item = item.get(step) if isinstance(item, dict) else None
            names = item if isinstance(item, list) else [item]
            top = str(field[0]) if field else ""
            for name in names:
                if isinstance(name, str):
                    for found in self._resolve(target, name, path):
                        yield found, top
        if entry.kind == ("vpcs", "route_tables") and isinstance(value, dict):
            for text in (value.get("routes") or {}).values():
                prefix, _, name = str(text).partition(":")
                target_kind = ROUTE_TARGET_KINDS.get(prefix)
                if target_kind is not None and name:
                    for found in self._resolve(target_kind, name, path):
                        yield found, "routes:nat" if prefix == "nat" else "routes"


def _names(kind: KindKey, spec: _Spec) -> set[KindKey]:
    """The kinds an object of `kind` can depend on."""
    found = {target for _, target in spec.fields}
    if spec.keyed_by is not None:
        found.add(spec.keyed_by)
    if len(kind) >= 2:
        found.add(kind[:-1])
    if kind == ("vpcs", "route_tables"):
        found.update(ROUTE_TARGET_KINDS.values())
    return found


class _Spec(NamedTuple):
    """Where an object of one kind names others: field paths holding a reference (or a list
    of them) and their target kinds, and the kind its own key names, if any."""

    fields: tuple[tuple[Path, KindKey], ...]
    keyed_by: KindKey | None


def _spec(
    entry: ObjectEntry, entries: dict[Path, ObjectEntry], targets: dict[str, KindKey]
) -> _Spec:
    keyed_by = None
    path = entry.path
    if len(path) >= 2:
        parent = entries.get(path[:-2])
        key_kind = _key_kind(parent.schema, str(path[-2])) if parent is not None else None
        keyed_by = targets.get(key_kind or "")
    return _Spec(tuple(_reference_fields(entry.schema, (), targets)), keyed_by)


def _reference_fields(
    kind: s.Kind, at: Path, targets: dict[str, KindKey]
) -> Iterator[tuple[Path, KindKey]]:
    item = kind.item if isinstance(kind, s.ListOf) else kind
    if isinstance(item, s.Reference):
        target = targets.get(item.target)
        if target is not None:
            yield at, target
    elif isinstance(kind, s.Object):
        for key, spec in kind.fields.items():
            if not is_collection(spec.kind):
                yield from _reference_fields(spec.kind, (*at, key), targets)


def _key_kind(kind: s.Kind, field: str) -> str | None:
    if isinstance(kind, s.Object):
        spec = kind.fields.get(field)
        if spec is not None and isinstance(spec.kind, s.NamedMap):
            return spec.kind.key_kind
    return None


def _reference_targets(kind: s.Object, at: KindKey) -> dict[str, KindKey]:
    """Reference target names ("vpc", "route table") to the kinds they name, from the
    collections' keys ("vpcs", "route_tables")."""
    found: dict[str, KindKey] = {}
    for field, spec in kind.fields.items():
        if is_collection(spec.kind):
            assert isinstance(spec.kind, s.NamedMap)
            found.setdefault(singular((*at, field)), (*at, field))
            if isinstance(spec.kind.value, s.Object):
                found.update(
                    {
                        k: v
                        for k, v in _reference_targets(spec.kind.value, (*at, field)).items()
                        if k not in found
                    }
                )
    return found


# -- replacements ------------------------------------------------------------------------------


def consequences(
    old: Side, changes: list[ObjectChange], entries: list[ObjectEntry] | None = None
) -> list[Consequence]:
    """What goes with each replaced object, in the older version (where it runs today);
    `entries` are the older version's objects when the caller has them."""
    replaced = [
        change
        for change in changes
        if change.action is Action.MODIFIED and change.update is Update.REPLACEMENT
    ]
    moved = _moved_by_defaults(old, changes)
    if not replaced and not moved:
        return []
    start = {change.kind for change in replaced} | {item.kind for item in moved}
    graph = Graph(entries if entries is not None else objects(old.data), start)
    found: list[Consequence] = list(moved)
    # A dependent the change removes goes anyway: the replacement takes nothing of it along.
    removed = {
        change.old_path
        for change in changes
        if change.action is Action.REMOVED and change.old_path is not None
    }
    seen: set[Path] = set()
    queue = [(change.old_path, change.resource_type) for change in replaced if change.old_path]
    queue += [(item.path, behaviour.object_type(item.kind, None)) for item in moved]
    seen.update(path for path, _ in queue)
    while queue:
        cause, cause_type = queue.pop(0)
        assert cause is not None
        levels = behaviour.cascade(cause_type)
        for dependent in graph.dependents.get(cause, []):
            level = levels.get(dependent.carrier or "")
            if level is None or dependent.path in removed:
                continue
            if dependent.path in seen and level is Update.REPLACEMENT:
                continue
            cause_kind = graph.entries[cause].kind
            message = _consequence_text(graph, cause, cause_kind, dependent, level)
            found.append(
                Consequence(
                    cause, dependent.path, dependent.kind, level, f"{dependent.carrier}", message
                )
            )
            own_type = behaviour.object_type(
                dependent.kind, own_value(graph.entries[dependent.path])
            )
            if level is Update.REPLACEMENT and dependent.carrier == own_type:
                seen.add(dependent.path)
                queue.append((dependent.path, own_type))
    return found


# Kinds that take `region` and `account` from `defaults` when they have none of their own.
_PLACED = (("vpcs",), ("transit_gateways",), ("api_gateways",))


def _moved_by_defaults(old: Side, changes: list[ObjectChange]) -> list[Consequence]:
    """Objects without a Region or account of their own move with `defaults`: Remove here and
    Add in another stack, like an object whose own `region` changes."""
    estate = next((change for change in changes if change.kind == () and change.fields), None)
    if estate is None:
        return []
    moved = [f for f in estate.fields if f.field[:1] == ("defaults",) and len(f.field) == 2]
    if not moved:
        return []
    found = []
    for field in moved:
        key = str(field.field[1])
        if key not in ("region", "account"):
            continue
        for kind in _PLACED:
            for name, value in (old.data.get(kind[0]) or {}).items():
                if isinstance(value, dict) and key not in value:
                    path = (kind[0], name)
                    found.append(
                        Consequence(
                            (),
                            path,
                            kind,
                            Update.REPLACEMENT,
                            "stack placement",
                            f"{describe(kind, path)} has no {key} of its own: it moves with "
                            f"defaults.{key} ({field.old} -> {field.new}), Remove here and Add "
                            "in another stack",
                        )
                    )
    return found


def _consequence_text(
    graph: Graph, cause: Path, cause_kind: KindKey, dependent: Dependent, level: Update
) -> str:
    what = describe(dependent.kind, dependent.path)
    because = f"because {describe(cause_kind, cause)} is replaced"
    if dependent.kind == ("scaling_groups",) and cause_kind == ("vpcs", "subnets"):
        return (
            f'scaling group "{dependent.path[-1]}" must first lose its instances in subnet '
            f'"{cause[-1]}": it replaces them in the new subnet ({dependent.carrier}.'
            "VPCZoneIdentifier), and the old subnet cannot be deleted while they remain"
        )
    if cause_kind == ("vpcs", "subnets") and level is not Update.REPLACEMENT:
        interfaces = _interfaces(graph, dependent, cause)
        if interfaces is not None:
            return interfaces
    if dependent.carrier == "AWS::EC2::SubnetRouteTableAssociation":
        return f"the route table association of {what} is replaced {because}"
    if dependent.carrier == "AWS::EC2::SubnetNetworkAclAssociation":
        return f'the association of {what} with subnet "{cause[-1]}" is replaced {because}'

    if dependent.carrier == "AWS::EC2::NatGateway":
        return (
            f'the NAT gateway in subnet "{cause[-1]}" is replaced with it (a new gateway and '
            f"address; connections through the old one drop) and the routes of {what} to it "
            "are updated in place"
        )
    if dependent.carrier == "AWS::EC2::Route":
        verb = "are replaced" if level is Update.REPLACEMENT else "are updated in place"
        return f"the routes of {what} that use it {verb} {because}"
    if level is Update.REPLACEMENT:
        return f"{what} is replaced {because}"
    if level is Update.CONDITIONAL:
        return f"{what} is updated, and may be replaced, {because}"
    return f"{what} is updated in place to the new id {because}"


def _interfaces(graph: Graph, dependent: Dependent, subnet: Path) -> str | None:
    """What an ECS service's tasks (awsvpc: a network interface each) or a VPC function
    (Lambda's shared Hyperplane interfaces) leave in a replaced subnet: like instances, the
    interfaces block deleting the old subnet until they are gone ("You cannot delete a subnet
    if it contains any network interfaces", VPC User Guide, Delete a subnet). None for other
    dependents and for a service whose tasks use the instance's network (bridge, host)."""
    value = own_value(graph.entries[dependent.path])
    name = dependent.path[-1]
    if dependent.kind == ("services",):
        mode = value.get("network_mode", "awsvpc") if isinstance(value, dict) else "awsvpc"
        if mode != "awsvpc":
            return None
        return (
            f'service "{name}" must first move its tasks out of subnet "{subnet[-1]}": each '
            f"task has a network interface there (awsvpc); the service is updated in place to "
            f"the new subnet ({dependent.carrier}.NetworkConfiguration) and a new deployment "
            "replaces the tasks, and the old subnet cannot be deleted while their interfaces "
            "remain"
        )
    if dependent.kind == ("functions",):
        return (
            f'function "{name}" is updated in place to the new subnet ({dependent.carrier}.'
            f'VpcConfig), but Lambda\'s network interface in subnet "{subnet[-1]}" '
            "(Hyperplane, shared by the functions of one subnet and security groups) is "
            "deleted only some time after no function uses it (up to 20 minutes): the old "
            "subnet cannot be deleted until then, so a stack update that deletes it at once "
            "can fail and need a retry"
        )
    return None


# -- edits that fail as written ---------------------------------------------------------------


def failures(old: Side, new: Side, changes: list[ObjectChange]) -> list[Failure]:
    """Edits CloudFormation's create-first replacement refuses."""
    found: list[Failure] = []
    removed_subnets: dict[Path, list[tuple[Block, str]]] = {}  # VPC path -> old blocks
    removed_pairs: dict[frozenset[str], str] = {}
    for change in changes:
        if change.kind == ("vpcs", "subnets") and change.action is Action.REMOVED:
            block = change.old_value.get("cidr") if isinstance(change.old_value, dict) else None
            if isinstance(block, Block) and change.old_path is not None:
                removed_subnets.setdefault(change.old_path[:2], []).append(
                    (block, str(change.old_path[-1]))
                )
        if change.kind == ("peerings",) and change.action is Action.REMOVED:
            ends = _ends(change.old_value)
            if ends is not None:
                removed_pairs[ends] = str(change.path[-1])
    for change in changes:
        found += _subnet(change, removed_subnets)
        found += _secondary(change)
        found += _attachment(change)
        found += _peering(change, removed_pairs)
        found += _custom_name(change)
    return found


def _field(change: ObjectChange, name: str) -> tuple[Any, Any] | None:
    for field in change.fields:
        if field.field == (name,):
            return field.old, field.new
    return None


def _subnet(change: ObjectChange, removed: dict[Path, list[tuple[Block, str]]]) -> list[Failure]:
    if change.kind != ("vpcs", "subnets"):
        return []
    new_block = change.new_value.get("cidr") if isinstance(change.new_value, dict) else None
    name = change.path[-1]
    if change.action is Action.ADDED and isinstance(new_block, Block):
        for block, other in removed.get(change.path[:2], []):
            if block.overlaps(new_block):
                return [
                    Failure(
                        change.path,
                        change.new_place,
                        f'new subnet "{name}" ({new_block.text}) overlaps subnet "{other}" '
                        f"({block.text}), which is deleted only after the new one is created: "
                        "AWS refuses it (InvalidSubnet.Conflict); remove the old subnet first",
                    )
                ]
    if change.action is not Action.MODIFIED or change.update is not Update.REPLACEMENT:
        return []
    old_block = change.old_value.get("cidr") if isinstance(change.old_value, dict) else None
    if _field(change, "az") is not None and _field(change, "cidr") is None:
        return [
            Failure(
                change.path,
                change.new_place,
                f'subnet "{name}" moves to another Availability Zone with the same block: the '
                'replacement is created first and AWS refuses it ("CIDR Block must change if '
                'Availability Zone is changed and VPC ID is not changed"); give it a new block, '
                "or remove the subnet and add it back in two changes",
            )
        ]
    if (
        isinstance(old_block, Block)
        and isinstance(new_block, Block)
        and old_block.overlaps(new_block)
    ):
        return [
            Failure(
                change.path,
                change.new_place,
                f'subnet "{name}" goes from {old_block.text} to {new_block.text}, which overlaps '
                "the block it replaces: the new subnet is created first and AWS refuses it "
                "(InvalidSubnet.Conflict); use a block that does not overlap, or two changes",
            )
        ]
    return []


def _secondary(change: ObjectChange) -> list[Failure]:
    if change.kind != ("vpcs",) or change.action is not Action.MODIFIED:
        return []
    found = []
    for name in ("secondary_cidrs", "ipv6_cidrs"):
        values = _field(change, name)
        if values is None:
            continue
        before = [b for b in values[0] if isinstance(b, Block)] if values[0] is not MISSING else []
        after = [b for b in values[1] if isinstance(b, Block)] if values[1] is not MISSING else []
        gone = [b for b in before if b not in after]
        for block in after:
            if block in before:
                continue
            clash = next((old for old in gone if old.overlaps(block)), None)
            if clash is not None:
                found.append(
                    Failure(
                        change.path,
                        change.new_place,
                        f'VPC "{change.path[-1]}": block {block.text} is associated before '
                        f"{clash.text} is removed, and the two overlap: AWS refuses it; remove "
                        "the old block in one change and add the new one in the next",
                    )
                )
    return found


def _attachment(change: ObjectChange) -> list[Failure]:
    if change.kind != ("transit_gateways", "attachments") or _field(change, "subnets") is None:
        return []
    return [
        Failure(
            change.path,
            change.new_place,
            f'the attachment of VPC "{change.path[-1]}" to transit gateway "{change.path[1]}" '
            "changes subnets: SubnetIds replaces the attachment, and the new one for the same "
            "VPC is refused (DuplicateTransitGatewayAttachment); change subnets in place with "
            "AddSubnetIds / RemoveSubnetIds",
        )
    ]


def _ends(value: Any) -> frozenset[str] | None:
    if not isinstance(value, dict):
        return None
    first, second = value.get("requester"), value.get("accepter")
    if isinstance(first, str) and isinstance(second, str) and first != second:
        return frozenset((first, second))
    return None


def _peering(change: ObjectChange, removed_pairs: dict[frozenset[str], str]) -> list[Failure]:
    if change.kind != ("peerings",):
        return []
    ends = _ends(change.new_value)
    if ends is None:
        return []
    first, second = sorted(ends)
    if change.action is Action.ADDED and ends in removed_pairs:
        old = removed_pairs[ends]
        return [
            Failure(
                change.path,
                change.new_place,
                f'peering "{change.path[-1]}" between "{first}" and "{second}" is created '
                f'before peering "{old}" between them is deleted: "You cannot have more than one '
                'VPC peering connection between two VPCs at the same time"; delete the old one '
                "first",
            )
        ]
    if (
        change.action is Action.MODIFIED
        and change.update is Update.REPLACEMENT
        and _ends(change.old_value) == ends
    ):
        return [
            Failure(
                change.path,
                change.new_place,
                f'peering "{change.path[-1]}" is replaced between the same two VPCs ("{first}", '
                f'"{second}"): the new connection is created first and AWS refuses a second one '
                "between two VPCs; delete and re-create it in two changes",
            )
        ]
    return []


def _custom_name(change: ObjectChange) -> list[Failure]:
    if change.action is not Action.MODIFIED or change.update is not Update.REPLACEMENT:
        return []
    prop = behaviour.custom_name(change.resource_type)
    if prop is None:
        return []
    return [
        Failure(
            change.path,
            change.new_place,
            f"{describe(change.kind, change.path)} is replaced under the same name "
            f"({change.resource_type}.{prop}): \"You can't perform an update that causes a "
            'custom-named resource to be replaced"; give it a new name',
        )
    ]
