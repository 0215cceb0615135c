"""`archplan diff`: two versions of one estate side by side — what changes, how AWS applies
it, what it takes with it or breaks, which findings it brings or fixes, what it costs.

The engine is pure (no I/O): the command reads and imports the files into `Side`s
(archplan.diff.sides) and hands them to `diff`. Its parts, in order:

- match: the objects of each version (read off archplan.schema) paired by id or path;
- compare: field by field changes of each pair;
- behaviour: what AWS does for each change (the shipped update-behaviour table);
- impact: what a replacement takes with it, and edits that fail as written;
- effects: findings, peering links, scaling-group capacity and cost, by the other commands'
  own library functions;
- render: text, JSON, Markdown and GitHub annotations;
- result: `diff()` itself, its `Diff`, and the `--fail-on` gates.

This module holds only the choices the command line types its options with, so loading the
command costs nothing until it runs.
"""

from __future__ import annotations

import enum


class Gate(enum.StrEnum):
    """`--fail-on` choices (cost-increase takes a percentage: `cost-increase:10`)."""

    REPLACEMENT = "replacement"
    NEW_ERROR = "new-error"
    NEW_WARNING = "new-warning"
    COST_INCREASE = "cost-increase"
