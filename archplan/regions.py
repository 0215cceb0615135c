"""AWS Region codes and Availability Zone names, to catch a misspelled Region or zone."""

from __future__ import annotations

import re

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
