"""The command line: the Typer app, its commands, and main(), the console-script entry point.

Each command lives in archplan.cli.commands.<command> and is registered here, explicitly; the
options they share are in archplan.cli.options, reports and errors go through archplan.cli.io.
Nothing imports this module but the entry point (and tests), so there is no import cycle.
Command modules keep their heavy imports inside the command, for start-up.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from archplan import __version__
from archplan.cli import memory
from archplan.cli.commands import (
    explain,
    graph,
    import_,
    peering_plan,
    rules,
    scale_plan,
    schema,
    validate,
    validate_config,
)
from archplan.cli.io import EXIT_CLEAN, EXIT_INTERNAL

__all__ = ["app", "main"]

app = typer.Typer(
    name="archplan",
    help="Check AWS-style network and capacity architectures before they are deployed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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


# The commands, in the order `archplan --help` lists them.
app.command("validate")(validate.validate)
app.command("rules")(rules.rules)
app.command("peering-plan")(peering_plan.peering_plan)
app.command("scale-plan")(scale_plan.scale_plan)
app.command("graph")(graph.graph)
app.command("import")(import_.import_command)
app.command("explain")(explain.explain)
app.command("schema")(schema.schema)
app.command("validate-config", context_settings=validate_config.CONTEXT)(
    validate_config.validate_config
)


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
        if memory.kept and (stop.code is None or isinstance(stop.code, int)):
            memory.exit_without_freeing(stop.code or 0)
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
