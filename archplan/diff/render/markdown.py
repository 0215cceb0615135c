"""A pull-request comment: the summary line, a table of replacements (and edits that fail),
a table of the other changed objects (one row each, with how AWS applies the change), the
findings introduced, the cost delta. Each table stops at `MAX_ROWS` rows with a line saying how
many were left out. Text from the files is escaped as `validate --format markdown` escapes it
(archplan.reports.markdown.cell: Markdown punctuation, `|`, HTML, and `@` followed by a
zero-width space, so a name notifies nobody)."""

from __future__ import annotations

from archplan.diff.model import Action, ObjectChange, Update
from archplan.diff.render import values as v
from archplan.diff.result import Diff
from archplan.reports.markdown import cell
from archplan.reports.terminal import DEFAULT_WIDTH

MAX_ROWS = 200
MAX_CELL = 300  # characters of field changes in one row of the other changes' table


def _left_out(count: int, what: str) -> list[str]:
    if count <= 0:
        return []
    return [
        "",
        f"{count:,} more {what} not shown, past the {MAX_ROWS} rows of this table; "
        "`archplan diff` without `--format markdown` (or `--format json`) lists them all.",
    ]


def _fields(change: ObjectChange) -> str:
    """The field changes of an object, cut to MAX_CELL characters."""
    if change.action is not Action.MODIFIED:
        return "-"
    text = "; ".join(f"{v.field_name(f.field)}: {v.arrow(change, f)}" for f in change.fields)
    if not text:
        return "renamed" if change.renamed else "-"
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _applied(change: ObjectChange) -> str:
    """How AWS applies the object's change: the worst level among its fields, named."""
    if change.action is not Action.MODIFIED:
        level = change.update.label
        return f"{level} ({change.resource_type})" if change.resource_type else level
    worst = max(change.fields, key=lambda f: f.behaviour.update, default=None)
    return v.update_label(worst.behaviour) if worst is not None else Update.NONE.label


def render(diff: Diff, color: bool = False, width: int = DEFAULT_WIDTH) -> str:
    heading = "archplan drift" if diff.drift else "archplan diff"
    lines = [f"### {heading}", "", f"**{cell(v.summary(diff))}**", ""]
    if diff.drift:
        if diff.changes:
            lines += [
                "| difference | object | field | deployed | file |",
                "| --- | --- | --- | --- | --- |",
            ]
            for change in v.ordered(diff)[:MAX_ROWS]:
                if change.fields:
                    for f in change.fields:
                        lines.append(
                            f"| {v.verb(change, True)} | {cell(v.title(change))} | {cell(v.field_name(f.field))} "
                            f"| {cell(v.shown(f.old))} | {cell(v.shown(f.new))} |"
                        )
                else:
                    lines.append(f"| {v.verb(change, True)} | {cell(v.title(change))} | | | |")
            lines.append("")
        return "\n".join(lines) + "\n"
    if diff.replacements or diff.failures:
        lines += [
            "#### Replacements",
            "",
            "| object | change | takes with it | fails as written |",
            "| --- | --- | --- | --- |",
        ]
        for change in diff.replacements[:MAX_ROWS]:
            what = "; ".join(
                f"{v.field_name(f.field)}: {v.shown(f.old)} → {v.shown(f.new)}"
                for f in change.fields
                if f.behaviour.replaces_object
            )
            taken = "; ".join(
                item.message for item in diff.consequences if item.cause == change.old_path
            )
            fails = "; ".join(f.message for f in diff.failures if f.path == change.path)
            lines.append(
                f"| {cell(v.title(change))} | {cell(what)} | {cell(taken) or '-'} | {cell(fails) or '-'} |"
            )
        replaced = {change.path for change in diff.replacements}
        for failure in diff.failures:
            if failure.path not in replaced:
                lines.append(f"| {cell(str(failure.path[-1]))} | | - | {cell(failure.message)} |")
        lines += _left_out(len(diff.replacements) - MAX_ROWS, "replacements")
        lines.append("")
    others = [change for change in v.ordered(diff) if change not in diff.replacements]
    if others:
        lines += [
            "#### Other changes",
            "",
            "| change | object | fields | how AWS applies it |",
            "| --- | --- | --- | --- |",
        ]
        for change in others[:MAX_ROWS]:
            lines.append(
                f"| {v.verb(change, False)} | {cell(v.title(change))} | {cell(_fields(change))} "
                f"| {cell(_applied(change))} |"
            )
        lines += _left_out(len(others) - MAX_ROWS, "changed objects")
        lines.append("")
    if diff.introduced:
        lines += [
            "#### Findings introduced",
            "",
            "| severity | where | rule | message |",
            "| --- | --- | --- | --- |",
        ]
        for finding in diff.introduced[:MAX_ROWS]:
            lines.append(
                f"| {finding.severity.label} | {cell(finding.place.text())} | "
                f"{finding.rule_id} {finding.rule_name} | {cell(finding.message)} |"
            )
        lines.append("")
    if diff.resolved:
        lines += [f"{diff.resolved_count} finding(s) resolved.", ""]
    costs = diff.costs
    if costs is not None and v.cost_moved(diff):
        lines += [
            "#### Cost per month",
            "",
            "| item | before | after | change |",
            "| --- | --- | --- | --- |",
        ]
        for group in costs.groups:
            old = group.old.monthly if group.old is not None else None
            new = group.new.monthly if group.new is not None else None
            delta = v.signed(new - old) if old is not None and new is not None else "-"
            lines.append(
                f"| scaling group {cell(group.name)} | {v.money(old) if old is not None else '-'} | "
                f"{v.money(new) if new is not None else '-'} | {delta} |"
            )
        for pool in costs.pools:
            before, after = v.pool_effect(pool.old), v.pool_effect(pool.new)
            lines.append(
                f"| {cell(v.pool_name(pool))}: what sharing adds | {v.money(before)} | "
                f"{v.money(after)} | {v.signed(after - before)} |"
            )
        for kind, items in (("service", costs.services), ("function", costs.functions)):
            for item in items:
                old = item.old.monthly if item.old is not None else None
                new = item.new.monthly if item.new is not None else None
                delta = v.signed(new - old) if old is not None and new is not None else "-"
                lines.append(
                    f"| {kind} {cell(item.name)} | {v.money(old) if old is not None else '-'} | "
                    f"{v.money(new) if new is not None else '-'} | {delta} |"
                )
        transit = costs.transit
        if transit.monthly[0] != transit.monthly[1]:
            lines.append(
                f"| transit gateway attachments ({transit.attachments[0]} → {transit.attachments[1]}) "
                f"| {v.money(transit.monthly[0])} | {v.money(transit.monthly[1])} | "
                f"{v.signed(transit.monthly[1] - transit.monthly[0])} |"
            )
        lines.append(
            f"| **total** | {v.money(costs.old_total)} | {v.money(costs.new_total)} | "
            f"{v.signed(costs.delta)} ({v.percent(diff)}) |"
        )
        lines.append("")
    return "\n".join(lines) + "\n"
