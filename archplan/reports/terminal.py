"""Text that is safe and measurable on a terminal: control characters escaped, cell widths."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def printable(text: str) -> str:
    """`text` with control and format characters escaped (`\\x1b`, `\\u202e`).

    Names and values come from the user's file; written raw, an escape sequence in a key
    could retitle the terminal or recolour the report.
    """
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char == " " else char.encode("unicode_escape").decode()
        for char in text
    )


def text_width(text: str) -> int:
    """Terminal cells `text` takes: CJK and emoji take two, combining marks none."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len  # only for non-ASCII text: keeps the plain path light

    return cell_len(text)


def report_console(buffer: io.StringIO, color: bool) -> Console:
    """A Rich console for reports: never re-wraps lines, so the output does not depend on the
    terminal's width; colour only when asked (the CLI asks on a terminal without NO_COLOR)."""
    from rich.console import Console

    return Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        soft_wrap=True,
        highlight=False,
        emoji=False,
        markup=False,
        width=200,
    )


def print_simple_table(
    console: Console,
    columns: Sequence[tuple[str, bool]],
    rows: Sequence[tuple[str, ...]],
    indent: int = 4,
) -> None:
    """A table as Rich draws `Table(box=SIMPLE, padding=(0, 1), pad_edge=False,
    show_edge=False)` inside `Padding(table, (0, 0, 0, indent))`: headers, one rule, rows;
    `columns` are (header, right-justified). Without colour, the lines are written directly:
    Rich's layout took a second for the 2,000 rows of 50 scaling groups' mix tables. A test
    checks both give the same text. Cells other than printable ASCII without blanks at either
    end (which Rich measures and trims its own way) take Rich's path."""
    cells = [header for header, _ in columns] + [cell for row in rows for cell in row]
    if console.no_color and all(_plain_cell(cell) for cell in cells):
        widths = [
            max([len(header)] + [len(row[position]) for row in rows])
            for position, (header, _) in enumerate(columns)
        ]

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
    console.print(Padding(table, (0, 0, 0, indent)))


def _plain_cell(text: str) -> bool:
    return text.isascii() and text.isprintable() and text == text.strip()
