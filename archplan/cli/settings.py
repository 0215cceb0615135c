"""The engine's settings lookups (archplan.engine.settings) for the commands: an invalid
configuration or prices file is reported at its place, exit 2."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archplan.cli.io import fail
from archplan.findings import Severity

if TYPE_CHECKING:
    from pathlib import Path

    from archplan.cli.options import FailOn
    from archplan.model import Prices
    from archplan.policy import Policy
    from archplan.project_config import ProjectConfig


def explicit_config(path: str | None) -> ProjectConfig | None:
    """The `--config` file, or None when not given; exit 2 when it is invalid."""
    from archplan.engine import settings
    from archplan.project_config import ConfigError

    try:
        return settings.explicit_config(path)
    except ConfigError as error:
        fail(*error.lines())


def nearest_config(
    name: str, cache: dict[Path, ProjectConfig] | None = None
) -> ProjectConfig | None:
    """The configuration nearest to `name`, or None; exit 2 when it is invalid."""
    from archplan.engine import settings
    from archplan.project_config import ConfigError

    try:
        return settings.nearest_config(name, cache)
    except ConfigError as error:
        fail(*error.lines())


def file_settings(
    name: str,
    explicit: ProjectConfig | None,
    selected: frozenset[str] | None,
    ignored: frozenset[str],
    fail_on: FailOn | None,
    cache: dict[Path, ProjectConfig] | None = None,
) -> tuple[ProjectConfig | None, Policy, Severity]:
    """The configuration, policy and --fail-on threshold of `name`; exit 2 on an invalid
    configuration."""
    from archplan.engine import settings
    from archplan.project_config import ConfigError

    threshold = None if fail_on is None else Severity.parse(fail_on.value)
    try:
        return settings.file_settings(name, explicit, selected, ignored, threshold, cache)
    except ConfigError as error:
        fail(*error.lines())


def prices_file(path: str, max_file_size: int, loaded: dict[str, Prices]) -> Prices:
    """A `--prices` (or configured) prices file, read once per run; exit 2 at its mistake."""
    from archplan.engine.settings import SettingsError
    from archplan.engine.settings import prices_file as read

    try:
        return read(path, max_file_size, loaded)
    except SettingsError as error:
        fail(error.line())
