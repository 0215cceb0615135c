"""Reading architecture files: size limit, UTF-8 decoding, standard input."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from archplan.errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
STDIN_NAME = "-"


@dataclass(frozen=True, slots=True)
class Source:
    """The text of one input file and the name to report it under."""

    name: str
    text: str


def folder_of(name: str) -> str:
    """The folder paths written in a file are read against: the file's own, or the working
    directory for standard input."""
    if name in (STDIN_NAME, "<stdin>"):
        return "."
    return os.path.dirname(name) or "."


def read_source(name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read `name` ('-' for standard input) as UTF-8, refusing what cannot be an architecture."""
    data = _read_bytes(name, max_bytes)
    return Source(name="<stdin>" if name == STDIN_NAME else name, text=decode_text(data))


def _read_bytes(name: str, max_bytes: int) -> bytes:
    try:
        if name == STDIN_NAME:
            if sys.stdin is None:  # started with standard input closed (`<&-`)
                raise InputError("standard input is closed")
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise InputError(
            f"file is larger than the {max_bytes:,}-byte limit (raise it with --max-file-size)"
        )
    return data


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (a UTF-8 byte-order mark is allowed), naming where decoding fails."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            "file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8", 1, 1
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x}); archplan reads UTF-8 text files",
            line,
            column,
        ) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise InputError("contains a NUL character: this is a binary file, not YAML", line, column)
    return text
