"""Planners that turn an architecture into a plan; the choices of `peering-plan` and `graph`."""

from __future__ import annotations

import enum

# Only enums live here: the CLI imports this package at start-up (the enums type its options);
# the planners and renderers load when a command runs.


class PlanFormat(enum.StrEnum):
    """`peering-plan --format` choices."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


class Emit(enum.StrEnum):
    """`peering-plan --emit` choices: what to print instead of the report."""

    YAML = "yaml"


class GraphFormat(enum.StrEnum):
    """`graph --format` choices (rendered by archplan.graph)."""

    MERMAID = "mermaid"
    DOT = "dot"
