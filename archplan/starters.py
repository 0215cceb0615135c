"""`archplan init`: commented starter files, one per shape of network.

Each starter is a whole, clean architecture file (a test validates every one): VPCs with a
public and a private subnet in each of two zones, an internet gateway, a NAT gateway per zone
(each zone's private subnets routed to their own, so a zone failure strands no other zone), and
for several VPCs the peerings and the routes on both sides that the shape needs. The first line
points editors that use yaml-language-server at the JSON Schema written beside it.
"""

from __future__ import annotations

SCHEMA_FILE = "archplan.schema.json"
REGION = "us-east-1"


SINGLE_VPC, HUB_AND_SPOKE, MESH = "single-vpc", "hub-and-spoke", "mesh"
SHAPES = (SINGLE_VPC, HUB_AND_SPOKE, MESH)


_INTRO = {
    SINGLE_VPC: [
        "One VPC with a public and a private subnet in each of two Availability Zones.",
        "Public subnets reach the internet through the internet gateway; private ones through",
        "the NAT gateway in their own zone's public subnet (one per zone, so a zone failure",
        "does not cut the other zone off the internet).",
    ],
    HUB_AND_SPOKE: [
        "Hub and spoke with VPC peering: a shared-services hub peered with each spoke.",
        "Peering is not transitive: spokes reach the hub, never each other through it, so no",
        "table routes one spoke's block towards another. Every peering has a route on both sides.",
    ],
    MESH: [
        "A full mesh: every VPC peered with every other (n VPCs need n(n-1)/2 peerings), each",
        "peering routed from both sides. `archplan peering-plan FILE` checks the mesh and prices",
        "a transit gateway instead; `--write` adds what a new member is missing.",
    ],
}
_MAIN_TABLE = (
    "        main: true                # a subnet added without a table is private (zone a NAT)"
)
_NAMES = {
    SINGLE_VPC: ["app"],
    HUB_AND_SPOKE: ["shared", "dev", "prod"],
    MESH: ["web", "data", "ops"],
}


def _links(shape: str) -> list[tuple[str, str]]:
    names = _NAMES[shape]
    if shape == HUB_AND_SPOKE:
        return [(names[0], spoke) for spoke in names[1:]]
    return [(a, b) for index, a in enumerate(names) for b in names[index + 1 :]]


def starter(shape: str) -> str:
    """The starter file for `shape`, ending in one newline."""
    names = _NAMES[shape]
    cidr = {name: f"10.{index + 1}.0.0/16" for index, name in enumerate(names)}
    links = _links(shape)
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}",
        "#",
        *(f"# {line}" for line in _INTRO[shape]),
        "#",
        "# Check it: archplan validate FILE   (archplan explain RULE tells why a rule exists)",
        "# The format: docs/format.md in archplan's repository, or `archplan schema`.",
        "archplan: 1",
        f"name: {shape}",
        "",
        "defaults:",
        f"  region: {REGION}",
        '  account: "111122223333"    # 12 digits, quoted so YAML keeps them a string',
        "",
        "vpcs:",
    ]
    for name in names:
        number = cidr[name].split(".")[1]
        peers = [(b if a == name else a, f"{a}-{b}") for a, b in links if name in (a, b)]
        lines += [
            f"  {name}:",
            f"    cidr: {cidr[name]}",
            "    internet_gateway: true",
            "    subnets:",
            f"      {name}-public-a:  {{cidr: 10.{number}.0.0/24,  az: {REGION}a, route_table: public}}",
            f"      {name}-public-b:  {{cidr: 10.{number}.1.0/24,  az: {REGION}b, route_table: public}}",
            f"      {name}-private-a: {{cidr: 10.{number}.16.0/20, az: {REGION}a, route_table: private-a}}",
            f"      {name}-private-b: {{cidr: 10.{number}.32.0/20, az: {REGION}b, route_table: private-b}}",
            "    route_tables:",
            "      public:",
            "        routes:",
            "          0.0.0.0/0: igw",
            *(f"          {cidr[peer]}: peering:{link}" for peer, link in peers),
        ]
        for zone in ("a", "b"):  # a NAT gateway per zone: one zone's failure strands no other
            lines += [
                f"      private-{zone}:",
                *([_MAIN_TABLE] if zone == "a" else []),
                "        routes:",
                f"          0.0.0.0/0: nat:{name}-public-{zone}",
                *(f"          {cidr[peer]}: peering:{link}" for peer, link in peers),
            ]
        lines.append("")
    if links:
        lines.append("peerings:")
        lines += [f"  {a}-{b}: {{requester: {a}, accepter: {b}}}" for a, b in links]
    if shape == MESH:
        lines += ["", "meshes:", f"  core: [{', '.join(names)}]"]
    elif shape == HUB_AND_SPOKE:
        # The design, in the form peering-plan reads: without it, peering-plan takes every VPC
        # as one mesh and proposes the spoke-to-spoke peering this shape leaves out on purpose.
        lines += [
            "",
            "# What must reach what: the hub with each spoke, the spokes not with each other.",
            "# `archplan peering-plan FILE` checks these pairs and adds nothing between spokes.",
            "meshes:",
            *(f"  {a}-{b}: [{a}, {b}]" for a, b in links),
        ]
    while lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
