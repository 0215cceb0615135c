"""peering-plan's data transfer comparison as JSON and text lines, and the Markdown report.

The comparison itself (prices per link class, totals) is archplan.plan.mesh.transfer; this
module only writes it. Money is exact in JSON (`usd`) and in cents in text and Markdown.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from archplan.messages import printable
from archplan.money import HOURS_PER_MONTH, dollars, rate, usd
from archplan.plan.mesh import Choice, MeshPlan, Plan, TransitGatewayOption
from archplan.plan.mesh.transfer import TransferComparison, TransferPrice, shipped
from archplan.wording import plural


def _amount(value: Decimal) -> str:
    """GB as given (fixed-point, no exponent)."""
    return format(value, "f")


def _source(name: str, price: TransferPrice) -> dict[str, Any]:
    return {
        "price": name,
        "usd_per_gb": usd(price.usd),
        "confirmed": price.confirmed,
        "title": price.title,
        "url": price.url,
        "note": price.note,
    }


def transfer_to_dict(option: TransitGatewayOption) -> dict[str, Any] | None:
    """The JSON `data_transfer` of a mesh: null without --traffic-gb-month."""
    transfer = option.transfer
    if transfer is None:
        return None
    table = transfer.table
    return {
        "traffic_gb_month": {line.link_class.value: _amount(line.gb) for line in transfer.lines},
        "classes": [
            {
                "class": line.link_class.value,
                "gb": _amount(line.gb),
                "peering": {
                    "per_gb": usd(line.peering_per_gb),
                    "cost": usd(line.peering_cost),
                    "charged": line.peering_how,
                },
                "transit_gateway": {
                    "per_gb": usd(line.transit_gateway_per_gb),
                    "cost": usd(line.transit_gateway_cost),
                    "charged": line.transit_gateway_how,
                },
            }
            for line in transfer.lines
        ],
        "per_month": {
            "peering": usd(transfer.peering_total),
            "transit_gateway_data": usd(transfer.transit_gateway_total),
            "transit_gateway_attachments": usd(option.attachment_cost),
            "transit_gateway": usd(option.monthly_cost),
        },
        "cheaper": cheaper(option, transfer),
        "processing_from_file": transfer.processing_from_file,
        "prices": {
            "region": table.region,
            "read": table.read,
            "description": table.description,
            "sources": [_source(name, price) for name, price in table.sources()],
        },
    }


def cheaper(option: TransitGatewayOption, transfer: TransferComparison) -> str:
    """Which way costs less per month for this traffic (peering has no hourly charge)."""
    mesh, gateway = transfer.peering_total, option.monthly_cost
    if mesh == gateway:
        return "same"
    return "peering" if mesh < gateway else "transit-gateway"


def transfer_lines(option: TransitGatewayOption) -> list[str]:
    """The text report's lines (indented 4) comparing a month's traffic both ways."""
    transfer = option.transfer
    if transfer is None:
        return []
    lines = ["    data transfer per month (--traffic-gb-month):"]
    for line in transfer.lines:
        lines.append(
            f"      {line.link_class.value} {_amount(line.gb)} GB: peering "
            f"{rate(line.peering_per_gb)}/GB ({line.peering_how}) = {dollars(line.peering_cost)}; "
            f"transit gateway {rate(line.transit_gateway_per_gb)}/GB ({line.transit_gateway_how}) "
            f"= {dollars(line.transit_gateway_cost)}"
        )
    verdict = {
        "peering": "peering costs less",
        "transit-gateway": "the transit gateway costs less",
        "same": "they cost the same",
    }[cheaper(option, transfer)]
    lines.append(
        f"    totals per month: peering {dollars(transfer.peering_total)} (data transfer; no "
        f"hourly charge); transit gateway {dollars(option.monthly_cost)} (attachments "
        f"{dollars(option.attachment_cost)} + data {dollars(transfer.transit_gateway_total)}): "
        f"{verdict}"
    )
    lines.append(f"    data transfer prices: {_prices_line(transfer)}")
    return lines


# The Region archplan's default transit gateway prices are for (transit.DEFAULT_PRICE_SOURCE).
DEFAULT_PRICES_REGION = "us-east-1"


def region_note(option: TransitGatewayOption) -> str | None:
    """What a reader pricing another Region must know: which prices are us-east-1's although
    the mesh's VPCs are elsewhere (None when every price applies to them, or none is known)."""
    regions = [region for region in option.regions if region]
    prices = option.prices
    defaulted = []
    if not (prices.attachment_hour_from_file and prices.per_gb_from_file):
        defaulted.append((DEFAULT_PRICES_REGION, "transit gateway"))
    if option.transfer is not None:
        defaulted.append((option.transfer.table.region, "data transfer"))
    foreign = [region for region in regions if any(region != own for own, _ in defaulted)]
    if not foreign or not defaulted:
        return None
    by_region: dict[str, list[str]] = {}
    for own, what in defaulted:
        by_region.setdefault(own, []).append(what)
    which = "; ".join(
        f"archplan's {' and '.join(whats)} prices are {own}'s" for own, whats in by_region.items()
    )
    advice = []
    if any(what == "transit gateway" for _, what in defaulted):
        advice.append("set prices.transit_gateway in the file")
    if option.transfer is not None:
        advice.append("read the data transfer figures as an estimate")
    return f"the mesh's VPCs are in {', '.join(regions)}: {which}, not theirs ({'; '.join(advice)})"


def _prices_line(transfer: TransferComparison) -> str:
    table = transfer.table
    unconfirmed = [
        name for name, price in table.sources() if not price.confirmed and name != "peering_same_az"
    ]
    if transfer.processing_from_file:
        unconfirmed = [name for name in unconfirmed if name != "transit_gateway_processing"]
    text = f"archplan's {table.region} table read {table.read}"
    if transfer.processing_from_file:
        text += " (transit gateway processing: the file's prices.transit_gateway.per_gb)"
    if unconfirmed:
        text += f"; not confirmed on an AWS page: {', '.join(unconfirmed)}"
    return text


# -- Markdown -------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text from the file in Markdown: control characters escaped (as every report does), and
    the characters that would end a table cell or a code span."""
    return printable(text).replace("|", "\\|").replace("`", "'")


def _markdown_mesh(mesh: MeshPlan) -> list[str]:
    title = f"Mesh `{_cell(mesh.name)}`" if mesh.declared else "All VPCs"
    option = mesh.transit_gateway
    lines = [
        f"## {title}",
        "",
        f"{plural(mesh.n, 'VPC')}: {plural(mesh.needed, 'peering')} needed, {len(mesh.present):,} "
        f"present, {mesh.to_create_count:,} missing"
        + (f", {len(mesh.impossible):,} impossible (the VPCs overlap)" if mesh.impossible else "")
        + ".",
        "",
        f"**Recommendation: {mesh.recommendation.choice.value}** — "
        f"{_cell(mesh.recommendation.reason)}.",
        "",
    ]
    if mesh.blockers:
        lines += ["Cannot be completed:", ""]
        lines += [f"- {_cell(reason)}" for reason in mesh.blockers[:10]]
        if len(mesh.blockers) > 10:
            lines.append(f"- ... and {len(mesh.blockers) - 10:,} more (`--format json`)")
        lines.append("")
    prices = option.prices
    lines += [
        "| per month | peering mesh | transit gateway |",
        "| --- | ---: | ---: |",
        f"| connections | {plural(mesh.needed, 'peering')} | {plural(option.transit_gateways, 'gateway')}, "
        f"{option.billed_attachments:,} attachments |",
        f"| hourly charges | $0.00 | {dollars(option.attachment_cost)} "
        f"({option.billed_attachments:,} x {rate(prices.attachment_hour)} x {HOURS_PER_MONTH} h) |",
    ]
    transfer = option.transfer
    if transfer is not None:
        for line in transfer.lines:
            lines.append(
                f"| {line.link_class.value} {_amount(line.gb)} GB | "
                f"{dollars(line.peering_cost)} ({rate(line.peering_per_gb)}/GB) | "
                f"{dollars(line.transit_gateway_cost)} ({rate(line.transit_gateway_per_gb)}/GB) |"
            )
        lines.append(
            f"| **total** | **{dollars(transfer.peering_total)}** | "
            f"**{dollars(option.monthly_cost)}** |"
        )
    else:
        lines.append("| data transfer | not priced | not priced (give `--traffic-gb-month`) |")
    lines.append("")
    if mesh.recommendation.choice is Choice.READDRESS:
        lines += ["Overlapping VPCs can be connected neither way until readdressed.", ""]
    return lines


def render_markdown(plan: Plan, file_name: str, color: bool = False, width: int = 0) -> str:
    """The comparison per mesh as Markdown (for a pull request comment or a wiki page)."""
    lines = [f"# peering-plan: {_cell(file_name)}", ""]
    if plan.unplanned is not None:
        lines += [_cell(plan.unplanned.message[:1].upper() + plan.unplanned.message[1:]) + ".", ""]
    for mesh in plan.meshes:
        lines += _markdown_mesh(mesh)
    table = shipped()
    transfer = any(mesh.transit_gateway.transfer is not None for mesh in plan.meshes)
    prices = plan.meshes[0].transit_gateway.prices if plan.meshes else None
    if prices is not None:
        lines.append(f"Transit gateway prices: {_cell(prices.description)}.")
        notes = dict.fromkeys(region_note(mesh.transit_gateway) for mesh in plan.meshes)
        lines += [f"Note: {_cell(note)}." for note in notes if note]
    if transfer:
        lines.append("")
        lines.append(f"Data transfer prices: archplan's {table.region} table, read {table.read}:")
        lines.append("")
        for name, price in table.sources():
            state = "" if price.confirmed else " (not confirmed on an AWS page)"
            lines.append(
                f"- `{name}` {rate(price.usd)}/GB{state}: [{_cell(price.title)}]({price.url})"
            )
    return "\n".join(lines).rstrip("\n") + "\n"
