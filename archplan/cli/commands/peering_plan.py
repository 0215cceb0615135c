"""`archplan peering-plan`: full meshes of VPC peerings, compared with a transit gateway."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from archplan.cli.io import (
    EXIT_FINDINGS,
    fail,
    input_error,
    load,
    report_width,
    say,
    to_file,
    usage_error,
    use_color,
    write,
    write_output,
)
from archplan.cli.options import (
    ArchitectureFile,
    Color,
    MaxFileSize,
    OutputFile,
    Width,
    complete_meshes,
    format_option,
)
from archplan.output import ColorMode
from archplan.plan import Emit, PlanFormat
from archplan.source import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from archplan.engine import Loaded
    from archplan.plan.mesh.transfer import Traffic


def peering_plan(
    file: ArchitectureFile,
    mesh: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Plan only this mesh (default: every mesh).",
            autocompletion=complete_meshes,
        ),
    ] = None,
    output_format: Annotated[
        PlanFormat | None, format_option("Report format [default: text].", show_default=False)
    ] = None,
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
            metavar="CLASS=GB,...",
            help="GB per month between the mesh's VPCs, per link class (intra-az, cross-az, "
            "inter-region), e.g. cross-az=500,inter-region=40 (a bare number is cross-az), to "
            "compare data transfer over peerings and through transit gateways.",
        ),
    ] = None,
    all_links: Annotated[
        bool,
        typer.Option(
            "--all",
            help="List every link, even the n(n-1)/2 missing ones of a mesh larger than the "
            "quotas allow (written as they are found).",
        ),
    ] = False,
    write_file: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Merge what --emit yaml prints into FILE itself (atomically), keeping its "
            "comments, order and style; refused if FILE changes meanwhile.",
        ),
    ] = False,
    output: OutputFile = None,
    color: Color = ColorMode.AUTO,
    width: Width = None,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
) -> None:
    """Plan full meshes of VPC peerings and compare them with a transit gateway; exit 1 when a
    mesh cannot be completed (overlapping VPCs, quotas), 2 on unreadable input."""
    from archplan.plan.mesh import UnknownMesh, plan

    if emit is not None and output_format is not None:
        usage_error("not with --emit, which prints YAML", "--format")
    if write_file:
        for given, option in (
            (emit, "--emit"),
            (output_format, "--format"),
            (output, "--output"),
            (all_links or None, "--all"),
        ):
            if given is not None:
                usage_error("not with --write, which changes FILE itself", option)
        if file == "-":
            usage_error("needs a file, not standard input", "--write")
    if all_links and output_format is PlanFormat.MARKDOWN:
        usage_error("not with --format markdown, which summarises each mesh", "--all")
    traffic = _traffic(traffic_gb_month)
    if write_file:
        _write_into(file, mesh, traffic, max_file_size)
        return
    name, loaded = load(file, max_file_size)
    _refuse_rejected(name, loaded, mesh)
    try:
        result = plan(loaded.architecture, mesh, traffic)
    except UnknownMesh as error:
        usage_error(str(error), "--mesh")
    if emit is Emit.YAML:
        from archplan.plan.emit import emit_yaml

        write_output(output, emit_yaml(result, name), "the YAML")
    elif all_links:
        from archplan.plan.mesh import iter_missing
        from archplan.reports.peering_plan import stream_all

        architecture = loaded.architecture
        into_file = to_file(output)
        chunks = stream_all(
            result,
            name,
            output_format or PlanFormat.TEXT,
            lambda planned: iter_missing(architecture, planned),
            use_color(color, into_file),
            report_width(width, into_file),
        )
        if into_file:  # a file is written whole and atomically, as every report is
            write_output(output, "".join(chunks), "the report")
        else:
            for chunk in chunks:
                write(chunk)
    else:
        from archplan.reports.peering_plan import RENDERERS

        render = RENDERERS[output_format or PlanFormat.TEXT]
        into_file = to_file(output)
        text = render(result, name, use_color(color, into_file), report_width(width, into_file))
        write_output(output, text, "the report")
    if not result.can_complete:
        raise typer.Exit(EXIT_FINDINGS)


def _write_into(file: str, mesh: str | None, traffic: Traffic | None, max_bytes: int) -> None:
    """peering-plan --write: merge the additions into `file`, check the result, write it
    atomically unless the file changed meanwhile; exit 1 when a mesh still cannot be completed."""
    from archplan.engine import load_architecture
    from archplan.errors import InputError
    from archplan.limits import SNIPPET_COMMENTS
    from archplan.output import write_atomic
    from archplan.plan.emit import additions
    from archplan.plan.merge import MergeError, merge
    from archplan.plan.mesh import UnknownMesh, plan
    from archplan.source import Source, decode_text, read_bytes
    from archplan.wording import plural

    # Read once, through the one input opener (a regular file within the size limit, never a
    # FIFO or device), so the bytes compared before writing are the bytes that were planned.
    name = file
    try:
        before = read_bytes(file, max_bytes, allow_stdin=False)
        source = Source(file, decode_text(before))
        loaded = load_architecture(source)
    except InputError as error:
        input_error(error, name)
    _refuse_rejected(name, loaded, mesh)
    bom = b"\xef\xbb\xbf" if before.startswith(b"\xef\xbb\xbf") else b""
    try:
        result = plan(loaded.architecture, mesh, traffic)
    except UnknownMesh as error:
        usage_error(str(error), "--mesh")
    found = additions(result)
    try:
        merged = merge(source.text, found)
    except MergeError as error:
        fail(f"{name}:{error.line}:{error.column}: error: cannot merge the plan: {error}")
    if merged == source.text:
        say(f"archplan: {name}: nothing to add")
    else:
        # The merged text must load and leave nothing more to add, or it is not written.
        try:
            again = load_architecture(Source(name, merged))
        except InputError as error:
            raise RuntimeError(f"the merged file does not load: {error.message}") from None
        result = plan(again.architecture, mesh, traffic)
        left = additions(result)
        if left.peerings or left.tables:
            raise RuntimeError("the merged file still lacks peerings or routes")
        try:
            now = read_bytes(file, max_bytes, allow_stdin=False)
        except InputError:
            now = None  # replaced by what cannot be read (or grew past the limit): changed too
        if now != before:
            fail(f"{name}: error: changed while archplan was planning; not written")
        try:
            write_atomic(file, bom + merged.encode("utf-8"))
        except OSError as error:
            fail(f"{name}: error: cannot write: {error.strerror or error}")
        say(
            f"archplan: {name}: added {plural(len(found.peerings), 'peering')} and "
            f"{plural(found.route_count, 'route')}"
        )
    # The same bound as the --emit yaml snippet's comments: a mesh of thousands of overlapping
    # VPCs leaves out millions of links, which the report lists, not standard error.
    notes = list(dict.fromkeys(found.notes))
    for note in notes[:SNIPPET_COMMENTS]:
        say(f"archplan: {name}: note: {note}")
    if len(notes) > SNIPPET_COMMENTS:
        say(
            f"archplan: {name}: note: {len(notes) - SNIPPET_COMMENTS:,} more notes are not shown "
            "here; `archplan peering-plan` (text, or JSON `left_out`) lists every one"
        )
    if not result.can_complete:
        raise typer.Exit(EXIT_FINDINGS)


def _refuse_rejected(name: str, loaded: Loaded, mesh: str | None) -> None:
    """Exit 2, each at the place validate reports it, when the plan would rest on input the
    model rejected (a malformed `meshes:` would read as no mesh, a misspelt `cidr` as a VPC
    without a block): nothing is planned, printed or written around a mistake."""
    from archplan.plan.inputs import refusals

    found = refusals(loaded, mesh)
    if not found:
        return
    for refusal in found[:-1]:
        say(f"{name}:{refusal.line}:{refusal.column}: error: {refusal.message}")
    last = found[-1]
    fail(
        f"{name}:{last.line}:{last.column}: error: {last.message}",
        "peering-plan plans nothing from a file with these errors: the model reads a default "
        "where each value was rejected (`archplan validate` explains them)",
    )


def _traffic(text: str | None) -> Traffic | None:
    """--traffic-gb-month as GB per link class, or a usage error."""
    from archplan.plan.mesh.transfer import TrafficError, parse_traffic

    if text is None:
        return None
    try:
        return parse_traffic(text)
    except TrafficError as error:
        usage_error(str(error), "--traffic-gb-month")
