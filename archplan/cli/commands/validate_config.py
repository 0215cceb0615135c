"""`archplan validate-config`: validate the files the project configuration lists."""

from __future__ import annotations

import typer

from archplan.cli.io import fail
from archplan.cli.options import ConfigFile

# Extra options are passed on to validate.
CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}


def validate_config(
    context: typer.Context,
    config: ConfigFile = None,
) -> None:
    """Validate the files listed in `files = [...]` under [tool.archplan] (in .archplan.toml or
    pyproject.toml); other options are passed on to validate. Exit codes as for validate; 2 when
    no files are configured."""
    from pathlib import Path

    from archplan.project_config import ConfigError, configured_files

    try:
        listed = configured_files(Path(config) if config is not None else None)
    except ConfigError as error:
        fail(*error.lines())
    # Run the real validate command, so its options and exit codes apply unchanged.
    # (Typer vendors Click from 0.28 on, so no Click class is named here.)
    group = context.find_root().command
    validate = group.get_command(context, "validate")  # type: ignore[attr-defined]
    code = validate.main(
        [*context.args, "--", *listed.files],
        prog_name="archplan validate",
        standalone_mode=False,
    )
    if isinstance(code, int) and code:
        raise typer.Exit(code)
