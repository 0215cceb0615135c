"""Import the JSON of `terraform show -json` (a plan, or state) as a format-1 document.

Resources come from planned_values (root and child modules), else from resource_changes'
`after`. References between resources are usually unknown until apply, so the plan's
`configuration` (each expression's `references`, through module variables and outputs) tells
which VPC, subnet or route table a resource points at. What does not resolve, or is known only
after apply, is an issue; see tf_awscli_document for what goes under `x-incomplete`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from archplan.errors import InputError
from archplan.importers.common import Imported, ImportOptions, SourceError
from archplan.importers.tf_awscli_document import assemble, most_common
from archplan.importers.tf_awscli_facts import Facts
from archplan.importers.tf_plan import Plan
from archplan.importers.tf_resources import Importer
from archplan.json_input import load_json
from archplan.source import read_source

_HOW = "run `terraform plan -out plan.out && terraform show -json plan.out > plan.json` and import plan.json"
_HCL = re.compile(
    r'^\s*(resource|module|provider|variable|terraform|locals|data|output)\b[\s"{]', re.M
)


def import_sources(paths: Sequence[str], options: ImportOptions) -> Imported:
    """One document from one or more plans; each file's resources keep its own addresses."""
    facts = Facts(file=paths[0] if paths else "")
    plans = [(path, _read_plan(path, options)) for path in paths]
    regions = [region for _, plan in plans for region in _regions(plan)]
    source_region = most_common(regions)
    facts.region = source_region or options.region
    if options.region and source_region and options.region != source_region:
        facts.issue(
            f"the plan's provider Region is {source_region}, not {options.region} (--region); "
            f"{source_region} is used"
        )
    for number, (path, plan) in enumerate(plans):
        facts.file = path
        Importer(plan, facts, prefix=f"{number + 1}:" if len(plans) > 1 else "").run()
    facts.file = paths[0] if paths else ""
    return assemble(facts)


def _regions(plan: Plan) -> list[str]:
    region = plan.provider_regions.get("aws")
    return [region] if region else list(plan.provider_regions.values())[:1]


def _read_plan(path: str, options: ImportOptions) -> Plan:
    if os.path.isdir(path):
        names = sorted(os.listdir(path))
        plans = [name for name in names if name.endswith(".json")]
        hint = f" (or import {', '.join(plans)} in it)" if plans else ""
        if any(name.endswith(".tf") for name in names):
            raise SourceError(path, f"a folder of Terraform configuration (.tf): {_HOW}{hint}")
        what = f"import {', '.join(plans)} in it" if plans else _HOW
        raise SourceError(path, f"a folder, not a file: {what}")
    try:
        text = read_source(path, options.max_bytes).text
    except InputError as error:
        raise SourceError(path, error.message, error.line, error.column) from None
    if path.endswith(".tf") or (_HCL.search(text) and not text.lstrip().startswith(("{", "["))):
        raise SourceError(path, f"this is Terraform configuration (HCL), not a plan: {_HOW}", 1, 1)
    try:
        data: Any = load_json(text, "a Terraform plan")
    except InputError as error:
        raise SourceError(path, error.message, error.line, error.column) from None
    if not isinstance(data, dict):
        raise SourceError(
            path, f"a Terraform plan is a JSON object, not {_kind(data)}: {_HOW}", 1, 1
        )
    if "planned_values" not in data and "resource_changes" not in data and "values" not in data:
        if "resource" in data or "module" in data or "provider" in data:
            raise SourceError(
                path, f"this is Terraform configuration (.tf.json), not a plan: {_HOW}", 1, 1
            )
        raise SourceError(
            path,
            "not the output of `terraform show -json` (no planned_values, resource_changes "
            f"or values): {_HOW}",
            1,
            1,
        )
    return Plan(data)


def _kind(data: Any) -> str:
    return "a list" if isinstance(data, list) else "a single value"
