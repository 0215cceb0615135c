"""What applies to a file besides its text: the project configuration (`--config`, else the
nearest), its policy with --select / --ignore, the --fail-on threshold, and prices files
(read once per run).

Errors are raised (ConfigError, SettingsError); the commands report them and exit 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archplan.findings import Severity

if TYPE_CHECKING:
    from pathlib import Path

    from archplan.errors import InputError
    from archplan.model import Prices
    from archplan.policy import Policy
    from archplan.project_config import ProjectConfig


class SettingsError(Exception):
    """An input error in a file a run reads besides the architectures (a prices file, a
    baseline), at its place in that file."""

    def __init__(self, error: InputError, name: str) -> None:
        super().__init__(error.message)
        self.error = error
        self.name = name

    def line(self) -> str:
        return f"{self.error.location(self.name)}: error: {self.error.message}"


def explicit_config(path: str | None) -> ProjectConfig | None:
    """The `--config` file, or None when not given; raises ConfigError when it is invalid."""
    from pathlib import Path

    from archplan.project_config import load_config

    return None if path is None else load_config(Path(path))


def nearest_config(
    name: str, cache: dict[Path, ProjectConfig] | None = None
) -> ProjectConfig | None:
    """The configuration nearest to `name`, or None; raises ConfigError when it is invalid."""
    from archplan.project_config import config_for

    return config_for(name, cache)


def file_settings(
    name: str,
    explicit: ProjectConfig | None,
    selected: frozenset[str] | None,
    ignored: frozenset[str],
    fail_on: Severity | None,
    cache: dict[Path, ProjectConfig] | None = None,
) -> tuple[ProjectConfig | None, Policy, Severity]:
    """The configuration that applies to `name` (`--config`, else the nearest), its policy with
    --select / --ignore applied, and its --fail-on threshold; raises ConfigError."""
    from dataclasses import replace

    from archplan.policy import Policy

    settings = explicit or nearest_config(name, cache)
    policy = Policy.from_config(settings)
    policy = replace(
        policy,
        select=policy.select if selected is None else selected,
        ignore=policy.ignore | ignored,
    )
    if fail_on is not None:
        return settings, policy, fail_on
    configured = settings.fail_on if settings is not None else None
    return settings, policy, configured or Severity.ERROR


def prices_file(path: str, max_file_size: int, loaded: dict[str, Prices]) -> Prices:
    """A `--prices` (or configured) prices file, read once per run; raises SettingsError at
    its mistake."""
    from archplan.errors import InputError
    from archplan.prices import load_prices_file

    if path not in loaded:
        try:
            loaded[path] = load_prices_file(path, max_file_size)
        except InputError as error:
            raise SettingsError(error, path) from None
    return loaded[path]
