"""CIDR parsing and the sort-and-sweep overlap search, checked against brute force."""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archplan.cidr import CidrError, Tagged, overlapping_pairs, parse_block, usable_addresses


@pytest.mark.parametrize(
    ("text", "canonical", "host_bits"),
    [
        ("10.0.0.0/16", "10.0.0.0/16", False),
        ("10.0.0.1/16", "10.0.0.0/16", True),
        ("100.68.0.18/18", "100.68.0.0/18", True),
        ("2600:1f18:1a2b:3c00::/56", "2600:1f18:1a2b:3c00::/56", False),
        ("2600:1f18::1/56", "2600:1f18::/56", True),
        ("::/0", "::/0", False),
        ("0.0.0.0/0", "0.0.0.0/0", False),
    ],
)
def test_parse(text: str, canonical: str, host_bits: bool) -> None:
    block = parse_block(text)
    assert block.canonical == canonical
    assert block.host_bits_set is host_bits


@pytest.mark.parametrize(
    "text",
    ["10.0.0.0", "10.0.0.0/33", "10.0.0.256/24", "abc/8", "10/8", "10.0.0.0/ 8", "10.0.0.0/016",
     "::/129", "2600:1f18::zz/56", "fe80::1%eth0/64", "", "/16", "10.0.0.0/-1"],
)  # fmt: skip
def test_garbage_is_refused(text: str) -> None:
    with pytest.raises(CidrError):
        parse_block(text)


def test_a_prefix_length_of_thousands_of_digits_is_out_of_range_not_a_crash() -> None:
    # Regression: int() refuses strings of 4,300+ digits with a ValueError (exit 3).
    for digits in (4, 4301, 10_000):
        with pytest.raises(CidrError, match="out of range for IPv4") as caught:
            parse_block("10.0.0.0/" + "1" * digits)
        assert len(str(caught.value)) < 80


def test_family_is_enforced() -> None:
    with pytest.raises(CidrError, match="IPv4"):
        parse_block("2600::/56", 4)
    with pytest.raises(CidrError, match="IPv6"):
        parse_block("10.0.0.0/16", 6)


@pytest.mark.parametrize(("text", "usable"), [("10.0.0.0/24", 251), ("10.0.0.0/28", 11)])
def test_usable_addresses(text: str, usable: int) -> None:
    assert usable_addresses(parse_block(text)) == usable


ipv4_blocks = st.builds(
    lambda address, prefix: str(ipaddress.ip_network((address, prefix), strict=False)),
    st.integers(0, 2**32 - 1),
    st.integers(8, 30),
)
ipv6_blocks = st.builds(
    lambda address, prefix: str(ipaddress.ip_network((address, prefix), strict=False)),
    st.integers(0, 2**128 - 1) | st.integers(0, 2**20),
    st.integers(0, 128),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ipv4_blocks | ipv6_blocks, max_size=25))
def test_sweep_finds_exactly_the_overlapping_pairs(texts: list[str]) -> None:
    items = [Tagged(parse_block(text), index) for index, text in enumerate(texts)]
    found = {frozenset((a.owner, b.owner)) for a, b in overlapping_pairs(items)}
    networks = [ipaddress.ip_network(text) for text in texts]
    expected = {
        frozenset((i, j))
        for i, j in itertools.combinations(range(len(texts)), 2)
        if networks[i].version == networks[j].version and networks[i].overlaps(networks[j])
    }
    assert found == expected
    pairs = list(overlapping_pairs(items))
    assert len(pairs) == len(found), "each pair reported once"


@settings(max_examples=300, deadline=None)
@given(st.lists(ipv4_blocks, max_size=25))
def test_first_overlaps_names_each_later_block_once_with_its_earliest_collision(
    texts: list[str],
) -> None:
    from archplan.cidr import first_overlaps

    items = [Tagged(parse_block(text), index) for index, text in enumerate(texts)]
    found = [(earlier.owner, later.owner) for earlier, later in first_overlaps(items)]
    networks = [ipaddress.ip_network(text) for text in texts]
    expected = []
    for later in range(len(texts)):
        earlier = [i for i in range(later) if networks[i].overlaps(networks[later])]
        if earlier:
            expected.append((earlier[0], later))
    assert found == expected


def test_a_pasted_block_is_reported_linearly() -> None:
    from archplan.cidr import first_overlaps

    items = [Tagged(parse_block("10.0.0.0/24"), index) for index in range(3000)]
    assert len(list(first_overlaps(items))) == 2999
