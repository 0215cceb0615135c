"""The architecture files a project lists in its configuration, for `archplan validate-config`.

This is the minimal part of configuration that the `archplan-validate-config` pre-commit hook
needs: a `files` list under `[tool.archplan]`, in `.archplan.toml` or `pyproject.toml`:

    [tool.archplan]
    files = ["network/archplan.yaml", "envs/*.archplan.yaml"]

The configuration is found by walking up from the working directory: in each directory,
`.archplan.toml` first, then a `pyproject.toml` that has a `[tool.archplan]` table; the first one
found is used (or the one given with `--config`). Paths are relative to the configuration file's
directory; entries with `*`, `?` or `[` are glob patterns (`**` spans directories). Other keys
in the table are left for the full configuration to come.
"""

from __future__ import annotations

import glob
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_NAMES = (".archplan.toml", "pyproject.toml")
EXAMPLE = '[tool.archplan]\nfiles = ["network/archplan.yaml"]'


class ConfigError(Exception):
    """The configuration is missing, unreadable or lists no files (exit code 2)."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        if self.path is None:
            return f"archplan: error: {self.message}"
        return f"{_relative(self.path)}: error: {self.message}"


@dataclass(frozen=True, slots=True)
class ConfiguredFiles:
    """Where the configuration was read, and the files it lists, as paths to open."""

    config: Path
    files: tuple[str, ...]


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above `start`, or None."""
    for directory in (start, *start.parents):
        dot_file = directory / CONFIG_NAMES[0]
        if dot_file.is_file():
            return dot_file
        pyproject = directory / CONFIG_NAMES[1]
        if pyproject.is_file() and "archplan" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def configured_files(config: Path | None = None, start: Path | None = None) -> ConfiguredFiles:
    """The files listed in `config` (else the nearest configuration above `start` or the cwd)."""
    if config is None:
        config = find_config((start or Path.cwd()).resolve())
        if config is None:
            raise ConfigError(
                "no configuration found: list the architecture files in .archplan.toml or "
                f"pyproject.toml (in this directory or above):\n{EXAMPLE}"
            )
    elif not config.is_file():
        raise ConfigError("no such configuration file", config)
    table = _read(config).get("tool", {}).get("archplan")
    if table is None:
        raise ConfigError(f"no [tool.archplan] table; add one:\n{EXAMPLE}", config)
    if not isinstance(table, dict):
        raise ConfigError("tool.archplan must be a table", config)
    entries = table.get("files")
    if entries is None or entries == []:
        raise ConfigError(f"[tool.archplan] lists no files; add them:\n{EXAMPLE}", config)
    if not isinstance(entries, list) or not all(
        isinstance(entry, str) and entry.strip() for entry in entries
    ):
        raise ConfigError("[tool.archplan] files must be a list of paths (strings)", config)
    base = _relative(config.parent)
    files: list[str] = []
    for entry in entries:
        path = os.path.normpath(os.path.join(base, entry))
        if not any(char in entry for char in "*?["):
            files.append(path)
            continue
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            raise ConfigError(f'files pattern "{entry}" matches no file', config)
        files.extend(matches)
    return ConfiguredFiles(config, tuple(dict.fromkeys(files)))


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except OSError as error:
        raise ConfigError(f"cannot read it: {error.strerror or error}", path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"not valid TOML: {error}", path) from None


def _relative(path: Path) -> str:
    """A path as reports show it: relative to the working directory when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
