"""Instance prices and commitment discounts, each with where it came from.

Three places give prices, the first that knows an instance type wins: the `--prices FILE` given
on the command line, the architecture file's `prices:`, then archplan's shipped sample table
(archplan/data/prices-us-east-1.json: us-east-1 Linux On-Demand prices copied from published
sources, each with its source and date). Nothing is fetched from the network. A type's entry is
taken whole from one place (its On-Demand and its Spot price together).

Commitment discounts come from `--prices FILE`, then the file's `prices.discounts`, then
archplan's defaults below, which are illustrative and labelled so wherever they are used.
"""

from __future__ import annotations

import functools
import json
import pkgutil
from decimal import Decimal
from typing import Any, NamedTuple

from archplan.build import prices_record
from archplan.errors import InputError
from archplan.findings import Path
from archplan.model import Prices

SHIPPED_TABLE = "prices-us-east-1.json"

# Fraction off the On-Demand rate when no price source gives one: the example values of the
# archplan format documentation, not AWS prices. AWS advertises "up to 66 %" (Compute Savings
# Plans) and "up to 72 %" (EC2 Instance Savings Plans, Reserved Instances) for 1- or 3-year terms.
DEFAULT_DISCOUNTS: dict[str, Decimal] = {
    "compute-savings-plan": Decimal("0.34"),
    "ec2-instance-savings-plan": Decimal("0.40"),
    "reserved-instances": Decimal("0.40"),
}
DEFAULT_DISCOUNT_SOURCE = (
    "archplan's illustrative default (the format documentation's example; AWS advertises up to "
    "66 % for Compute Savings Plans, up to 72 % for EC2 Instance Savings Plans and RIs)"
)

FROM_OPTION = "--prices"
FROM_FILE = "file"
FROM_SHIPPED = "shipped"
FROM_DEFAULT = "default"


class ShippedPrice(NamedTuple):
    on_demand: Decimal
    source: str  # the source's description
    date: str  # when the source was read (ISO date)
    note: str | None


class ShippedTable(NamedTuple):
    """archplan's sample price table."""

    region: str
    operating_system: str
    description: str
    prices: dict[str, ShippedPrice]

    @property
    def dates(self) -> tuple[str, str]:
        """The oldest and the newest date of the table's prices."""
        dates = sorted(price.date for price in self.prices.values())
        return dates[0], dates[-1]

    @property
    def label(self) -> str:
        oldest, newest = self.dates
        dated = oldest if oldest == newest else f"{oldest} to {newest}"
        return (
            f"archplan's shipped {self.region} {self.operating_system} On-Demand sample "
            f"({len(self.prices)} types; prices dated {dated}, from published sources; "
            "not current AWS prices)"
        )


class TypePrice(NamedTuple):
    """One instance type's prices and where they came from."""

    on_demand: Decimal
    spot: Decimal | None  # None: no Spot price given
    origin: str  # FROM_OPTION, FROM_FILE or FROM_SHIPPED
    source: str  # the text to show for the origin
    date: str | None  # the shipped table's date; None for prices given by the user


class Discount(NamedTuple):
    value: Decimal  # fraction off the On-Demand rate, 0..1
    origin: str  # FROM_OPTION, FROM_FILE or FROM_DEFAULT
    source: str


class PriceBook(NamedTuple):
    """Every price source for one run, consulted in order of precedence."""

    option: Prices | None  # --prices FILE
    option_name: str | None
    file: Prices | None  # the architecture file's prices:
    shipped: ShippedTable

    def price(self, instance_type: str) -> TypePrice | None:
        for prices, origin, source in (
            (self.option, FROM_OPTION, self._option_source()),
            (self.file, FROM_FILE, self._file_source()),
        ):
            if prices is not None and instance_type in prices.instance_types:
                entry = prices.instance_types[instance_type]
                return TypePrice(entry.on_demand, entry.spot, origin, source, None)
        shipped = self.shipped.prices.get(instance_type)
        if shipped is None:
            return None
        return TypePrice(shipped.on_demand, None, FROM_SHIPPED, shipped.source, shipped.date)

    def discount(self, commitment_type: str) -> Discount:
        for prices, origin, source in (
            (self.option, FROM_OPTION, self._option_source()),
            (self.file, FROM_FILE, self._file_source()),
        ):
            if prices is not None and commitment_type in prices.discounts:
                return Discount(prices.discounts[commitment_type], origin, source)
        return Discount(
            DEFAULT_DISCOUNTS.get(commitment_type, Decimal(0)),
            FROM_DEFAULT,
            DEFAULT_DISCOUNT_SOURCE,
        )

    def region_of(self, origin: str) -> str | None:
        """The Region the prices of `origin` are for (None: not said)."""
        if origin == FROM_OPTION and self.option is not None:
            return self.option.region
        if origin == FROM_FILE and self.file is not None:
            return self.file.region
        if origin == FROM_SHIPPED:
            return self.shipped.region
        return None

    def _option_source(self) -> str:
        name = self.option_name or "--prices"
        given = self.option.source if self.option is not None else None
        return f"--prices {name}" + (f" ({given})" if given else " (no source given)")

    def _file_source(self) -> str:
        given = self.file.source if self.file is not None else None
        return "the file's prices" + (f" ({given})" if given else " (no source given)")


def price_book(
    file_prices: Prices | None, option: Prices | None = None, option_name: str | None = None
) -> PriceBook:
    return PriceBook(option, option_name, file_prices, shipped_table())


@functools.cache
def shipped_table() -> ShippedTable:
    """The shipped table, read once from the package data."""
    # pkgutil rather than importlib.resources, whose import (tempfile, zipfile...) cost up to
    # 8 ms on every validation of a file with scaling groups; both read zipped packages too.
    data = pkgutil.get_data("archplan", f"data/{SHIPPED_TABLE}")
    if data is None:  # pragma: no cover - only a loader without get_data returns None
        raise RuntimeError(f"archplan's {SHIPPED_TABLE} is missing from the installation")
    raw: dict[str, Any] = json.loads(data.decode("utf-8"))
    sources: dict[str, str] = raw["sources"]
    return ShippedTable(
        region=raw["region"],
        operating_system=raw["operating_system"],
        description=raw["description"],
        prices={
            name: ShippedPrice(
                Decimal(entry["on_demand"]),
                sources[entry["source"]],
                entry["date"],
                entry.get("note"),
            )
            for name, entry in raw["instance_types"].items()
        },
    )


def load_prices_file(path: str, max_bytes: int) -> Prices:
    """Read a `--prices FILE`: YAML or JSON shaped like the architecture file's `prices:`
    (or a whole file with `prices:` at the top); a mistake is an InputError at its place."""
    from archplan import schema
    from archplan.decode import Decoder
    from archplan.loader import Mapping, Node, load
    from archplan.source import read_source

    document = load(read_source(path, max_bytes).text)
    root = document.root
    if not isinstance(root, Mapping):
        raise InputError(
            "a prices file is a mapping (region, source, instance_types, discounts)",
            root.span.line,
            root.span.column,
        )
    node: Node = root
    at: Path = ()
    if "prices" in root.entries:
        node, at = root.entries["prices"].value, ("prices",)
    for duplicate in document.duplicates:
        if duplicate.path[: len(at)] == at:
            raise InputError(
                f'duplicate key "{duplicate.path[-1]}"', duplicate.span.line, duplicate.span.column
            )
    decoder = Decoder()
    data = decoder.decode(node, schema.PRICES, at)
    places = [
        (
            problem.message,
            problem.span
            or document.span_at(
                problem.path,
                key=problem.on_key
                if problem.on_key is not None
                else isinstance(document.node_at(problem.path), Mapping),
            ),
        )
        for _, problem in decoder.problems
    ]
    places += [
        (problem.message, problem.span)
        for problem in document.type_problems
        if problem.path[: len(at)] == at
    ]
    if places:
        message, span = min(places, key=lambda place: (place[1].line, place[1].column))
        raise InputError(message, span.line, span.column)
    if data is None:  # pragma: no cover - the decoder reports why whenever it returns None
        raise InputError("not a prices mapping", node.span.line, node.span.column)
    return prices_record(data)
