"""The file's own intent for the question `archplan reach` was asked, if it states one: an
answer that matches an intent expecting unreachable needs no fix (the file wants it so)."""

from __future__ import annotations

from archplan.model import Architecture
from archplan.network import TCP, Intent
from archplan.reach.places import Place, Unresolved, resolve


def _same(left: Place, right: Place) -> bool:
    return (left.kind, left.name, left.vpc, left.block) == (
        right.kind,
        right.name,
        right.vpc,
        right.block,
    )


def matching(
    architecture: Architecture,
    source: Place,
    destination: Place,
    protocol: int | None,
    port: int | None,
) -> Intent | None:
    """The first intent about the same two places and the same packet (an intent without a
    port or protocol speaks for every one; a question without them matches only such)."""
    if protocol is None and port is not None:
        protocol = TCP
    for intent in architecture.reachability:
        if intent.port is not None and intent.port != port:
            continue
        if intent.protocol is not None and intent.protocol != protocol:
            continue
        ends = (resolve(architecture, intent.source), resolve(architecture, intent.destination))
        if isinstance(ends[0], Unresolved) or isinstance(ends[1], Unresolved):
            continue
        if _same(ends[0], source) and _same(ends[1], destination):
            return intent
    return None
