"""What AWS does to a running resource when a field changes, from CloudFormation's own data.

The levels come from the shipped copy of the update-behaviour table (archplan/data/
update-behaviour.json: CloudFormation resource provider schemas from cfn-lint 1.58.0, schema
date 2026-10-20, and the CloudFormation User Guide's "Update requires" lines; its `source` and
`generated` fields say exactly which). Which resource property each format-1 field is, or why
it is none, is archplan.diff.fields; the level, the condition and the custom-name and cascade
facts are read from the data.
"""

from __future__ import annotations

import functools
import json
import pkgutil
from typing import Any

from archplan.diff.fields import (
    ACL_ENTRY_PROPERTIES,
    ANY,
    ASG,
    FIELDS,
    HTTP_STAGE,
    KEYED_LISTS,
    KINDS,
    REST_STAGE,
    ROUTE,
    TARGET,
    TGW_ROUTE,
    Answer,
    Fixed,
    NoAws,
    NotCovered,
    Prop,
)
from archplan.diff.model import MISSING, Behaviour, KindKey, Update
from archplan.findings import Path

DATA_FILE = "update-behaviour.json"

_LEVELS = {
    "Replacement": Update.REPLACEMENT,
    "Conditional": Update.CONDITIONAL,
    "Some interruptions": Update.INTERRUPTION,
    "No interruption": Update.IN_PLACE,
}
NO_AWS = "archplan-only (no AWS resource)"

# Route targets and the property of AWS::EC2::Route each sets (all No interruption).
ROUTE_TARGETS = {
    "igw": "GatewayId",
    "vgw": "GatewayId",
    "nat": "NatGatewayId",
    "peering": "VpcPeeringConnectionId",
    "tgw": "TransitGatewayId",
    "egress-only-igw": "EgressOnlyInternetGatewayId",
    "endpoint": "VpcEndpointId",
    "eni": "NetworkInterfaceId",
}


@functools.cache
def table() -> dict[str, Any]:
    """The shipped update-behaviour table (read once)."""
    data = pkgutil.get_data("archplan", f"data/{DATA_FILE}")
    if data is None:  # pragma: no cover - only a loader without get_data returns None
        raise RuntimeError(f"archplan's {DATA_FILE} is missing from the installation")
    loaded: dict[str, Any] = json.loads(data.decode("utf-8"))
    return loaded


def source_line() -> str:
    """Where the levels come from, for the reports' footers."""
    data = table()
    schema = data["source"]["schema"]
    return (
        f"update behaviour: CloudFormation resource schemas ({schema['package']} "
        f"{schema['version']}, schema date {schema['schema_date'][:10]}) and the CloudFormation "
        f"User Guide; table generated {data['generated']}"
    )


def property_entry(resource_type: str, name: str) -> dict[str, Any] | None:
    entry: dict[str, Any] | None = (
        table()["types"].get(resource_type, {}).get("properties", {}).get(name)
    )
    return entry


def type_entry(resource_type: str) -> dict[str, Any]:
    entry: dict[str, Any] = table()["types"].get(resource_type, {})
    return entry


def object_type(kind: KindKey, value: Any) -> str | None:
    """The resource type of an object of `kind` (None for archplan's own kinds and for kinds
    of no one type)."""
    if kind == ("api_gateways",) and isinstance(value, dict) and value.get("type") == "http":
        return "AWS::ApiGatewayV2::Api"
    found = KINDS.get(kind)
    return found if isinstance(found, str) else None


def whole_update(kind: KindKey) -> Update:
    """What adding or removing a whole object of `kind` does in AWS."""
    found = KINDS.get(kind)
    if isinstance(found, str):
        return Update.ADD_REMOVE
    if isinstance(found, NoAws):
        return Update.NONE
    return Update.UNKNOWN  # a type the table does not cover, or a kind not in KINDS yet


def answer(kind: KindKey, field: Path) -> Answer | None:
    """What `field` of an object of `kind` is (archplan.diff.fields), None when nothing says."""
    found = KINDS.get(kind)
    if isinstance(found, NoAws | NotCovered):
        return found
    if kind == () and field and str(field[0]).startswith("x-"):
        return NoAws("an extension field (x-...), which archplan ignores")
    return next(
        (item for pattern, item in _by_kind().get(kind, ()) if _matches(pattern, field)), None
    )


@functools.cache
def _by_kind() -> dict[KindKey, list[tuple[Path, Answer]]]:
    """FIELDS by kind, in order (first match wins)."""
    found: dict[KindKey, list[tuple[Path, Answer]]] = {}
    for kind, pattern, item in FIELDS:
        found.setdefault(kind, []).append((pattern, item))
    return found


@functools.cache
def set_fields(kind: KindKey) -> dict[Path, str | None]:
    """The list fields of `kind` that AWS keeps as sets, each with the key that pairs their
    items for a report (a network ACL rule's `rule` number; None: an item is its own identity,
    as a security group rule is): every field mapped to a property the table marks
    `insertionOrder: false`, and fields.KEYED_LISTS."""
    found: dict[Path, str | None] = {}
    for pattern, item in _by_kind().get(kind, ()):
        if isinstance(item, Prop) and ANY not in pattern:
            entry = property_entry(item.resource_type, item.property)
            if entry is not None and entry.get("insertionOrder") is False:
                found[pattern] = None
    for (owner, field), key in KEYED_LISTS.items():
        if owner == kind:
            found[field] = key
    return found


def _matches(pattern: Path, field: Path) -> bool:
    return len(pattern) == len(field) and all(
        want in (ANY, got) for want, got in zip(pattern, field, strict=True)
    )


def field_behaviour(kind: KindKey, field: Path, old: Any, new: Any, owner: Any) -> Behaviour:
    """How AWS applies a change of `field` from `old` to `new` in an object of `kind` whose
    newer own value is `owner`."""
    mapping = answer(kind, field)
    own_type = object_type(kind, owner)
    if mapping is None:
        return Behaviour(Update.UNKNOWN, own_type, note="not in archplan's field mapping")
    if isinstance(mapping, NoAws):
        return Behaviour(Update.NONE, note=f"{NO_AWS}: {mapping.note}")
    if isinstance(mapping, NotCovered):
        named = mapping.resource_type or "its resource type"
        return Behaviour(
            Update.UNKNOWN,
            mapping.resource_type,
            None,
            f"{mapping.note}; {named} is not in the update-behaviour table",
        )
    if (kind, field) in KEYED_LISTS:
        return _acl_entries(field, old, new, mapping)
    if isinstance(mapping, Fixed):
        replaces = mapping.update is Update.REPLACEMENT and kind != ()
        return Behaviour(
            mapping.update, mapping.resource_type or own_type, None, mapping.note, replaces
        )
    if mapping.property == TARGET:
        return _tgw_route(old, new) if mapping.resource_type == TGW_ROUTE else _route(old, new)
    prop, resource_type = mapping.property, mapping.resource_type
    if resource_type == REST_STAGE and _api_type(owner) == "http":
        resource_type = "AWS::ApiGatewayV2::Stage"
        prop = HTTP_STAGE.get(prop, prop)
        if kind == ("api_gateways", "routes"):
            prop = prop.replace("MethodSettings", "RouteSettings").replace(
                "DefaultRouteSettings", "RouteSettings"
            )
    entry = property_entry(resource_type, prop)
    if entry is None or entry.get("update") is None:
        return Behaviour(Update.UNKNOWN, resource_type, prop, "not in the update-behaviour table")
    update = _LEVELS[entry["update"]]
    note = mapping.note
    if update is Update.CONDITIONAL:
        note = "; ".join(part for part in (entry.get("condition", ""), note) if part)
        if resource_type == ASG:  # the table's conditions for the group refer to each other
            note = (
                "the group is replaced only under UpdatePolicy AutoScalingReplacingUpdate "
                "WillReplace: true (format 1 has no update policy), else updated in place"
                + (f"; {note}" if note else "")
            )
    replaces = resource_type == own_type and update >= Update.CONDITIONAL
    return Behaviour(update, resource_type, prop, note, replaces)


def _acl_entries(field: Path, old: Any, new: Any, mapping: Answer) -> Behaviour:
    """Network ACL rules are entries keyed by rule number (RuleNumber and Egress are
    create-only): a rule added, removed or renumbered is an entry added or removed; a rule
    whose number stays and whose other fields change is that entry updated, at the table's
    level for the properties it sets."""
    key = KEYED_LISTS[(("vpcs", "network_acls"), field)]
    before, after = _by_key(old, key), _by_key(new, key)
    if before is None or after is None or before.keys() != after.keys():
        assert isinstance(mapping, Fixed)
        return Behaviour(mapping.update, mapping.resource_type, None, mapping.note)
    changed = sorted(
        {
            _acl_property(name, after[number].get(name))
            for number in before
            for name in set(before[number]) | set(after[number])
            if before[number].get(name) != after[number].get(name)
        }
    )
    levels = [property_entry(ACL_ENTRY, prop) for prop in changed]
    worst = max(
        (_LEVELS.get(str(entry.get("update")), Update.UNKNOWN) for entry in levels if entry),
        default=Update.UNKNOWN,
    )
    numbers = ", ".join(str(number) for number in before if before[number] != after[number])
    return Behaviour(
        worst,
        ACL_ENTRY,
        "/".join(changed),
        f"rule {numbers} updated in place: the same entries (rule number kept)",
    )


ACL_ENTRY = "AWS::EC2::NetworkAclEntry"


def _by_key(rules: Any, key: str) -> dict[Any, dict[str, Any]] | None:
    """Rules by their key; None when they are not a list of rules with distinct keys."""
    if not isinstance(rules, list):
        return None
    found: dict[Any, dict[str, Any]] = {}
    for rule in rules:
        if not isinstance(rule, dict) or key not in rule or rule[key] in found:
            return None
        found[rule[key]] = rule
    return found


def _acl_property(name: str, value: Any) -> str:
    prop = ACL_ENTRY_PROPERTIES.get(name, name)
    if prop == "CidrBlock" and ":" in str(value):
        return "Ipv6CidrBlock"
    return prop


def _api_type(owner: Any) -> str:
    return str(owner.get("type", "rest")) if isinstance(owner, dict) else "rest"


def _route(old: Any, new: Any) -> Behaviour:
    """A route's destination is its identity: added or removed routes are resources of their
    own; a new target is set in place."""
    if old is MISSING or new is MISSING:
        return Behaviour(Update.ADD_REMOVE, ROUTE, "DestinationCidrBlock", "a route of its own")
    kind = str(new).partition(":")[0]
    prop = ROUTE_TARGETS.get(kind)
    if prop is None:  # blackhole: no property sets it
        return Behaviour(
            Update.UNKNOWN, ROUTE, None, "no property makes a blackhole route; the route stays"
        )
    entry = property_entry(ROUTE, prop)
    level = _LEVELS[entry["update"]] if entry and entry.get("update") else Update.UNKNOWN
    return Behaviour(level, ROUTE, prop)


def _tgw_route(old: Any, new: Any) -> Behaviour:
    """A transit gateway route is keyed by its destination: added or removed, it is a resource
    of its own; a new target (an attachment, or blackhole) replaces the route, not the table."""
    if old is MISSING or new is MISSING:
        return Behaviour(Update.ADD_REMOVE, TGW_ROUTE, "DestinationCidrBlock", "a route of its own")
    prop = "Blackhole" if "blackhole" in (old, new) else "TransitGatewayAttachmentId"
    entry = property_entry(TGW_ROUTE, prop)
    level = _LEVELS[entry["update"]] if entry and entry.get("update") else Update.UNKNOWN
    return Behaviour(level, TGW_ROUTE, prop, "the route is replaced; the table is kept")


def object_update(changes: list[Behaviour]) -> Update:
    """The object's own update: the worst of what replaces it or interrupts it; a sub-resource
    replaced beside it (an association, a route) counts as add/remove for the object."""
    worst = Update.NONE
    for behaviour in changes:
        level = behaviour.update
        if level >= Update.CONDITIONAL and not behaviour.replaces_object:
            level = Update.ADD_REMOVE
        worst = max(worst, level)
    return worst


def custom_name(resource_type: str | None) -> str | None:
    """The property holding a custom name, for types that cannot be replaced keeping it."""
    if resource_type is None:
        return None
    found = type_entry(resource_type).get("custom_name")
    return str(found["property"]) if isinstance(found, dict) else None


def cascade(resource_type: str | None) -> dict[str, Update]:
    """Types that take this type's physical ID, with what happens to them when it is
    replaced (the table's `replacement_cascade`); the worst per type."""
    found: dict[str, Update] = {}
    if resource_type is None:
        return found
    for item in type_entry(resource_type).get("replacement_cascade") or ():
        dependent = str(item["via"]).split(".", 1)[0]
        level = _LEVELS.get(str(item["update"]), Update.UNKNOWN)
        found[dependent] = max(found.get(dependent, Update.NONE), level)
    return found
