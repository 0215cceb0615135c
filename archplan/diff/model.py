"""The records of a diff: the two sides compared, and each object's and field's change.

Plain NamedTuples, as in archplan.model: cheap to create (a 10,000-VPC estate has ~100,000
objects) and immutable. Values are the decoder's (str, int, bool, Decimal, Block, lists and
dicts); `MISSING` stands for a field or object that one side does not have.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from archplan.findings import Path
from archplan.importers.common import DocPath, Origin

if TYPE_CHECKING:
    from archplan.engine import Loaded

# A kind of object: the collection keys from the root down, e.g. ("vpcs", "subnets").
# The estate itself (top-level fields such as `defaults`) is the kind ().
KindKey = tuple[str, ...]


class _Missing:
    """The value of something absent on one side (None is never a decoded value either, but a
    named sentinel reads better in reports and cannot be mistaken for data)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Side(NamedTuple):
    """One version of the estate, decoded and located.

    `document` holds the located nodes of `text`; for an imported side, `text` is the rendered
    import and `origins` say where each part came from in the source files (and the source's
    own id for it: a CloudFormation logical ID, a Terraform address, an AWS id).
    """

    label: str  # what reports call this side: a file name, `REV:path`, or the import's sources
    text: str
    data: dict[str, Any]  # the decoded document (archplan.decode)
    loaded: Loaded  # the located document and the model, for validate, peering-plan, scale-plan
    origins: Mapping[DocPath, Origin] = {}
    import_kind: str | None = None  # cloudformation, terraform, aws-cli; None for a file
    folder: str = "."  # where files the architecture names (demand.file) are read from
    # An imported source file -> the stack it stands for, when the file is named differently
    # in the two versions (`REV:template.yaml` and `template.yaml`); else the file itself.
    stacks: Mapping[str, str] = {}


class Place(NamedTuple):
    """Where a value is written in one version: file:line:column, or a source's address."""

    file: str
    line: int | None
    column: int | None
    address: str = ""

    def text(self) -> str:
        if self.line is None:
            return f"{self.file} ({self.address})" if self.address else self.file
        return f"{self.file}:{self.line}:{self.column}"


class Update(enum.IntEnum):
    """What applying a change does to the running resource, least to most intrusive.

    The four CloudFormation levels (Replacement, Conditional, Some interruptions, No
    interruption) plus what format 1 adds: fields that map to no property (planning inputs,
    observed state), separate resources added or removed beside the object, and fields the
    update-behaviour table does not cover.
    """

    NONE = 0  # no CloudFormation property: nothing changes in AWS
    UNKNOWN = 1  # not in the shipped table
    IN_PLACE = 2  # No interruption
    ADD_REMOVE = 3  # resources of their own are added or removed (routes, secondary blocks)
    INTERRUPTION = 4  # Some interruptions
    CONDITIONAL = 5  # replacement in some cases (the condition says which)
    REPLACEMENT = 6

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Update.NONE: "no AWS change",
    Update.UNKNOWN: "update behaviour unknown",
    Update.IN_PLACE: "in place",
    Update.ADD_REMOVE: "add/remove",
    Update.INTERRUPTION: "interruption",
    Update.CONDITIONAL: "conditional replacement",
    Update.REPLACEMENT: "replacement",
}


class Behaviour(NamedTuple):
    """How AWS applies one field change: the resource type and property it maps to, the
    update level, and the table's condition or note when it has one."""

    update: Update
    resource_type: str | None = None  # AWS::EC2::Subnet
    property: str | None = None  # CidrBlock; nested paths as A/B/C
    note: str = ""  # the condition of a Conditional, or why there is no AWS change
    replaces_object: bool = False  # the change replaces the object itself, not a sub-resource


class FieldChange(NamedTuple):
    """One field of a matched object whose value differs (MISSING when absent on a side)."""

    field: Path  # within the object
    old: Any
    new: Any
    old_place: Place | None
    new_place: Place | None
    behaviour: Behaviour = Behaviour(Update.UNKNOWN)


class Action(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"


class ObjectChange(NamedTuple):
    """An object added, removed or modified (renamed when matched by id under a new name)."""

    kind: KindKey
    action: Action
    old_path: Path | None
    new_path: Path | None
    old_value: Any  # the object's own fields (child collections are objects of their own)
    new_value: Any
    old_place: Place | None
    new_place: Place | None
    fields: tuple[FieldChange, ...] = ()
    identity: str | None = None  # the source's id both sides share, when matched by it
    update: Update = Update.NONE  # the worst update of the object's own resource
    resource_type: str | None = None

    @property
    def path(self) -> Path:
        """The path in the newer version when there is one, else in the older."""
        path = self.new_path if self.new_path is not None else self.old_path
        assert path is not None
        return path

    @property
    def renamed(self) -> bool:
        return (
            self.old_path is not None
            and self.new_path is not None
            and self.old_path != self.new_path
        )
