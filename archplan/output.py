"""Where reports go: colour decisions and atomic writes of `--output` files.

Kept free of Rich and of the engine: the JSON path of `validate` imports this module.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import os
from collections.abc import Iterator
from typing import IO, Any


class ColorMode(enum.StrEnum):
    """`--color` choices."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


def _set(name: str) -> bool:
    """An environment switch is on when present and not empty (no-color.org, force-color.org)."""
    return bool(os.environ.get(name))


def use_color(mode: ColorMode = ColorMode.AUTO, stream: IO[str] | None = None) -> bool:
    """Whether to colour a report written to `stream` (None: a file, never a terminal).

    `always` and `never` win over the environment. In `auto`, `NO_COLOR` turns colour off,
    then `FORCE_COLOR` turns it on (CI logs render colour but are not terminals; `FORCE_COLOR=0`
    is read as "not forced", as Node tools read it), then `TERM=dumb` turns it off, else colour
    follows whether `stream` is a terminal.
    """
    if mode is ColorMode.ALWAYS:
        return True
    if mode is ColorMode.NEVER or _set("NO_COLOR"):
        return False
    if stream is None:  # a report file: colour only when asked for explicitly
        return False
    if _set("FORCE_COLOR") and os.environ["FORCE_COLOR"] != "0":
        return True
    if os.environ.get("TERM") == "dumb":  # a terminal that cannot show escape sequences
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


# `--output` values that mean a stream, not a file to replace.
STREAMS = {"-": "stdout", "/dev/stdout": "stdout", "/dev/stderr": "stderr"}


class NotRegular(OSError):
    """`--output` names something that is not a regular file (a device, a FIFO, a folder)."""


class Terminated(BaseException):
    """SIGTERM arrived while an output file was being written (cleaned up, then exit 143)."""


def write_atomic(path: str, data: bytes) -> None:
    """Write `data` to `path` so readers see the old file or the whole new one, never a part.

    The bytes go to a temporary file in the same directory (a rename is atomic only within one
    file system), are flushed to disk, then renamed over `path`. A symbolic link at `path` is
    followed, so a linked report location keeps working. Only a regular file is replaced:
    renaming over `/dev/full` (as root) or a FIFO would turn it into a file, so those are
    refused (NotRegular). The new file gets the mode of the file it replaces, or the usual mode
    of a new file under the umask. On any failure, and on SIGINT or SIGTERM, the temporary file
    is removed and the error propagates (SIGTERM as Terminated); `path` is left as it was.
    """
    import stat
    import tempfile

    if "\x00" in path:
        raise NotRegular(0, "the path holds a NUL character; no file can be named so")
    target = os.path.realpath(path)
    try:
        existing = os.stat(target).st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotRegular(
                0, "a loop of symbolic links; only a regular file is replaced"
            ) from None
        existing = None
    if existing is not None and not stat.S_ISREG(existing):
        kind = "a directory" if stat.S_ISDIR(existing) else "not a regular file"
        raise NotRegular(0, f"{kind}; only a regular file is replaced")
    directory = os.path.dirname(target) or "."
    mode = _mode_for(target)
    with _terminate_as_exception():
        _write_through_temporary(target, directory, mode, data, tempfile)


@contextlib.contextmanager
def _terminate_as_exception() -> Iterator[None]:
    """SIGTERM raises Terminated here (as SIGINT raises KeyboardInterrupt), so the temporary
    file's cleanup runs; the handler before is restored after."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(number: int, frame: object) -> None:
        raise Terminated()

    before = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _write_through_temporary(
    target: str, directory: str, mode: int, data: bytes, tempfile: Any
) -> None:
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            if hasattr(os, "fchmod"):
                os.fchmod(stream.fileno(), mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)


def _mode_for(target: str) -> int:
    try:
        import stat

        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_directory(directory: str) -> None:
    """Persist the rename itself (POSIX); best effort, some file systems refuse."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
