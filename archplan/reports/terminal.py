"""Text that is safe and measurable on a terminal: control characters escaped, cell widths."""

from __future__ import annotations


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
