"""Importers: CloudFormation templates, Terraform plans and AWS CLI output to format-1 documents."""

from __future__ import annotations

import enum
import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archplan.importers.common import Imported, ImportOptions


class SourceKind(enum.StrEnum):
    """What `archplan import KIND` and `validate --from KIND` read."""

    CLOUDFORMATION = "cloudformation"
    TERRAFORM = "terraform"
    AWS_CLI = "aws-cli"


# Module per kind, imported only when that kind is asked for: start-up stays light.
IMPORTERS: dict[SourceKind, str] = {
    SourceKind.CLOUDFORMATION: "archplan.importers.cloudformation",
    SourceKind.TERRAFORM: "archplan.importers.terraform",
    SourceKind.AWS_CLI: "archplan.importers.awscli",
}


def import_sources(kind: SourceKind, paths: Sequence[str], options: ImportOptions) -> Imported:
    """Import `paths` with the importer of `kind`; raises SourceError for an unusable file."""
    module = importlib.import_module(IMPORTERS[kind])
    imported: Imported = module.import_sources(paths, options)
    return imported
