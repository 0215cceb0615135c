"""What rules, the decoder and the model builder report: a message blamed on a path.

Its own module, below the rule registry, so the decoder and the builder do not import
archplan.rules (whose package imports every rule module).
"""

from __future__ import annotations

from typing import NamedTuple

from archplan.findings import Path, Severity, Span


class Related(NamedTuple):
    """Another place a problem involves, by path (or by span when no path reaches it)."""

    message: str
    path: Path
    span: Span | None = None


class Problem(NamedTuple):
    """What a check yields: a message blamed on a path in the document."""

    message: str
    path: Path
    related: tuple[Related, ...] = ()
    # Blame the key rather than the value; None: the key of an object, the value otherwise.
    on_key: bool | None = None
    span: Span | None = None  # only where no path reaches the place
    # The rule's severity for this finding when it differs from the rule's default (AP403 is
    # a warning when the overlapping VPCs share no transit gateway route table); None: default.
    severity: Severity | None = None
