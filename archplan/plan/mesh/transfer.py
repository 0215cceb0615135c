"""Data transfer in peering-plan's comparison: what a month's traffic costs over the peering
mesh and through transit gateways, per link class, from the shipped price table.

Traffic is given per link class (`--traffic-gb-month intra-az=..,cross-az=..,inter-region=..`,
GB per month between the mesh's VPCs; a bare number is cross-AZ traffic). Per GB:

| class | peering | transit gateway |
| --- | --- | --- |
| intra-az | free | data processing |
| cross-az | cross-AZ rate out of the sender + in to the receiver | data processing |
| inter-region | inter-Region rate out of the sending Region | data processing + inter-Region rate |

Data processing is charged once, for each GB sent from a VPC attachment into a transit gateway;
AWS does not add a cross-AZ charge to traffic through a transit gateway, and traffic arriving
over a peering attachment is not processed again (AWS Transit Gateway pricing, its worked
examples). The prices (archplan/data/data-transfer-us-east-1.json) carry their AWS page title
and address, and say which amounts no AWS page confirmed. Money is exact (Decimal).
"""

from __future__ import annotations

import enum
import functools
import json
import pkgutil
from decimal import Decimal
from typing import Any, NamedTuple

TABLE = "data-transfer-us-east-1.json"


class LinkClass(enum.StrEnum):
    """Where the two ends of a flow between mesh VPCs are."""

    INTRA_AZ = "intra-az"
    CROSS_AZ = "cross-az"
    INTER_REGION = "inter-region"


class Traffic(NamedTuple):
    """GB per month per link class, in the order given."""

    gb: tuple[tuple[LinkClass, Decimal], ...]

    @property
    def total(self) -> Decimal:
        return sum((gb for _, gb in self.gb), Decimal(0))

    @classmethod
    def cross_az(cls, gb: Decimal) -> Traffic:
        """A bare --traffic-gb-month: all of it between AZs of one Region."""
        return cls(((LinkClass.CROSS_AZ, gb),))


class TransferPrice(NamedTuple):
    """One price per GB of the shipped table, with its source."""

    usd: Decimal
    confirmed: bool
    title: str
    url: str
    note: str


class TransferTable(NamedTuple):
    description: str
    region: str
    read: str
    peering_same_az: TransferPrice
    peering_cross_az_each_direction: TransferPrice
    inter_region_out: TransferPrice
    transit_gateway_processing: TransferPrice

    def sources(self) -> tuple[tuple[str, TransferPrice], ...]:
        return (
            ("peering_same_az", self.peering_same_az),
            ("peering_cross_az_each_direction", self.peering_cross_az_each_direction),
            ("inter_region_out", self.inter_region_out),
            ("transit_gateway_processing", self.transit_gateway_processing),
        )


@functools.cache
def shipped() -> TransferTable:
    """The shipped table, read once from the package data."""
    data = pkgutil.get_data("archplan", f"data/{TABLE}")
    if data is None:  # pragma: no cover - only a loader without get_data returns None
        raise RuntimeError(f"archplan's {TABLE} is missing from the installation")
    raw: dict[str, Any] = json.loads(data.decode("utf-8"))

    def price(key: str) -> TransferPrice:
        entry = raw["prices"][key]
        return TransferPrice(
            Decimal(entry["usd"]), entry["confirmed"], entry["title"], entry["url"], entry["note"]
        )

    return TransferTable(
        description=raw["description"],
        region=raw["region"],
        read=raw["read"],
        peering_same_az=price("peering_same_az"),
        peering_cross_az_each_direction=price("peering_cross_az_each_direction"),
        inter_region_out=price("inter_region_out"),
        transit_gateway_processing=price("transit_gateway_processing"),
    )


class TransferLine(NamedTuple):
    """One link class: its traffic and what it costs each way of connecting."""

    link_class: LinkClass
    gb: Decimal
    peering_per_gb: Decimal
    peering_cost: Decimal
    peering_how: str
    transit_gateway_per_gb: Decimal
    transit_gateway_cost: Decimal
    transit_gateway_how: str


class TransferComparison(NamedTuple):
    """A month's data transfer over the mesh and through transit gateways, and the totals."""

    lines: tuple[TransferLine, ...]
    table: TransferTable
    processing_from_file: bool  # prices.transit_gateway.per_gb of the file

    @property
    def peering_total(self) -> Decimal:
        return sum((line.peering_cost for line in self.lines), Decimal(0))

    @property
    def transit_gateway_total(self) -> Decimal:
        return sum((line.transit_gateway_cost for line in self.lines), Decimal(0))


def compare(
    traffic: Traffic, processing_per_gb: Decimal, processing_from_file: bool
) -> TransferComparison:
    """Price each link class's traffic both ways; `processing_per_gb` is the transit gateway
    data processing price in use (the file's, else the table's)."""
    table = shipped()
    cross = table.peering_cross_az_each_direction.usd
    inter = table.inter_region_out.usd
    lines = []
    for link_class, gb in traffic.gb:
        if link_class is LinkClass.INTRA_AZ:
            peering, peering_how = table.peering_same_az.usd, "free within an AZ"
            tgw, tgw_how = processing_per_gb, "data processing"
        elif link_class is LinkClass.CROSS_AZ:
            peering, peering_how = 2 * cross, "out of one AZ + in to the other"
            tgw, tgw_how = processing_per_gb, "data processing"
        else:
            peering, peering_how = inter, "out of the sending Region"
            tgw = processing_per_gb + inter
            tgw_how = "data processing + out of the sending Region"
        lines.append(
            TransferLine(link_class, gb, peering, peering * gb, peering_how, tgw, tgw * gb, tgw_how)
        )
    return TransferComparison(tuple(lines), table, processing_from_file)


class TrafficError(ValueError):
    """A --traffic-gb-month value that is not GB, or not `class=GB` pairs (message for users)."""


# The most GB a class accepts, and the finest: a trillion GB a month is beyond any estate, a
# millionth of a GB is a kilobyte (bounded so Decimal arithmetic stays exact and readable).
MAX_GB = 10**12
MIN_EXPONENT = -6


def parse_traffic(text: str) -> Traffic:
    """`--traffic-gb-month`: a bare number (cross-AZ GB), or `class=GB` pairs separated by
    commas, each class once (intra-az, cross-az, inter-region)."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) == 1 and "=" not in parts[0]:
        return Traffic.cross_az(_gb(parts[0], text))
    seen: dict[LinkClass, Decimal] = {}
    known = ", ".join(item.value for item in LinkClass)
    for part in parts:
        name, equals, value = part.partition("=")
        name = name.strip().lower()
        if not equals:
            raise TrafficError(f"{part!r} is not CLASS=GB (classes: {known})")
        try:
            link_class = LinkClass(name)
        except ValueError:
            raise TrafficError(f"{name!r} is not a link class (classes: {known})") from None
        if link_class in seen:
            raise TrafficError(f"{link_class.value} is given twice")
        seen[link_class] = _gb(value.strip(), part)
    return Traffic(tuple(seen.items()))


def _gb(value: str, text: str) -> Decimal:
    from decimal import InvalidOperation

    try:
        gb = Decimal(value)
    except InvalidOperation:
        gb = Decimal("NaN")
    if not gb.is_finite() or not 0 <= gb <= MAX_GB or int(gb.as_tuple().exponent) < MIN_EXPONENT:
        raise TrafficError(
            f"{text!r} is not a number of GB from 0 to 1000000000000 with at most 6 decimals"
        )
    return gb
