"""The JSON report: stable keys, documented in docs/diff.md (`"format": "archplan-diff 1"`)."""

from __future__ import annotations

import json
from typing import Any

from archplan.diff.behaviour import source_line
from archplan.diff.effects import GroupFigures, PoolFigures
from archplan.diff.model import FieldChange, ObjectChange, Place
from archplan.diff.render import values as v
from archplan.diff.result import Diff
from archplan.findings import format_path
from archplan.messages import json_safe
from archplan.money import usd
from archplan.reports.terminal import DEFAULT_WIDTH

FORMAT = "archplan-diff 1"


def _place(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "file": place.file,
        "line": place.line,
        "column": place.column,
        "address": place.address or None,
    }


def _path(path: tuple[str | int, ...] | None) -> str | None:
    return format_path(path) if path is not None else None


def _field(field: FieldChange) -> dict[str, Any]:
    behaviour = field.behaviour
    return {
        "field": v.field_name(field.field),
        "old": v.plain(field.old),
        "new": v.plain(field.new),
        "old_place": _place(field.old_place),
        "new_place": _place(field.new_place),
        "update": behaviour.update.name.lower(),
        "resource_type": behaviour.resource_type,
        "property": behaviour.property,
        "replaces_object": behaviour.replaces_object,
        "note": behaviour.note or None,
    }


def _change(change: ObjectChange, diff: Diff) -> dict[str, Any]:
    return {
        "kind": ".".join(change.kind),
        "action": change.action.value,
        "renamed": change.renamed,
        "old_path": _path(change.old_path),
        "new_path": _path(change.new_path),
        "old_place": _place(change.old_place),
        "new_place": _place(change.new_place),
        "identity": change.identity,
        "resource_type": change.resource_type,
        "update": change.update.name.lower(),
        "old_value": v.plain(change.old_value) if change.action.value == "removed" else None,
        "new_value": v.plain(change.new_value) if change.action.value == "added" else None,
        "fields": [_field(field) for field in change.fields],
        "takes_with_it": [
            {
                "path": _path(item.path),
                "update": item.update.name.lower(),
                "via": item.via,
                "message": item.message,
            }
            for item in diff.consequences
            if item.cause == change.old_path
        ],
        "fails_as_written": [f.message for f in diff.failures if f.path == change.path],
    }


def _figures(figures: GroupFigures | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {
        "planned": figures.planned,
        "reason": figures.reason,
        "peak_required": figures.peak_required,
        "peak_capacity": figures.peak_capacity,
        "at_peak": {
            "committed": figures.committed,
            "on_demand": figures.on_demand,
            "spot": figures.spot,
        },
        "commitment": figures.commitment,
        "per_month": usd(figures.monthly) if figures.monthly is not None else None,
        "pooled": figures.pooled,
    }


def _pool(figures: PoolFigures | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {
        "groups": list(figures.groups),
        "covered_on_demand_per_hour": usd(figures.covered),
        "per_hour": usd(figures.per_hour),
        "per_month": {
            "pooled": usd(figures.monthly),
            "uncommitted": usd(figures.uncommitted),
            "effect": usd(figures.effect),
        },
    }


def to_dict(diff: Diff) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": FORMAT,
        "old": diff.old_label,
        "new": diff.new_label,
        "drift": diff.drift,
        "summary": v.summary(diff),
        "empty": diff.empty,
        "changes": [_change(change, diff) for change in v.ordered(diff)],
        "failures": [
            {"path": _path(f.path), "place": _place(f.place), "message": f.message}
            for f in diff.failures
        ],
        "links": [link._asdict() for link in diff.links],
        "meshes": [
            {
                "mesh": mesh.mesh,
                "present": list(mesh.present),
                "missing": list(mesh.missing),
                "impossible": list(mesh.impossible),
                "complete": list(mesh.complete),
            }
            for mesh in diff.meshes
        ],
    }
    for key, items in (
        ("findings_introduced", diff.introduced),
        ("findings_resolved", diff.resolved),
    ):
        document[key] = [
            {
                "rule": f.rule_id,
                "name": f.rule_name,
                "severity": f.severity.label,
                "message": f.message,
                "path": format_path(f.path),
                "place": _place(f.place),
            }
            for f in items
        ]
    # The whole diff's counts: the lists above stop at --max-findings (then end in AP902).
    document["findings_counts"] = {
        "introduced": diff.introduced_count,
        "resolved": diff.resolved_count,
    }
    costs = diff.costs
    if costs is None:
        document["cost"] = None
    else:
        transit = costs.transit
        document["cost"] = {
            "currency": "USD",
            "hours_per_month": 730,
            "scaling_groups": [
                {"name": group.name, "old": _figures(group.old), "new": _figures(group.new)}
                for group in costs.groups
            ],
            "shared_commitments": [
                {
                    "type": pool.commitment_type,
                    "region": pool.region,
                    "families": list(pool.families),
                    "hours": pool.profile[0],
                    "old": _pool(pool.old),
                    "new": _pool(pool.new),
                }
                for pool in costs.pools
            ],
            "transit_gateway": {
                "attachments": list(transit.attachments),
                "per_month": [usd(transit.monthly[0]), usd(transit.monthly[1])],
                "attachment_hour": [str(transit.hour_price[0]), str(transit.hour_price[1])],
            },
            "total_per_month": {
                "old": usd(costs.old_total),
                "new": usd(costs.new_total),
                "delta": usd(costs.delta),
            },
            "increase_percent": v.percent(diff),
            "not_in_totals": list(costs.unpriced),
        }
    document["source"] = source_line()
    return document


def render(diff: Diff, color: bool = False, width: int = DEFAULT_WIDTH) -> str:
    return json_safe(json.dumps(to_dict(diff), indent=2, ensure_ascii=False)) + "\n"
