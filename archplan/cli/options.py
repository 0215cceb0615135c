"""Options and arguments several commands share, each declared once as an `Annotated` alias.

A command names the alias in its signature (`output: OutputFile = None`), so an option reads
and behaves the same in every command that takes it. Kept light: Typer and the enums only.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from archplan.importers import SourceKind
from archplan.output import ColorMode


class FailOn(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Shell completion of values. The work is in archplan.cli.complete, imported only at a TAB.
def complete_rules(incomplete: str) -> list[str]:
    from archplan.cli.complete import rules

    return rules(incomplete)


def complete_meshes(ctx: Any, args: list[str], incomplete: str) -> list[str]:
    from archplan.cli.complete import meshes

    return meshes(ctx, args, incomplete)


def complete_groups(ctx: Any, args: list[str], incomplete: str) -> list[str]:
    from archplan.cli.complete import groups

    return groups(ctx, args, incomplete)


class Shape(enum.StrEnum):
    """`init --shape`: the networks archplan.starters has a starter file for."""

    SINGLE_VPC = "single-vpc"
    HUB_AND_SPOKE = "hub-and-spoke"
    MESH = "mesh"


def format_option(help: str = "Output format.", **extra: Any) -> Any:
    """`--format/-f`: the choices are each command's own enum, the option is the same."""
    return typer.Option("--format", "-f", help=help, case_sensitive=False, **extra)


ArchitectureFile = Annotated[
    str, typer.Argument(metavar="FILE", help="Architecture file; '-' reads standard input.")
]
ArchitectureFiles = Annotated[
    list[str],
    typer.Argument(metavar="FILE...", help="Architecture files; '-' reads standard input."),
]
MaxFileSize = Annotated[
    int,
    typer.Option(metavar="BYTES", help="Refuse files larger than this many bytes.", min=1),
]
MaxFindings = Annotated[
    int,
    typer.Option(
        metavar="N",
        help="Report at most this many findings per file; one more finding counts the rest.",
        min=1,
    ),
]
Width = Annotated[
    int | None,
    typer.Option(
        metavar="COLUMNS",
        help="Lay the text report out for this many columns [default: the terminal's width; "
        "when piped or with --output, COLUMNS if set, else 100].",
        min=40,
        max=1000,
        show_default=False,
    ),
]
OutputFile = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the output to FILE (atomically) instead of standard output.",
    ),
]
Color = Annotated[
    ColorMode,
    typer.Option(
        "--color",
        help="Colour the text report: auto follows the terminal, NO_COLOR, FORCE_COLOR and "
        "TERM=dumb.",
        case_sensitive=False,
    ),
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Text report: findings only, no summary line (silent if clean)."
    ),
]
ConfigFile = Annotated[
    str | None,
    typer.Option(
        metavar="FILE",
        help="The configuration to use [default: the nearest .archplan.toml, or pyproject.toml "
        "with [tool.archplan], from each file's directory (validate-config: the current "
        "directory) up].",
    ),
]
PricesFile = Annotated[
    str | None,
    typer.Option(
        metavar="FILE",
        help="Prices (YAML or JSON shaped like the file's prices:) that override the file's and "
        "the shipped table's [default: the configuration's prices].",
    ),
]
From = Annotated[
    SourceKind | None,
    typer.Option(
        "--from",
        help="The files are CloudFormation templates, Terraform plans or AWS CLI output: "
        "import them in memory and report findings at their lines.",
        case_sensitive=False,
    ),
]
Params = Annotated[
    list[str] | None,
    typer.Option(
        "--param",
        metavar="KEY=VALUE",
        help="An imported CloudFormation parameter's value (overrides its Default); repeatable.",
    ),
]
Region = Annotated[
    str | None,
    typer.Option(
        metavar="REGION",
        help="The Region of imported sources, for AWS::Region and Fn::GetAZs [default: the "
        "source's own, else us-east-1].",
    ),
]


def _version(value: bool) -> None:
    if value:
        from archplan import __version__

        typer.echo(f"archplan {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Check AWS-style network and capacity architectures before they are deployed."""


class Command(TyperCommand):
    """A Typer command whose usage line names its arguments as written (`FILE...`, `RULE`):
    Typer's own wraps a required argument in braces (`{FILE}`), which reads as a set."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            name = param.metavar or (param.name or "").upper()
            pieces.append(name if param.required else f"[{name}]")
        return pieces
