"""Values and names as every diff report writes them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from archplan.cidr import Block
from archplan.diff.behaviour import set_fields
from archplan.diff.compare import added_items
from archplan.diff.container_costs import ItemCost
from archplan.diff.effects import Costs, PoolCost, PoolFigures
from archplan.diff.impact import describe
from archplan.diff.model import MISSING, Action, Behaviour, FieldChange, ObjectChange, Update
from archplan.diff.result import Diff
from archplan.findings import format_path
from archplan.money import dollars


def plain(value: Any) -> Any:
    """A JSON-safe copy: blocks as written, decimals as text (exact), absent as None."""
    if value is MISSING:
        return None
    if isinstance(value, Block):
        return value.text
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def shown(value: Any) -> str:
    """A value on one line, YAML-like: `10.0.0.0/16`, `[a, b]`, `{rate: 10}`, `(absent)`."""
    if value is MISSING:
        return "(absent)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Block):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {shown(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(item) for item in value) + "]"
    return str(value)


def arrow(change: ObjectChange, field: FieldChange) -> str:
    """A field's change on one line: `old -> new`; for a list AWS keeps as a set (security
    group rules, network ACL rules) only the items that differ: `rule 100: {..} -> {..}` for
    an item of the same key, `added {..}`, `removed {..}`, so one new rule among thirty reads
    as one rule."""
    old, new = field.old, field.new
    sets = set_fields(change.kind)
    if (
        field.field not in sets
        or not isinstance(old, list)
        or not isinstance(new, list)
        or not any(isinstance(item, dict) for item in (*old, *new))  # names read whole
    ):
        return f"{shown(old)} -> {shown(new)}"
    key = sets[field.field]
    removed, added = added_items(new, old), added_items(old, new)
    parts = []
    if key is not None:
        before = {_key(item, key): item for item in removed}
        after = {_key(item, key): item for item in added}
        for number in [item for item in before if item is not None and item in after]:
            parts.append(
                f"{key} {shown(number)}: {shown(before[number])} -> {shown(after[number])}"
            )
            removed.remove(before[number])
            added.remove(after[number])
    parts += [f"removed {shown(item)}" for item in removed]
    parts += [f"added {shown(item)}" for item in added]
    return "; ".join(parts)


def _key(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else None


def update_label(behaviour: Behaviour) -> str:
    """How AWS applies a field change, with the property: `replacement (AWS::EC2::Subnet.
    CidrBlock)`. A change that replaces another resource than the object (a task definition
    revision, a subnet's route table association) is said as such, `replaces its
    AWS::ECS::TaskDefinition (Cpu)`, so it is not read as the object replaced: the summary's
    "replaced" and the replacement gate count objects."""
    level, kind, prop = behaviour.update, behaviour.resource_type, behaviour.property
    if level >= Update.CONDITIONAL and not behaviour.replaces_object and kind:
        verb = "replaces" if level is Update.REPLACEMENT else "may replace"
        return f"{verb} its {kind}" + (f" ({prop})" if prop else "")
    about = level.label
    if kind and prop:
        about += f" ({kind}.{prop})"
    elif kind:
        about += f" ({kind})"
    return about


def beside(diff: Diff) -> int:
    """Modified objects kept themselves while a resource of theirs is replaced."""
    return sum(
        1
        for change in diff.changes
        if change.action is Action.MODIFIED
        and change.kind != ()  # the estate's placement moves objects: said as they move
        and change.update is not Update.REPLACEMENT
        and any(
            field.behaviour.update is Update.REPLACEMENT and not field.behaviour.replaces_object
            for field in change.fields
        )
    )


def field_name(field: tuple[str | int, ...]) -> str:
    return format_path(field) if field else "(value)"


def title(change: ObjectChange) -> str:
    """`subnet "a" (vpcs.shared.subnets.a)`, with the old name of a renamed object."""
    text = f"{describe(change.kind, change.path)} ({format_path(change.path)})"
    if change.renamed and change.old_path is not None:
        text += f", renamed from {format_path(change.old_path)}"
    return text


def verb(change: ObjectChange, drift: bool) -> str:
    if drift:
        return {
            Action.ADDED: "in the file, not deployed",
            Action.REMOVED: "deployed, not in the file",
            Action.MODIFIED: "differs",
        }[change.action]
    if change.action is Action.MODIFIED:
        if change.update is Update.REPLACEMENT:
            return "replaced"
        if change.renamed and not change.fields:
            return "renamed"
        return "modified"
    return change.action.value


def money(value: Fraction | Decimal) -> str:
    """An amount in the reports people read: archplan.money's one format (`$1,234.57`); the
    JSON report keeps the exact digits."""
    return dollars(value)


def signed(value: Fraction | Decimal) -> str:
    """A change of cost, its sign always written: `+$31.76`, `-$3.50`."""
    text = dollars(value)
    return text if text.startswith("-") else "+" + text  # under half a cent either way: +$0.00


def percent(diff: Diff) -> str:
    costs = diff.costs
    if costs is None or costs.old_total == 0:
        return "n/a"
    tenths = round(costs.delta * 1000 / costs.old_total)
    sign = "+" if tenths >= 0 else "-"
    tenths = abs(tenths)
    return f"{sign}{tenths // 10}.{tenths % 10}%"


def ordered(diff: Diff) -> list[ObjectChange]:
    """Replacements first, then removed, added and modified objects, each in document order."""
    rank = {Action.REMOVED: 1, Action.ADDED: 2, Action.MODIFIED: 3}

    def key(change: ObjectChange) -> int:
        if change.action is Action.MODIFIED and change.update is Update.REPLACEMENT:
            return 0
        return rank[change.action]

    return sorted(diff.changes, key=key)


def summary(diff: Diff) -> str:
    """The one-line summary every format leads with."""
    if diff.drift:
        counts = {action: 0 for action in Action}
        for change in diff.changes:
            counts[change.action] += 1
        if not diff.changes:
            return "no drift: the file matches what is deployed (as far as the output shows)"
        return (
            f"{len(diff.changes)} difference(s): {counts[Action.REMOVED]} deployed but not in the "
            f"file, {counts[Action.ADDED]} in the file but not deployed, "
            f"{counts[Action.MODIFIED]} with differing values"
        )
    if diff.empty:
        return "no change"
    added = sum(1 for c in diff.changes if c.action is Action.ADDED)
    removed = sum(1 for c in diff.changes if c.action is Action.REMOVED)
    modified = sum(1 for c in diff.changes if c.action is Action.MODIFIED)
    parts = [
        f"{len(diff.changes)} object(s) changed ({added} added, {removed} removed, "
        f"{modified} modified)",
        f"{len(diff.replacements)} replaced",
    ]
    conditional = sum(
        1 for c in diff.changes if c.action is Action.MODIFIED and c.update is Update.CONDITIONAL
    )
    if conditional:
        parts[-1] += f", {conditional} may be replaced (conditional)"
    kept = beside(diff)
    if kept:
        parts[-1] += f", {kept} kept while a resource of its own is replaced"
    if diff.failures:
        parts.append(f"{len(diff.failures)} edit(s) fail as written")
    parts.append(f"{diff.introduced_count} finding(s) introduced, {diff.resolved_count} resolved")
    if cost_moved(diff) and diff.costs is not None:
        parts.append(f"monthly cost {signed(diff.costs.delta)} ({percent(diff)})")
    return "; ".join(parts)


def cost_moved(diff: Diff) -> bool:
    """Whether the cost section has anything to say."""
    costs = diff.costs
    if costs is None:
        return False
    transit = costs.transit
    return (
        bool(costs.groups)
        or bool(costs.pools)
        or bool(costs.services)
        or bool(costs.functions)
        or costs.delta != 0
        or transit.attachments[0] != transit.attachments[1]
    )


def item_label(kind: str, item: ItemCost) -> str:
    """`service "messages"` or `function "users"`, as written (escape it where it goes)."""
    return f'{kind} "{item.name}"'


def not_in_totals(costs: Costs) -> list[str]:
    """What the totals leave out: the groups by name (as before services and functions were
    costed), then `service "x"` and `function "y"`."""
    return [
        *(f'"{name}"' for name in costs.unpriced),
        *(f'service "{name}"' for name in costs.unpriced_services),
        *(f'function "{name}"' for name in costs.unpriced_functions),
    ]


def pool_name(pool: PoolCost) -> str:
    """A shared commitment as the reports name it: its type and where it applies."""
    where = (
        "any family, any Region"
        if not pool.families
        else f"family {'+'.join(pool.families)} in {pool.region or 'an unknown Region'}"
    )
    return f"shared commitment ({pool.commitment_type}, {where}, {pool.profile[0]}-hour profiles)"


def pool_effect(figures: PoolFigures | None) -> Fraction:
    """What a shared commitment adds to the total per month (negative: what it saves)."""
    return figures.effect if figures is not None else Fraction(0)
