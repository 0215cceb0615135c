"""Protocol, port range and ICMP type/code values as the EC2 API, CloudFormation and Terraform
write them, to format 1's: one reading for every importer."""

from __future__ import annotations

from typing import Any

# Protocol values of the EC2 API (names or numbers) to format 1's.
PROTOCOLS = {
    "-1": "all",
    "all": "all",
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "icmp": "icmp",
    "1": "icmp",
    "icmpv6": "icmpv6",
    "58": "icmpv6",
}


def protocol(value: Any) -> str | int | None:
    """Format 1's protocol for an API value, or None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    shown = str(value).strip().lower()
    if shown in PROTOCOLS:
        return PROTOCOLS[shown]
    try:
        number = int(shown)
    except ValueError:
        return None
    return number if 0 <= number <= 255 else None


def ports(protocol_name: str | int, first: Any, last: Any) -> int | str | None:
    """Format 1's ports for a TCP or UDP rule (None for other protocols or unreadable)."""
    if protocol_name not in ("tcp", "udp"):
        return None
    try:
        low, high = int(str(first)), int(str(last))
    except ValueError:
        return None
    if low == -1 or (low, high) == (0, 65535):
        return "all"
    if not 0 <= low <= high <= 65535:
        return None
    return low if low == high else f"{low}-{high}"


def icmp(protocol_name: str | int, kind: Any, code: Any) -> dict[str, int] | None:
    if protocol_name not in ("icmp", "icmpv6"):
        return None
    try:
        kind_number = int(str(kind))
    except ValueError:
        return None
    if kind_number == -1:
        return None
    body = {"type": kind_number}
    try:
        code_number = int(str(code))
    except ValueError:
        return body
    if code_number != -1:
        body["code"] = code_number
    return body
