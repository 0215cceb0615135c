"""The one way archplan opens an input file: architecture files, prices, baselines,
configurations, demand files and importer sources all come through here.

Only regular files are read (a FIFO, a device, a directory or a symbolic link loop is an input
error, never a wait or a read without end), their size is checked before reading and never more
than the limit is read, the file is opened without blocking, and the bytes are decoded as UTF-8
at a located error. Standard input (`-`) is the one exception: it is read as it comes, still
within the limit.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, NamedTuple

from archplan.errors import InputError
from archplan.limits import DEFAULT_MAX_BYTES, read_limit

__all__ = ["DEFAULT_MAX_BYTES", "STDIN_NAME", "Source", "TooLarge", "read_bytes", "read_source"]
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


class TooLarge(InputError):
    """A file over the size limit it was read with (`limit`)."""

    def __init__(self, limit: int, what: str = "file") -> None:
        super().__init__(
            f"{what} is larger than the {limit:,}-byte limit (raise it with --max-file-size)"
        )
        self.limit = limit


def read_source(
    name: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    quote: bool = True,
    allow_stdin: bool = True,
) -> Source:
    """Read `name` ('-' for standard input, when `allow_stdin`) as UTF-8 text.

    Without `quote`, an error names no byte of the file (see decode_text): for files that may
    be any file of the machine (a demand file an architecture names)."""
    stdin = allow_stdin and name == STDIN_NAME
    data = read_bytes(name, max_bytes, allow_stdin=allow_stdin)
    return Source(name="<stdin>" if stdin else name, text=decode_text(data, quote=quote))


def read_bytes(name: str, max_bytes: int = DEFAULT_MAX_BYTES, *, allow_stdin: bool = True) -> bytes:
    """The bytes of `name`, only if it is a regular file of at most `max_bytes` bytes.

    A FIFO, terminal, device or `/dev/stdin` must not make archplan wait or read without end:
    the type is checked before opening (opening a FIFO blocks until a writer comes), the file is
    opened without blocking and checked again (it may have been replaced in between), and its
    size is checked first; at most `max_bytes` + 1 bytes are ever read."""
    limit = read_limit(max_bytes)
    if allow_stdin and name == STDIN_NAME:
        return _read_stdin(limit)
    with _reading():
        status = os.stat(name)
        _require_regular(status.st_mode)
        if status.st_size > limit:
            raise TooLarge(limit)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(name, flags)
        with open(descriptor, "rb", closefd=True) as handle:
            status = os.fstat(descriptor)
            _require_regular(status.st_mode)
            # read(n) allocates n bytes at once: ask for what the file holds (one more byte
            # shows it grew past the limit since), never for the limit itself.
            data = handle.read(min(status.st_size, limit) + 1)
            if len(data) > status.st_size and len(data) <= limit:
                data += read_rest(handle, limit - len(data) + 1)
    if len(data) > limit:
        raise TooLarge(limit)
    return data


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
    except ValueError:  # os functions refuse a path with a NUL character in it
        raise InputError("the path holds a NUL character; no file is named so") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InputError("a loop of symbolic links, not a file") from None
        if error.errno == errno.ENOTDIR:
            raise InputError("no such file (a part of the path is not a directory)") from None
        raise InputError(f"cannot read: {error.strerror or error}") from None


def _read_stdin(limit: int) -> bytes:
    with _reading():
        if sys.stdin is None:  # started with standard input closed (`<&-`)
            raise InputError("standard input is closed")
        data = read_rest(sys.stdin.buffer, limit + 1)
    if len(data) > limit:
        raise TooLarge(limit)
    return data


_CHUNK = 1 << 20


def read_rest(stream: IO[bytes], most: int) -> bytes:
    """Up to `most` bytes in chunks (a pipe, or a file still growing), never allocating more
    than a chunk beyond what arrived."""
    chunks: list[bytes] = []
    left = most
    while left > 0:
        chunk = stream.read(min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


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
        raise InputError("contains a NUL character: this is a binary file, not text", line, column)
    return text
