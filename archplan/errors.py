"""InputError: the file cannot be read as an architecture file at all (exit code 2)."""

from __future__ import annotations


class InputError(Exception):
    """A problem with the input itself, located where the input has a position."""

    # The text of the line the error points at, from the erring file itself (a YAML syntax
    # error sets it): shown under the message with a caret, as compilers do.
    source_line: str | None = None

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def location(self, file: str) -> str:
        if self.line is None:
            return file
        return f"{file}:{self.line}:{self.column or 1}"
