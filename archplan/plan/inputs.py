"""What `peering-plan` cannot plan from: input errors validate reports (AP001-AP007) in the
parts of the file a peering plan reads.

The model holds a default where a value was rejected: a malformed `meshes:` reads as no mesh
(and the plan would peer every VPC with every other), a misspelt `cidr` as a VPC without a
block, a peering to an unknown VPC as no peering. Planning on those defaults proposes
peerings the file never asked for, so such input is refused where validate blames it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from archplan.engine import Loaded

# Sections read whole: which meshes to plan, which peerings and transit gateways exist, the
# quotas, the prices of the comparison, and what the safety check of each link reads (the
# file's reachability intents and the firewalls on today's paths).
_WHOLE = frozenset(
    {
        "meshes",
        "peerings",
        "transit_gateways",
        "quotas",
        "prices",  # prices.transit_gateway, of the comparison
        "reachability",
        "network_firewalls",
    }
)


# validate's input errors: a key written twice, unknown, of the wrong type, missing, a
# reference to nothing, a value out of range, a block that does not parse.
_INPUT_RULES = frozenset({"AP001", "AP002", "AP003", "AP004", "AP005", "AP006", "AP007"})


# What the places of the file's reachability intents are, when it has intents: the safety
# check of each link asks the path engine about them.
_PLACES = frozenset(
    {"hosts", "scaling_groups", "services", "functions", "prefix_lists", "on_premises"}
)


class Refusal(NamedTuple):
    """One input error the plan would rest on, where validate reports it."""

    line: int
    column: int
    message: str


def refusals(loaded: Loaded, mesh: str | None = None) -> list[Refusal]:
    """The input errors (validate's error findings of the loader) in what the plan reads:
    the sections above, and every VPC that may be a member of a planned mesh (all VPCs when the
    file declares no mesh, or a VPC whose own block was rejected and so has no name known)."""
    architecture = loaded.architecture
    members: set[str] | None = None  # None: every VPC may be planned
    if architecture.meshes and not architecture.rejected_within("meshes"):
        chosen = [architecture.meshes[mesh]] if mesh in architecture.meshes else []
        members = {vpc for item in chosen or architecture.meshes.values() for vpc in item.members}
    found = []
    for rule_id, problem in loaded.problems:
        if rule_id not in _INPUT_RULES or not problem.path:
            continue
        if rule_id == "AP004" and problem.message.startswith('missing "region"'):
            # A Region left out (a single-Region sketch) is read as unknown, not as a default
            # someone wrote: the plan then prices no link as inter-Region, and says so.
            continue
        section = problem.path[0]
        if section == "vpcs":
            name = problem.path[1] if len(problem.path) > 1 else None
            if members is not None and name in architecture.vpcs and name not in members:
                continue
        elif section == "prices":
            if len(problem.path) > 1 and problem.path[1] != "transit_gateway":
                continue  # instance prices are scale-plan's
        elif section not in _WHOLE and not (architecture.reachability and section in _PLACES):
            continue
        span = problem.span or loaded.document.span_at(problem.path, key=problem.on_key is True)
        found.append(Refusal(span.line, span.column, problem.message))
    return sorted(set(found))
