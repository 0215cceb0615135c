"""`archplan validate`: check architecture files against AWS's rules and report findings."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from archplan.cli.io import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    fail,
    report_width,
    say,
    usage_error,
    use_color,
    write_output,
)
from archplan.cli.io import to_file as is_file
from archplan.cli.options import (
    ArchitectureFiles,
    Color,
    ConfigFile,
    FailOn,
    From,
    MaxFileSize,
    MaxFindings,
    OutputFile,
    Params,
    PricesFile,
    Quiet,
    Region,
    Width,
    format_option,
)
from archplan.findings import Severity
from archplan.limits import MAX_FINDINGS
from archplan.output import ColorMode
from archplan.reports import Format
from archplan.source import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from archplan.engine import FileResult


def validate(
    files: ArchitectureFiles,
    output_format: Annotated[
        Format | None,
        format_option(
            "Report format [default: text; github on GitHub Actions, unless --output].",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            help="Lowest severity that makes the exit code 1 [default: the configuration's "
            "fail-on, else error].",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    exit_zero: Annotated[
        bool,
        typer.Option(
            "--exit-zero",
            help="Exit 0 even when findings reach --fail-on; unreadable input still exits 2.",
        ),
    ] = False,
    output: OutputFile = None,
    color: Color = ColorMode.AUTO,
    quiet: Quiet = False,
    width: Width = None,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
    config: ConfigFile = None,
    select: Annotated[
        str | None,
        typer.Option(
            metavar="RULES",
            help="Report only these rules (comma-separated ids, id prefixes or names); "
            "replaces the configuration's select.",
        ),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option(
            metavar="RULES",
            help="Never report these rules (comma-separated); added to the configuration's.",
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            metavar="FILE", help="Report only findings that are not in this baseline file."
        ),
    ] = None,
    write_baseline: Annotated[
        str | None,
        typer.Option(
            metavar="FILE",
            help="Record today's findings in FILE (atomically) instead of reporting; exit 0.",
        ),
    ] = None,
    source_kind: From = None,
    param: Params = None,
    region: Region = None,
    prices: PricesFile = None,
    max_findings: MaxFindings = MAX_FINDINGS,
) -> None:
    """Check architecture files against AWS's rules; exit 1 on findings, 2 on unreadable input
    or an invalid configuration."""
    from archplan.cli import io as memory
    from archplan.engine.run import RunFailed, ValidateRequest, run_validate
    from archplan.reports import render_report

    selected = _rule_option(select, "--select")
    ignored = _rule_option(ignore, "--ignore") or frozenset()
    to_file = is_file(output)
    if output_format is None:  # annotations only mean something in the job's log
        github = os.environ.get("GITHUB_ACTIONS") == "true" and not to_file
        output_format = Format.GITHUB if github else Format.TEXT
    if source_kind is None and (param or region is not None):
        option = "--param" if param else "--region"
        usage_error("only with --from", option)
    if source_kind is not None and prices is not None:  # imported sources carry no prices yet
        usage_error("not with --from", "--prices")
    import_options = None
    if source_kind is not None:
        from archplan.cli.imports import import_options as parse_import_options

        import_options = parse_import_options(param, region, max_file_size)

    def keep_for(text: str) -> list[object] | None:
        memory.kept.clear()  # one file's model at a time, as before: the peak memory is unchanged
        return memory.keep_for(text)

    request = ValidateRequest(
        files=files,
        config=config,
        select=selected,
        ignore=ignored,
        fail_on=None if fail_on is None else Severity.parse(fail_on.value),
        max_file_size=max_file_size,
        prices=prices,
        source_kind=source_kind,
        import_options=import_options,
        baseline=baseline,
        write_baseline=write_baseline,
        max_findings=max_findings,
        keep_for=keep_for,
    )
    try:
        outcome = run_validate(request)
    except RunFailed as failure:
        _say_errors(_hinted(failure.results, source_kind))
        fail(*failure.lines)
    results = _hinted(outcome.results, source_kind)
    _say_errors(results)
    if outcome.recorded is not None:
        files_read = len(outcome.results)
        say(
            f"archplan: recorded {outcome.recorded} findings of {files_read} files in {write_baseline}"
        )
        return
    report = render_report(
        output_format,
        results,
        color=use_color(color, to_file),
        fail_on=outcome.threshold,
        quiet=quiet,
        width=report_width(width, to_file),
    )
    if to_file and outcome.unreadable:  # a report without some files' findings is never left behind
        say(f"{output}: error: not written: some files could not be read")
    else:
        write_output(output, report, "the report")
    if outcome.unreadable:
        raise typer.Exit(EXIT_INPUT)
    if not exit_zero and outcome.failing:
        raise typer.Exit(EXIT_FINDINGS)


def _hinted(results: Sequence[FileResult], source_kind: object) -> list[FileResult]:
    """Results whose file was refused as an architecture file but looks like a template, a
    plan or AWS CLI output: their error says so, with the `--from` command that reads it."""
    if source_kind is not None or all(result.error is None for result in results):
        return list(results)
    from archplan.sniff import with_hint

    return [
        result._replace(error=with_hint(result.error, result.source.text, result.name))
        if result.error is not None and result.source is not None
        else result
        for result in results
    ]


def _say_errors(results: Sequence[FileResult]) -> None:
    """Each file that could not be validated, at its place."""
    from archplan.cli.io import error_lines

    for result in results:
        if result.error is not None:
            say(*error_lines(result.error, result.name))


def _rule_option(text: str | None, option: str) -> frozenset[str] | None:
    """--select / --ignore as rule ids; an unknown rule is a usage error."""
    from archplan.project_config import select_rules, unknown_rule_hint

    if text is None:
        return None
    ids: set[str] = set()
    for item in filter(None, (part.strip() for part in text.split(","))):
        found = select_rules(item)
        if found is None:
            hint = unknown_rule_hint(item)
            usage_error(f'no rule "{item}"{hint}', option)
        ids |= found
    return frozenset(ids)
