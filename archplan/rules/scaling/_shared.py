"""What several scaling-group rules read: where an instance type is written."""

from __future__ import annotations

from archplan.findings import Path
from archplan.model import ScalingGroup


def type_path(group: ScalingGroup, instance_type: str) -> Path:
    """Where a type is written: its key when `instance_types` is a mapping.

    The model keeps no index for the list form, so there the finding points at the
    `instance_types` key (the engine falls back to the nearest place that exists).
    """
    return (*group.path, "instance_types", instance_type)
