"""Rules about archplan's own suppression comments; archplan.policy raises them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from archplan.findings import Severity
from archplan.rules.registry import Problem, rule

if TYPE_CHECKING:
    from archplan.model import Architecture


@rule(
    "AP901",
    "unused-suppression",
    Severity.INFO,
    "A suppression comment that silences nothing, names no known rule or is misplaced.",
    checked_by_engine=False,
)
def unused_suppression(architecture: Architecture) -> Iterator[Problem]:
    """A stale `# archplan: ignore[...]` would silence the next real problem on its line.

    Once the problem a suppression was written for is fixed, the comment stays behind and hides
    the next, unrelated finding of that rule on the line. archplan reports each suppression
    whose rules matched no finding (after `select`, `ignore` and the other suppressions), names
    a rule that does not exist, is malformed, or (`ignore-file`) is not in the file's header.
    Remove the comment, or correct it. The rule is informational, so it fails a run only with
    `--fail-on info`; `ignore = ["AP901"]` in the configuration turns it off.

    Fails:
        vpcs:
          shared: {region: us-east-1, cidr: 10.0.0.0/16}  # archplan: ignore[AP104] lab network

    Passes:
        vpcs:
          shared: {region: us-east-1, cidr: 172.17.0.0/16}  # archplan: ignore[AP104] lab network

    References:
        Ruff rules, "unused-noqa (RUF100)" <https://docs.astral.sh/ruff/rules/unused-noqa/>
    """
    yield from ()
