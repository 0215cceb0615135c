"""Reading architecture files (size limit, UTF-8 decoding, standard input) and the files they
name (regular files only)."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from archplan.errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
STDIN_NAME = "-"


class Source(NamedTuple):
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


def read_regular_file(
    name: str, max_bytes: int = DEFAULT_MAX_BYTES, *, quote: bool = True
) -> Source:
    """Read `name` as UTF-8 only if it is a regular file: for files an architecture file names
    (a demand file), which must not make archplan wait on a FIFO, a terminal or standard input
    (`/dev/stdin`) or read a device without end. The type is checked before opening (opening a
    FIFO blocks until a writer comes), the file is opened without blocking and checked again
    (it may have been replaced in between), and its size is checked against `max_bytes` first.
    Without `quote`, an error names no byte of the file (see decode_text)."""
    with _reading():
        status = os.stat(name)
        _require_regular(status.st_mode)
        if status.st_size > max_bytes:
            raise _too_large(max_bytes)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(name, flags)
        with open(descriptor, "rb", closefd=True) as handle:
            _require_regular(os.fstat(descriptor).st_mode)
            data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return Source(name=name, text=decode_text(data, quote=quote))


def _require_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise InputError("is a directory, not a file")
    kinds = (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    raise InputError(f"not a regular file: it is {kind}")


@contextmanager
def _reading() -> Iterator[None]:
    """Operating-system errors of reading a file as InputError, without a traceback."""
    try:
        yield
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}") from None


def _too_large(max_bytes: int) -> InputError:
    return InputError(
        f"file is larger than the {max_bytes:,}-byte limit (raise it with --max-file-size)"
    )


def _read_bytes(name: str, max_bytes: int) -> bytes:
    with _reading():
        if name == STDIN_NAME:
            if sys.stdin is None:  # started with standard input closed (`<&-`)
                raise InputError("standard input is closed")
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return data


def decode_text(data: bytes, *, quote: bool = True) -> str:
    """Decode UTF-8 (a UTF-8 byte-order mark is allowed), naming where decoding fails, and the
    byte at fault when `quote`."""
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
        byte = f" (byte 0x{data[error.start]:02x})" if quote else ""
        raise InputError(
            f"not valid UTF-8{byte}; archplan reads UTF-8 text files",
            line,
            column,
        ) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise InputError("contains a NUL character: this is a binary file, not YAML", line, column)
    return text
