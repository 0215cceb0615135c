"""Text that is safe and measurable on a terminal: control characters escaped, cell widths."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from archplan.messages import printable

__all__ = ["printable", "report_console", "text_width"]

if TYPE_CHECKING:
    from rich.console import Console


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
