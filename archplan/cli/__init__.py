"""The command line: the Typer app, its commands, and main(), the console-script entry point.

Each command lives in archplan.cli.commands.<command> and is registered here (COMMANDS); the
options they share are in archplan.cli.options, reports and errors go through archplan.cli.io.
Nothing imports this module but the entry point (and tests), so there is no import cycle.
Command modules keep their heavy imports inside the command, for start-up; this module imports
neither Typer nor a command until a run needs them (`archplan --version` needs neither).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    import typer

__all__ = ["COMMANDS", "app", "main"]

HELP = "Check AWS-style network and capacity architectures before they are deployed."


def examples(*lines: str) -> str:
    """A command's help epilog: examples, one a line (`\\b` keeps Click from re-wrapping them)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


# The commands, in the order `archplan --help` lists them: name, `module:function` under
# archplan.cli.commands, and two examples for its help. Named, not imported: a run imports and
# builds only the command it names (see _app_for).
COMMANDS: tuple[tuple[str, str, tuple[str, str]], ...] = (
    (
        "validate",
        "validate:validate",
        (
            "archplan validate examples/forum.yaml",
            "archplan validate *.yaml --format sarif -o x.sarif",
        ),
    ),
    ("rules", "rules:rules", ("archplan rules", "archplan rules --format json")),
    (
        "peering-plan",
        "peering_plan:peering_plan",
        (
            "archplan peering-plan examples/three-vpc-mesh.yaml",
            "archplan peering-plan estate.yaml --mesh core --emit yaml",
        ),
    ),
    (
        "scale-plan",
        "scale_plan:scale_plan",
        (
            "archplan scale-plan examples/forum.yaml",
            "archplan scale-plan examples/forum.yaml --group users --emit terraform",
        ),
    ),
    (
        "graph",
        "graph:graph",
        (
            "archplan graph examples/shared-services.yaml",
            "archplan graph estate.yaml --format dot | dot -Tsvg -o estate.svg",
        ),
    ),
    (
        "reach",
        "reach:reach",
        (
            "archplan reach examples/three-tier.yaml app orders-db --port 5432",
            "archplan reach examples/inspection.yaml orders internet --port 443 -f json",
        ),
    ),
    (
        "diff",
        "diff:diff",
        (
            "archplan diff estate.yaml --base origin/main",
            "archplan diff old.yaml new.yaml --format markdown --fail-on replacement",
        ),
    ),
    (
        "import",
        "import_:import_command",
        (
            "archplan import cloudformation template.yaml -o estate.yaml",
            "archplan import terraform plan.json --region eu-west-1",
        ),
    ),
    ("explain", "explain:explain", ("archplan explain AP303", "archplan explain peering-overlap")),
    (
        "schema",
        "schema:schema",
        ("archplan schema", "archplan schema -o archplan.schema.json"),
    ),
    (
        "init",
        "init:init",
        ("archplan init", "archplan init network/archplan.yaml --shape hub-and-spoke"),
    ),
    (
        "validate-config",
        "validate_config:validate_config",
        ("archplan validate-config", "archplan validate-config --config ci/.archplan.toml"),
    ),
)

# Commands that run another command (validate-config runs validate): built with it.
RUNS = {"validate-config": ("validate",)}


def _typer() -> typer.Typer:
    import typer

    return typer.Typer(
        name="archplan",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


def _register(target: typer.Typer, names: Iterable[str] | None = None) -> typer.Typer:
    """`target` with the top-level options and the commands named (all when None), each
    command's module imported only when it is registered."""
    import importlib

    from archplan.cli.options import Command, root

    target.callback()(root)
    for name, where, lines in COMMANDS:
        if names is None or name in names:
            module_name, function = where.split(":")
            module = importlib.import_module(f"archplan.cli.commands.{module_name}")
            settings = getattr(module, "CONTEXT", None)
            target.command(name, cls=Command, epilog=examples(*lines), context_settings=settings)(
                getattr(module, function)
            )
    return target


_full: list[typer.Typer] = []


def __getattr__(name: str) -> Any:
    """`archplan.cli.app`, the app with every command, built on first use (tests, completion,
    help, a misspelled command)."""
    if name == "app":
        if not _full:
            _full.append(_register(_typer()))
        return _full[0]
    raise AttributeError(name)


def _app_for(argv: list[str]) -> typer.Typer:
    """The app to run `argv` with. Typer builds every registered command's options at each run
    (a fifth of the start-up); a run that names its command needs only that one (and what it
    runs: validate-config runs validate), `--version` none. Anything else (help, a misspelled
    command, shell completion) gets the whole app, so its messages are unchanged."""
    first = argv[1] if len(argv) > 1 else ""
    if "_ARCHPLAN_COMPLETE" in os.environ:
        return _register(_typer())
    if first == "--version":
        return _register(_typer(), ())
    if first in {name for name, _, _ in COMMANDS}:
        return _register(_typer(), {first, *RUNS.get(first, ())})
    return _register(_typer())


def main() -> None:
    """Console-script entry point; a bug is reported in one line, never as a traceback."""
    if sys.argv[1:] == ["--version"] and "_ARCHPLAN_COMPLETE" not in os.environ:
        # The commonest probe of a tool, answered without loading the argument parser.
        from archplan import __version__

        sys.stdout.write(f"archplan {__version__}\n")
        sys.stdout.flush()
        return
    from archplan.cli import io
    from archplan.cli.io import EXIT_CLEAN, EXIT_INTERNAL, say
    from archplan.messages import EscapedLines
    from archplan.output import Terminated

    if "_ARCHPLAN_COMPLETE" in os.environ:
        # add_completion=False leaves Typer's shell-completion classes unregistered, and the
        # scripts in completions/ call back here at every TAB. (A private Typer module: check
        # it when the <0.29 pin moves.)
        from typer._completion_classes import completion_init

        completion_init()
    sys.stderr = EscapedLines(sys.stderr)
    application = _app_for(sys.argv)
    io.active = True  # only the console script keeps a large model and ends with os._exit
    try:
        application()
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
