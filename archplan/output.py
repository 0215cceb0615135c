"""Where reports go: colour decisions and atomic writes of `--output` files.

Kept free of Rich and of the engine: the JSON path of `validate` imports this module.
"""

from __future__ import annotations

import contextlib
import enum
import os
from typing import IO


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


def write_atomic(path: str, data: bytes) -> None:
    """Write `data` to `path` so readers see the old file or the whole new one, never a part.

    The bytes go to a temporary file in the same directory (a rename is atomic only within one
    file system), are flushed to disk, then renamed over `path`. A symbolic link at `path` is
    followed, so a linked report location keeps working. The new file gets the mode of the file
    it replaces, or the usual mode of a new file under the umask. On any failure the temporary
    file is removed and the OSError propagates; `path` is left as it was.
    """
    import tempfile

    target = os.path.realpath(path)
    directory = os.path.dirname(target) or "."
    mode = _mode_for(target)
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
