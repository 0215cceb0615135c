"""A pull-request comment: the summary line, a table of replacements (and edits that fail),
the findings introduced, the cost delta. Text from the files is escaped, `@` included."""

from __future__ import annotations

from archplan.diff.render import values as v
from archplan.diff.result import Diff
from archplan.reports.terminal import DEFAULT_WIDTH, printable

MAX_ROWS = 200


def cell(text: str) -> str:
    """Markdown-table-safe text: pipes, backticks, angle brackets and mentions escaped."""
    out = printable(text).replace("\\", "\\\\")
    for char in "|`*_[]<>#@":
        out = out.replace(char, "\\" + char)
    return out.replace("\n", " ")


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
