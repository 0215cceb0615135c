"""What FROM and TO of `archplan reach` and of a reachability intent name: a subnet, scaling
group, host, interface endpoint, ECS service, Lambda function, address or block, `internet`,
or an on-premises network.

A bare name is looked up in every kind; when two kinds (or two VPCs) have it, the user writes
the kind: `subnet:NAME`, `subnet:VPC/NAME`, `group:NAME`, `host:NAME`, `endpoint:VPC/NAME`,
`service:NAME`, `function:NAME`, `on-premises:NAME`, `vpc:NAME` (every subnet of the VPC; a
bare name means a VPC only when nothing else has that name).

An ECS service is a place when its tasks have their own interfaces (network mode awsvpc, as
every Fargate task): then its subnets and security groups are the tasks'. In bridge or host
mode the tasks use the container instances' interfaces, so the place is the scaling group
they run on. A Lambda function is a place when it is attached to a VPC: its interfaces sit in
its subnets with its security groups.
"""

from __future__ import annotations

from typing import NamedTuple, cast

from archplan.cidr import Block, CidrError, parse_block
from archplan.findings import Path
from archplan.model import Architecture, Vpc
from archplan.spelling import did_you_mean

KINDS = ("subnet", "group", "host", "endpoint", "service", "function", "on-premises", "vpc")
INTERNET = "internet"
LABELS = {
    "subnet": "subnet",
    "group": "scaling group",
    "host": "host",
    "endpoint": "interface endpoint",
    "service": "ECS service",
    "function": "Lambda function",
    "on-premises": "on-premises network",
    "vpc": "VPC",
}


class Place(NamedTuple):
    """Where traffic starts or ends.

    kind: subnet, group, host, endpoint, service, function, address, internet or
    on-premises. For things in a VPC,
    `subnets` are the subnets it sits in (a scaling group or endpoint has several) and
    `security_groups` its groups (None: the file does not say). `block` is the address range
    the place stands for (a host's address, an address written, an on-premises prefix)."""

    kind: str
    name: str
    vpc: str | None = None
    subnets: tuple[str, ...] = ()
    block: Block | None = None
    security_groups: tuple[str, ...] | None = None
    public_ip: bool = False
    path: Path | None = None
    prefixes: tuple[Block, ...] = ()  # an on-premises network's prefixes
    written: str = ""  # how the user named it, when that says more than kind and name

    def describe(self) -> str:
        if self.written:
            return self.written
        if self.kind in ("internet", "address"):
            return self.name
        return f"{self.kind} {self.name}"


class Unresolved(NamedTuple):
    """Why a name names nothing (unknown) or more than one thing (ambiguous)."""

    message: str
    ambiguous: bool = False


def resolve(architecture: Architecture, text: str) -> Place | Unresolved:
    written = text.strip()
    if written == INTERNET:
        return Place("internet", INTERNET)
    kind, colon, rest = written.partition(":")
    if colon and kind in KINDS:
        return _named(architecture, rest.strip(), (kind,), written)
    if any(char in written for char in ".:") and _looks_like_address(written):
        return _address(architecture, written)
    if colon and kind.replace("-", "").isalpha():
        return Unresolved(
            f'"{written}": "{kind}" is not a kind of place; write '
            f"{', '.join(k + ':' for k in KINDS)} or nothing before the name"
            f"{did_you_mean(kind, KINDS)}{_group_hint(architecture, rest.strip())}"
        )
    return _named(architecture, written, KINDS, written)


def _looks_like_address(text: str) -> bool:
    return all(char in "0123456789abcdefABCDEF.:/" for char in text)


def _address(architecture: Architecture, text: str) -> Place | Unresolved:
    written = text if "/" in text else text + ("/128" if ":" in text else "/32")
    try:
        block = parse_block(written)
    except CidrError as error:
        return Unresolved(f'"{text}" is not an address or block: {error}')
    shown = block.canonical if "/" in text else text
    owners = [
        (vpc, subnet)
        for vpc in architecture.vpcs.values()
        for subnet in vpc.subnets.values()
        for cidr in (subnet.cidr, subnet.ipv6_cidr)
        if cidr is not None and cidr.contains(block)
    ]
    if len(owners) > 1:
        names = ", ".join(f"{vpc.name}/{subnet.name}" for vpc, subnet in owners[:3])
        return Unresolved(f"{shown} is in more than one subnet ({names}); name the subnet", True)
    if owners:
        vpc, subnet = owners[0]
        host = _host_at(architecture, vpc.name, block)
        if host is not None:
            # The address is a described host's own: its security groups and public IP apply.
            return host._replace(written=f"{shown} (host {host.name})")
        return Place("address", shown, vpc.name, (subnet.name,), block)
    for network in architecture.on_premises.values():
        if any(prefix.contains(block) for prefix in network.prefixes):
            return Place(
                "on-premises",
                network.name,
                block=block,
                path=network.path,
                prefixes=network.prefixes,
            )
    inside = [
        vpc
        for vpc in architecture.vpcs.values()
        if any(b.overlaps(block) for b in (*vpc.ipv4_blocks, *vpc.ipv6_cidrs))
    ]
    if inside:
        return Unresolved(_not_one_place(shown, block, inside), False)
    return Place("address", shown, block=block)


def _not_one_place(shown: str, block: Block, vpcs: list[Vpc]) -> str:
    """Why a block that overlaps VPCs is not one place, saying what it is and how to name
    one: a block that is a VPC's, covers it or spans several subnets is not "inside" one."""
    vpc = vpcs[0]
    blocks = (*vpc.ipv4_blocks, *vpc.ipv6_cidrs)
    subnets = [
        subnet.name
        for subnet in vpc.subnets.values()
        for cidr in (subnet.cidr, subnet.ipv6_cidr)
        if cidr is not None and cidr.overlaps(block)
    ]
    count = f"{len(vpc.subnets)} subnet{'s' if len(vpc.subnets) != 1 else ''}"
    if any(b == block for b in blocks):
        what = f'is the block of VPC "{vpc.name}" ({count})'
    elif any(block.contains(b) for b in blocks):
        others = f" and {len(vpcs) - 1} other VPC(s)" if len(vpcs) > 1 else ""
        what = f'covers VPC "{vpc.name}" ({count}){others}'
    elif len(subnets) > 1:
        listed = ", ".join(subnets[:4]) + (", ..." if len(subnets) > 4 else "")
        what = f'spans {len(subnets)} subnets of VPC "{vpc.name}" ({listed})'
    elif subnets:
        what = f'overlaps subnet {subnets[0]} of VPC "{vpc.name}" but is not inside it'
    else:
        return f'{shown} is inside VPC "{vpc.name}" but in none of its subnets'
    return (
        f"{shown} {what}: reach traces from or to one place; name a subnet, a host or an address "
        f"inside one subnet, or vpc:{vpc.name} for the whole VPC"
    )


def _host_at(architecture: Architecture, vpc: str, block: Block) -> Place | None:
    """The host whose own address `block` is (one address, in that VPC), if the file says."""
    if block.size != 1:
        return None
    index = cast(
        "dict[tuple[str | None, int, int], str] | None",
        architecture.memo.get("reach-host-addresses"),
    )
    if index is None:
        index = {}
        for host in architecture.hosts.values():
            if host.address is not None and host.address.size == 1:
                index.setdefault((host.vpc, host.address.version, host.address.first), host.name)
        architecture.memo["reach-host-addresses"] = index
    name = index.get((vpc, block.version, block.first))
    if name is None:
        return None
    places = _others(architecture, "host", name)
    return places[0] if places else None


def _named(
    architecture: Architecture, name: str, kinds: tuple[str, ...], written: str
) -> Place | Unresolved:
    found: list[Place] = []
    refused: list[str] = []
    for kind in kinds:
        # A VPC is what a bare name means only when nothing inside a VPC has that name.
        if kind != "vpc" or not found:
            for candidate in _candidates(architecture, kind, name):
                if isinstance(candidate, str):
                    refused.append(candidate)
                else:
                    found.append(candidate)
    if not found and refused:
        return Unresolved(refused[0])
    if len(found) == 1:
        return found[0]
    if found:
        shown = ", ".join(f"{place.kind}:{_qualified(place)}" for place in found[:4])
        return Unresolved(
            f'"{written}" names more than one thing ({shown}); write one of those', True
        )
    known = [known for kind in kinds for known in _names(architecture, kind)]
    if len(kinds) == 1:
        what = f"a {LABELS[kinds[0]]} of the file"
    else:
        known.append(INTERNET)
        what = (
            "a subnet, scaling group, host, interface endpoint, ECS service, Lambda function, "
            "on-premises network, VPC, address or internet"
        )
    return Unresolved(
        f'"{written}" is not {what}{did_you_mean(name, known)}{_group_hint(architecture, name)}'
    )


def _group_hint(architecture: Architecture, name: str) -> str:
    """When the name is a security group's: a group is no place, what uses it is."""
    vpcs = [vpc.name for vpc in architecture.vpcs.values() if name in vpc.security_groups]
    if not vpcs:
        return ""
    users = sorted(
        [f"host {h.name}" for h in architecture.hosts.values() if name in (h.security_groups or ())]
        + [
            f"group {g.name}"
            for g in architecture.scaling_groups.values()
            if name in (g.security_groups or ())
        ]
    )
    uses = f" ({', '.join(users[:3])})" if users else ""
    return f'; "{name}" is a security group of VPC {vpcs[0]}: name what uses it{uses}'


def _qualified(place: Place) -> str:
    if place.kind in ("subnet", "endpoint") and place.vpc is not None:
        return f"{place.vpc}/{place.name}"
    return place.name


def _interface_endpoints(architecture: Architecture) -> dict[str, list[Place]]:
    """Interface endpoints by name, indexed once per file (names repeat across VPCs)."""
    index = architecture.memo.get("reach-endpoints")
    if index is None:
        built: dict[str, list[Place]] = {}
        for vpc in architecture.vpcs.values():
            for endpoint in vpc.endpoints.values():
                if endpoint.type == "interface":
                    built.setdefault(endpoint.name, []).append(
                        Place(
                            "endpoint",
                            endpoint.name,
                            vpc.name,
                            endpoint.subnets,
                            None,
                            endpoint.security_groups,
                            False,
                            endpoint.path,
                        )
                    )
        architecture.memo["reach-endpoints"] = index = built
    return index  # type: ignore[return-value]


def _names(architecture: Architecture, kind: str) -> list[str]:
    """Every name of a kind, for a suggestion when a name names nothing."""
    if kind == "subnet":
        return list(architecture.subnet_owner)
    if kind == "group":
        return list(architecture.scaling_groups)
    if kind == "host":
        return list(architecture.hosts)
    if kind == "endpoint":
        return list(_interface_endpoints(architecture))
    if kind == "service":
        return list(architecture.services)
    if kind == "function":
        return list(architecture.functions)
    if kind == "vpc":
        return list(architecture.vpcs)
    return list(architecture.on_premises)


def _candidates(architecture: Architecture, kind: str, name: str) -> list[Place | str]:
    """The places `name` may mean in `kind`; a str says why a thing of that name is no place."""
    if kind == "service":
        return _service(architecture, name)
    if kind == "function":
        return _function(architecture, name)
    return list(_others(architecture, kind, name))


def _service(architecture: Architecture, name: str) -> list[Place | str]:
    service = architecture.services.get(name)
    if service is None:
        return []
    if not service.awsvpc:
        provider = service.capacity_provider
        instead = f': name its scaling group "{provider}"' if provider else ""
        return [
            f'service "{name}" uses network mode {service.network_mode}: its tasks send and '
            f"receive on the container instances' interfaces{instead}"
        ]
    if service.vpc is None or service.vpc not in architecture.vpcs:
        return [f'service "{name}" names no VPC of the file: write its vpc and subnets']
    return [
        Place(
            "service",
            name,
            service.vpc,
            service.subnets,
            None,
            service.security_groups or None,  # none written: the file does not say
            False,
            service.path,
        )
    ]


def _function(architecture: Architecture, name: str) -> list[Place | str]:
    function = architecture.functions.get(name)
    if function is None:
        return []
    if function.vpc is None or function.vpc not in architecture.vpcs:
        return [
            f'function "{name}" is not attached to a VPC of the file: it runs in the Lambda '
            "service's own network, which archplan does not model"
        ]
    return [
        Place(
            "function",
            name,
            function.vpc,
            function.subnets,
            None,
            function.security_groups or None,
            False,
            function.path,
        )
    ]


def _others(architecture: Architecture, kind: str, name: str) -> list[Place]:
    vpc_name, slash, short = name.rpartition("/")
    if kind == "subnet":
        if slash:
            vpcs = [architecture.vpcs[vpc_name]] if vpc_name in architecture.vpcs else []
        else:
            vpcs = [architecture.vpcs[v] for v in architecture.subnet_owner.get(name, [])]
        return [
            Place(
                "subnet",
                short,
                vpc.name,
                (short,),
                vpc.subnets[short].cidr,
                path=vpc.subnets[short].path,
            )
            for vpc in vpcs
            if short in vpc.subnets
        ]
    if kind == "group":
        group = architecture.scaling_groups.get(name)
        if group is None:
            return []
        return [
            Place(
                "group",
                name,
                group.vpc,
                group.subnets,
                None,
                group.security_groups,
                group.public_ip,
                group.path,
            )
        ]
    if kind == "host":
        host = architecture.hosts.get(name)
        if host is None:
            return []
        return [
            Place(
                "host",
                name,
                host.vpc,
                (host.subnet,) if host.subnet else (),
                host.address,
                host.security_groups,
                host.public_ip,
                host.path,
            )
        ]
    if kind == "endpoint":
        places = _interface_endpoints(architecture).get(short, [])
        return [place for place in places if not slash or place.vpc == vpc_name]
    if kind == "vpc":
        vpc = architecture.vpcs.get(name)
        if vpc is None:
            return []
        # Its workloads' groups are not known: only routes and ACLs can decide for a VPC.
        return [Place("vpc", name, name, tuple(vpc.subnets), path=vpc.path)]
    network = architecture.on_premises.get(name)
    if network is None:
        return []
    return [Place("on-premises", name, path=network.path, prefixes=network.prefixes)]
