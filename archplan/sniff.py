"""What a file that is not an architecture file looks like: a CloudFormation template, a
Terraform plan or AWS CLI output, which `--from` reads.

A platform engineer's first move is to point archplan at the templates they already have. When
such a file is refused as an architecture file (no `archplan: 1`, or a `!Ref`-style tag), the
message says what it looks like and the command that reads it. Only the refused file's own text
is looked at, with a few linear scans (no parsing): this runs on the error path only.
"""

from __future__ import annotations

import re
import shlex
from typing import NamedTuple

from archplan.errors import InputError

_TEMPLATE_VERSION = re.compile(
    r'^(?:AWSTemplateFormatVersion|"AWSTemplateFormatVersion")\s*:', re.M
)
_JSON_TEMPLATE_VERSION = re.compile(r'"AWSTemplateFormatVersion"\s*:')
_RESOURCES = re.compile(r'^(?:Resources|"Resources")\s*:|"Resources"\s*:\s*\{', re.M)
_AWS_TYPE = re.compile(r"""["']?Type["']?\s*:\s*["']?AWS::""")
_PLAN_KEYS = re.compile(r'"(planned_values|resource_changes|terraform_version)"\s*:')
_CLI_FIELD = re.compile(r'"([A-Za-z]+)"\s*:\s*[\[{]')

# The errors of reading a file as an architecture file that another kind of source gives.
_REFUSALS = ("not an archplan architecture file", "YAML tag ")


class Guess(NamedTuple):
    """The kind of source (`--from KIND`), what it is called and what gave it away."""

    kind: str
    what: str
    evidence: str


def guess(text: str) -> Guess | None:
    """The kind of source `text` looks like, or None."""
    if _TEMPLATE_VERSION.search(text) or _JSON_TEMPLATE_VERSION.search(text):
        return Guess("cloudformation", "a CloudFormation template", "AWSTemplateFormatVersion")
    if _RESOURCES.search(text) and _AWS_TYPE.search(text):
        return Guess("cloudformation", "a CloudFormation template", "Resources of AWS:: types")
    if not text.lstrip().startswith(("{", "[")):
        return None
    plan_keys = set(_PLAN_KEYS.findall(text))
    if plan_keys & {"planned_values", "resource_changes"} or (
        "terraform_version" in plan_keys and '"format_version"' in text
    ):
        found = sorted(plan_keys - {"terraform_version"}) or ["terraform_version"]
        return Guess("terraform", "a Terraform plan", f"terraform show -json: {found[0]}")
    from archplan.importers.awscli import SHAPES

    shapes = set(SHAPES)
    for field in _CLI_FIELD.findall(text):
        if field in shapes:
            return Guess("aws-cli", "AWS CLI output", field)
    if '"AutoScalingGroupName"' in text:
        return Guess("aws-cli", "AWS CLI output", "AutoScalingGroupName")
    return None


def with_hint(error: InputError, text: str, name: str, command: str = "validate") -> InputError:
    """`error` (refusing `name` as an architecture file) with what the file looks like and the
    command that reads it; `error` itself when it is another error or the file looks like
    nothing archplan imports."""
    if not error.message.startswith(_REFUSALS):
        return error
    found = guess(text)
    if found is None:
        return error
    refused = error.message
    if refused.startswith("YAML tag "):
        tag = refused.split(" ", 3)[2]
        refused = f"not an archplan architecture file (YAML tag {tag} is not allowed in one)"
    else:
        refused = "not an archplan architecture file (no 'archplan: 1')"
    shown = "-" if name == "<stdin>" else shlex.quote(name)  # standard input is read as `-`
    run = (
        f"archplan validate --from {found.kind} {shown}"
        if command == "validate"
        else f"archplan import {found.kind} {shown} -o estate.yaml"
    )
    message = f"{refused}; this looks like {found.what} ({found.evidence}): {run}"
    return InputError(message, error.line, error.column)
