"""Fargate and Lambda prices, each with where it came from: `--prices FILE`, then the file's
`prices:`, then archplan's shipped, dated us-east-1 table
(archplan/data/prices-containers-us-east-1.json). Nothing is fetched from the network.
"""

from __future__ import annotations

import functools
import json
import pkgutil
from decimal import Decimal
from typing import Any, NamedTuple

from archplan.model import Prices

SHIPPED = "prices-containers-us-east-1.json"


class Priced(NamedTuple):
    value: Decimal
    source: str  # the text to show for where it comes from
    date: str | None  # the shipped table's date; None for prices given by the user


@functools.cache
def shipped() -> dict[str, Any]:
    data = pkgutil.get_data("archplan", f"data/{SHIPPED}")
    if data is None:  # pragma: no cover - only a loader without get_data returns None
        raise RuntimeError(f"archplan's {SHIPPED} is missing from the installation")
    table: dict[str, Any] = json.loads(data.decode("utf-8"))
    return table


class ContainerPrices(NamedTuple):
    """Every source of Fargate and Lambda prices for one run."""

    option: Prices | None
    option_name: str | None
    file: Prices | None

    def _find(self, section: str, key: str) -> Priced:
        for prices, source in (
            (self.option, f"--prices {self.option_name or 'FILE'}"),
            (self.file, "the file's prices"),
        ):
            record = None
            if prices is not None:
                record = prices.fargate if section == "fargate" else prices.lambda_
            value = getattr(record, key, None) if record is not None else None
            if value is not None:
                given = prices.source if prices is not None else None
                return Priced(value, source + (f" ({given})" if given else ""), None)
        entry = shipped()[section][key]
        return Priced(Decimal(entry["price"]), entry["source"], entry["date"])

    def fargate_rates(self, architecture: str) -> tuple[Decimal, Decimal]:
        """(per vCPU-hour, per GB-hour) for Linux tasks of `architecture`."""
        prefix = "arm_" if architecture == "arm64" else ""
        return (
            self._find("fargate", f"{prefix}vcpu_hour").value,
            self._find("fargate", f"{prefix}gb_hour").value,
        )

    @property
    def fargate_spot_discount(self) -> Priced:
        return self._find("fargate", "spot_discount")

    def lambda_rates(self, architecture: str) -> tuple[Decimal, Decimal]:
        """(per GB-second, per million requests) for functions of `architecture`."""
        prefix = "arm_" if architecture == "arm64" else ""
        return (
            self._find("lambda", f"{prefix}gb_second").value,
            self._find("lambda", "requests_per_million").value,
        )

    def sources(self) -> dict[str, Priced]:
        """Every price the plan may use, by `section.key`, with its source."""
        return {
            f"{section}.{key}": self._find(section, key)
            for section in ("fargate", "lambda")
            for key in shipped()[section]
        }
