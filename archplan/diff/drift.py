"""Drift: the file against what is deployed, keeping only what the deployed side can show.

The deployed side is AWS CLI `describe-*` output imported in memory. It shows no planning
input (demand, capacity, commitments, meshes, prices, quotas, defaults) and, for a kind it was
not given output for, nothing at all. So a difference counts only when the deployed side could
have shown it: the estate's own settings never; an object only of a kind the output describes
at least once; a field only when some deployed object of that kind has it.
"""

from __future__ import annotations

from archplan.diff.match import objects, own_value
from archplan.diff.model import MISSING, Action, KindKey, ObjectChange, Side


def shown(deployed: Side, changes: list[ObjectChange]) -> list[ObjectChange]:
    """The changes (older = deployed, newer = the file) the deployed side can show."""
    kinds: dict[KindKey, set[str]] = {}
    for entry in objects(deployed.data):
        value = own_value(entry)
        fields = kinds.setdefault(entry.kind, set())
        if isinstance(value, dict):
            fields.update(value)
    kept = []
    for change in changes:
        if change.kind == () or change.kind not in kinds:
            continue
        if change.action is not Action.MODIFIED:
            kept.append(change)
            continue
        kept_fields = tuple(
            field
            for field in change.fields
            if field.old is not MISSING or str(field.field[0]) in kinds[change.kind]
        )
        if kept_fields or change.renamed:
            kept.append(change._replace(fields=kept_fields))
    return kept
