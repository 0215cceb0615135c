"""Where the commands' text goes: reports to standard output or a file (atomically), errors
to standard error as `FILE:LINE:COL: error: ...`, and the exit codes, in one place.

Kept free of Rich and of the engine: `--version` and the JSON path of `validate` import it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

import typer

from archplan.output import ColorMode

if TYPE_CHECKING:
    from archplan.engine import Loaded
    from archplan.errors import InputError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

# A large file's nodes and model are kept until the process ends, which main() then does with
# os._exit: freeing a million small objects one by one takes 0.2 s at 10,000 VPCs and returns
# nothing the process still needs. Small files are freed as usual (it costs microseconds).
KEEP_FROM_CHARS = 1_000_000
kept: list[object] = []

# The width of a text report that goes to a pipe or a file: fixed, so the bytes do not depend on
# the terminal a script happens to run in (README.md, "Width").
PIPED_WIDTH = 100


def write(text: str) -> None:
    """Write a report as UTF-8, whatever the locale: names in the file may be any Unicode."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a test runner's text stream
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    stream.write(text.encode("utf-8"))
    stream.flush()


def write_output(output: str | None, text: str, what: str) -> None:
    """`text` to `output` atomically (exit 2 when it cannot be written, naming `what`), or to
    standard output when there is no `output` or it is '-' or `/dev/stdout` (`/dev/stderr`:
    standard error); those are the streams archplan already has, even when they are pipes
    that cannot be opened again. Any other `output` must be (or become) a regular file."""
    from archplan.output import STREAMS

    stream = STREAMS.get(output or "-")
    if stream == "stdout":
        write(text)
        return
    if stream == "stderr":
        sys.stderr.flush()
        target = getattr(sys.__stderr__, "buffer", None)
        if target is None:  # a test runner's text stream
            sys.stderr.write(text)
        else:
            target.write(text.encode("utf-8"))
            target.flush()
        return
    assert output is not None
    from archplan.output import write_atomic

    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as error:
        reason = error.strerror or str(error)
        fail(f"{output}: error: cannot write {what}: {reason}")


def to_file(output: str | None) -> bool:
    """Whether `--output` names a file (not standard output or standard error)."""
    from archplan.output import STREAMS

    return output is not None and output not in STREAMS


def exit_without_freeing(code: int) -> None:
    """End the process now, leaving the memory of what `kept` holds to the operating system."""
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # the reader left, or it was closed
            stream.flush()
    os._exit(code)


def say(message: str, *more: str) -> None:
    """Lines on standard error: an error, a note, or what a command did.

    Every line any command writes there comes through here, and each is escaped by
    archplan.messages.escape_line: a message is one line whatever it quotes (a newline in a
    name is shown as `\\n`), with no control character and no GitHub Actions workflow
    command. `more` are further lines of archplan's own (an example to copy)."""
    from archplan.messages import escape_line

    typer.echo("\n".join(escape_line(line) for line in (message, *more)), err=True)


def fail(message: str, *more: str, code: int = EXIT_INPUT) -> NoReturn:
    """Report `message` on standard error and end the command with `code` (bad input: 2)."""
    say(message, *more)
    raise typer.Exit(code)


def input_error(error: InputError, name: str) -> NoReturn:
    """Report a located input error in `name` and exit 2."""
    fail(f"{error.location(name)}: error: {error.message}")


def use_color(mode: ColorMode = ColorMode.AUTO, to_file: bool = False) -> bool:
    """Colour for a report: `--color`, then NO_COLOR / FORCE_COLOR, then whether stdout is a
    terminal (see archplan.output.use_color); a report file is coloured only with `always`."""
    from archplan.output import use_color as decide

    return decide(mode, None if to_file else sys.stdout)


def report_width(width: int | None, to_file: bool = False) -> int:
    """`--width`, else the terminal's width as Rich detects it (COLUMNS honoured), else, piped
    or written to a file, PIPED_WIDTH."""
    if width is not None:
        return width
    isatty = getattr(sys.stdout, "isatty", None)
    if to_file or not (isatty and isatty()):
        return PIPED_WIDTH
    from rich.console import Console

    return max(40, Console(file=sys.stdout).width)


def usage_error(message: str, option: str) -> NoReturn:
    """Contradictory or malformed options: Click's usage message, exit 2. The message is
    escaped (it may quote the argument or names from the file)."""
    from archplan.messages import escape_line

    raise typer.BadParameter(escape_line(message), param_hint=f"'{option}'")


def load(file: str, max_file_size: int) -> tuple[str, Loaded]:
    """Read and load one architecture file, or exit 2 with its located error on stderr."""
    from archplan.engine import load_architecture
    from archplan.errors import InputError
    from archplan.source import read_source

    name = file
    try:
        source = read_source(file, max_file_size)
        name = source.name
        return name, load_architecture(source)
    except InputError as error:
        input_error(error, name)
