"""The command line: parse arguments, call the library, render, choose the exit code."""

from __future__ import annotations

import contextlib
import enum
import gc
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from archplan import __version__
from archplan.capacity.choices import ScaleEmit, ScaleFormat
from archplan.errors import InputError
from archplan.findings import Severity
from archplan.importers import SourceKind
from archplan.output import ColorMode
from archplan.plan import Emit, GraphFormat, PlanFormat
from archplan.reports import Format
from archplan.source import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from archplan.capacity.plan import GroupPlan
    from archplan.engine import FileResult, Loaded
    from archplan.model import Prices
    from archplan.policy import Policy
    from archplan.project_config import ProjectConfig

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

app = typer.Typer(
    name="archplan",
    help="Check AWS-style network and capacity architectures before they are deployed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class FailOn(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class RulesFormat(enum.StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


# Parameters several commands share, declared once.
ArchitectureFile = Annotated[
    str, typer.Argument(metavar="FILE", help="Architecture file; '-' reads standard input.")
]
MaxFileSize = Annotated[int, typer.Option(help="Refuse files larger than this many bytes.", min=1)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"archplan {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Check AWS-style network and capacity architectures before they are deployed."""


def _write(text: str) -> None:
    """Write a report as UTF-8, whatever the locale: names in the file may be any Unicode."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a test runner's text stream
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    stream.write(text.encode("utf-8"))
    stream.flush()


# A large file's nodes and model are kept until the process ends, which main() then does with
# os._exit: freeing a million small objects one by one takes 0.2 s at 10,000 VPCs and returns
# nothing the process still needs. Small files are freed as usual (it costs microseconds).
_KEEP_FROM_CHARS = 1_000_000
_kept: list[object] = []


def _load(file: str, max_file_size: int) -> tuple[str, Loaded]:
    """Read and load one architecture file, or exit 2 with its located error on stderr."""
    from archplan.engine import load_architecture
    from archplan.source import read_source

    name = file
    try:
        source = read_source(file, max_file_size)
        name = source.name
        return name, load_architecture(source)
    except InputError as error:
        typer.echo(f"{error.location(name)}: error: {error.message}", err=True)
        raise typer.Exit(EXIT_INPUT) from None


def write_output(output: str | None, text: str, what: str) -> None:
    """`text` to `output` atomically (exit 2 when it cannot be written, naming `what`), or to
    standard output when there is no `output` or it is '-'."""
    if output is None or output == "-":
        _write(text)
        return
    from archplan.output import write_atomic

    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as error:
        reason = error.strerror or str(error)
        typer.echo(f"{output}: error: cannot write {what}: {reason}", err=True)
        raise typer.Exit(EXIT_INPUT) from None


def file_settings(
    name: str,
    explicit: ProjectConfig | None,
    selected: frozenset[str] | None,
    ignored: frozenset[str],
    fail_on: FailOn | None,
    cache: dict[Path, ProjectConfig] | None = None,
) -> tuple[ProjectConfig | None, Policy, Severity]:
    """The configuration that applies to `name` (`--config`, else the nearest), its policy with
    --select / --ignore applied, and its --fail-on threshold; exit 2 on an invalid config."""
    from dataclasses import replace

    from archplan.policy import Policy
    from archplan.project_config import ConfigError, config_for

    try:
        settings = explicit or config_for(name, cache)
    except ConfigError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(EXIT_INPUT) from None
    policy = Policy.from_config(settings)
    policy = replace(
        policy,
        select=policy.select if selected is None else selected,
        ignore=policy.ignore | ignored,
    )
    if fail_on is not None:
        return settings, policy, Severity.parse(fail_on.value)
    configured = settings.fail_on if settings is not None else None
    return settings, policy, configured or Severity.ERROR


def _use_color(mode: ColorMode = ColorMode.AUTO, to_file: bool = False) -> bool:
    """Colour for a report: `--color`, then NO_COLOR / FORCE_COLOR, then whether stdout is a
    terminal (see archplan.output.use_color); a report file is coloured only with `always`."""
    from archplan.output import use_color

    return use_color(mode, None if to_file else sys.stdout)


@app.command()
def validate(
    files: Annotated[
        list[str],
        typer.Argument(metavar="FILE...", help="Architecture files; '-' reads standard input."),
    ],
    output_format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="Report format [default: text; github on GitHub Actions, unless --output].",
            case_sensitive=False,
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
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report to FILE (atomically) instead of standard output.",
        ),
    ] = None,
    color: Annotated[
        ColorMode,
        typer.Option(
            "--color",
            help="Colour the text report: auto follows the terminal, NO_COLOR and FORCE_COLOR.",
            case_sensitive=False,
        ),
    ] = ColorMode.AUTO,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Text report: findings only, no summary line (silent if clean)."
        ),
    ] = False,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
    config: Annotated[
        str | None,
        typer.Option(
            metavar="FILE",
            help="The configuration for every file (default: the nearest .archplan.toml, or "
            "pyproject.toml with [tool.archplan], from each file's directory up).",
        ),
    ] = None,
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
    source_kind: Annotated[
        SourceKind | None,
        typer.Option(
            "--from",
            help="The files are CloudFormation templates, Terraform plans or AWS CLI output: "
            "import them in memory and report findings at their lines.",
            case_sensitive=False,
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            metavar="KEY=VALUE",
            help="With --from: a CloudFormation parameter's value; repeatable.",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(metavar="REGION", help="With --from: the Region of the sources."),
    ] = None,
    prices: Annotated[
        str | None,
        typer.Option(
            metavar="FILE",
            help="Prices (as for scale-plan) that AP512 consults before the file's and the "
            "shipped table [default: the configuration's prices].",
        ),
    ] = None,
) -> None:
    """Check architecture files against AWS's rules; exit 1 on findings, 2 on unreadable input
    or an invalid configuration."""
    from pathlib import Path

    from archplan.engine import FileResult, validate_source
    from archplan.project_config import ConfigError, load_config
    from archplan.reports import render_report
    from archplan.source import read_source

    def rule_option(text: str | None, option: str) -> frozenset[str] | None:
        from archplan.project_config import select_rules, unknown_rule_hint

        if text is None:
            return None
        ids: set[str] = set()
        for item in filter(None, (part.strip() for part in text.split(","))):
            found = select_rules(item)
            if found is None:
                hint = unknown_rule_hint(item)
                raise typer.BadParameter(f'no rule "{item}"{hint}', param_hint=f"'{option}'")
            ids |= found
        return frozenset(ids)

    selected = rule_option(select, "--select")
    ignored = rule_option(ignore, "--ignore") or frozenset()
    to_file = output is not None and output != "-"
    if output_format is None:  # annotations only mean something in the job's log
        github = os.environ.get("GITHUB_ACTIONS") == "true" and not to_file
        output_format = Format.GITHUB if github else Format.TEXT
    cache: dict[Path, ProjectConfig] = {}
    try:
        explicit = load_config(Path(config)) if config is not None else None
    except ConfigError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(EXIT_INPUT) from None
    results: list[FileResult] = []
    thresholds: list[Severity] = []
    if source_kind is None and (param or region is not None):
        option = "--param" if param else "--region"
        raise typer.BadParameter("only with --from", param_hint=f"'{option}'")
    if source_kind is not None and prices is not None:  # imported sources carry no prices yet
        raise typer.BadParameter("not with --from", param_hint="'--prices'")
    price_files: dict[str, Prices] = {}
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
            prices_given = _prices_file(prices_name, max_file_size, price_files)
        _kept.clear()  # one file's model at a time, as before: the peak memory is unchanged
        keep = _kept if len(source.text) >= _KEEP_FROM_CHARS else None
        results.append(
            validate_source(source, policy, quotas, prices_given, prices_name, max_file_size, keep)
        )
        if keep:
            gc.freeze()  # or every later collection would walk the million kept objects
    if source_kind is not None:
        from archplan.cli_import import validate_from

        results, thresholds = validate_from(
            source_kind, files, param, region, max_file_size, explicit, selected, ignored, fail_on
        )
    for result in results:
        if result.error is not None:
            location = result.error.location(result.name)
            typer.echo(f"{location}: error: {result.error.message}", err=True)
    if write_baseline is not None:
        _write_baseline(write_baseline, results)
        return
    if baseline is not None:
        from archplan import baseline as baselines

        try:
            known = baselines.load(baseline)
        except InputError as error:
            typer.echo(f"{error.location(baseline)}: error: {error.message}", err=True)
            raise typer.Exit(EXIT_INPUT) from None
        results = [
            result._replace(
                findings=baselines.new_findings(
                    result.findings, known.get(baselines.file_key(result.name, baseline), {})
                ),
            )
            for result in results
        ]
    threshold = min(thresholds, default=Severity.ERROR)
    report = render_report(
        output_format,
        results,
        color=_use_color(color, to_file),
        fail_on=threshold,
        quiet=quiet,
    )
    unreadable = any(result.error is not None for result in results)
    if to_file and unreadable:  # a report without some files' findings is never left behind
        typer.echo(f"{output}: error: not written: some files could not be read", err=True)
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


def _prices_file(path: str, max_file_size: int, loaded: dict[str, Prices]) -> Prices:
    """A `--prices` (or configured) prices file, read once per run; exit 2 at its mistake."""
    from archplan.prices import load_prices_file

    if path not in loaded:
        try:
            loaded[path] = load_prices_file(path, max_file_size)
        except InputError as error:
            typer.echo(f"{error.location(path)}: error: {error.message}", err=True)
            raise typer.Exit(EXIT_INPUT) from None
    return loaded[path]


def _write_baseline(path: str, results: list[FileResult]) -> None:
    """validate --write-baseline: record the findings atomically; exit 2 when a file could not
    be validated (its findings would be missing), else 0."""
    from archplan import baseline
    from archplan.output import write_atomic

    if any(result.error is not None for result in results):
        typer.echo(f"{path}: error: not written: some files could not be validated", err=True)
        raise typer.Exit(EXIT_INPUT)
    try:
        write_atomic(path, baseline.render(results, path).encode("utf-8"))
    except OSError as error:
        reason = error.strerror or str(error)
        typer.echo(f"{path}: error: cannot write the baseline: {reason}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    count = sum(len(result.findings) for result in results)
    typer.echo(f"archplan: recorded {count} findings of {len(results)} files in {path}", err=True)


@app.command()
def rules(
    output_format: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = RulesFormat.TEXT,
) -> None:
    """List every rule: id, name, default severity and summary."""
    from archplan import ruledocs

    render = {
        RulesFormat.TEXT: ruledocs.rules_text,
        RulesFormat.MARKDOWN: ruledocs.rules_markdown,
        RulesFormat.JSON: ruledocs.rules_json,
    }[output_format]
    _write(render())


# The most --traffic-gb-month accepts (see peering_plan).
_MAX_TRAFFIC_GB = 10**12


@app.command("peering-plan")
def peering_plan(
    file: ArchitectureFile,
    mesh: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Plan only this mesh (default: every mesh)."),
    ] = None,
    output_format: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="Report format.", case_sensitive=False)
    ] = PlanFormat.TEXT,
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
    from decimal import Decimal, InvalidOperation

    from archplan.plan.mesh import UnknownMesh, plan

    traffic = None
    if traffic_gb_month is not None:
        try:
            traffic = Decimal(traffic_gb_month)
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
                f"{traffic_gb_month!r} is not a number of GB from 0 to 1000000000000 with at "
                "most 6 decimals",
                param_hint="'--traffic-gb-month'",
            )
    name, loaded = _load(file, max_file_size)
    try:
        result = plan(loaded.architecture, mesh, traffic)
    except UnknownMesh as error:
        raise typer.BadParameter(str(error), param_hint="'--mesh'") from None
    if emit is Emit.YAML:
        from archplan.plan.emit import emit_yaml

        _write(emit_yaml(result, name))
    else:
        from archplan.reports.peering_plan import RENDERERS

        _write(RENDERERS[output_format](result, name, _use_color()))
    if not result.can_complete:
        raise typer.Exit(EXIT_FINDINGS)


@app.command("scale-plan")
def scale_plan(
    file: ArchitectureFile,
    group: Annotated[
        str | None, typer.Option(help="Plan only this scaling group (default: every group).")
    ] = None,
    output_format: Annotated[
        ScaleFormat, typer.Option("--format", "-f", help="Report format.", case_sensitive=False)
    ] = ScaleFormat.TEXT,
    emit: Annotated[
        ScaleEmit | None,
        typer.Option(
            help="Print the groups' size and MixedInstancesPolicy in this tool's syntax, "
            "instead of the report.",
            case_sensitive=False,
        ),
    ] = None,
    prices: Annotated[
        str | None,
        typer.Option(
            metavar="FILE",
            help="Prices (YAML or JSON shaped like the file's prices:) that override the "
            "file's and the shipped table's.",
        ),
    ] = None,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
) -> None:
    """Plan each scaling group hour by hour: capacity, AZ loss, purchase mix and cost; exit 1
    when a group is short of capacity in some hour or cannot survive an AZ loss as asked, 2 on
    unreadable input."""
    import gc

    from archplan.capacity.demand import DemandFileError
    from archplan.capacity.plan import UnknownGroup, plan
    from archplan.prices import price_book
    from archplan.source import folder_of

    # A year of hourly demand per group is hundreds of thousands of acyclic nodes; the cyclic
    # collector would rescan them while loading without freeing any (as in engine.validate_source).
    collecting = gc.isenabled()
    gc.disable()
    try:
        name, loaded = _load(file, max_file_size)
    finally:
        if collecting:
            gc.enable()
    if prices is None:  # the configuration's `prices`, as validate reads its settings
        from archplan.project_config import ConfigError, config_for

        try:
            settings = config_for(file)
        except ConfigError as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(EXIT_INPUT) from None
        prices = settings.prices if settings else None
    option = _prices_file(prices, max_file_size, {}) if prices is not None else None
    book = price_book(loaded.architecture.prices, option, prices)
    try:
        result = plan(loaded.architecture, book, group, folder_of(file), max_file_size)
    except UnknownGroup as error:
        raise typer.BadParameter(str(error), param_hint="'--group'") from None
    except DemandFileError as error:
        typer.echo(f"{error.location(error.path)}: error: {error.message}", err=True)
        raise typer.Exit(EXIT_INPUT) from None
    from archplan.engine import value_place

    for group_plan in result.groups:
        if group_plan.planned or group_plan.reason_at is None:
            continue
        if group_plan.reason_on_key:  # a key ignored: at the key, where validate reports it
            span = loaded.document.span_at(group_plan.reason_at, key=True)
        else:
            span = value_place(loaded.document, group_plan.reason_at)
        where = f"{name}:{span.line}:{span.column}"
        if group_plan.input_error:
            typer.echo(
                f'{where}: error: scaling group "{group_plan.name}" cannot be planned: '
                f"{group_plan.reason}",
                err=True,
            )
        else:
            typer.echo(
                f'{where}: note: scaling group "{group_plan.name}" is not planned: '
                f"{group_plan.reason}",
                err=True,
            )
    refused = _incomplete_groups(name, loaded, result.groups) + _invalid_prices(name, loaded)
    for message in refused:
        typer.echo(message, err=True)
    if result.input_error or refused:  # no report planned around a mistake, no partial write
        raise typer.Exit(EXIT_INPUT)
    if emit is not None:
        from archplan.capacity.emit import EMITTERS, EmitError

        try:
            _write(EMITTERS[emit](loaded.architecture, result, name))
        except EmitError as error:
            if error.at is not None:
                span = value_place(loaded.document, error.at)
                typer.echo(f"{name}:{span.line}:{span.column}: error: {error}", err=True)
            else:
                typer.echo(f"{name}: error: {error}", err=True)
            raise typer.Exit(EXIT_INPUT) from None
    else:
        from archplan.reports.scale_plan import RENDERERS

        _write(RENDERERS[output_format](result, name, _use_color()))
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)


def _incomplete_groups(name: str, loaded: Loaded, groups: Iterable[GroupPlan]) -> list[str]:
    """Located refusals for planned groups with a required key missing (AP004) or a key
    written twice (AP001): the plan would rest on an absent value or on the first of two, which
    validate reports as errors; the model cannot tell them apart from what was written."""
    from archplan.decode import MISSING_FIELD
    from archplan.engine import DUPLICATE_KEY

    refused = []
    for group_plan in groups:
        path = group_plan.group.path
        if not group_plan.planned:
            continue
        for rule_id, problem in loaded.problems:
            if rule_id in (MISSING_FIELD, DUPLICATE_KEY) and problem.path[: len(path)] == path:
                span = problem.span or loaded.document.span_at(problem.path, key=True)
                refused.append(
                    f'{name}:{span.line}:{span.column}: error: scaling group "{group_plan.name}"'
                    f" cannot be planned: {problem.message}"
                )
    return refused


def _invalid_prices(name: str, loaded: Loaded) -> list[str]:
    """Located refusals for input errors in the file's `prices:`: the plan would otherwise
    fall back to the shipped table for a type whose price was written, just written wrong."""
    from archplan.rules import RULES

    refused = []
    for rule_id, problem in loaded.problems:
        if problem.path[:1] == ("prices",) and RULES[rule_id].severity is Severity.ERROR:
            span = problem.span or loaded.document.span_at(problem.path, key=problem.on_key is True)
            refused.append(
                f"{name}:{span.line}:{span.column}: error: prices cannot be used: {problem.message}"
            )
    return refused


@app.command()
def graph(
    file: ArchitectureFile,
    output_format: Annotated[
        GraphFormat, typer.Option("--format", "-f", help="Diagram format.", case_sensitive=False)
    ] = GraphFormat.MERMAID,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
) -> None:
    """Draw VPCs, peerings and transit gateway attachments; broken links dashed in red."""
    from archplan.graph import RENDERERS

    _name, loaded = _load(file, max_file_size)
    _write(RENDERERS[output_format](loaded.architecture))


# Importing registers more commands on `app`; they live apart to keep this module thin.
from archplan import cli_import, cli_tools  # noqa: E402, F401


def main() -> None:
    """Console-script entry point; a bug is reported in one line, never as a traceback."""
    if "_ARCHPLAN_COMPLETE" in os.environ:
        # add_completion=False leaves Typer's shell-completion classes unregistered, and the
        # scripts in completions/ call back here at every TAB. (A private Typer module: check
        # it when the <0.29 pin moves.)
        from typer._completion_classes import completion_init

        completion_init()
    try:
        app()
    except SystemExit as stop:
        if _kept and (stop.code is None or isinstance(stop.code, int)):
            _exit_without_freeing(stop.code or 0)
        raise
    except KeyboardInterrupt:
        typer.echo("archplan: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # `archplan validate ... | head`: the reader left; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_CLEAN)
    except Exception as error:
        typer.echo(
            f"archplan: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in archplan; please report it with the input that caused it.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


def _exit_without_freeing(code: int) -> None:
    """End the process now, leaving the memory of what `_kept` holds to the operating system."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # the reader left, or it was closed
            stream.flush()
    os._exit(code)
