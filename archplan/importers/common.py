"""What every importer returns: a format-1 document, where each part came from, and what it could not resolve."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

# A path into the produced document, as the rules report it: ("vpcs", "shared", "cidr").
DocPath = tuple[str | int, ...]


class Origin(NamedTuple):
    """Where something came from: a file position when the source has one, else an address.

    `address` names the resource in the source's own terms (a CloudFormation logical ID and
    property path, a Terraform address such as `module.vpc.aws_subnet.private[0]`, or an AWS
    CLI id such as `subnet-0abc`), so a finding can be traced even without a line.
    """

    file: str
    line: int | None = None  # 1-based, None when the source has no positions (JSON plans, CLI)
    column: int | None = None  # 1-based
    address: str = ""
    # Where the value ends (exclusive), when the source knows: reports underline all of it.
    end_line: int | None = None
    end_column: int | None = None


class ImportIssue(NamedTuple):
    """Something in the source that could not be imported exactly (never a crash)."""

    message: str  # says what was skipped or assumed, and how to fix it (e.g. pass --param)
    origin: Origin
    severity: str = "warning"  # "error" when the source itself is invalid, else "warning"


class Imported(NamedTuple):
    """The result of one import: a plain format-1 document and its provenance."""

    document: dict[str, Any]  # only str/int/bool/list/dict; key order is output order
    origins: dict[DocPath, Origin]  # the deepest known origin for each produced path
    issues: list[ImportIssue]


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def object_name(raw: str, taken: set[str]) -> str:
    """A readable, unique format-1 name from a logical ID, Terraform address or Name tag.

    Runs of characters other than letters, digits, `.`, `_` and `-` become `-` (`:` would
    clash with `peering:NAME` targets); a clash gets `-2`, `-3`... in order of appearance.
    `taken` is updated.
    """
    base = _UNSAFE.sub("-", raw).strip("-") or "unnamed"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


class ImportOptions(NamedTuple):
    """What the user told the importer on the command line."""

    # CloudFormation `--param KEY=VALUE` (override Default); read-only, so one default is safe.
    params: Mapping[str, str] = {}
    region: str | None = None  # `--region`: AWS::Region, Fn::GetAZs; else the source's own
    max_bytes: int = 50 * 1024 * 1024  # same limit as architecture files (--max-file-size)


class SourceError(Exception):
    """A source file that cannot be imported at all (exit 2): not JSON/YAML, wrong shape.

    Carries the file so several inputs can be reported precisely; line/column when known.
    """

    def __init__(
        self, file: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(message)
        self.file = file
        self.message = message
        self.line = line
        self.column = column
