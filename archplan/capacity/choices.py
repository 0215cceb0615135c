"""The choices of `scale-plan` (--format, --emit): only enums, so the CLI loads them cheaply."""

from __future__ import annotations

import enum


class ScaleFormat(enum.StrEnum):
    """`scale-plan --format` choices."""

    TEXT = "text"
    JSON = "json"


class ScaleEmit(enum.StrEnum):
    """`scale-plan --emit` choices: the group's settings in a deployment tool's syntax."""

    CLOUDFORMATION = "cloudformation"
    TERRAFORM = "terraform"
    AWS_CLI = "aws-cli"
    AWS_CLI_POLICY = "aws-cli-policy"  # put-scaling-policy: the group's target tracking
