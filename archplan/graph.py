"""Topology pictures: VPCs, peerings and transit gateway attachments as Mermaid or Graphviz DOT."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import NamedTuple

from archplan.model import Architecture
from archplan.plan import GraphFormat
from archplan.plan.mesh import DEAD_STATUSES
from archplan.reports.terminal import printable
from archplan.routes import vpc_overlaps


class State(enum.StrEnum):
    """How a link is drawn."""

    OK = "ok"
    PENDING = "pending"  # not active yet: routes through it are blackholes until accepted
    BROKEN = "broken"  # carries nothing: overlapping VPCs, a dead status, a missing VPC...


class Node(NamedTuple):
    id: str  # generated (v0, t0, m0): names never have to be valid identifiers
    kind: str  # vpc, tgw, or missing (referenced but not defined)
    lines: tuple[str, ...]


class Edge(NamedTuple):
    first: str  # node ids
    second: str
    lines: tuple[str, ...]  # the label: the link's name, then why it is pending or broken
    state: State


class Topology(NamedTuple):
    title: str | None
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def topology(architecture: Architecture) -> Topology:
    """The nodes and edges to draw, each link with its state and the reasons for it."""
    nodes: list[Node] = []
    ids: dict[tuple[str, str], str] = {}
    for position, vpc in enumerate(architecture.vpcs.values()):
        ids["vpc", vpc.name] = f"v{position}"
        blocks = [str(block) for block in (*vpc.ipv4_blocks, *vpc.ipv6_cidrs)]
        nodes.append(Node(f"v{position}", "vpc", (vpc.name, *blocks, vpc.region or "no region")))
    for position, gateway in enumerate(architecture.transit_gateways.values()):
        ids["tgw", gateway.name] = f"t{position}"
        lines = (gateway.name, "transit gateway", gateway.region or "no region")
        nodes.append(Node(f"t{position}", "tgw", lines))

    def vpc_node(name: str) -> str:
        if ("vpc", name) not in ids:
            ids["vpc", name] = node_id = f"m{sum(node.kind == 'missing' for node in nodes)}"
            nodes.append(Node(node_id, "missing", (name, "not defined")))
        return ids["vpc", name]

    edges: list[Edge] = []
    first_of_pair: dict[frozenset[str], str] = {}
    for peering in architecture.peerings.values():
        if peering.requester is None or peering.accepter is None:
            continue  # a required field is missing: validate reports it, there is no line to draw
        ends = (peering.requester, peering.accepter)
        broken: list[str] = [
            f"VPC {name} not defined" for name in ends if name not in architecture.vpcs
        ]
        pending: list[str] = []
        pair = frozenset(ends)
        if len(pair) == 1:
            broken.append("peers a VPC with itself")
        elif pair in first_of_pair:
            broken.append(f"second peering of this pair (first: {first_of_pair[pair]})")
        else:
            first_of_pair[pair] = peering.name
        if not broken:
            overlaps = vpc_overlaps(
                architecture.vpcs[peering.requester], architecture.vpcs[peering.accepter]
            )
            broken += [f"overlap: {mine} with {theirs}" for (mine, _), (theirs, _) in overlaps]
        if peering.status in DEAD_STATUSES:
            broken.append(f"status {peering.status}")
        elif peering.status != "active":
            pending.append(f"status {peering.status}")
        state = State.BROKEN if broken else State.PENDING if pending else State.OK
        edges.append(
            Edge(
                vpc_node(peering.requester),
                vpc_node(peering.accepter),
                (peering.name, *broken, *pending),
                state,
            )
        )
    for gateway in architecture.transit_gateways.values():
        attached: list[str] = []
        for vpc_name in gateway.attachments:
            member = architecture.vpcs.get(vpc_name)
            reasons: list[str] = []
            if member is None:
                reasons.append(f"VPC {vpc_name} not defined")
            else:
                if member.region and gateway.region and member.region != gateway.region:
                    reasons.append(f"VPC in {member.region}, gateway in {gateway.region}")
                for other in attached:
                    # AWS does not propagate the routes of a VPC overlapping one already attached.
                    for (mine, _), (theirs, _) in vpc_overlaps(member, architecture.vpcs[other]):
                        reasons.append(f"overlaps {other}: {mine} with {theirs}")
                attached.append(vpc_name)
            edges.append(
                Edge(
                    ids["tgw", gateway.name],
                    vpc_node(vpc_name),
                    ("attachment", *reasons),
                    State.BROKEN if reasons else State.OK,
                )
            )
    return Topology(architecture.name, tuple(nodes), tuple(edges))


# -- Mermaid --------------------------------------------------------------------------------

# Mermaid reads `#name;` and `#123;` as character entities, and labels as HTML; these
# characters would end a quoted label, start an entity or a tag, or start a Markdown string.
_MERMAID_ESCAPED = frozenset('"#<>&`\\')
_MERMAID_COLORS = {State.BROKEN: "red", State.PENDING: "darkorange"}


def _mermaid_text(lines: tuple[str, ...]) -> str:
    # Control characters first become visible escapes (`\x1b`), as in every archplan report.
    escaped = [
        "".join(f"#{ord(char)};" if char in _MERMAID_ESCAPED else char for char in printable(line))
        for line in lines
    ]
    return '"' + "<br/>".join(escaped) + '"'


def render_mermaid(architecture: Architecture) -> str:
    """A Mermaid flowchart (renders on GitHub in a ```mermaid block)."""
    graph = topology(architecture)
    lines = ["flowchart LR"]
    for node in graph.nodes:
        text = _mermaid_text(node.lines)
        lines.append(f"  {node.id}{{{{{text}}}}}" if node.kind == "tgw" else f"  {node.id}[{text}]")
    styles: list[str] = []
    for position, edge in enumerate(graph.edges):
        link = "---" if edge.state is State.OK else "-.-"
        lines.append(f"  {edge.first} {link}|{_mermaid_text(edge.lines)}| {edge.second}")
        if edge.state is not State.OK:
            color = _MERMAID_COLORS[edge.state]
            # linkStyle numbers links in the order they are written, from 0.
            styles.append(f"  linkStyle {position} stroke:{color},color:{color},stroke-width:2px")
    missing = [node.id for node in graph.nodes if node.kind == "missing"]
    if missing:
        lines.append("  classDef missing stroke:red,stroke-dasharray:5 5,color:red")
        lines.append(f"  class {','.join(missing)} missing")
    return "\n".join(lines + styles) + "\n"


# -- DOT ------------------------------------------------------------------------------------

_DOT_COLORS = {State.BROKEN: "red", State.PENDING: "darkorange"}


def _dot_string(lines: tuple[str, ...]) -> str:
    r"""A double-quoted DOT string; `\n` separates the lines of a label."""
    # printable() turns line breaks and other control characters into visible escapes first.
    escaped = [printable(line).replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    return '"' + "\\n".join(escaped) + '"'


def render_dot(architecture: Architecture) -> str:
    """An undirected Graphviz graph (`dot -Tsvg`)."""
    graph = topology(architecture)
    lines = ["graph archplan {"]
    attributes = "rankdir=LR"
    if graph.title:
        attributes += f", label={_dot_string((graph.title,))}, labelloc=t"
    lines += [
        f"  graph [{attributes}];",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica"];',
    ]
    for node in graph.nodes:
        extra = {
            "vpc": "",
            "tgw": "shape=hexagon, style=solid, ",
            "missing": "style=dashed, color=red, fontcolor=red, ",
        }[node.kind]
        lines.append(f'  "{node.id}" [{extra}label={_dot_string(node.lines)}];')
    for edge in graph.edges:
        style = ""
        if edge.state is not State.OK:
            color = _DOT_COLORS[edge.state]
            style = f", style=dashed, color={color}, fontcolor={color}"
        lines.append(
            f'  "{edge.first}" -- "{edge.second}" [label={_dot_string(edge.lines)}{style}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


# Each format's renderer; a test checks every GraphFormat has one.
RENDERERS: dict[GraphFormat, Callable[[Architecture], str]] = {
    GraphFormat.MERMAID: render_mermaid,
    GraphFormat.DOT: render_dot,
}
