"""CIDR blocks as integer ranges: parsing, containment and overlap found by sort and sweep."""

from __future__ import annotations

import functools
import heapq
import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar


class CidrError(ValueError):
    """A string that is not a CIDR block of the expected family."""


@dataclass(frozen=True, slots=True)
class Block:
    """A parsed CIDR block: address family, first and last address as integers, prefix length."""

    # Equality is the canonical block: "10.0.5.7/24" and "10.0.5.0/24" are one block to AWS.
    text: str = field(compare=False)
    version: int
    first: int
    last: int
    prefix: int
    host_bits_set: bool = field(compare=False)

    @property
    def canonical(self) -> str:
        return str(self.network)

    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        if self.version == 4:
            return ipaddress.IPv4Network((self.first, self.prefix))
        return ipaddress.IPv6Network((self.first, self.prefix))

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def contains(self, other: Block) -> bool:
        return (
            self.version == other.version and self.first <= other.first and other.last <= self.last
        )

    def overlaps(self, other: Block) -> bool:
        return (
            self.version == other.version and self.first <= other.last and other.first <= self.last
        )

    def __str__(self) -> str:
        return self.canonical


@functools.lru_cache(maxsize=65536)
def parse_block(text: str, version: int | None = None) -> Block:
    """Parse 'a.b.c.d/n' or an IPv6 'x::/n'; the prefix length is required."""
    if "/" not in text:
        raise CidrError("a CIDR block needs a prefix length, e.g. 10.0.0.0/16")
    address, _, prefix_text = text.partition("/")
    # isascii: str.isdigit() also accepts "²" and fullwidth digits, which int() then mangles.
    if not (prefix_text.isascii() and prefix_text.isdigit()) or (
        len(prefix_text) > 1 and prefix_text[0] == "0"
    ):
        raise CidrError(f"prefix length {prefix_text!r} is not a number")
    if "%" in address:
        raise CidrError("an IPv6 zone index (%...) has no place in a CIDR block")
    # The common case without ipaddress (a third of decoding at 10,000 VPCs); anything else,
    # errors included, takes the general path below.
    number = _plain_ipv4(address) if version != 6 and len(prefix_text) <= 2 else None
    if number is not None and int(prefix_text) <= 32:
        prefix = int(prefix_text)
        hostmask = (1 << (32 - prefix)) - 1
        first = number & ~hostmask
        return Block(text, 4, first, first | hostmask, prefix, number != first)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise CidrError(f"{address!r} is not an IPv4 or IPv6 address") from None
    # No prefix length has more than 3 digits, and int() refuses 4,300 or more (a ValueError).
    if len(prefix_text) > 3 or int(prefix_text) > ip.max_prefixlen:
        shown = (
            prefix_text
            if len(prefix_text) <= 12
            else f"{prefix_text[:6]}… ({len(prefix_text)} digits)"
        )
        raise CidrError(
            f"prefix length /{shown} is out of range for IPv{ip.version} (0-{ip.max_prefixlen})"
        )
    prefix = int(prefix_text)
    if version is not None and ip.version != version:
        expected = "an IPv4" if version == 4 else "an IPv6"
        raise CidrError(f"expected {expected} block, got IPv{ip.version}")
    try:
        network = ipaddress.ip_network((ip, prefix), strict=False)
    except (ValueError, TypeError) as error:  # e.g. an IPv6 zone index ("fe80::1%eth0/64")
        raise CidrError(str(error)) from None
    first = int(network.network_address)
    return Block(
        text=text,
        version=network.version,
        first=first,
        last=int(network.broadcast_address),
        prefix=prefix,
        host_bits_set=int(ip) != first,
    )


def _plain_ipv4(address: str) -> int | None:
    """The address as an integer when it is four octets exactly as ipaddress accepts them
    (ASCII digits, 0-255, no leading zero); None for anything else, valid or not."""
    octets = address.split(".")
    if len(octets) != 4:
        return None
    number = 0
    for octet in octets:
        if not (0 < len(octet) <= 3 and octet.isascii() and octet.isdigit()):
            return None
        if octet[0] == "0" and octet != "0":
            return None
        value = int(octet)
        if value > 255:
            return None
        number = number << 8 | value
    return number


T = TypeVar("T")


class Tagged(NamedTuple, Generic[T]):
    """A block with whatever it belongs to (a subnet, a VPC), for overlap reports."""

    block: Block
    owner: T


def overlapping_pairs(items: Iterable[Tagged[T]]) -> Iterator[tuple[Tagged[T], Tagged[T]]]:
    """Every overlapping pair, each once, earlier-starting block first, in O(n log n + pairs).

    Sort by start; sweep keeping the blocks still open (their end not yet passed) in a heap
    keyed by end. A new block overlaps exactly the open blocks, so no pair is ever compared
    needlessly, unlike the n² loop over all pairs.
    """
    every = list(items)
    for version in (4, 6):
        ordered = sorted(
            (item for item in every if item.block.version == version),
            key=lambda item: (item.block.first, -item.block.last),
        )
        open_blocks: list[tuple[int, int, Tagged[T]]] = []
        for index, item in enumerate(ordered):
            while open_blocks and open_blocks[0][0] < item.block.first:
                heapq.heappop(open_blocks)
            for _, _, earlier in sorted(open_blocks, key=lambda entry: entry[1]):
                yield earlier, item
            heapq.heappush(open_blocks, (item.block.last, index, item))


def usable_addresses(block: Block) -> int:
    """Addresses AWS leaves for hosts: the first four and the last are reserved in every subnet."""
    return max(block.size - 5, 0)


def first_overlaps(items: list[Tagged[T]]) -> Iterator[tuple[Tagged[T], Tagged[T]]]:
    """Each block that overlaps an earlier one, once, with the earliest block it overlaps.

    `items` are in the order written. Reporting every overlapping pair would be quadratic in
    the output for a block pasted a thousand times; one finding per later block, pointing at
    the first block it collides with, says everything a user needs to fix.
    """
    groups: dict[tuple[int, int, int], list[int]] = {}  # identical blocks, by first index
    for index, item in enumerate(items):
        key = (item.block.version, item.block.first, item.block.last)
        groups.setdefault(key, []).append(index)
    firsts = [Tagged(items[indexes[0]].block, key) for key, indexes in groups.items()]
    neighbours: dict[tuple[int, int, int], list[int]] = {key: [] for key in groups}
    for one, other in overlapping_pairs(firsts):
        neighbours[one.owner].append(groups[other.owner][0])
        neighbours[other.owner].append(groups[one.owner][0])
    pairs = []
    for key, indexes in groups.items():
        for position, index in enumerate(indexes):
            earlier = [first for first in neighbours[key] if first < index]
            if position:
                earlier.append(indexes[0])
            if earlier:
                pairs.append((min(earlier), index))
    for earlier_index, later_index in sorted(pairs, key=lambda pair: pair[1]):
        yield items[earlier_index], items[later_index]


def covered(region: Block, blocks: list[Block]) -> bool:
    """Whether the union of `blocks` covers every address of `region`."""
    reach = region.first
    for block in sorted(blocks, key=lambda block: block.first):
        if block.first > reach:
            return False
        reach = max(reach, block.last + 1)
        if reach > region.last:
            return True
    return reach > region.last
