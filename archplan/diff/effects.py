"""What a change does beyond its objects: findings introduced and resolved, peering links
gained, lost or made impossible, and the capacity and cost of each scaling group.

Each reuses the command that answers it for one version: `validate`'s engine
(archplan.engine.check_loaded and the file's policy), `peering-plan`'s mesh planner and prices
(archplan.plan.mesh), `scale-plan`'s planner (archplan.capacity.plan); nothing is recomputed
here but the differences.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from archplan.diff.match import ObjectEntry, place
from archplan.diff.model import Action, ObjectChange, Place, Side
from archplan.engine.parts import Part, Unit
from archplan.errors import InputError
from archplan.findings import Finding, Path, Severity, format_path
from archplan.limits import DemandBudget
from archplan.model import Architecture, Mesh, Prices, Surroundings
from archplan.policy import Policy

if TYPE_CHECKING:
    from archplan.capacity.part import PoolClass
    from archplan.capacity.plan import GroupPlan, ScalePlan
    from archplan.capacity.pool import Pool


class Settings(NamedTuple):
    """What the command line and configuration add to both versions alike."""

    policy: Policy = Policy()
    quotas: Mapping[str, int] | None = None
    prices: Prices | None = None  # --prices FILE (or the configuration's)
    prices_name: str | None = None
    max_file_size: int = 50 * 1024 * 1024
    # What the run's demand files may add up to (limits.DemandBudget), shared by both versions
    # (each process of a forked diff has its own copy); None: each read gets a budget of its own.
    demand_budget: DemandBudget | None = None


class SideError(InputError):
    """An input error found while comparing: `error` in the version labelled `label`."""

    def __init__(self, label: str, error: InputError) -> None:
        super().__init__(error.message, error.line, error.column)
        self.label = label


# -- findings ----------------------------------------------------------------------------------


class FindingChange(NamedTuple):
    """A finding one version has and the other has not (told apart by rule, path and message,
    never by line, so moved lines change nothing)."""

    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    path: Path
    place: Place


def findings_part(
    old: Side,
    new: Side,
    old_objects: list[ObjectEntry],
    new_objects: list[ObjectEntry],
    changes: list[ObjectChange],
) -> Part | None:
    """The part of the estate whose findings can differ between the versions: the units a
    change touches and everything linked to them in either version (archplan.engine.parts),
    and the units that hold a suppression comment (whether one silences anything is decided
    by the findings on its line, so they are all found in both versions). None (check each
    version whole) when the change touches the estate's settings, or when a suppression's
    use cannot be told from a part: `ignore-file` counts every finding of its rule, a comment
    on a setting's line, and aliases (an aliased node's findings are placed at its anchor,
    which may be in another unit)."""
    from archplan.engine.parts import touched, units_on_lines
    from archplan.suppress import find_suppressions

    holding: set[Unit] = set()
    for side in (old, new):
        if side.import_kind is not None:
            continue  # an import's findings are placed in its sources: no comments apply
        suppressions = find_suppressions(side.text)
        if not suppressions:
            continue
        if any(item.kind != "ignore" for item in suppressions) or ANCHOR.search(side.text):
            return None
        units = units_on_lines(side.loaded.document, {item.target for item in suppressions})
        if units is None:
            return None
        holding |= units
    return touched(old_objects, new_objects, changes, holding)


# A YAML anchor (`&name` where a node starts): only a file with one can have aliases.
ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)


def findings(side: Side, settings: Settings, part: Part | None = None) -> list[Finding]:
    """`validate`'s findings for one version, after the policy and the file's suppressions;
    with `part`, those of the rules that read less than the estate are taken on the part
    alone (the rest of the estate is the same in both versions: see findings_part)."""
    return reported(side, settings, rule_findings(side, settings, part))


def rule_findings(side: Side, settings: Settings, part: Part | None = None) -> list[Finding]:
    """The rules' located findings for one version (archplan.engine.check_loaded), before the
    policy and the suppressions."""
    from archplan.engine import check_loaded, located
    from archplan.limits import BudgetExceeded

    surroundings = Surroundings(
        side.folder,
        settings.max_file_size,
        settings.prices,
        settings.prices_name,
        settings.demand_budget,
    )
    try:
        return check_loaded(side.loaded, settings.policy, settings.quotas, surroundings, part)
    except BudgetExceeded as error:  # an input error of this version, at its line and column
        raise SideError(side.label, located(error, side.loaded.document)) from None


def reported(side: Side, settings: Settings, found: list[Finding]) -> list[Finding]:
    """What validate reports of the rules' findings: after the policy and the suppressions."""
    from archplan.policy import apply_policy

    text = side.text if side.import_kind is None else ""
    partial = bool(side.loaded.architecture.rejected)
    return list(apply_policy(found, text, settings.policy, partial))


def finding_changes(
    old: Side,
    new: Side,
    old_findings: list[Finding],
    new_findings: list[Finding],
    renamed: Mapping[Path, Path],
) -> tuple[list[FindingChange], list[FindingChange]]:
    """(introduced, resolved). An old finding's path follows its object when it was renamed."""

    def key(finding: Finding, path: Path) -> tuple[str, str, str]:
        return (finding.rule_id, format_path(path), finding.message)

    old_keyed = [(key(f, _follow(f.path, renamed)), f) for f in old_findings]
    new_keyed = [(key(f, f.path), f) for f in new_findings]
    old_count = Counter(k for k, _ in old_keyed)
    new_count = Counter(k for k, _ in new_keyed)
    introduced = []
    for k, finding in new_keyed:
        if old_count[k] > 0:
            old_count[k] -= 1
        else:
            introduced.append(_finding_change(new, finding))
    resolved = []
    for k, finding in old_keyed:
        if new_count[k] > 0:
            new_count[k] -= 1
        else:
            resolved.append(_finding_change(old, finding))
    return introduced, resolved


def _follow(path: Path, renamed: Mapping[Path, Path]) -> Path:
    if not renamed:
        return path
    for length in range(len(path), 0, -1):
        moved = renamed.get(path[:length])
        if moved is not None:
            return moved + path[length:]
    return path


def _finding_change(side: Side, finding: Finding) -> FindingChange:
    if side.import_kind is None:
        at = Place(side.label, finding.span.line, finding.span.column)
    else:
        at = place(side, finding.path)
    return FindingChange(
        finding.rule_id, finding.rule_name, finding.severity, finding.message, finding.path, at
    )


# -- peering links -------------------------------------------------------------------------------


class LinkChange(NamedTuple):
    """A pair of VPCs whose peering link changes: gained, lost, made impossible or possible."""

    change: str  # "gained", "lost", "made impossible", "made possible"
    first: str
    second: str
    peering: str | None
    detail: str


class MeshChange(NamedTuple):
    """A declared mesh whose completeness changes (from peering-plan's plan of each version)."""

    mesh: str
    present: tuple[int, int]  # (old, new)
    missing: tuple[int, int]
    impossible: tuple[int, int]
    complete: tuple[bool, bool]  # can the mesh be completed


def _live_pairs(architecture: Architecture, vpcs: set[str]) -> dict[frozenset[str], str]:
    """The pairs of VPCs a live peering joins, among the pairs with an end in `vpcs`."""
    from archplan.plan.mesh import is_live

    pairs: dict[frozenset[str], str] = {}
    for peering in architecture.peerings.values():
        requester, accepter = peering.requester, peering.accepter
        if (
            requester is not None
            and accepter is not None
            and requester != accepter
            and (requester in vpcs or accepter in vpcs)
            and is_live(peering)
        ):
            pairs.setdefault(frozenset((str(requester), str(accepter))), peering.name)
    return pairs


def _peered_vpcs(changes: list[ObjectChange]) -> set[str]:
    """The ends of every peering added, removed or modified, in either version: only their
    pairs can gain or lose a live peering."""
    ends: set[str] = set()
    for change in changes:
        if change.kind == ("peerings",):
            for value in (change.old_value, change.new_value):
                if isinstance(value, dict):
                    ends.update(
                        str(value[end]) for end in ("requester", "accepter") if end in value
                    )
    return ends


def link_changes(
    old: Architecture, new: Architecture, changes: list[ObjectChange]
) -> list[LinkChange]:
    """Live peerings gained and lost, and pairs that stop (or start) being peerable because
    their blocks now overlap: pairs from either version's peerings and declared meshes that
    include a VPC whose blocks changed. Only pairs with an end in a changed peering or a VPC
    whose blocks changed are looked at, so the work follows the change, not the estate."""
    moved = _moved_vpcs(changes)
    involved = _peered_vpcs(changes) | moved
    before, after = _live_pairs(old, involved), _live_pairs(new, involved)
    found: list[LinkChange] = []
    for pair in sorted(set(before) | set(after), key=sorted):
        first, second = sorted(pair)
        if pair in after and pair not in before:
            found.append(
                LinkChange("gained", first, second, after[pair], "a live peering now joins them")
            )
        elif pair in before and pair not in after:
            found.append(
                LinkChange(
                    "lost", first, second, before[pair], "no live peering joins them any more"
                )
            )
    candidates: set[frozenset[str]] = {
        pair for pair in set(before) | set(after) if moved.intersection(pair)
    }
    for architecture in (old, new):
        for mesh in architecture.meshes.values():
            members = list(dict.fromkeys(mesh.members))
            if not moved.intersection(members):
                continue
            candidates.update(
                frozenset((a, b))
                for i, a in enumerate(members)
                for b in members[i + 1 :]
                if a != b and (a in moved or b in moved)
            )
    for pair in sorted(candidates, key=sorted):
        first, second = sorted(pair)
        was = _overlap(old, first, second)
        now = _overlap(new, first, second)
        if now and not was and _both(old, first, second):
            peering = after.get(pair) or before.get(pair)
            found.append(
                LinkChange(
                    "made impossible", first, second, peering, f"their blocks now overlap ({now})"
                )
            )
        elif was and not now and _both(new, first, second):
            peering = after.get(pair) or before.get(pair)
            found.append(
                LinkChange(
                    "made possible",
                    first,
                    second,
                    peering,
                    f"their blocks no longer overlap (was {was})",
                )
            )
    return found


_BLOCK_FIELDS = frozenset({"cidr", "secondary_cidrs", "ipv6_cidrs"})


def _moved_vpcs(changes: list[ObjectChange]) -> set[str]:
    """VPCs whose blocks changed, or that are added or removed."""
    moved: set[str] = set()
    for change in changes:
        if change.kind != ("vpcs",):
            continue
        if change.action is not Action.MODIFIED or any(
            str(f.field[0]) in _BLOCK_FIELDS for f in change.fields
        ):
            moved.update(str(path[-1]) for path in (change.old_path, change.new_path) if path)
    return moved


def _both(architecture: Architecture, first: str, second: str) -> bool:
    return first in architecture.vpcs and second in architecture.vpcs


def _overlap(architecture: Architecture, first: str, second: str) -> str:
    one, other = architecture.vpcs.get(first), architecture.vpcs.get(second)
    if one is None or other is None:
        return ""
    from archplan.routes import vpc_overlaps

    pairs = vpc_overlaps(one, other)
    return ", ".join(f"{mine} and {theirs}" for (mine, _), (theirs, _) in pairs)


def affected_meshes(old: Architecture, new: Architecture, changes: list[ObjectChange]) -> set[str]:
    """Declared meshes whose plan may differ: the mesh itself changed, or a member VPC (or
    anything in it), or a peering of a member, or the quotas (then all)."""
    vpcs: set[str] = set()
    names: set[str] = set()
    for change in changes:
        kind = change.kind
        if kind == () and any(f.field[:1] == ("quotas",) for f in change.fields):
            return set(old.meshes) | set(new.meshes)
        if kind == ("meshes",):
            names.update(str(path[-1]) for path in (change.old_path, change.new_path) if path)
        elif kind[:1] == ("vpcs",) and _shapes_meshes(change):
            vpcs.update(str(path[1]) for path in (change.old_path, change.new_path) if path)
        elif kind == ("peerings",):
            for value in (change.old_value, change.new_value):
                if isinstance(value, dict):
                    vpcs.update(
                        str(value[end]) for end in ("requester", "accepter") if end in value
                    )
            for architecture in (old, new):
                peering = architecture.peerings.get(str(change.path[-1]))
                if peering is not None:
                    vpcs.update(str(end) for end in (peering.requester, peering.accepter) if end)
    for architecture in (old, new):
        names.update(
            mesh.name for mesh in architecture.meshes.values() if vpcs.intersection(mesh.members)
        )
    return names


# What peering-plan reads of a VPC: its blocks and Region (overlaps, the transit gateway
# option), its route tables and which subnets use them (the route quota of each table).
_MESH_INPUTS = {
    ("vpcs",): frozenset({"cidr", "secondary_cidrs", "ipv6_cidrs", "region", "account"}),
    ("vpcs", "subnets"): frozenset({"route_table"}),
}


def _shapes_meshes(change: ObjectChange) -> bool:
    """Whether a change inside a VPC can change a mesh's plan."""
    if change.kind == ("vpcs", "route_tables") or change.action is not Action.MODIFIED:
        return change.kind != ("vpcs", "endpoints")
    inputs = _MESH_INPUTS.get(change.kind)
    return inputs is not None and any(str(f.field[0]) in inputs for f in change.fields)


def _mesh_figures(
    architecture: Architecture, names: set[str]
) -> dict[str, tuple[int, int, int, bool]]:
    """peering-plan's plan of the named meshes, each group of meshes that share a VPC planned
    on the part of the estate it depends on: its VPCs, every peering of those VPCs (which
    count against the quotas) and the VPCs at their other ends (a peer overlapping a member
    makes its replies ambiguous). Meshes sharing no VPC share nothing in the planner, so
    planning them apart gives the figures of planning them together; planning each group on
    its own part keeps the work linear in what the change touches (one part for all of them
    made every mesh's plan walk every touched mesh's peerings)."""
    from archplan.plan.mesh import plan

    meshes = [mesh for name, mesh in architecture.meshes.items() if name in names]
    if not meshes:
        return {}
    by_vpc: dict[str, list[int]] = {}
    peerings = list(architecture.peerings.items())
    for position, (_, peering) in enumerate(peerings):
        for end in {peering.requester, peering.accepter}:
            if end is not None:
                by_vpc.setdefault(end, []).append(position)
    vpc_order = {name: position for position, name in enumerate(architecture.vpcs)}
    figures = {}
    for group in _sharing_groups(meshes):
        members = {vpc for mesh in group for vpc in mesh.members}
        positions = sorted({p for vpc in members for p in by_vpc.get(vpc, ())})
        own = {peerings[p][0]: peerings[p][1] for p in positions}
        reached = members | {
            str(end)
            for peering in own.values()
            for end in (peering.requester, peering.accepter)
            if end is not None
        }
        part = architecture._replace(
            vpcs={
                name: architecture.vpcs[name]
                for name in sorted(
                    (name for name in reached if name in vpc_order), key=vpc_order.__getitem__
                )
            },
            peerings=own,
            meshes={mesh.name: mesh for mesh in group},
            memo={},
        )
        for item in plan(part).meshes:
            impossible = sum(1 for link in item.missing if link.overlaps)
            figures[item.name] = (
                len(item.present),
                len(item.missing),
                impossible,
                not item.blockers,
            )
    return figures


def _sharing_groups(meshes: list[Mesh]) -> list[list[Mesh]]:
    """The meshes in groups that share member VPCs (directly or through another mesh of the
    group), each group in the file's order."""
    parent = list(range(len(meshes)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    first_with: dict[str, int] = {}
    for index, mesh in enumerate(meshes):
        for vpc in mesh.members:
            other = first_with.setdefault(vpc, index)
            parent[root(index)] = root(other)
    groups: dict[int, list[Mesh]] = {}
    for index, mesh in enumerate(meshes):
        groups.setdefault(root(index), []).append(mesh)
    return list(groups.values())


MeshFigures = dict[str, tuple[int, int, int, bool]]


def mesh_figures(architecture: Architecture, names: set[str]) -> MeshFigures:
    """peering-plan's figures of the named meshes in one version (see mesh_changes)."""
    return _mesh_figures(architecture, names) if names else {}


def mesh_changes(
    old: Architecture,
    new: Architecture,
    changes: list[ObjectChange],
    figures: tuple[MeshFigures, MeshFigures] | None = None,
) -> list[MeshChange]:
    """Declared meshes whose links change, by peering-plan's own plan of each version
    (`figures` of both versions when the caller computed them, for the meshes the changes
    touch: affected_meshes)."""
    names = affected_meshes(old, new, changes)
    if not names:
        return []
    before, after = figures or (_mesh_figures(old, names), _mesh_figures(new, names))
    absent = (0, 0, 0, True)
    found = []
    for name in [*old.meshes, *(name for name in new.meshes if name not in old.meshes)]:
        if name not in names:
            continue
        a, b = before.get(name, absent), after.get(name, absent)
        if a != b:
            found.append(MeshChange(name, (a[0], b[0]), (a[1], b[1]), (a[2], b[2]), (a[3], b[3])))
    return found


# -- capacity and cost ---------------------------------------------------------------------------


class GroupFigures(NamedTuple):
    """One scaling group's plan in one version, as scale-plan of that whole version gives it."""

    planned: bool
    reason: str | None
    peak_required: int
    peak_capacity: int
    committed: int  # at the peak hour: committed, On-Demand and Spot units
    on_demand: int
    spot: int
    commitment: int  # committed units bought (0 when a shared commitment covers the group)
    monthly: Fraction | None  # the plan's total per 730-hour month (dearest rates); None unpriced
    # In a commitment shared with other groups (`commitment: auto`): its On-Demand part is then
    # priced uncommitted here, and the pool's figures (PoolCost) say what sharing saves.
    pooled: bool = False


class GroupCost(NamedTuple):
    name: str
    old: GroupFigures | None  # None: the group is not in that version
    new: GroupFigures | None


class PoolFigures(NamedTuple):
    """One commitment shared by `groups` in one version, as scale-plan reports it; money per
    730-hour month."""

    groups: tuple[str, ...]
    covered: Fraction  # On-Demand spend per hour the commitment covers
    per_hour: Fraction  # what it costs per hour
    monthly: Fraction  # the groups' On-Demand part with the shared commitment
    uncommitted: Fraction  # the same On-Demand part with no commitment (in the groups' costs)

    @property
    def effect(self) -> Fraction:
        """What sharing adds to the total (negative: saves): `monthly` in place of
        `uncommitted`, which the groups' own figures count."""
        return self.monthly - self.uncommitted


class PoolCost(NamedTuple):
    """A shared commitment whose figures change; pools are told apart by what they cover
    (type, Region and families) and the hours of their groups' profiles."""

    commitment_type: str
    region: str | None  # None and () for a Compute Savings Plan (any Region, any family)
    families: tuple[str, ...]
    profile: tuple[int, str | None]  # (hours, ISO start or None)
    old: PoolFigures | None  # None: no such pool in that version
    new: PoolFigures | None


class TransitCost(NamedTuple):
    attachments: tuple[int, int]
    monthly: tuple[Decimal, Decimal]
    hour_price: tuple[Decimal, Decimal]


class Costs(NamedTuple):
    groups: tuple[GroupCost, ...]
    transit: TransitCost
    old_total: Fraction  # scale-plan's total of the version's groups, and its transit gateway
    new_total: Fraction
    unpriced: tuple[str, ...]  # groups left out of the totals: not planned or not priced
    pools: tuple[PoolCost, ...] = ()  # shared commitments whose figures change

    @property
    def delta(self) -> Fraction:
        return self.new_total - self.old_total


def _figures(group: GroupPlan) -> GroupFigures:
    """One group of a scale-plan as the diff reports it."""
    from archplan.capacity.part import group_monthly

    if not group.planned:
        return GroupFigures(False, group.reason, 0, 0, 0, 0, 0, 0, None)
    peak = max(group.capacity) if group.capacity else 0
    split = group.splits.get(peak)
    return GroupFigures(
        True,
        None,
        max(group.required) if group.required else 0,
        peak,
        split.committed if split else 0,
        split.on_demand if split else 0,
        split.spot if split else 0,
        group.commitment,
        group_monthly(group),
        group.pooled,
    )


def _pool_figures(pool: Pool) -> PoolFigures:
    from archplan.capacity.cost import per_month

    return PoolFigures(
        pool.groups,
        pool.covered,
        pool.per_hour,
        per_month(pool.cost, pool.hours),
        per_month(pool.all_on_demand, pool.hours),
    )


def _scale_plan(
    architecture: Architecture,
    settings: Settings,
    folder: str,
    only: set[str] | None = None,
    pooled: set[str] | None = None,
) -> ScalePlan:
    """scale-plan's planner on one version: every group, or the groups `only` names (with the
    commitments they share among themselves, or as members of shared commitments when
    `pooled` names them)."""
    from archplan.capacity.plan import plan
    from archplan.prices import price_book

    book = price_book(architecture.prices, settings.prices, settings.prices_name)
    return plan(
        architecture,
        book,
        None,
        folder,
        settings.max_file_size,
        settings.demand_budget,
        only=only,
        pooled=pooled,
    )


def affected_groups(old: Architecture, new: Architecture, changes: list[ObjectChange]) -> set[str]:
    """Scaling groups whose own plan may differ: changed themselves, or a subnet they use
    changed, or their VPC's Region (which decides the pools an EC2 Instance Savings Plan or
    Reserved Instances share), or anything at all when they host ECS tasks (services, their
    demand, the instance sizes), or the prices or defaults changed (then all). A group whose
    plan stays may still share a commitment with one of these: costs plans their pools."""
    names: set[str] = set()
    subnets: set[str] = set()
    vpcs: set[str] = set()
    for change in changes:
        if change.kind == ("scaling_groups",):
            names.add(str(change.path[-1]))
            if change.old_path is not None:
                names.add(str(change.old_path[-1]))
        elif change.kind == ("vpcs", "subnets"):
            subnets.add(str(change.path[-1]))
        elif change.kind == ("vpcs",) and (
            change.action is not Action.MODIFIED
            or change.old_path != change.new_path
            or any(f.field[:1] == ("region",) for f in change.fields)
        ):
            vpcs.update(str(path[-1]) for path in (change.old_path, change.new_path) if path)
        elif (
            change.kind == ()
            and any(f.field[:1] in (("prices",), ("defaults",)) for f in change.fields)
        ) or change.kind[:1] == ("prices",):
            return set(old.scaling_groups) | set(new.scaling_groups)
    for architecture in (old, new):
        providers = (
            {
                str(service.capacity_provider)
                for service in architecture.services.values()
                if service.launch_type == "ec2" and service.capacity_provider is not None
            }
            if changes
            else set()
        )
        for group in architecture.scaling_groups.values():
            if (
                subnets.intersection(group.subnets)
                or (group.vpc is not None and group.vpc in vpcs)
                or group.name in providers
            ):
                names.add(group.name)
    return names


def costs(old: Side, new: Side, changes: list[ObjectChange], settings: Settings) -> Costs:
    """Every scaling group's figures in both versions and the totals, as scale-plan of each
    whole version gives them, and the transit gateway attachments' cost; the totals count
    what could be priced.

    The newer version is planned whole (scale-plan itself); of the older, the groups whose
    plan may differ (_older_plan). Any other group, and any pool of other groups, is the same
    in both versions and taken from the newer plan."""
    from archplan.capacity.part import class_of, pool_class, pool_monthly
    from archplan.plan.mesh import monthly_cost, transit_gateway_prices

    before, after = old.loaded.architecture, new.loaded.architecture
    affected = affected_groups(before, after, changes)
    affected.update(name for name in before.scaling_groups if name not in after.scaling_groups)
    classes = {
        found
        for architecture in (before, after)
        for name in affected
        if name in architecture.scaling_groups
        and (found := pool_class(architecture, architecture.scaling_groups[name])) is not None
    }
    after_plan = _scale_plan(after, settings, new.folder)
    before_plan, same_pools = _older_plan(
        before, after_plan, affected, classes, settings, old.folder
    )
    after_figures = {group.name: _figures(group) for group in after_plan.groups}
    before_figures = (
        {group.name: _figures(group) for group in before_plan.groups} if before_plan else {}
    )
    groups: list[GroupCost] = []
    old_total = new_total = Fraction(0)
    unpriced: list[str] = []
    names = list(before.scaling_groups) + [
        n for n in after.scaling_groups if n not in before.scaling_groups
    ]
    for name in names:
        new_figures = after_figures.get(name)
        old_figures = (
            before_figures.get(name, new_figures) if name in before.scaling_groups else None
        )
        for figures, is_old in ((old_figures, True), (new_figures, False)):
            if figures is None:
                continue
            if figures.monthly is None:
                if name not in unpriced:
                    unpriced.append(name)
                continue
            if is_old:
                old_total += figures.monthly
            else:
                new_total += figures.monthly
        if old_figures != new_figures:
            groups.append(GroupCost(name, old_figures, new_figures))
    # Shared commitments: those of other classes are the same in both versions.
    if same_pools:
        classes = set()
    touched = [pool for pool in after_plan.pools if class_of(pool) in classes]
    same = sum(
        (pool_monthly(pool) for pool in after_plan.pools if class_of(pool) not in classes),
        Fraction(0),
    )
    before_pools = before_plan.pools if before_plan is not None and not same_pools else ()
    old_total += same + sum((pool_monthly(pool) for pool in before_pools), Fraction(0))
    new_total += same + sum((pool_monthly(pool) for pool in touched), Fraction(0))
    counts = []
    monthly = []
    hours = []
    for architecture in (before, after):
        prices = transit_gateway_prices(architecture.prices)
        attachments = sum(
            len(gateway.attachments) for gateway in architecture.transit_gateways.values()
        )
        cost, _ = monthly_cost(attachments, prices.attachment_hour, prices.per_gb, None)
        counts.append(attachments)
        monthly.append(cost)
        hours.append(prices.attachment_hour)
    transit = TransitCost((counts[0], counts[1]), (monthly[0], monthly[1]), (hours[0], hours[1]))
    old_total += Fraction(monthly[0])
    new_total += Fraction(monthly[1])
    return Costs(
        tuple(groups),
        transit,
        old_total,
        new_total,
        tuple(unpriced),
        _pool_costs(before_pools, touched),
    )


def _older_plan(
    before: Architecture,
    after_plan: ScalePlan,
    affected: set[str],
    classes: set[PoolClass],
    settings: Settings,
    folder: str,
) -> tuple[ScalePlan | None, bool]:
    """scale-plan's plan of the older version's `affected` groups, and whether every shared
    commitment is the newer version's.

    The groups are planned first as sharing the newer version's commitments. When each of
    them (and each affected group only the newer version has) brings every pool the same
    hourly spend in both versions (or none in both), every pool is the same and so is that
    plan. Otherwise the pools of their `classes` moved, and the groups are planned again with
    every group of those classes (part.sharing): the plan then holds those pools too."""
    from archplan.capacity.part import sharing
    from archplan.capacity.plan import member_of

    names = {name for name in affected if name in before.scaling_groups}
    pooled = {name for pool in after_plan.pools for name in pool.groups}
    first = _scale_plan(before, settings, folder, names, pooled & names) if names else None
    if not classes:  # no affected group may share a commitment in either version
        return first, True
    old_members = {one.name: member_of(one, first.book) for one in first.groups} if first else {}
    new_members = {
        one.name: member_of(one, after_plan.book)
        for one in after_plan.groups
        if one.name in affected
    }
    if all(old_members.get(name) == new_members.get(name) for name in affected):
        return first, True
    return _scale_plan(before, settings, folder, names | sharing(before, classes)), False


def _pool_costs(before: Iterable[Pool], after: Iterable[Pool]) -> tuple[PoolCost, ...]:
    """The shared commitments whose figures differ, matched by key (older version's order,
    then the newer's new ones)."""
    old = {pool.key: _pool_figures(pool) for pool in before}
    new = {pool.key: _pool_figures(pool) for pool in after}
    found = []
    for key in [*old, *(key for key in new if key not in old)]:
        a, b = old.get(key), new.get(key)
        if a != b:
            found.append(
                PoolCost(key.commitment_type, key.region, key.families, key.profile_key, a, b)
            )
    return tuple(found)


def renamed_paths(changes: list[ObjectChange]) -> dict[Path, Path]:
    return {
        change.old_path: change.new_path
        for change in changes
        if change.action is Action.MODIFIED
        and change.old_path is not None
        and change.new_path is not None
        and change.old_path != change.new_path
    }
