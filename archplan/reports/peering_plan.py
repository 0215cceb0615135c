"""The `peering-plan` reports: a Rich terminal report and a JSON document with stable field names."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Context, Decimal
from typing import TYPE_CHECKING, Any

from archplan import __version__
from archplan.messages import json_safe
from archplan.money import HOURS_PER_MONTH, dollars, rate
from archplan.money import usd as money
from archplan.plan import PlanFormat
from archplan.plan.mesh import (
    PEERING_ATTACHMENTS_QUOTA,
    FamilyCount,
    Link,
    MeshLimit,
    MeshPlan,
    Plan,
    TablePlan,
    TransitGatewayOption,
)
from archplan.plan.mesh.transfer import LinkClass
from archplan.plan.tables import LeftOut
from archplan.reports.peering_transfer import (
    region_note,
    render_markdown,
    transfer_lines,
    transfer_to_dict,
)
from archplan.reports.terminal import (
    DEFAULT_WIDTH,
    keep_words,
    printable,
    summarise,
    text_width,
    wrap,
)
from archplan.wording import plural

_WIDE = Context(prec=40, Emax=10**9, Emin=-(10**9))

if TYPE_CHECKING:  # Rich is imported inside the text renderer only: the JSON path skips it.
    from rich.console import Console
    from rich.table import Column


def number(value: Decimal) -> str:
    """A price or an amount as given: fixed-point, or scientific when that would run past 30
    digits (`--traffic-gb-month 1e-100000` is not written out digit by digit)."""
    if value.is_finite() and value and not -30 < value.adjusted() < 30:
        return str(value.normalize(_WIDE))
    return format(value, "f")


# -- JSON -----------------------------------------------------------------------------------


def _family(count: FamilyCount) -> dict[str, int]:
    return {"now": count.now, "added": count.added, "after": count.after}


def _link(link: Link) -> dict[str, Any]:
    return {
        "vpcs": [link.first, link.second],
        "peering": link.peering,
        "status": link.status,
        "possible": link.possible,
        "recreate": link.recreated,
        "overlaps": [
            {"first": str(overlap.first), "second": str(overlap.second)}
            for overlap in link.overlaps
        ],
    }


def _table(table: TablePlan) -> dict[str, Any]:
    return {
        "name": table.name,
        "new": table.new,
        "ipv4": _family(table.ipv4),
        "ipv6": _family(table.ipv6),
        "quota": table.quota,
        "over_quota": table.over_quota,
        "routes_to_add": [
            {"destination": str(route.destination), "target": route.target, "peer": route.peer}
            for route in table.routes
        ],
        "conflicts": [
            {
                "destination": str(conflict.destination),
                "existing": str(conflict.existing),
                "current": conflict.current,
                "peering": conflict.peering,
            }
            for conflict in table.conflicts
        ],
    }


def _left_out(item: LeftOut) -> dict[str, Any]:
    return {
        "vpcs": [item.first, item.second],
        "peering": item.peering,
        "present": item.present,
        "conflicts": [
            {
                "vpc": conflict.vpc,
                "route_table": conflict.table,
                "destination": str(conflict.conflict.destination),
                "existing": str(conflict.conflict.existing),
                "current": conflict.conflict.current,
            }
            for conflict in item.conflicts
        ],
        "problems": list(item.problems),
        "reasons": list(item.reasons),
    }


def _limit(limit: MeshLimit) -> dict[str, Any]:
    table = limit.route_table
    return {
        "vpcs": limit.vpcs,
        "binding": limit.binding,
        "active_peerings_per_vpc": limit.by_peerings,
        "routes_per_route_table": limit.by_routes,
        "route_table": {"vpc": table[0], "name": table[1]} if table else None,
        "blocks_per_peer": {"ipv4": limit.blocks_per_peer[0], "ipv6": limit.blocks_per_peer[1]},
    }


def _transit_gateway(option: TransitGatewayOption) -> dict[str, Any]:
    prices = option.prices
    return {
        "regions": list(option.regions),
        "transit_gateways": option.transit_gateways,
        "attachments": option.attachments,
        "attachments_quota": option.attachments_quota,
        "peering_attachments": option.peering_attachments,
        "peering_attachments_per_gateway": option.peering_attachments_per_gateway,
        "peering_attachments_quota": PEERING_ATTACHMENTS_QUOTA,
        "billed_attachments": option.billed_attachments,
        "route_entries": option.route_entries,
        "hours_per_month": HOURS_PER_MONTH,
        "prices": {
            "attachment_hour": number(prices.attachment_hour),
            "per_gb": number(prices.per_gb),
            "attachment_hour_from_file": prices.attachment_hour_from_file,
            "per_gb_from_file": prices.per_gb_from_file,
            "source": prices.description,
        },
        "traffic_gb_month": (
            number(option.traffic_gb_month) if option.traffic_gb_month is not None else None
        ),
        "monthly_cost": {
            "attachments": money(option.attachment_cost),
            "data": money(option.data_cost) if option.data_cost is not None else None,
            "total": money(option.monthly_cost),
        },
    }


def mesh_to_dict(mesh: MeshPlan) -> dict[str, Any]:
    """One mesh as JSON. A mesh planned per VPC lists at most LISTED present links and LISTED
    impossible ones (`listed` says how many; `links` counts them all)."""
    present, missing = mesh.present, mesh.missing
    if mesh.per_vpc_only:
        present, missing = present[:LISTED], missing[:LISTED]
    return {
        "name": mesh.name,
        "declared": mesh.declared,
        "per_vpc_only": mesh.per_vpc_only,
        "vpcs": list(mesh.vpcs),
        "unknown_vpcs": list(mesh.unknown),
        "n": mesh.n,
        "links": {
            "needed": mesh.needed,
            "present": len(mesh.present),
            # needed = present + missing + impossible: a link AWS refuses (overlapping
            # blocks), declared or not, is impossible, not missing.
            "missing": mesh.to_create_count,
            "impossible": len(mesh.impossible),
        },
        "listed": {"present": len(present), "missing": len(missing)},
        "complete": mesh.complete,
        "can_complete": mesh.can_complete,
        "blockers": list(mesh.blockers),
        "present": [_link(link) for link in present],
        "missing": [_link(link) for link in missing],
        "per_vpc": [
            {
                "vpc": vpc.name,
                "peerings": {
                    "now": vpc.peerings_now,
                    "added": vpc.peerings_added,
                    "after": vpc.peerings_after,
                    "quota": vpc.peering_quota,
                    "over_quota": vpc.over_quota,
                },
                "route_tables": [_table(table) for table in vpc.tables],
            }
            for vpc in mesh.per_vpc
        ],
        "left_out": [_left_out(item) for item in mesh.left_out],
        "largest_mesh": mesh.largest_mesh.vpcs,
        "largest_mesh_limits": _limit(mesh.largest_mesh),
        "transit_gateway": _transit_gateway(mesh.transit_gateway),
        "existing_transit_gateways": list(mesh.existing_gateways),
        "data_transfer": transfer_to_dict(mesh.transit_gateway),
        "recommendation": {
            "choice": mesh.recommendation.choice.value,
            "reason": mesh.recommendation.reason,
        },
    }


def _unplanned(plan: Plan) -> dict[str, Any] | None:
    """Why a file without `meshes:` has no mesh planned (null when one is planned)."""
    if plan.unplanned is None:
        return None
    return {
        "message": plan.unplanned.message,
        "vpcs": len(plan.unplanned.vpcs),
        "through": list(plan.unplanned.through),
    }


def render_json(plan: Plan, file_name: str, color: bool = False, width: int = DEFAULT_WIDTH) -> str:
    document = {
        "version": __version__,
        "file": file_name,
        "can_complete": plan.can_complete,
        "unplanned": _unplanned(plan),
        "meshes": [mesh_to_dict(mesh) for mesh in plan.meshes],
    }
    return json_safe(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


# -- text -----------------------------------------------------------------------------------


def render_text(plan: Plan, file_name: str, color: bool = False, width: int = DEFAULT_WIDTH) -> str:
    """The report laid out for `width` columns: prose wrapped with a hanging indent, the table
    shrunk and folded, long lists of names summarised."""
    import io

    from archplan.reports.terminal import report_console

    buffer = io.StringIO()
    console = report_console(buffer, color, width)
    if plan.unplanned is not None:
        _say(console, f"{file_name}: {plan.unplanned.message}")
    for position, mesh in enumerate(plan.meshes):
        if position:
            console.print()
        _print_mesh(console, file_name, mesh)
    # Table cells are padded to their column's width; trailing blanks only make diffs noisy.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


# A mesh of n VPCs has n(n-1)/2 links: past this many, the terminal report stops listing them
# (the JSON report and --emit yaml have them all).
LISTED = 100


def _more(console: Console, count: int, where: str = "--format json") -> None:
    if count > LISTED:
        _say(console, f"    ... and {count - LISTED} more ({where} lists them all)")


def _say(console: Console, text: str, style: str | None = None) -> None:
    """Print one line; names come from the user's file, so control characters are escaped."""
    from rich.text import Text

    for line in wrap(printable(text), console.width):
        console.print(Text(line, style=style or ""))


def _say_marked(console: Console, text: str, word: str, style: str) -> None:
    """Print one line of prose with `word` (the verdict in it) styled."""
    from rich.text import Text

    for line in wrap(printable(text), console.width):
        styled = Text(line)
        styled.highlight_words([word], style)
        console.print(styled)


def _pair(link: Link) -> str:
    return f"{link.first} - {link.second}"


def _print_mesh(console: Console, file_name: str, mesh: MeshPlan) -> None:

    title = (
        f'Mesh "{mesh.name}"'
        if mesh.declared
        else "All VPCs (no mesh declared: what a full mesh of every VPC would need)"
    )
    _say(console, f"{file_name}: {title}", "bold underline")
    if mesh.per_vpc_only:
        limit = mesh.largest_mesh
        _say(
            console,
            f"  {mesh.n:,} VPCs are more than the {limit.vpcs} a full mesh can have under the "
            "quotas: planned per VPC, without listing the pairs",
            "bold red",
        )
    if mesh.vpcs:
        label = f"  {mesh.n:,} VPC{'' if mesh.n == 1 else 's'}: "  # 5,000 as the line above
        more = "(`--format json` lists all)"
        _say(console, summarise(label, list(mesh.vpcs), console.width, more))
    else:
        _say(console, "  VPCs: none")
    for name in mesh.unknown:
        _say(console, f'  VPC "{name}" is listed but does not exist', "red")
    state, style = (
        ("complete", "green")
        if mesh.complete
        else ("can be completed", "yellow")
        if mesh.can_complete
        else ("cannot be completed", "bold red")
    )
    _say_marked(
        console,
        f"  Links: {mesh.needed:,} needed (n(n-1)/2) = {len(mesh.present):,} present + "
        f"{mesh.to_create_count:,} missing + {len(mesh.impossible):,} impossible: {state}",
        state,
        style,
    )
    if mesh.per_vpc_only:
        _print_per_vpc_only(console, mesh)
        return
    to_create, impossible = mesh.to_create, mesh.impossible
    if to_create:
        _say(console, "  Missing peerings (name):")
        for link in to_create[:LISTED]:
            again = f", {link.status}: request it again" if link.recreated else ""
            _say(console, f"    {_pair(link)}  ({link.peering}{again})")
        _more(console, len(to_create))
    if impossible:
        _say(console, "  Impossible, the VPCs overlap:", "red")
        for link in impossible[:LISTED]:
            blocks = ", ".join(f"{item.first} with {item.second}" for item in link.overlaps)
            existing = f"; declared peering {link.peering} cannot work" if link.peering else ""
            _say(console, f"    {_pair(link)}: {blocks}{existing}", "red")
        _more(console, len(impossible))
    if mesh.per_vpc:
        _print_after(console, mesh)
    if mesh.left_out:
        _say(
            console,
            "  Left out of --emit yaml (routes in the way, a quota, or the file's design):",
            "yellow",
        )
        for item in mesh.left_out[:LISTED]:
            what = "routes of" if item.present else "peering"
            _say(console, f"    {what} {item.peering} ({item.first} - {item.second}):")
            for reason in item.reasons:
                _say(console, f"      {reason}")
        _more(console, len(mesh.left_out))
    _print_limit(console, mesh.largest_mesh)
    _print_transit_gateway(console, mesh.transit_gateway)
    _print_existing(console, mesh)
    recommendation = mesh.recommendation
    choice = recommendation.choice.value
    _say_marked(console, f"  Recommendation: {choice}", choice, "bold")
    _say(console, f"    why: {recommendation.reason}")
    for blocker in mesh.blockers:
        _say(console, f"  Cannot complete: {blocker}", "red")


def _print_per_vpc_only(console: Console, mesh: MeshPlan) -> None:
    """The rest of a mesh planned per VPC: every list bounded, with counts."""
    from rich.text import Text

    if mesh.impossible:
        _say(console, "  Impossible, the VPCs overlap:", "red")
        for link in mesh.impossible[:LISTED]:
            blocks = ", ".join(f"{item.first} with {item.second}" for item in link.overlaps)
            existing = f"; declared peering {link.peering} cannot work" if link.peering else ""
            _say(console, f"    {_pair(link)}: {blocks}{existing}", "red")
        _more(console, len(mesh.impossible), "--all")
    over = sum(1 for vpc in mesh.per_vpc if vpc.over_quota)
    _say(
        console,
        f"  Per VPC ({over:,} of {mesh.n:,} over the peering quota; peerings now + to create "
        f"= after, of the quota):",
    )
    for vpc in mesh.per_vpc[:LISTED]:
        line = (
            f"    {vpc.name}: {vpc.peerings_now} + {vpc.peerings_added} = {vpc.peerings_after} "
            f"of {vpc.peering_quota}"
        )
        _say(console, line, "red" if vpc.over_quota else None)
    _more(console, len(mesh.per_vpc))
    _say(
        console,
        f"  {mesh.to_create_count:,} peerings would be missing: not listed "
        "(--all lists every one); --emit yaml adds none to a mesh that cannot be built",
    )
    _print_limit(console, mesh.largest_mesh)
    _print_transit_gateway(console, mesh.transit_gateway)
    _print_existing(console, mesh)
    recommendation = mesh.recommendation
    console.print(Text.assemble("  Recommendation: ", (recommendation.choice.value, "bold")))
    _say(console, f"    why: {recommendation.reason}")
    for blocker in mesh.blockers:
        _say(console, f"  Cannot complete: {blocker}", "red")


def _print_limit(console: Console, limit: MeshLimit) -> None:
    binding = {
        "both": "both quotas",
        "active_peerings_per_vpc": "the peering quota",
        "routes_per_route_table": "the route quota",
    }[limit.binding]
    _say(
        console,
        f"  Largest full mesh the quotas allow: {plural(limit.vpcs, 'VPC')} ({binding} binds)",
    )
    _say(console, f"    by active_peerings_per_vpc: {limit.by_peerings} (n - 1 <= quota)")
    ipv4, ipv6 = limit.blocks_per_peer
    where = (
        f', route table "{limit.route_table[1]}" of VPC "{limit.route_table[0]}" has the least room'
        if limit.route_table
        else ""
    )
    _say(
        console,
        f"    by routes_per_route_table: {limit.by_routes} ({ipv4} IPv4 and {ipv6} IPv6 routes "
        f"per peer{where})",
    )


def _routes(count: FamilyCount) -> str:
    return f"{count.now} + {count.added} = {count.after}" if count.added else str(count.now)


def _print_after(console: Console, mesh: MeshPlan) -> None:
    from rich import box
    from rich.padding import Padding
    from rich.table import Table

    _say(console, "  After completion:")
    table = Table(box=box.SIMPLE, padding=(0, 1), pad_edge=False, show_edge=False)
    # Narrow terminals shrink the columns and fold long cells rather than overflow the line.
    table.add_column("VPC", overflow="fold")
    table.add_column("peerings", justify="right", overflow="fold")
    table.add_column("route table", overflow="fold")
    table.add_column("IPv4 routes", justify="right", overflow="fold")
    table.add_column("IPv6 routes", justify="right", overflow="fold")
    table.add_column("route quota", justify="right", overflow="fold")
    table.add_column("notes", overflow="fold")
    for vpc in mesh.per_vpc:
        peerings = f"{vpc.peerings_after} of {vpc.peering_quota}"
        rows = vpc.tables or ()
        first_style = "red" if vpc.over_quota else None
        if not rows:
            table.add_row(printable(vpc.name), peerings, "-", "", "", "", "", style=first_style)
        for position, route_table in enumerate(rows):
            notes = []
            if route_table.new:
                notes.append("new main table")
            notes += [conflict.description for conflict in route_table.conflicts]
            over = route_table.over_quota or (position == 0 and vpc.over_quota)
            table.add_row(
                printable(vpc.name) if position == 0 else "",
                peerings if position == 0 else "",
                printable(route_table.name),
                _routes(route_table.ipv4),
                _routes(route_table.ipv6),
                str(route_table.quota),
                printable("; ".join(notes)),
                style="red" if over else None,
            )
    notes_column = table.columns[-1]
    below: list[str] = []
    if not any(str(cell) for cell in notes_column.cells):
        table.columns.pop()  # no notes: their column would only take room from the others
    elif (
        4 + sum(_natural(column) for column in table.columns) + 3 * (len(table.columns) - 1)
        > console.width
    ):
        # Notes are prose: folded into what room is left they become slivers of 5 letters.
        # Too wide, they go under the table, one per route table, wrapped like the report.
        table.columns.pop()
        owner = ""
        for first, name, note in zip(
            table.columns[0].cells, table.columns[2].cells, notes_column.cells, strict=True
        ):
            owner = str(first) or owner
            if str(note):
                below.append(f'    route table "{name}" of VPC "{owner}": {note}')
    console.print(Padding(keep_words(table), (0, 0, 0, 4)))
    if below:
        _say(console, "    notes:")
        for line in below:
            _say(console, "  " + line)


def _print_existing(console: Console, mesh: MeshPlan) -> None:
    """The file's own transit gateways between members: the costing above is for a new one."""
    if mesh.existing_gateways:
        _say(
            console,
            f"    the file already connects members through {'; '.join(mesh.existing_gateways)}: "
            "the cost above is for a gateway of the mesh's own",
            "yellow",
        )


def _natural(column: Column) -> int:
    """A column's width without folding: its widest cell or header."""
    return max([text_width(str(column.header))] + [text_width(str(cell)) for cell in column.cells])


def _print_transit_gateway(console: Console, option: TransitGatewayOption) -> None:
    prices = option.prices
    cost = (
        f"{option.billed_attachments} x {rate(prices.attachment_hour)} x {HOURS_PER_MONTH} h "
        f"= {dollars(option.attachment_cost)}"
    )
    inter_region = option.transfer is not None and any(
        line.link_class is LinkClass.INTER_REGION for line in option.transfer.lines
    )
    if inter_region:
        cost += f" + data {dollars(option.data_cost or 0)}; total {dollars(option.monthly_cost)}"
    elif option.data_cost is not None and option.traffic_gb_month is not None:
        cost += (
            f" + {number(option.traffic_gb_month)} GB x {rate(prices.per_gb)} "
            f"= {dollars(option.data_cost)}; total {dollars(option.monthly_cost)}"
        )
    else:
        cost += f" + {rate(prices.per_gb)} per GB (give --traffic-gb-month)"
    gateways = option.transit_gateways
    _say(
        console,
        f"  Transit gateway instead: {plural(gateways, 'transit gateway')} (one per Region), "
        f"{plural(option.attachments, 'VPC attachment')} (quota {option.attachments_quota} per gateway), "
        f"{option.route_entries} route entr{'y' if option.route_entries == 1 else 'ies'}",
    )
    if gateways > 1:
        _say(
            console,
            f"    Regions: {', '.join(option.regions)}; "
            f"{plural(option.peering_attachments, 'peering attachment')} between the gateways (k(k-1)/2; {option.peering_attachments_per_gateway}"
            f" per gateway, quota {PEERING_ATTACHMENTS_QUOTA}), priced like VPC attachments",
        )
    _say(console, f"    per month: {cost}")
    if option.transfer is None and gateways > 1:
        _say(console, "    inter-Region data transfer not included (give --traffic-gb-month)")
    _say(console, f"    prices: {prices.description}")
    for line in transfer_lines(option):
        _say(console, line)
    elsewhere = region_note(option)
    if elsewhere:
        _say(console, f"    note: {elsewhere}", "yellow")


Renderer = Callable[[Plan, str, bool, int], str]

# Each format's renderer; a test checks every PlanFormat has one.
RENDERERS: dict[PlanFormat, Renderer] = {
    PlanFormat.TEXT: render_text,
    PlanFormat.JSON: render_json,
    PlanFormat.MARKDOWN: render_markdown,
}


# -- every link (--all) ---------------------------------------------------------------------

# Links written per chunk when every missing link is streamed.
_CHUNK = 10_000


def stream_all(
    plan: Plan,
    file_name: str,
    output_format: PlanFormat,
    every_missing: Callable[[MeshPlan], Iterator[Link]],
    color: bool = False,
    width: int = DEFAULT_WIDTH,
) -> Iterator[str]:
    """The report with every link listed (`--all`), in chunks to write as they come: a mesh
    planned per VPC has n(n-1)/2 missing links, which are never held in memory together.

    JSON: the document `render_json` gives, except that each mesh lists all its present and
    links not present (`listed.missing` is `links.missing` + `links.impossible`). Text: the report, then each mesh's missing
    links, one per line."""
    if output_format is PlanFormat.JSON:
        yield from _stream_json(plan, file_name, every_missing)
        return
    if plan.meshes or plan.unplanned is not None:
        yield render_text(plan, file_name, color, width)
    for mesh in plan.meshes:
        if not mesh.missing_count:
            continue
        title = f'mesh "{mesh.name}"' if mesh.declared else "all VPCs"
        yield (
            f"\n{file_name}: every link not present in {title} ({mesh.to_create_count:,} "
            f"missing, {len(mesh.impossible):,} impossible):\n"
        )
        lines: list[str] = []
        for link in every_missing(mesh) if mesh.per_vpc_only else mesh.missing:
            if link.overlaps:
                blocks = ", ".join(f"{item.first} with {item.second}" for item in link.overlaps)
                line = f"  {_pair(link)}: impossible, {blocks}"
            elif link.recreated:
                line = f"  {_pair(link)}: request {link.peering} again ({link.status})"
            else:
                line = f"  {_pair(link)}"
            lines.append(printable(line) + "\n")
            if len(lines) == _CHUNK:
                yield "".join(lines)
                lines.clear()
        yield "".join(lines)


def _stream_json(
    plan: Plan, file_name: str, every_missing: Callable[[MeshPlan], Iterator[Link]]
) -> Iterator[str]:
    # Each mesh's "missing" list is a placeholder in the document, replaced by links written
    # one at a time with the same indentation json.dumps gives the whole list.
    meshes = []
    for position, mesh in enumerate(plan.meshes):
        entry = mesh_to_dict(mesh._replace(per_vpc_only=False))
        entry["per_vpc_only"] = mesh.per_vpc_only
        entry["listed"] = {"present": len(mesh.present), "missing": mesh.missing_count}
        entry["missing"] = f"\x00missing {position}"
        meshes.append(entry)
    document = {
        "version": __version__,
        "file": file_name,
        "can_complete": plan.can_complete,
        "unplanned": _unplanned(plan),
        "meshes": meshes,
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    for position, mesh in enumerate(plan.meshes):
        before, text = text.split(json.dumps(f"\x00missing {position}"), 1)
        yield before
        links = every_missing(mesh) if mesh.per_vpc_only else iter(mesh.missing)
        chunk: list[str] = []
        written = 0
        for link in links:
            item = json.dumps(_link(link), indent=2, ensure_ascii=False)
            item = item.replace("\n", "\n        ")
            chunk.append(("[\n        " if not written else ",\n        ") + item)
            written += 1
            if len(chunk) == _CHUNK:
                yield "".join(chunk)
                chunk.clear()
        chunk.append("\n      ]" if written else "[]")
        yield "".join(chunk)
    yield text
