"""The `peering-plan --emit yaml` snippet: missing peerings and their routes as format-1 YAML."""

from __future__ import annotations

import json
import re
from typing import NamedTuple

import yaml

from archplan.limits import SNIPPET_COMMENTS
from archplan.plan.mesh import Plan
from archplan.plan.tables import RouteNeed
from archplan.reports.terminal import printable
from archplan.wording import plural

# Scalars that may be written unquoted: no YAML indicator at the start, nothing that ends a
# plain scalar inside; _scalar also quotes what YAML would read as a bool or number.
_PLAIN = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./:-]*")
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers


class Additions(NamedTuple):
    """What completing the meshes adds to the file, in the order the snippet writes it."""

    # Peering name -> (requester, accepter), or the dead status of a peering brought back.
    peerings: dict[str, tuple[str, str] | str]
    # VPC -> table -> (created as main, destination text -> route); first mesh wins on repeats.
    tables: dict[str, dict[str, tuple[bool, dict[str, RouteNeed]]]]
    notes: list[str]

    @property
    def route_count(self) -> int:
        return sum(len(routes) for vpc in self.tables.values() for _, routes in vpc.values())


def additions(plan: Plan) -> Additions:
    """Every mesh link the plan can route safely, with its routes on both sides; what is left
    out, and why, as notes.

    Merging them gives no new finding: a link goes in only when all its routes, on both sides,
    fit without touching a route already there (see plan.mesh.routing.per_vpc_plans).
    """
    # Peering name -> (requester, accepter), or the dead status of a peering brought back.
    peerings: dict[str, tuple[str, str] | str] = {}
    # VPC -> table -> (created as main, destination text -> route); first mesh wins on repeats.
    tables: dict[str, dict[str, tuple[bool, dict[str, RouteNeed]]]] = {}
    notes: list[str] = []
    if plan.unplanned is not None:
        notes.append(plan.unplanned.message)
    for mesh in plan.meshes:
        left_out = {item.peering for item in mesh.left_out}
        for link in mesh.to_create:
            if link.peering is None or link.peering in left_out:
                continue
            if link.recreated and link.status is not None:
                peerings.setdefault(link.peering, link.status)
            else:
                peerings.setdefault(link.peering, (link.first, link.second))
        # Routes through a peering that is not active yet are blackholes until it is; they are
        # left for when the accepter has accepted.
        waiting = {link.peering: link.status for link in mesh.present if link.status != "active"}
        for vpc in mesh.per_vpc:
            for table in vpc.tables:
                for route in table.routes:
                    if route.peering in waiting:
                        continue
                    _, planned = tables.setdefault(vpc.name, {}).setdefault(
                        table.name, (table.new, {})
                    )
                    planned.setdefault(str(route.destination), route)
        for item in mesh.left_out:
            what = (
                f'the missing routes through peering "{item.peering}" ({item.first} - '
                f"{item.second})"
                if item.present
                else f'peering "{item.peering}" ({item.first} - {item.second}) and its routes'
            )
            notes.append(f"not added: {what}, because {'; '.join(item.reasons)}")
        notes += [
            f'not added: the routes through peering "{name}", which is {status}; add them '
            "once it is active (peering-plan lists them)"
            for name, status in waiting.items()
        ]
        notes += [f'mesh "{mesh.name}" cannot be completed: {reason}' for reason in mesh.blockers]
    return Additions(peerings, tables, notes)


def emit_yaml(plan: Plan, file_name: str) -> str:
    """The snippet to merge into `file_name` so that every mesh link the plan can route safely
    exists and is routed from both sides; what it leaves out is said in comments at the top."""
    peerings, tables, notes = found = additions(plan)
    route_count = found.route_count
    lines = [
        f"# archplan peering-plan --emit yaml, for {_comment(file_name)}: merge into that file.",
        f"# Adds {plural(len(peerings), 'peering')} and {plural(route_count, 'route')}.",
    ]
    unique = list(dict.fromkeys(notes))
    # A 2,000-VPC mesh of overlapping blocks leaves out two million links: past the bound the
    # rest is counted, not written (310 MB of comments otherwise); the report lists them all.
    lines += [f"# Note: {_comment(note)}" for note in unique[:SNIPPET_COMMENTS]]
    if len(unique) > SNIPPET_COMMENTS:
        lines.append(
            f"# Note: {len(unique) - SNIPPET_COMMENTS:,} more notes are not shown here; "
            "`archplan peering-plan` (text, or JSON `left_out`) lists every one."
        )
    if not peerings and not tables:
        lines.append("# Nothing to add.")
        return "\n".join(lines) + "\n"
    if peerings:
        lines.append("peerings:")
        for name, entry in peerings.items():
            lines.append(f"  {_scalar(name)}:")
            if isinstance(entry, str):
                # Same requester and accepter as written; only the state changes.
                lines.append(f"    status: active  # was {entry}: request it again")
            else:
                lines += [
                    f"    requester: {_scalar(entry[0])}",
                    f"    accepter: {_scalar(entry[1])}",
                ]
    if tables:
        lines.append("vpcs:")
        for vpc_name, vpc_tables in tables.items():
            lines += [f"  {_scalar(vpc_name)}:", "    route_tables:"]
            for table_name, (new, routes) in vpc_tables.items():
                lines.append(f"      {_scalar(table_name)}:")
                if new:
                    # The VPC's subnets use AWS's implicit main table; declaring it as main
                    # puts the routes where those subnets look.
                    lines.append("        main: true")
                lines.append("        routes:")
                lines += [
                    f"          {_scalar(destination)}: {_scalar(route.target)}"
                    for destination, route in routes.items()
                ]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    # A line break inside a name would end the comment and start YAML, and YAML refuses other
    # control characters anywhere, comments included.
    return printable(text)


def _scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when YAML reads it back as the same string, else quoted."""
    if _PLAIN.fullmatch(text) and not any(
        # PyYAML's implicit types (YAML 1.1 booleans, numbers, dates...), by first character:
        # the rules archplan's loader applies to a plain scalar.
        pattern.match(text)
        for _, pattern in _IMPLICIT.get(text[:1], ())
    ):
        return text
    # JSON strings are YAML double-quoted scalars; escape everything when a character is not
    # printable, since YAML refuses some of those raw.
    return json.dumps(text, ensure_ascii=not text.isprintable())
