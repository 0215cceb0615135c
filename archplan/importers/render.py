"""An imported document as format-1 YAML text: the same bytes for the same input, always."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """The pure-Python emitter, so the text does not depend on whether libyaml is installed."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as archplan's own examples are written.
        super().increase_indent(flow, False)


def render_document(document: dict[str, Any], kind: str, files: Sequence[str]) -> str:
    """The document with a header naming what it was imported from (not when: no dates)."""
    header = [f"# Imported by `archplan import {kind}` from:"]
    header += [f"#   {name}" for name in files]
    header.append(
        "# Review the warnings the import printed: what it could not resolve is left out."
    )
    body = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )
    return "\n".join(header) + "\n" + body
