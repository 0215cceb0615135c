"""`archplan init`: commented starter files, one per shape of network.

Each starter is a whole, clean architecture file (a test validates every one): VPCs with a
public and a private subnet in each of two zones, an internet gateway, a NAT gateway, and for
several VPCs the peerings and the routes on both sides that the shape needs. The first line
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
        "a NAT gateway placed in a public subnet.",
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
            f"      {name}-private-a: {{cidr: 10.{number}.16.0/20, az: {REGION}a, route_table: private}}",
            f"      {name}-private-b: {{cidr: 10.{number}.32.0/20, az: {REGION}b, route_table: private}}",
            "    route_tables:",
            "      public:",
            "        routes:",
            "          0.0.0.0/0: igw",
            *(f"          {cidr[peer]}: peering:{link}" for peer, link in peers),
            "      private:",
            "        main: true                # subnets added later without a table are private",
            "        routes:",
            f"          0.0.0.0/0: nat:{name}-public-a",
            *(f"          {cidr[peer]}: peering:{link}" for peer, link in peers),
            "",
        ]
    if links:
        lines.append("peerings:")
        lines += [f"  {a}-{b}: {{requester: {a}, accepter: {b}}}" for a, b in links]
    if shape == MESH:
        lines += ["", "meshes:", f"  core: [{', '.join(names)}]"]
    while lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
