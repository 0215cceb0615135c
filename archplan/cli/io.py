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
# Set by main(), which ends the process: a command run any other way (CliRunner in the tests,
# an embedding program) frees its memory as usual and never ends its host's process.
active = False

# The width of a text report that goes to a pipe or a file: fixed, so the bytes do not depend on
# the terminal a script happens to run in (README.md, "Width"); an explicit COLUMNS changes it.
PIPED_WIDTH = 100
# The widths --width accepts (options.Width); COLUMNS is clamped to them.
MIN_WIDTH, MAX_WIDTH = 40, 1000


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


def keep_for(text: str) -> list[object] | None:
    """Where to keep a file's nodes and model, or None when they are freed as usual."""
    return kept if active and len(text) >= KEEP_FROM_CHARS else None


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
    fail(*error_lines(error, name))


def error_lines(error: InputError, name: str) -> list[str]:
    """An input error of `name` as lines for standard error: `file:line:column: error: ...`,
    then the erring line of that same file with a caret when the error carries it (a YAML
    syntax error), cut to the width of standard error."""
    lines = [f"{error.location(name)}: error: {error.message}"]
    if error.source_line is not None and error.line is not None:
        from archplan.messages import source_excerpt

        lines += source_excerpt(error.source_line, error.line, error.column or 1, stderr_width())
    return lines


def stderr_width() -> int:
    """The columns of standard error: COLUMNS when set, its terminal's, else PIPED_WIDTH."""
    columns = explicit_columns()
    if columns is None:
        isatty = getattr(sys.stderr, "isatty", None)
        if not (isatty and isatty()):
            return PIPED_WIDTH
        import shutil

        columns = shutil.get_terminal_size((PIPED_WIDTH, 24)).columns
    return clamp_width(columns)


def use_color(mode: ColorMode = ColorMode.AUTO, to_file: bool = False) -> bool:
    """Colour for a report: `--color`, then NO_COLOR / FORCE_COLOR, then whether stdout is a
    terminal (see archplan.output.use_color); a report file is coloured only with `always`."""
    from archplan.output import use_color as decide

    return decide(mode, None if to_file else sys.stdout)


def report_width(width: int | None, to_file: bool = False) -> int:
    """`--width`; else the `COLUMNS` environment variable when it is set to a number (someone
    asked for that width: `COLUMNS=80 archplan ... | less`, a CI log); else, piped or written
    to a file, PIPED_WIDTH, and on a terminal its width as Rich detects it. Always within
    MIN_WIDTH..MAX_WIDTH, the range --width accepts."""
    if width is not None:
        return width
    columns = explicit_columns()
    if columns is not None:
        return clamp_width(columns)
    isatty = getattr(sys.stdout, "isatty", None)
    if to_file or not (isatty and isatty()):
        return PIPED_WIDTH
    import os

    from rich.console import Console

    # Rich reads COLUMNS and LINES with int() on anything str.isdigit() accepts ("²", 5,000
    # digits: ValueError); COLUMNS was read above, and a report has no use for LINES.
    environ = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    return clamp_width(Console(file=sys.stdout, _environ=environ).width)


def explicit_columns() -> int | None:
    """The width `COLUMNS` asks for, or None when it is unset or not a whole number. (A value
    of thousands of digits is simply wider than any report: int() would refuse it.)"""
    import os

    text = os.environ.get("COLUMNS", "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    return MAX_WIDTH if len(text) > len(str(MAX_WIDTH)) else int(text)


def clamp_width(columns: int) -> int:
    """`columns` brought into the range of widths a report can be laid out for."""
    return min(MAX_WIDTH, max(MIN_WIDTH, columns))


def usage_error(message: str, option: str) -> NoReturn:
    """Contradictory or malformed options: Click's usage message, exit 2. The message is
    escaped (it may quote the argument or names from the file)."""
    from archplan.messages import escape_line

    raise typer.BadParameter(escape_line(message), param_hint=f"'{option}'")


def load(file: str, max_file_size: int) -> tuple[str, Loaded]:
    """Read and load one architecture file, or exit 2 with its located error on stderr.

    The one load path of the commands that plan or draw one file, as `validate` loads: the
    collector off while building (engine.load_architecture), and a large file's nodes and
    model kept until the process ends (keep_for), out of the collector's sight."""
    import gc

    from archplan.engine import load_architecture
    from archplan.errors import InputError
    from archplan.source import read_source

    name = file
    source = None
    try:
        source = read_source(file, max_file_size)
        name = source.name
        keep = keep_for(source.text)
        loaded = load_architecture(source, keep)
    except InputError as error:
        if source is not None:
            from archplan.sniff import with_hint

            error = with_hint(error, source.text, name, command="import")
        input_error(error, name)
    if keep is not None:
        keep.append(loaded)
        gc.freeze()  # or every later collection would walk the million kept objects
    return name, loaded
