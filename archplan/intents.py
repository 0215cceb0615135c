"""`reachability:` intents: decoded entries to Intent records, each FROM and TO checked to name
something (AP005) and only one thing (AP006). Whether they hold is rule AP790's job."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archplan.decode import INVALID_VALUE
from archplan.findings import Path
from archplan.network import PROTOCOLS, TCP, Intent
from archplan.reach.places import Unresolved, resolve

if TYPE_CHECKING:
    from archplan.build import Builder
    from archplan.model import Architecture


def build_intents(
    builder: Builder, raw: list[dict[str, Any]], architecture: Architecture
) -> tuple[Intent, ...]:
    intents = []
    for index, entry in enumerate(raw):
        path: Path = ("reachability", index)
        ends = []
        for key in ("from", "to"):
            text = entry.get(key)
            if text is None:
                continue
            place = resolve(architecture, text)
            if isinstance(place, Unresolved):
                rule_id = INVALID_VALUE if place.ambiguous else "AP005"
                builder.report(rule_id, place.message, (*path, key))
                continue
            ends.append(text)
        written_wrong = any(rejected[:2] == path for rejected in builder.rejected)
        if len(ends) != 2 or "expect" not in entry or written_wrong:
            continue  # an intent with a rejected value is not checked on a default
        written = entry.get("protocol")
        protocol = PROTOCOLS[written] if isinstance(written, str) else written
        port = entry.get("port")
        if protocol is None and port is not None:
            protocol = TCP  # a port alone means TCP, as in `archplan reach --port`
        intents.append(Intent(ends[0], ends[1], port, protocol, entry["expect"], path))
    return tuple(intents)
