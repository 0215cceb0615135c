"""Values and names as every diff report writes them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from archplan.cidr import Block
from archplan.diff.effects import PoolCost, PoolFigures
from archplan.diff.impact import describe
from archplan.diff.model import MISSING, Action, ObjectChange, Update
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
        or costs.delta != 0
        or transit.attachments[0] != transit.attachments[1]
    )


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
