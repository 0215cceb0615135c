"""The diff's mesh figures are peering-plan's own: planning only the meshes a change touches,
each group of meshes that share a VPC on its own part of the estate, gives what planning the
whole file gives."""

from __future__ import annotations

import itertools

from archplan.diff import effects
from archplan.plan.mesh import plan
from tests.diff.helpers import side, texts


def _estate(groups: list[list[int]], missing: set[tuple[int, int]], overlap: int | None) -> str:
    """VPCs v0..vN, one mesh per group (peered pair by pair, but for `missing`), one extra
    peering from every VPC to an outside VPC `out`, and VPC `overlap` sharing `out`'s block."""
    count = max(max(group) for group in groups) + 1
    lines = ["archplan: 1", "defaults: {region: us-east-1}", "vpcs:"]
    peerings: dict[str, tuple[int | str, int | str]] = {}
    for group in groups:
        for first, second in itertools.combinations(group, 2):
            if (first, second) not in missing:
                peerings[f"p{first}-{second}"] = (first, second)
    for number in range(count):
        peerings[f"x{number}"] = (number, "out")

    def name(end: int | str) -> str:
        return f"v{end}" if isinstance(end, int) else end

    def block(end: int | str) -> str:
        return "10.200.0.0/16" if end == "out" or end == overlap else f"10.{end}.0.0/16"

    for vpc in [*range(count), "out"]:
        routes = {
            block(b if a == vpc else a): f"peering:{peering}"
            for peering, (a, b) in peerings.items()
            if vpc in (a, b)
        }
        lines += [
            f"  {name(vpc)}:",
            f"    cidr: {block(vpc)}",
            "    subnets:",
            f"      {name(vpc)}-a: {{cidr: {block(vpc).replace('/16', '/24')}, az: us-east-1a}}",
            "    route_tables:",
            "      main:",
            "        main: true",
            "        routes:" + ("" if routes else " {}"),
            *(f"          {dest}: {target}" for dest, target in routes.items()),
        ]
    lines.append("peerings:")
    lines += [
        f"  {peering}: {{requester: {name(a)}, accepter: {name(b)}}}"
        for peering, (a, b) in peerings.items()
    ]
    lines.append("meshes:")
    lines += [f"  m{i}: [{', '.join(name(v) for v in group)}]" for i, group in enumerate(groups)]
    return "\n".join(lines) + "\n"


def _figures_of_whole_plan(text: str) -> dict[str, tuple[int, int, int, bool]]:
    architecture = side(text).loaded.architecture
    return {
        item.name: (
            len(item.present),
            len(item.missing),
            sum(1 for link in item.missing if link.overlaps),
            not item.blockers,
        )
        for item in plan(architecture).meshes
    }


GROUPS = [[0, 1, 2], [2, 3, 4], [5, 6, 7], [8, 9]]  # m0 and m1 share v2


def test_planning_the_touched_meshes_apart_gives_the_whole_plans_figures() -> None:
    for missing, overlap in [(set(), None), ({(0, 1), (5, 7)}, None), ({(3, 4)}, 6)]:
        text = _estate(GROUPS, missing, overlap)
        architecture = side(text).loaded.architecture
        whole = _figures_of_whole_plan(text)
        assert effects.mesh_figures(architecture, set(architecture.meshes)) == whole
        for names in ({"m1"}, {"m0", "m2"}, {"m3"}):
            got = effects.mesh_figures(architecture, names)
            assert got == {name: whole[name] for name in names}


def test_a_removed_peering_is_a_lost_link_and_a_mesh_change() -> None:
    old = _estate(GROUPS, set(), None)
    new = _estate(GROUPS, {(5, 7)}, None)
    result = texts(old, new)
    assert [(link.change, link.first, link.second) for link in result.links] == [
        ("lost", "v5", "v7")
    ]
    assert [(m.mesh, m.present, m.missing) for m in result.meshes] == [("m2", (3, 2), (0, 1))]
    before, after = _figures_of_whole_plan(old)["m2"], _figures_of_whole_plan(new)["m2"]
    assert (before[:2], after[:2]) == ((3, 0), (2, 1))


def test_a_peer_outside_the_mesh_that_overlaps_a_member_is_seen() -> None:
    """v6 overlaps `out`, which every VPC is peered with: planning m2 must see `out` (it is
    not a member), as peering-plan on the whole file does."""
    text = _estate(GROUPS, {(5, 7)}, 6)
    architecture = side(text).loaded.architecture
    assert effects.mesh_figures(architecture, {"m2"})["m2"] == _figures_of_whole_plan(text)["m2"]
