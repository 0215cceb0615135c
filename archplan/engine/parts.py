"""The connected parts of an estate, and the estate cut down to some of them.

A *unit* is one top-level object with everything nested in it: a VPC with its subnets, route
tables and security groups; a peering; a transit gateway with its attachments and route
tables; a mesh; a scaling group; a service ... Two units are *linked* when one names the other
or anything nested in it, anywhere in its values or keys: a peering names its VPCs, a route
`peering:NAME`, a scaling group its subnets, a transit gateway's attachments are keyed by VPC,
a security group rule `sg:VPC/NAME`. Which strings are names is not listed here: every string
of a unit is looked up among the estate's names, so a field added to the schema links what it
names without a change here. A name that a unit holds itself (of the same kind) is its own: a
route table named `private` in every VPC does not join the VPCs. Linking too much only makes a
part larger; linking too little would be wrong, so every doubt links.

The *settings* of an estate are what every unit may read: the top-level fields (`defaults`,
`quotas`, `reachability` ...), `prices`, `instance_types` and `prefix_lists`. A part keeps all
of them.

`archplan diff` uses this to run the rules that read only what is connected
(archplan.rules.registry.Reads.CONNECTED) on the part of both versions a change touches: the
units outside it are the same in both versions and linked to nothing inside it in either, so
those rules say the same about them in both versions, and the difference of the findings is
the difference on the part.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from archplan import schema as s
from archplan.loader import Document, Mapping

if TYPE_CHECKING:
    from archplan.diff.match import ObjectEntry
    from archplan.diff.model import ObjectChange
    from archplan.model import Architecture

Unit = tuple[str, str]  # (section, name): ("vpcs", "app")


class Part(NamedTuple):
    """What the rules that read less than the estate run on (archplan.rules.registry.Reads):
    `units` for the rules that read one unit, `connected` (which holds them) for the rules
    that read what is connected."""

    units: frozenset[Unit]
    connected: frozenset[Unit]


# Each top-level collection whose entries are units, and the model field holding them.
UNIT_SECTIONS: dict[str, str] = {
    "vpcs": "vpcs",
    "peerings": "peerings",
    "transit_gateways": "transit_gateways",
    "meshes": "meshes",
    "scaling_groups": "scaling_groups",
    "api_gateways": "api_gateways",
    "hosts": "hosts",
    "network_firewalls": "network_firewalls",
    "on_premises": "on_premises",
    "direct_connect_gateways": "direct_connect_gateways",
    "services": "services",
    "functions": "functions",
    "kubernetes": "clusters",
}
# Top-level collections every unit may read, as it reads the defaults: a part keeps them whole.
SETTINGS_SECTIONS = frozenset({"prices", "instance_types", "prefix_lists"})


def top_level_collections(kind: s.Object = s.ARCHITECTURE) -> set[str]:
    """The schema's top-level collections (each is a unit section or a settings section)."""
    from archplan.diff.match import is_collection

    return {name for name, spec in kind.fields.items() if is_collection(spec.kind)}


Kind = tuple[str, ...]


class Names:
    """Who holds each name in one version: the units by their own names, and the objects
    nested in them by theirs (the kind of each: `("vpcs", "subnets")`)."""

    def __init__(self, entries: Iterable[ObjectEntry]) -> None:
        self.top: dict[str, list[Unit]] = {}
        self.nested: dict[str, dict[Kind, list[Unit]]] = {}
        self.owned: dict[Unit, set[tuple[Kind, str]]] = {}
        self.bodies: dict[Unit, Any] = {}
        top, nested, owned, bodies = self.top, self.nested, self.owned, self.bodies
        sections = UNIT_SECTIONS
        for entry in entries:
            path = entry.path
            if len(path) < 2 or path[0] not in sections:
                continue
            unit = (str(path[0]), str(path[1]))
            if len(path) == 2:
                top.setdefault(unit[1], []).append(unit)
                bodies[unit] = entry.value
            else:
                name = str(path[-1])
                kinds = nested.get(name)
                if kinds is None:
                    nested[name] = {entry.kind: [unit]}
                else:
                    kinds.setdefault(entry.kind, []).append(unit)
                mine = owned.get(unit)
                if mine is None:
                    owned[unit] = {(entry.kind, name)}
                else:
                    mine.add((entry.kind, name))
        # Names held with two kinds or more (a subnet and a route table both "app"): only for
        # those does a unit's own object of one kind not stand for all of them.
        self.mixed = {name for name, kinds in nested.items() if len(kinds) > 1}

    def names(self) -> set[str]:
        return self.top.keys() | self.nested.keys()

    def holders(self, words: set[str], own: set[tuple[Kind, str]]) -> set[Unit]:
        """The units holding what `words` name, but for names of the objects in `own` (a
        unit's own subnet "app" is the one it means, not another VPC's)."""
        found: set[Unit] = set()
        top, nested = self.top, self.nested
        for word in words & top.keys():
            found.update(top[word])
        hits = words & nested.keys()
        if not hits:
            return found
        if own:
            hits -= {name for _, name in own}.difference(self.mixed)
        for word in hits:
            for kind, units in nested[word].items():
                if (kind, word) not in own:
                    found.update(units)
        return found


class Links:
    """Which units are linked, in one or more versions of an estate (union-find)."""

    def __init__(self) -> None:
        self._parent: dict[Unit, Unit] = {}

    def add(self, unit: Unit) -> None:
        self._parent.setdefault(unit, unit)

    def root(self, unit: Unit) -> Unit:
        parent = self._parent
        top = unit
        while parent[top] != top:
            top = parent[top]
        while parent[unit] != top:  # every unit on the way now points at the root
            parent[unit], unit = top, parent[unit]
        return top

    def join(self, first: Unit, others: Iterable[Unit]) -> None:
        root = self.root
        mine = root(first)
        for other in others:
            theirs = root(other)
            if theirs != mine:
                self._parent[theirs] = mine

    def units(self) -> Iterable[Unit]:
        return self._parent.keys()

    def __contains__(self, unit: object) -> bool:
        return unit in self._parent

    def read(self, entries: Sequence[ObjectEntry]) -> tuple[Names, dict[Unit, set[str]]]:
        """Add one version's units (its objects, archplan.diff.match.objects) and links;
        return who holds each name there, and the words of each unit."""
        names = Names(entries)
        words = {}
        nothing: set[tuple[Kind, str]] = set()
        for unit in names.bodies:
            self.add(unit)
        for unit, body in names.bodies.items():
            words[unit] = mine = _words(body)
            self.join(unit, names.holders(mine, names.owned.get(unit, nothing)))
        return names, words

    def read_changed(
        self,
        entries: Sequence[ObjectEntry],
        changed: frozenset[Unit] | set[Unit],
        before: tuple[Names, dict[Unit, set[str]]],
    ) -> None:
        """Add the links another version of the estate has that `before` (what `read` said
        of the first) has not. Only the `changed` units differ: a link between two others is
        the same in both, so only links with a changed unit are looked for, from its words
        and from the words of the others that name it."""
        names, words = before
        now = Names(entry for entry in entries if entry.path[:2] in changed)
        nothing: set[tuple[Kind, str]] = set()
        for unit in now.bodies:
            self.add(unit)
        for unit, body in now.bodies.items():
            mine, own = _words(body), now.owned.get(unit, nothing)
            self.join(unit, names.holders(mine, own) | now.holders(mine, own))
        held = now.names()
        if not held:
            return
        for unit, mine in words.items():
            if unit not in changed and not held.isdisjoint(mine):
                self.join(unit, now.holders(mine, names.owned.get(unit, nothing)))


def _words(value: Any) -> set[str]:
    """Every string a unit's value holds (keys included), with what may name an object inside
    it: after a `kind:` prefix (`peering:NAME`, `nat:SUBNET`, `sg:NAME`) and on either side of
    a `/` (`sg:VPC/NAME`)."""
    words: set[Any] = set()
    stack = [value]
    pop, push, add, update = stack.pop, stack.extend, words.add, words.update
    while stack:  # the type itself, not isinstance: decoded values are plain str, dict, list
        item = pop()
        kind = type(item)
        if kind is str:
            add(item)
        elif kind is dict:
            update(item)
            push(item.values())
        elif kind is list:
            push(item)
    for word in [word for word in words if type(word) is str and (":" in word or "/" in word)]:
        rest = word.partition(":")[2]
        if rest:
            add(rest)
        for text in (word, rest):
            if "/" in text:
                update(text.split("/"))
    return words


def changed_units(changes: Iterable[ObjectChange]) -> set[Unit] | None:
    """The units a change adds, removes or modifies; None when it changes a setting (then every
    unit may read it)."""
    units: set[Unit] = set()
    for change in changes:
        for path in (change.old_path, change.new_path):
            if path is None:
                continue
            if len(path) < 2 or path[0] not in UNIT_SECTIONS:
                return None
            units.add((str(path[0]), str(path[1])))
    return units


def touched(
    old: Sequence[ObjectEntry],
    new: Sequence[ObjectEntry],
    changes: Iterable[ObjectChange],
    also: Iterable[Unit] = (),
) -> Part | None:
    """The units a change adds, removes or modifies, with `also`; and with them the units
    linked to them in either version, directly or through others. None when the change
    touches the settings."""
    start = changed_units(changes)
    if start is None:
        return None
    changed = frozenset(start)
    start.update(also)
    links = Links()
    links.read_changed(new, changed, links.read(old))
    roots = {links.root(unit) for unit in start if unit in links}
    connected = frozenset(unit for unit in links.units() if links.root(unit) in roots)
    return Part(frozenset(start), connected | start)


def units_on_lines(document: Document, lines: Iterable[int]) -> set[Unit] | None:
    """The units written on each of `lines` (a flow mapping may hold several on one line);
    None when a line is in no unit (a setting's line, or between sections)."""
    ranges: list[tuple[int, int, Unit]] = []
    root = document.root
    if not isinstance(root, Mapping):
        return None
    for section in UNIT_SECTIONS:
        entry = root.entries.get(section)
        if entry is None or not isinstance(entry.value, Mapping):
            continue
        for name, item in entry.value.entries.items():
            ranges.append((item.key.span.line, item.value.span.end_line, (section, name)))
    ranges.sort()
    starts = [start for start, _, _ in ranges]
    found: set[Unit] = set()
    for line in lines:
        index = bisect_right(starts, line) - 1
        here = set()
        # Units are siblings written in order: only those ending on or after the line hold it.
        while index >= 0 and ranges[index][1] >= line:
            here.add(ranges[index][2])
            index -= 1
        if not here:
            return None
        found |= here
    return found


def part_of(architecture: Architecture, units: frozenset[Unit] | set[Unit]) -> Architecture:
    """The estate with only `units` (in the file's order) and all its settings; intents are
    left out (every rule that reads them reads the whole estate)."""
    kept: dict[str, Any] = {}
    for section, field in UNIT_SECTIONS.items():
        objects: dict[str, Any] = getattr(architecture, field)
        kept[field] = (
            {name: item for name, item in objects.items() if (section, name) in units}
            if objects
            else objects
        )
    vpcs = kept["vpcs"]
    owners = {
        subnet: inside
        for subnet, names in architecture.subnet_owner.items()
        if (inside := [name for name in names if name in vpcs])
    }
    return architecture._replace(**kept, subnet_owner=owners, reachability=(), memo={})
