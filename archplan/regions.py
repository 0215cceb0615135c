"""AWS Region codes and Availability Zone names, to catch a misspelled Region or zone."""

from __future__ import annotations

import json
import pkgutil
import re
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

# Commercial, GovCloud and China Regions as listed by AWS ("Regions and Zones", EC2 User Guide).
# A Region missing here is only a warning, so a new Region does not break anyone's build.
KNOWN_REGIONS: frozenset[str] = frozenset(
    {
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2",
        "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
        "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6",
        "ap-southeast-7", "ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1",
        "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1",
        "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
        "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1",
        "us-west-2",
    }
)  # fmt: skip

# An AZ ID (use1-az1) names the same zone in every account; it starts with a short Region code.
# Local Zone IDs add the zone's group: use1-bos1-az1.
_ZONE_ID = re.compile(r"^([a-z]{2,7}\d)-(?:[a-z]+\d+-)?az\d+$")
_WORD_CODES = {
    "east": "e", "west": "w", "north": "n", "south": "s", "central": "c", "gov": "g",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip


def zone_id_prefix(region: str) -> str:
    """The AZ ID prefix of a Region: us-east-1 -> use1, ap-northeast-2 -> apne2, us-gov-west-1 -> usgw1."""
    country, *words, number = region.split("-")
    return country + "".join(_WORD_CODES.get(word, word) for word in words) + number


def zone_in_region(zone: str, region: str) -> bool:
    """Whether an AZ name (us-east-1a), Local Zone (us-east-1-bos-1a) or AZ ID fits the Region."""
    zone_id = _ZONE_ID.match(zone)
    if zone_id:
        # A Region archplan does not know may use a code it cannot derive: give it the benefit.
        return region not in KNOWN_REGIONS or zone_id.group(1) == zone_id_prefix(region)
    if not zone.startswith(region):
        return False
    rest = zone[len(region) :]
    # us-east-1a; Local Zones us-east-1-bos-1a; Wavelength Zones us-east-1-wl1-bos-wlz-1.
    return bool(re.fullmatch(r"[a-z]|(-[a-z0-9]+)+", rest))


# -- zone notations -------------------------------------------------------------------------
# A zone is written either as a name (us-east-1a, Local Zone us-west-2-lax-1a) or as an AZ ID
# (use1-az1). AWS maps names to IDs differently in each account, so a name and an ID can never
# be compared: two zones are known to be the same, or different, only in one notation.

NAME = "name"
ZONE_ID = "id"

# A Local Zone name: the Region, the zone group's city code and number, a letter
# (us-west-2-lax-1a); its ID adds the city to the AZ ID (usw2-lax1-az1). Wavelength Zones
# (us-east-1-wl1-bos-wlz-1) are not Local Zones.
_LOCAL_ZONE_NAME = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+-(?!wl\d)[a-z]+-\d+[a-z]$")
_LOCAL_ZONE_ID = re.compile(r"^[a-z]{2,7}\d-(?!wl\d)[a-z]+\d+-az\d+$")


# An Availability Zone proper: a Region's name and a letter (us-east-1a), or an AZ ID without a
# zone group (use1-az1). Local Zones and Wavelength Zones extend a Region from a city; they
# are not Availability Zones: they do not count for N+1 or for "more than one zone".
_AZ_NAME = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+[a-z]$")
_AZ_ID = re.compile(r"^[a-z]{2,7}\d-az\d+$")


def is_availability_zone(zone: str) -> bool:
    """us-east-1a or use1-az1; not a Local Zone (us-west-2-lax-1a, usw2-lax1-az1) nor a
    Wavelength Zone (us-east-1-wl1-bos-wlz-1)."""
    return bool(_AZ_NAME.match(zone) or _AZ_ID.match(zone))


def notation(zone: str) -> str:
    """Whether a zone is written as an AZ ID or as a name."""
    return ZONE_ID if _ZONE_ID.match(zone) else NAME


def is_local_zone(zone: str) -> bool:
    """Whether a zone is a Local Zone (us-west-2-lax-1a, usw2-lax1-az1)."""
    return bool(_LOCAL_ZONE_NAME.match(zone) or _LOCAL_ZONE_ID.match(zone))


def known_distinct(zones: Iterable[str]) -> tuple[str, ...]:
    """The zones of a set that are surely different zones, sorted: all of them in one notation;
    when names and IDs are mixed, those of the notation with more zones (names on a tie),
    since each zone of the other notation may be one of them. Counts made from it (N for
    surviving the loss of a zone, "all in one zone") are the fewest zones the set can span."""
    by_notation: dict[str, set[str]] = {NAME: set(), ZONE_ID: set()}
    for zone in zones:
        by_notation[notation(zone)].add(zone)
    names, ids = by_notation[NAME], by_notation[ZONE_ID]
    return tuple(sorted(names if len(names) >= len(ids) else ids))


def may_be_among(zone: str, zones: Iterable[str]) -> bool:
    """Whether `zone` is, or may be, one of `zones`: it is listed, or some zone is written in
    the other notation and could be the same zone."""
    return any(other == zone or _may_be_same(zone, other) for other in zones)


def _may_be_same(first: str, second: str) -> bool:
    """Whether two zones in different notations can be one zone: both Local Zones or neither,
    and the name's Region is the one the ID's prefix stands for (when both are known)."""
    if notation(first) == notation(second) or is_local_zone(first) != is_local_zone(second):
        return False
    name, zone_id = (first, second) if notation(first) == NAME else (second, first)
    region = _region_of_name(name)
    return region is None or zone_in_region(zone_id, region)


def _region_of_name(name: str) -> str | None:
    """The known Region of a zone name (us-west-2-lax-1a -> us-west-2), else None."""
    for region in sorted(KNOWN_REGIONS, key=len, reverse=True):
        if name.startswith(region) and zone_in_region(name, region):
            return region
    return None


# A Region archplan does not list yet: country, words, number (xx-newregion-1, us-gov-west-1).
_REGION_OF_NAME = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)(?:[a-z]|(?:-[a-z0-9]+)+)$")


def region_of_zone(zone: str) -> str | None:
    """The Region of a zone name: us-east-1a, Local Zone us-east-1-bos-1a and Wavelength Zone
    us-east-1-wl1-bos-wlz-1 -> us-east-1. None for an AZ ID (use1-az1), which names no Region
    archplan can spell out, and for what is not a zone name."""
    if notation(zone) == ZONE_ID:
        return None
    known = _region_of_name(zone)
    if known is not None:
        return known
    match = _REGION_OF_NAME.match(zone)
    return match.group(1) if match else None


def describe(zones: Iterable[str]) -> str:
    """Zones for a message, saying when names and IDs are mixed."""
    listed = sorted(set(zones))
    text = ", ".join(listed)
    if len({notation(zone) for zone in listed}) > 1:
        text += " (AZ names and AZ IDs, which may be the same zone)"
    return text


# -- zones that exist ----------------------------------------------------------------------
# archplan/data/zones.json: per Region, the zone letters (the union over accounts) and the
# number of AZ IDs, dated and sourced. Read on first use so that start-up stays light.


class RegionZones(NamedTuple):
    """The Availability Zones a Region has: name letters and AZ ID numbers 1..az_ids."""

    letters: str
    az_ids: int

    def names(self, region: str) -> str:
        """The zone names for a message: us-east-1a to us-east-1f."""
        return f"{region}{self.letters[0]} to {region}{self.letters[-1]}"

    def ids(self, region: str) -> str:
        """The AZ IDs for a message: use1-az1 to use1-az6."""
        prefix = zone_id_prefix(region)
        return f"{prefix}-az1 to {prefix}-az{self.az_ids}"


class ZoneTable(NamedTuple):
    date: str
    regions: dict[str, RegionZones]


@cache
def zone_table() -> ZoneTable:
    """The shipped zone table."""
    data = pkgutil.get_data("archplan", "data/zones.json")
    if data is None:  # pragma: no cover - only a loader without get_data returns None
        raise RuntimeError("archplan's zones.json is missing from the installation")
    raw = json.loads(data.decode("utf-8"))
    return ZoneTable(
        date=raw["date"],
        regions={
            region: RegionZones(entry["letters"], entry["az_ids"])
            for region, entry in raw["regions"].items()
        },
    )


_AZ_ID_NUMBER = re.compile(r"^[a-z]{2,7}\d-az(\d+)$")


@cache
def zone_exists(zone: str, region: str) -> bool:
    """Whether `zone` is a zone of `region` that the Region has: false for another Region's
    zone (AP114) and for one the Region lacks (AP117); what the table cannot check (a Region it
    does not list, Local and Wavelength Zones) counts as existing."""
    return zone_in_region(zone, region) and missing_zone(zone, region) is None


def missing_zone(zone: str, region: str) -> RegionZones | None:
    """The Region's zones when `zone`, a zone of `region` (AP114 checked that), does not exist
    there; None when it exists or archplan cannot tell: a Region the table lacks, a Local Zone
    or Wavelength Zone (us-east-1-bos-1a, use1-bos1-az1), anything not a plain AZ."""
    zones = zone_table().regions.get(region)
    if zones is None or not zone_in_region(zone, region):
        return None
    if notation(zone) == ZONE_ID:
        number = _AZ_ID_NUMBER.match(zone)
        return zones if number and not 1 <= int(number.group(1)) <= zones.az_ids else None
    rest = zone[len(region) :]
    return zones if len(rest) == 1 and rest not in zones.letters else None
