"""The command line: the Typer app, its commands, and main(), the console-script entry point.

Each command lives in archplan.cli.commands.<command> and is registered here (COMMANDS); the
options they share are in archplan.cli.options, reports and errors go through archplan.cli.io.
Nothing imports this module but the entry point (and tests), so there is no import cycle.
Command modules keep their heavy imports inside the command, for start-up.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

__all__ = ["app", "build_app", "main"]

HELP = "Check AWS-style network and capacity architectures before they are deployed."

# The commands, in the order `archplan --help` lists them: name -> (module under
# archplan.cli.commands, function, the module's context settings or ""). A run builds only
# the command it names (see main): importing every command module and letting Typer inspect
# every signature was ~20 ms of each start.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": ("validate", "validate", ""),
    "rules": ("rules", "rules", ""),
    "peering-plan": ("peering_plan", "peering_plan", ""),
    "scale-plan": ("scale_plan", "scale_plan", ""),
    "graph": ("graph", "graph", ""),
    "import": ("import_", "import_command", ""),
    "explain": ("explain", "explain", ""),
    "schema": ("schema", "schema", ""),
    "validate-config": ("validate_config", "validate_config", "CONTEXT"),
}


# Commands that run another command (validate-config runs validate): built with it.
RUNS = {"validate-config": ("validate",)}


def build_app(only: str | None = None) -> typer.Typer:
    """The Typer app with every command, or with only the command `only` (and what it runs)."""
    import importlib

    import typer

    from archplan.cli.options import root

    application = typer.Typer(
        name="archplan",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    application.callback()(root)
    wanted = None if only is None else {only, *RUNS.get(only, ())}
    for name, (module_name, function, context) in COMMANDS.items():
        if wanted is None or name in wanted:
            module = importlib.import_module(f"archplan.cli.commands.{module_name}")
            settings = getattr(module, context) if context else None
            application.command(name, context_settings=settings)(getattr(module, function))
    return application


_full: list[typer.Typer] = []


def __getattr__(name: str) -> Any:
    """`archplan.cli.app`, the app with every command, built on first use (tests, completion)."""
    if name == "app":
        if not _full:
            _full.append(build_app())
        return _full[0]
    raise AttributeError(name)


def _named_command(arguments: list[str]) -> str | None:
    """The command a run names, when its first argument is one (options come after it)."""
    first = arguments[0] if arguments else None
    return first if first in COMMANDS else None


def main() -> None:
    """Console-script entry point; a bug is reported in one line, never as a traceback."""
    arguments = sys.argv[1:]
    if arguments == ["--version"] and "_ARCHPLAN_COMPLETE" not in os.environ:
        # The commonest probe of a tool, answered without loading the argument parser.
        from archplan import __version__

        sys.stdout.write(f"archplan {__version__}\n")
        sys.stdout.flush()
        return
    import typer

    from archplan.cli import memory
    from archplan.cli.io import EXIT_CLEAN, EXIT_INTERNAL

    if "_ARCHPLAN_COMPLETE" in os.environ:
        # add_completion=False leaves Typer's shell-completion classes unregistered, and the
        # scripts in completions/ call back here at every TAB. (A private Typer module: check
        # it when the <0.29 pin moves.)
        from typer._completion_classes import completion_init

        completion_init()
        application = build_app()
    else:
        application = build_app(_named_command(arguments))
    memory.active = True
    try:
        application()
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
