"""`archplan peering-plan`: full meshes of VPC peerings, compared with a transit gateway."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from archplan.cli.io import EXIT_FINDINGS, load, use_color, write
from archplan.cli.options import ArchitectureFile, MaxFileSize, format_option
from archplan.plan import Emit, PlanFormat
from archplan.source import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from decimal import Decimal

# The most --traffic-gb-month accepts (see peering_plan).
_MAX_TRAFFIC_GB = 10**12


def peering_plan(
    file: ArchitectureFile,
    mesh: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Plan only this mesh (default: every mesh)."),
    ] = None,
    output_format: Annotated[PlanFormat, format_option("Report format.")] = PlanFormat.TEXT,
    emit: Annotated[
        Emit | None,
        typer.Option(
            help="Print the missing peerings and their routes as format-1 YAML to merge into "
            "the file, instead of the report.",
            case_sensitive=False,
        ),
    ] = None,
    traffic_gb_month: Annotated[
        str | None,
        typer.Option(
            metavar="GB",
            help="GB per month sent through the transit gateway, to price its data processing.",
        ),
    ] = None,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
) -> None:
    """Plan full meshes of VPC peerings and compare them with a transit gateway; exit 1 when a
    mesh cannot be completed (overlapping VPCs, quotas), 2 on unreadable input."""
    from archplan.plan.mesh import UnknownMesh, plan

    traffic = _traffic(traffic_gb_month)
    name, loaded = load(file, max_file_size)
    try:
        result = plan(loaded.architecture, mesh, traffic)
    except UnknownMesh as error:
        raise typer.BadParameter(str(error), param_hint="'--mesh'") from None
    if emit is Emit.YAML:
        from archplan.plan.emit import emit_yaml

        write(emit_yaml(result, name))
    else:
        from archplan.reports.peering_plan import RENDERERS

        write(RENDERERS[output_format](result, name, use_color()))
    if not result.can_complete:
        raise typer.Exit(EXIT_FINDINGS)


def _traffic(text: str | None) -> Decimal | None:
    """--traffic-gb-month as a number, or a usage error."""
    from decimal import Decimal, InvalidOperation

    if text is None:
        return None
    traffic: Decimal | None
    try:
        traffic = Decimal(text)
    except InvalidOperation:
        traffic = None
    # Bounded so the cost stays a readable amount (and Decimal arithmetic cannot overflow):
    # a trillion GB a month is far beyond any estate; a millionth of a GB is a kilobyte.
    if (
        traffic is None
        or not traffic.is_finite()
        or not 0 <= traffic <= _MAX_TRAFFIC_GB
        or int(traffic.as_tuple().exponent) < -6
    ):
        raise typer.BadParameter(
            f"{text!r} is not a number of GB from 0 to 1000000000000 with at most 6 decimals",
            param_hint="'--traffic-gb-month'",
        )
    return traffic
