"""Text that is safe and measurable on a terminal: control characters escaped, cell widths."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from archplan.messages import printable

__all__ = ["printable", "report_console", "text_width"]

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def text_width(text: str) -> int:
    """Terminal cells `text` takes: CJK and emoji take two, combining marks none."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len  # only for non-ASCII text: keeps the plain path light

    return cell_len(text)


# The width reports are laid out for when nobody says otherwise: what `archplan ... | cat`
# gets (archplan.cli.io.PIPED_WIDTH), documented in README.md ("Width").
DEFAULT_WIDTH = 100
# Continuation lines of wrapped prose are indented this much more than the first.
HANG = 2


def report_console(buffer: io.StringIO, color: bool, width: int = DEFAULT_WIDTH) -> Console:
    """A Rich console for reports laid out for `width` columns: tables shrink and fold their
    cells to fit (prose is wrapped before it is printed, see `wrap`); the width is given, never
    detected here, so the same arguments give the same bytes. Colour only when asked."""
    from rich.console import Console

    return Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        soft_wrap=False,
        highlight=False,
        emoji=False,
        markup=False,
        width=width,
        # Nothing from the environment: Rich would read COLUMNS and LINES, and fail on a
        # value such as "²" or 5,000 digits; the caller has settled the width.
        _environ={},
    )


# Words that follow a number as its unit: the space before them is never a line break, so
# "34 %" or "120 ms" stays on one line ("discount 34" / "% from" reads as two things).
UNITS = (
    "%",
    "ms",
    "s",
    "h",
    "MB",
    "MiB",
    "GB",
    "GiB",
    "vCPU",
    "vCPUs",
    "GB-seconds",
    "GB-second",
    "requests",
    "requests/s",
    "units",
    "unit",
    "hours",
    "hour",
    "AZs",
    "AZ",
    "tasks",
    "task",
    "points",
    "addresses",
    "pods",
    "nodes",
)
# A character no printable text holds (printable() escapes control characters), standing in
# for a space that must not break while textwrap cuts the line.
_JOIN = "\x00"
_NUMBER_UNIT = re.compile(
    r"(?<=\d) (?=(?:"
    + "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
    + r")(?![\w/-]))"
)


def _join_units(text: str) -> str:
    """`text` with the space between a number and its unit (or %) made unbreakable."""
    return _NUMBER_UNIT.sub(_JOIN, text)


def wrap(text: str, width: int, hang: int = HANG) -> list[str]:
    """One line of prose cut at spaces to `width` columns, continuation lines indented `hang`
    more than the first (a hanging indent); a word longer than a line is cut. A number and its
    unit (UNITS, or %) are never split across lines."""
    if text_width(text) <= width:
        return [text]
    import textwrap

    joined = _JOIN not in text
    if joined:
        text = _join_units(text)
    lead = len(text) - len(text.lstrip(" "))
    rest = " " * min(lead + hang, width // 2)
    lines = textwrap.wrap(
        text[lead:],
        width,
        initial_indent=" " * lead,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=True,
    )
    if joined:
        lines = [line.replace(_JOIN, " ") for line in lines]
        text = text.replace(_JOIN, " ")
    return lines or [text]


def cut(text: str, width: int, marker: str = "…") -> str:
    """`text` shortened to `width` columns with `marker` at the cut: for file excerpts, which
    are quoted as written rather than re-wrapped."""
    if text_width(text) <= width:
        return text
    keep = width - text_width(marker)
    out = []
    used = 0
    for char in text:
        size = text_width(char)
        if used + size > keep:
            break
        out.append(char)
        used += size
    return "".join(out) + marker


def summarise(label: str, names: list[str], width: int, more: str) -> str:
    """`label` then `names` joined with commas on one line of `width` columns: when they do not
    fit, as many first names as fit, "...", the last one, and `more` (where to see them all)."""
    whole = label + ", ".join(names)
    if text_width(whole) <= width or len(names) < 3:
        return whole
    tail = f", ... {names[-1]} {more}"
    shown: list[str] = []
    for name in names[:-1]:
        if text_width(label + ", ".join([*shown, name]) + tail) > width:
            break
        shown.append(name)
    if not shown:
        shown = names[:1]
    return label + ", ".join(shown) + tail


# A table may lose indent down to this many columns on a narrow terminal before Rich folds it.
MIN_INDENT = 2

# A column is never narrowed below its widest cell, up to this many cells: a narrow terminal
# folds the headers and long names rather than the numbers.
WORD_CELLS = 16


def keep_words(table: Table) -> Table:
    """Let `table` fit a narrow width: each column keeps its widest cell (up to WORD_CELLS) and
    folds what is longer, headers first."""
    for column in table.columns:
        widest = max((text_width(str(cell)) for cell in column.cells), default=1)
        column.min_width = min(WORD_CELLS, max(1, widest))
        column.overflow = "fold"
    return table


def table_fits(
    console: Console, columns: Sequence[tuple[str, bool]], rows: Sequence[tuple[str, ...]]
) -> bool:
    """Whether print_simple_table draws these cells without folding any (indent MIN_INDENT)."""
    widths = [
        max([text_width(header)] + [text_width(row[position]) for row in rows])
        for position, (header, _) in enumerate(columns)
    ]
    return MIN_INDENT + sum(widths) + 3 * (len(widths) - 1) <= console.width


def print_simple_table(
    console: Console,
    columns: Sequence[tuple[str, bool]],
    rows: Sequence[tuple[str, ...]],
    indent: int = 4,
) -> None:
    """A table as Rich draws `keep_words(Table(box=SIMPLE, padding=(0, 1), pad_edge=False,
    show_edge=False))` inside `Padding(table, (0, 0, 0, indent))` on `console`'s width: headers,
    one rule, rows; `columns` are (header, right-justified). Without colour, a table that fits
    the width is written directly: Rich's layout took a second for the 2,000 rows of 50 scaling
    groups' mix tables. A test checks both give the same text. A table that does not fit (Rich
    folds it), or cells other than printable ASCII without blanks at either end (which Rich
    measures and trims its own way), take Rich's path."""
    cells = [header for header, _ in columns] + [cell for row in rows for cell in row]
    plain = console.no_color and all(_plain_cell(cell) for cell in cells)
    widths = [
        max([text_width(header)] + [text_width(row[position]) for row in rows])
        for position, (header, _) in enumerate(columns)
    ]
    natural = sum(widths) + 3 * (len(widths) - 1)
    if indent + natural > console.width and MIN_INDENT + natural <= console.width:
        # Narrow: give up some indent rather than fold a header ("committe" / "d").
        indent = console.width - natural
    if plain and indent + natural <= console.width:

        def line(cells: tuple[str, ...]) -> str:
            parts = [
                cell.rjust(width) if right else cell.ljust(width)
                for cell, width, (_, right) in zip(cells, widths, columns, strict=True)
            ]
            return " " * indent + "   ".join(parts)

        rule = "─" * (sum(widths) + 3 * (len(widths) - 1))
        lines = [line(tuple(header for header, _ in columns)), " " * indent + rule]
        lines += [line(row) for row in rows]
        console.file.write("".join(text.rstrip() + "\n" for text in lines))
        return
    from rich import box
    from rich.padding import Padding
    from rich.table import Table

    table = Table(box=box.SIMPLE, padding=(0, 1), pad_edge=False, show_edge=False)
    for header, right in columns:
        table.add_column(header, justify="right" if right else "left")
    for row in rows:
        table.add_row(*row)
    console.print(Padding(keep_words(table), (0, 0, 0, indent)))


def _plain_cell(text: str) -> bool:
    return text.isascii() and text.isprintable() and text == text.strip()
