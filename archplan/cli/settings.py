"""What applies to a file besides its text: the project configuration, its policy with
--select / --ignore, the --fail-on threshold, and prices files (read once per run)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archplan.cli.io import fail, input_error
from archplan.findings import Severity

if TYPE_CHECKING:
    from pathlib import Path

    from archplan.cli.options import FailOn
    from archplan.model import Prices
    from archplan.policy import Policy
    from archplan.project_config import ProjectConfig


def explicit_config(path: str | None) -> ProjectConfig | None:
    """The `--config` file, or None when not given; exit 2 when it is invalid."""
    from pathlib import Path

    from archplan.project_config import ConfigError, load_config

    if path is None:
        return None
    try:
        return load_config(Path(path))
    except ConfigError as error:
        fail(*error.lines())


def nearest_config(
    name: str, cache: dict[Path, ProjectConfig] | None = None
) -> ProjectConfig | None:
    """The configuration nearest to `name`, or None; exit 2 when it is invalid."""
    from archplan.project_config import ConfigError, config_for

    try:
        return config_for(name, cache)
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
    """The configuration that applies to `name` (`--config`, else the nearest), its policy with
    --select / --ignore applied, and its --fail-on threshold; exit 2 on an invalid config."""
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
        return settings, policy, Severity.parse(fail_on.value)
    configured = settings.fail_on if settings is not None else None
    return settings, policy, configured or Severity.ERROR


def prices_file(path: str, max_file_size: int, loaded: dict[str, Prices]) -> Prices:
    """A `--prices` (or configured) prices file, read once per run; exit 2 at its mistake."""
    from archplan.errors import InputError
    from archplan.prices import load_prices_file

    if path not in loaded:
        try:
            loaded[path] = load_prices_file(path, max_file_size)
        except InputError as error:
            input_error(error, path)
    return loaded[path]
