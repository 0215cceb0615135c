"""`archplan validate`: check architecture files against AWS's rules and report findings."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from archplan.cli.io import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    fail,
    input_error,
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
    from pathlib import Path

    from archplan.engine import FileResult
    from archplan.model import Prices
    from archplan.project_config import ProjectConfig


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
    import gc

    from archplan.cli import io as memory
    from archplan.cli.settings import explicit_config, file_settings, prices_file
    from archplan.engine import FileResult, validate_source
    from archplan.errors import InputError
    from archplan.limits import DemandBudget
    from archplan.policy import cap_findings
    from archplan.reports import render_report
    from archplan.source import read_source

    selected = _rule_option(select, "--select")
    ignored = _rule_option(ignore, "--ignore") or frozenset()
    to_file = is_file(output)
    if output_format is None:  # annotations only mean something in the job's log
        github = os.environ.get("GITHUB_ACTIONS") == "true" and not to_file
        output_format = Format.GITHUB if github else Format.TEXT
    cache: dict[Path, ProjectConfig] = {}
    explicit = explicit_config(config)
    results: list[FileResult] = []
    thresholds: list[Severity] = []
    if source_kind is None and (param or region is not None):
        option = "--param" if param else "--region"
        usage_error("only with --from", option)
    if source_kind is not None and prices is not None:  # imported sources carry no prices yet
        usage_error("not with --from", "--prices")
    price_files: dict[str, Prices] = {}
    demand_budget = DemandBudget()  # the demand files of every file of the run, together
    for name in files if source_kind is None else ():
        settings, policy, threshold = file_settings(
            name, explicit, selected, ignored, fail_on, cache
        )
        thresholds.append(threshold)
        try:
            source = read_source(name, max_file_size)
        except InputError as error:
            results.append(FileResult(name, None, error=error))
            continue
        quotas = dict(settings.quotas) if settings is not None else None
        prices_name = prices if prices is not None else settings.prices if settings else None
        prices_given = None
        if prices_name is not None:
            prices_given = prices_file(prices_name, max_file_size, price_files)
        memory.kept.clear()  # one file's model at a time, as before: the peak memory is unchanged
        keep = memory.kept if len(source.text) >= memory.KEEP_FROM_CHARS else None
        results.append(
            validate_source(
                source,
                policy,
                quotas,
                prices_given,
                prices_name,
                max_file_size,
                keep,
                demand_budget,
            )
        )
        if keep:
            gc.freeze()  # or every later collection would walk the million kept objects
    if source_kind is not None:
        from archplan.cli.imports import validate_from

        results, thresholds = validate_from(
            source_kind, files, param, region, max_file_size, explicit, selected, ignored, fail_on
        )
    for result in results:
        if result.error is not None:
            say(f"{result.error.location(result.name)}: error: {result.error.message}")
    if write_baseline is not None:
        _write_baseline(write_baseline, results)
        return
    if baseline is not None:
        from archplan import baseline as baselines

        try:
            known = baselines.load(baseline)
        except InputError as error:
            input_error(error, baseline)
        results = [
            result._replace(
                findings=baselines.new_findings(
                    result.findings, known.get(baselines.file_key(result.name, baseline), {})
                ),
            )
            for result in results
        ]
    results = [
        result._replace(findings=cap_findings(result.findings, max_findings)) for result in results
    ]
    threshold = min(thresholds, default=Severity.ERROR)
    report = render_report(
        output_format,
        results,
        color=use_color(color, to_file),
        fail_on=threshold,
        quiet=quiet,
        width=report_width(width, to_file),
    )
    unreadable = any(result.error is not None for result in results)
    if to_file and unreadable:  # a report without some files' findings is never left behind
        say(f"{output}: error: not written: some files could not be read")
    else:
        write_output(output, report, "the report")
    if unreadable:
        raise typer.Exit(EXIT_INPUT)
    if exit_zero:
        return
    if any(
        f.severity >= limit
        for result, limit in zip(results, thresholds, strict=True)
        for f in result.findings
    ):
        raise typer.Exit(EXIT_FINDINGS)


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


def _write_baseline(path: str, results: list[FileResult]) -> None:
    """validate --write-baseline: record the findings atomically; exit 2 when a file could not
    be validated (its findings would be missing), else 0."""
    from archplan import baseline
    from archplan.output import write_atomic

    if any(result.error is not None for result in results):
        fail(f"{path}: error: not written: some files could not be validated")
    try:
        write_atomic(path, baseline.render(results, path).encode("utf-8"))
    except OSError as error:
        reason = error.strerror or str(error)
        fail(f"{path}: error: cannot write the baseline: {reason}")
    count = sum(len(result.findings) for result in results)
    say(f"archplan: recorded {count} findings of {len(results)} files in {path}")
