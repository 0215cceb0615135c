"""The terminal report: a summary line, then replacements (with what they take along and the
edits that fail), removed, added and modified objects, peering links, findings introduced and
resolved, and capacity and cost. Coloured like `validate` (Rich only when colour is on).

Laid out for a width as the other text reports are (issue 12): each line is built as styled
segments, then wrapped by archplan.reports.terminal.wrap with its hanging indent, each piece
keeping the styles of the characters it holds. Money is archplan.money's one format."""

from __future__ import annotations

import io

from archplan.diff.behaviour import source_line
from archplan.diff.effects import GroupCost, GroupFigures, PoolCost, PoolFigures
from archplan.diff.model import Action, FieldChange, ObjectChange, Update
from archplan.diff.render import values as v
from archplan.diff.result import Diff
from archplan.findings import format_path
from archplan.money import rate
from archplan.reports.terminal import DEFAULT_WIDTH, printable, report_console, wrap
from archplan.reports.text import STYLES

Segment = tuple[str, str]
Line = list[Segment]

_ACTION_STYLES = {
    "replaced": "bold red",
    "removed": "red",
    "added": "green",
    "modified": "yellow",
    "renamed": "yellow",
    "differs": "yellow",
    "deployed, not in the file": "red",
    "in the file, not deployed": "green",
}
_UPDATE_STYLES = {
    Update.REPLACEMENT: "bold red",
    Update.CONDITIONAL: "yellow",
    Update.INTERRUPTION: "yellow",
}


def render(diff: Diff, color: bool = False, width: int = DEFAULT_WIDTH) -> str:
    """The report for `width` columns: no line wider, prose wrapped with a hanging indent."""
    lines = [piece for line in layout(diff) for piece in fit(line, width)]
    if not color:
        return "".join("".join(text for text, _ in line) + "\n" for line in lines)
    from rich.text import Text

    buffer = io.StringIO()
    console = report_console(buffer, color=True, width=width)
    for line in lines:
        console.print(Text.assemble(*((text, style) if style else text for text, style in line)))
    return buffer.getvalue()


def fit(line: Line, width: int) -> list[Line]:
    """`line` as terminal.wrap cuts its text for `width` columns, each piece keeping the style
    of every character it holds (the indent of a continuation line is unstyled)."""
    text = "".join(part for part, _ in line)
    pieces = wrap(text, width)
    if len(pieces) == 1:
        return [line]
    styles = [style for part, style in line for _ in part]
    out: list[Line] = []
    at = 0
    for number, piece in enumerate(pieces):
        # wrap keeps the words as written and drops only the spaces at the cuts: each piece
        # after its indent is found in the text, in order.
        body = piece if number == 0 else piece.lstrip(" ")
        start = text.find(body, at)
        if start < 0:  # not expected; the text is still right, only unstyled
            out.append([(piece, "")])
            continue
        segments: Line = [(piece[: len(piece) - len(body)], "")] if body != piece else []
        for offset, char in enumerate(body):
            style = styles[start + offset]
            if segments and segments[-1][1] == style:
                segments[-1] = (segments[-1][0] + char, style)
            else:
                segments.append((char, style))
        out.append(segments)
        at = start + len(body)
    return out


def layout(diff: Diff) -> list[Line]:
    """The report as logical lines of (text, style) segments, before they are fitted."""
    what = "drift" if diff.drift else "diff"
    lines: list[Line] = [
        [
            (
                f"archplan {what}: {printable(diff.old_label)} -> {printable(diff.new_label)}",
                "bold underline",
            )
        ],
        [(v.summary(diff), "bold")],
    ]
    consequences: dict[tuple[str | int, ...], list[str]] = {}
    for item in diff.consequences:
        consequences.setdefault(item.cause, []).append(item.message)
    failures: dict[tuple[str | int, ...], list[str]] = {}
    for failure in diff.failures:
        failures.setdefault(failure.path, []).append(failure.message)
    for change in v.ordered(diff):
        lines.append([])
        lines += _change(diff, change, consequences, failures)
    if diff.links or diff.meshes:
        lines += [[], [("Peering links", "bold")]]
        for link in diff.links:
            via = f' (peering "{printable(link.peering)}")' if link.peering else ""
            style = "green" if link.change in ("gained", "made possible") else "red"
            lines.append(
                [
                    ("  ", ""),
                    (f"{link.change:<15}", style),
                    (
                        f" {printable(link.first)} <-> {printable(link.second)}{via}: {printable(link.detail)}",
                        "",
                    ),
                ]
            )
        for mesh in diff.meshes:
            lines.append(
                [
                    (
                        f'  mesh "{printable(mesh.mesh)}": links present {mesh.present[0]} -> '
                        f"{mesh.present[1]}, missing {mesh.missing[0]} -> {mesh.missing[1]} "
                        f"(impossible {mesh.impossible[0]} -> {mesh.impossible[1]}), can be "
                        f"completed: {_yes(mesh.complete[0])} -> {_yes(mesh.complete[1])}",
                        "",
                    )
                ]
            )
    for heading, items in (
        ("Findings introduced", diff.introduced),
        ("Findings resolved", diff.resolved),
    ):
        if not items:
            continue
        lines += [[], [(heading, "bold")]]
        for finding in items:
            lines.append(
                [
                    ("  ", ""),
                    (f"{finding.severity.label:<7}", STYLES[finding.severity]),
                    (" ", ""),
                    (printable(finding.place.text()), "bold"),
                    ("  ", ""),
                    (f"{finding.rule_id} {finding.rule_name}", "dim"),
                    (f"  {printable(format_path(finding.path))}", "dim"),
                ]
            )
            lines.append([("    " + printable(finding.message), "")])
    if v.cost_moved(diff):
        lines += _costs(diff)
    lines += [[], [(source_line(), "dim")]]
    return lines


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _change(
    diff: Diff,
    change: ObjectChange,
    consequences: dict[tuple[str | int, ...], list[str]],
    failures: dict[tuple[str | int, ...], list[str]],
) -> list[Line]:
    verb = v.verb(change, diff.drift)
    place = change.new_place if change.new_place is not None else change.old_place
    where = printable(place.text()) if place is not None else ""
    head: Line = [
        (f"{verb:<9}", _ACTION_STYLES.get(verb, "")),
        (" ", ""),
        (printable(v.title(change)), "bold"),
        (f"  {where}", "dim"),
    ]
    if change.resource_type and change.action is not Action.MODIFIED:
        head.append((f"  {change.resource_type}", "dim"))
    lines = [head]
    if change.action is not Action.MODIFIED:
        value = change.new_value if change.action is Action.ADDED else change.old_value
        if value:
            lines.append([("    " + printable(v.shown(value)), "")])
    for field in change.fields:
        lines += _field(field, diff.drift)
    if change.old_path is not None:
        for message in consequences.get(change.old_path, []):
            lines.append([("    takes with it: ", "red"), (printable(message), "")])
    for message in failures.get(change.path, []):
        lines.append([("    fails as written: ", "bold red"), (printable(message), "")])
    return lines


def _field(field: FieldChange, drift: bool) -> list[Line]:
    behaviour = field.behaviour
    about = behaviour.update.label
    if behaviour.resource_type and behaviour.property:
        about += f" ({behaviour.resource_type}.{behaviour.property})"
    elif behaviour.resource_type:
        about += f" ({behaviour.resource_type})"
    old_label, new_label = ("deployed", "file") if drift else ("", "")
    arrow = f"{v.shown(field.old)} -> {v.shown(field.new)}"
    if drift:
        arrow = f"{old_label} {v.shown(field.old)}, {new_label} {v.shown(field.new)}"
    lines: list[Line] = [
        [
            ("    ", ""),
            (printable(v.field_name(field.field)), "bold"),
            (": " + printable(arrow), ""),
            ("  ", ""),
            (about, _UPDATE_STYLES.get(behaviour.update, "dim")),
        ]
    ]
    places = [place.text() for place in (field.old_place, field.new_place) if place is not None]
    if places:
        lines.append([("      " + printable(" -> ".join(places)), "dim")])
    if behaviour.note:
        lines.append([("      " + printable(behaviour.note), "dim")])
    return lines


def _figures(figures: GroupFigures | None) -> str:
    if figures is None:
        return "absent"
    if not figures.planned:
        return f"not planned ({figures.reason})"
    monthly = v.money(figures.monthly) if figures.monthly is not None else "unpriced"
    commitment = "in a shared commitment" if figures.pooled else f"commitment {figures.commitment}"
    return (
        f"peak required {figures.peak_required}, at peak {figures.committed} committed / "
        f"{figures.on_demand} On-Demand / {figures.spot} Spot, {commitment}, {monthly}/month"
    )


def _pool_figures(figures: PoolFigures | None) -> str:
    if figures is None:
        return "none"
    groups = ", ".join(f'"{name}"' for name in figures.groups)
    return (
        f"{groups}: {rate(figures.per_hour)}/hour covering {rate(figures.covered)}/hour of "
        f"On-Demand spend; their On-Demand part {v.money(figures.monthly)}/month "
        f"({v.money(figures.uncommitted)} uncommitted)"
    )


def _pool(pool: PoolCost) -> list[Line]:
    lines: list[Line] = [[(f"  {printable(v.pool_name(pool))}", "bold")]]
    lines.append([("    before: " + printable(_pool_figures(pool.old)), "")])
    lines.append([("    after:  " + printable(_pool_figures(pool.new)), "")])
    delta = v.pool_effect(pool.new) - v.pool_effect(pool.old)
    lines.append(
        [("    change: ", ""), (f"{v.signed(delta)}/month", "red" if delta > 0 else "green")]
    )
    return lines


def _group(group: GroupCost) -> list[Line]:
    lines: list[Line] = [[(f'  scaling group "{printable(group.name)}"', "bold")]]
    lines.append([("    before: " + printable(_figures(group.old)), "")])
    lines.append([("    after:  " + printable(_figures(group.new)), "")])
    old, new = group.old, group.new
    if old is not None and new is not None and old.monthly is not None and new.monthly is not None:
        delta = new.monthly - old.monthly
        lines.append(
            [("    change: ", ""), (f"{v.signed(delta)}/month", "red" if delta > 0 else "green")]
        )
    return lines


def _costs(diff: Diff) -> list[Line]:
    costs = diff.costs
    assert costs is not None
    lines: list[Line] = [
        [],
        [("Capacity and cost (per 730-hour month, scale-plan's dearest rates)", "bold")],
    ]
    for group in costs.groups:
        lines += _group(group)
    for pool in costs.pools:
        lines += _pool(pool)
    transit = costs.transit
    if transit.attachments[0] or transit.attachments[1]:
        lines.append(
            [
                (
                    f"  transit gateway attachments: {transit.attachments[0]} -> "
                    f"{transit.attachments[1]}, {v.money(transit.monthly[0])} -> "
                    f"{v.money(transit.monthly[1])}",
                    "",
                )
            ]
        )
    style = "red" if costs.delta > 0 else ("green" if costs.delta < 0 else "")
    lines.append(
        [
            ("  total: ", "bold"),
            (f"{v.money(costs.old_total)} -> {v.money(costs.new_total)} ", ""),
            (f"({v.signed(costs.delta)}, {v.percent(diff)})", style),
        ]
    )
    if costs.unpriced:
        names = ", ".join(f'"{printable(name)}"' for name in costs.unpriced)
        lines.append([(f"  not in the totals (not planned or not priced): {names}", "dim")])
    return lines
