"""`archplan scale-plan`: each scaling group hour by hour, capacity, AZ loss, purchase mix and
cost."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from archplan.capacity.choices import ScaleEmit, ScaleFormat
from archplan.cli.io import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    fail,
    load,
    report_width,
    say,
    to_file,
    usage_error,
    use_color,
    write_output,
)
from archplan.cli.options import (
    ArchitectureFile,
    Color,
    MaxFileSize,
    OutputFile,
    PricesFile,
    Width,
    complete_groups,
    format_option,
)
from archplan.findings import Severity
from archplan.output import ColorMode
from archplan.source import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from archplan.capacity.plan import GroupPlan, ScalePlan
    from archplan.engine import Loaded


def scale_plan(
    file: ArchitectureFile,
    group: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Plan only this scaling group (default: every group).",
            autocompletion=complete_groups,
        ),
    ] = None,
    output_format: Annotated[
        ScaleFormat | None, format_option("Report format [default: text].", show_default=False)
    ] = None,
    emit: Annotated[
        ScaleEmit | None,
        typer.Option(
            help="Print the groups' size and MixedInstancesPolicy (and the ECS services' auto "
            "scaling) in this tool's syntax, instead of the report.",
            case_sensitive=False,
        ),
    ] = None,
    service: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="With --emit aws-cli: print this ECS service's Application Auto Scaling "
            "commands (register-scalable-target, put-scaling-policy) instead of a group's.",
        ),
    ] = None,
    prices: PricesFile = None,
    output: OutputFile = None,
    color: Color = ColorMode.AUTO,
    width: Width = None,
    max_file_size: MaxFileSize = DEFAULT_MAX_BYTES,
) -> None:
    """Plan each scaling group, ECS service, Lambda function and EKS node group hour by hour:
    capacity, AZ loss, purchase mix, cost and subnet addresses; exit 1 when something is short
    of capacity in some hour, cannot survive an AZ loss as asked or runs a subnet out of
    addresses, 2 on unreadable input."""

    if emit is not None and output_format is not None:
        usage_error(f"not with --emit, which prints {emit.value}", "--format")
    if service is not None and emit is not ScaleEmit.AWS_CLI:
        usage_error("only with --emit aws-cli", "--service")
    if service is not None and group is not None:
        usage_error(
            "not with --group: the service's commands or the group's input, not both", "--service"
        )

    from archplan.capacity.demand import DemandFileError
    from archplan.capacity.plan import UnknownGroup, plan
    from archplan.cli.settings import nearest_config, prices_file
    from archplan.prices import price_book
    from archplan.source import folder_of

    name, loaded = load(file, max_file_size)
    if prices is None:  # the configuration's `prices`, as validate reads its settings
        settings = nearest_config(file)
        prices = settings.prices if settings else None
    option = prices_file(prices, max_file_size, {}) if prices is not None else None
    book = price_book(loaded.architecture.prices, option, prices)
    try:
        result = plan(loaded.architecture, book, group, folder_of(file), max_file_size)
    except UnknownGroup as error:
        usage_error(str(error), "--group")
    except DemandFileError as error:
        fail(f"{error.location(error.path)}: error: {error.message}")
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
            say(
                f'{where}: error: scaling group "{group_plan.name}" cannot be planned: '
                f"{group_plan.reason}"
            )
        else:
            say(
                f'{where}: note: scaling group "{group_plan.name}" is not planned: '
                f"{group_plan.reason}"
            )
    refused = (
        _misspelt_sections(name, loaded)
        + _incomplete_groups(name, loaded, result.groups)
        + _incomplete_containers(name, loaded, result)
        + _invalid_prices(name, loaded)
    )
    for message in refused:
        say(message)
    if result.input_error or refused:  # no report planned around a mistake, no partial write
        raise typer.Exit(EXIT_INPUT)
    if emit is not None:
        from archplan.capacity.emit import EMITTERS, EmitError
        from archplan.capacity.emit_services import UnknownService, aws_cli

        try:
            if service is not None:
                text = aws_cli(result, service, name)
            else:
                text = EMITTERS[emit](loaded.architecture, result, name)
        except UnknownService as error:
            usage_error(str(error), "--service")
        except EmitError as error:
            if error.at is not None:
                span = value_place(loaded.document, error.at)
                fail(f"{name}:{span.line}:{span.column}: error: {error}")
            fail(f"{name}: error: {error}")
        write_output(output, text, "the output")
    else:
        from archplan.reports.scale_plan import RENDERERS

        render = RENDERERS[output_format or ScaleFormat.TEXT]
        into_file = to_file(output)
        text = render(result, name, use_color(color, into_file), report_width(width, into_file))
        write_output(output, text, "the report")
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)


def _misspelt_sections(name: str, loaded: Loaded) -> list[str]:
    """Located refusals for a planned section written under a misspelt key (`scaling_group:`,
    `service:`): planned as if empty, the report would say there is nothing to plan."""
    from archplan.decode import misspelt_sections

    sections = ("scaling_groups", "services", "functions", "kubernetes", "instance_types")
    refused = []
    rejected = loaded.architecture.rejected
    for problem in misspelt_sections(loaded.problems, rejected, (*sections, "prices", "defaults")):
        span = problem.span or loaded.document.span_at(problem.path, key=True)
        refused.append(f"{name}:{span.line}:{span.column}: error: {problem.message}")
    return refused


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


def _incomplete_containers(name: str, loaded: Loaded, result: ScalePlan) -> list[str]:
    """The containers' notes and refusals, as the groups': each one not planned is said where
    its reason is written (an error when the file is at fault), and a planned one with a key
    missing or written twice is refused."""
    from archplan.decode import MISSING_FIELD
    from archplan.engine import DUPLICATE_KEY, value_place

    containers = result.containers
    if containers is None:
        return []
    refused: list[str] = []
    found = [
        *((f'service "{p.name}"', p.service.path, p.unplanned) for p in containers.services),
        *((f'function "{p.name}"', p.function.path, p.unplanned) for p in containers.functions),
        *(
            (
                f'node group "{p.group.name}" of cluster "{p.cluster.name}"',
                p.group.path,
                p.unplanned,
            )
            for p in containers.node_groups
        ),
    ]
    for what, path, unplanned in found:
        if unplanned is not None:
            span = value_place(loaded.document, unplanned.at)
            where = f"{name}:{span.line}:{span.column}"
            if unplanned.input_error:
                refused.append(f"{where}: error: {what} cannot be planned: {unplanned.reason}")
            else:
                say(f"{where}: note: {what} is not planned: {unplanned.reason}")
            continue
        for rule_id, problem in loaded.problems:
            if rule_id in (MISSING_FIELD, DUPLICATE_KEY) and problem.path[: len(path)] == path:
                span = problem.span or loaded.document.span_at(problem.path, key=True)
                refused.append(
                    f"{name}:{span.line}:{span.column}: error: {what} cannot be planned: "
                    f"{problem.message}"
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
