"""The command line: the Typer app, its commands, and main(), the console-script entry point.

Each command lives in archplan.cli.commands.<command> and is registered here, explicitly; the
options they share are in archplan.cli.options, reports and errors go through archplan.cli.io.
Nothing imports this module but the entry point (and tests), so there is no import cycle.
Command modules keep their heavy imports inside the command, for start-up.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from archplan import __version__
from archplan.cli import io
from archplan.cli.commands import (
    diff,
    explain,
    graph,
    import_,
    init,
    peering_plan,
    rules,
    scale_plan,
    schema,
    validate,
    validate_config,
)
from archplan.cli.io import EXIT_CLEAN, EXIT_INTERNAL, say
from archplan.messages import EscapedLines
from archplan.output import Terminated

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["app", "main"]


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


def examples(*lines: str) -> str:
    """A command's help epilog: examples, one a line (`\\b` keeps Click from re-wrapping them)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def _typer() -> typer.Typer:
    return typer.Typer(
        name="archplan",
        help="Check AWS-style network and capacity architectures before they are deployed.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


app = _typer()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"archplan {__version__}")
        raise typer.Exit()


def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Check AWS-style network and capacity architectures before they are deployed."""


# The commands, in the order `archplan --help` lists them, each with two examples for its help.
COMMANDS = (
    (
        "validate",
        validate.validate,
        (
            "archplan validate examples/forum.yaml",
            "archplan validate *.yaml --format sarif -o x.sarif",
        ),
    ),
    ("rules", rules.rules, ("archplan rules", "archplan rules --format json")),
    (
        "peering-plan",
        peering_plan.peering_plan,
        (
            "archplan peering-plan examples/three-vpc-mesh.yaml",
            "archplan peering-plan estate.yaml --mesh core --emit yaml",
        ),
    ),
    (
        "scale-plan",
        scale_plan.scale_plan,
        (
            "archplan scale-plan examples/forum.yaml",
            "archplan scale-plan examples/forum.yaml --group users --emit terraform",
        ),
    ),
    (
        "graph",
        graph.graph,
        (
            "archplan graph examples/shared-services.yaml",
            "archplan graph estate.yaml --format dot | dot -Tsvg -o estate.svg",
        ),
    ),
    (
        "diff",
        diff.diff,
        (
            "archplan diff estate.yaml --base origin/main",
            "archplan diff old.yaml new.yaml --format markdown --fail-on replacement",
        ),
    ),
    (
        "import",
        import_.import_command,
        (
            "archplan import cloudformation template.yaml -o estate.yaml",
            "archplan import terraform plan.json --region eu-west-1",
        ),
    ),
    ("explain", explain.explain, ("archplan explain AP303", "archplan explain peering-overlap")),
    (
        "schema",
        schema.schema,
        ("archplan schema", "archplan schema -o archplan.schema.json"),
    ),
    (
        "init",
        init.init,
        ("archplan init", "archplan init network/archplan.yaml --shape hub-and-spoke"),
    ),
    (
        "validate-config",
        validate_config.validate_config,
        ("archplan validate-config", "archplan validate-config --config ci/.archplan.toml"),
    ),
)


def _register(target: typer.Typer, names: Iterable[str] | None = None) -> typer.Typer:
    """`target` with the top-level options and the commands named (all when None)."""
    target.callback()(_main)
    for name, command, lines in COMMANDS:
        if names is None or name in names:
            settings = validate_config.CONTEXT if name == "validate-config" else None
            target.command(name, cls=Command, epilog=examples(*lines), context_settings=settings)(
                command
            )
    return target


_register(app)


def _app_for(argv: list[str]) -> typer.Typer:
    """The app to run `argv` with. Typer builds every registered command's options at each run
    (a fifth of the start-up); a run that names its command needs only that one (and
    validate-config runs validate), `--version` none. Anything else (help, a misspelled
    command, shell completion) gets the whole app, so its messages are unchanged."""
    first = argv[1] if len(argv) > 1 else ""
    if "_ARCHPLAN_COMPLETE" in os.environ:
        return app
    if first == "--version":
        return _register(_typer(), ())
    if first in {name for name, _, _ in COMMANDS}:
        return _register(_typer(), {first, "validate"} if first == "validate-config" else {first})
    return app


def main() -> None:
    """Console-script entry point; a bug is reported in one line, never as a traceback."""
    if "_ARCHPLAN_COMPLETE" in os.environ:
        # add_completion=False leaves Typer's shell-completion classes unregistered, and the
        # scripts in completions/ call back here at every TAB. (A private Typer module: check
        # it when the <0.29 pin moves.)
        from typer._completion_classes import completion_init

        completion_init()
    sys.stderr = EscapedLines(sys.stderr)
    try:
        _app_for(sys.argv)()
    except SystemExit as stop:
        if io.kept and (stop.code is None or isinstance(stop.code, int)):
            io.exit_without_freeing(stop.code or 0)
        raise
    except KeyboardInterrupt:
        say("archplan: interrupted")
        sys.exit(130)
    except Terminated:  # SIGTERM while writing --output: its temporary file is removed
        say("archplan: terminated")
        sys.exit(143)
    except BrokenPipeError:
        # `archplan validate ... | head`: the reader left; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_CLEAN)
    except Exception as error:
        say(
            f"archplan: internal error: {type(error).__name__}: {error}",
            "This is a bug in archplan; please report it with the input that caused it.",
        )
        sys.exit(EXIT_INTERNAL)
