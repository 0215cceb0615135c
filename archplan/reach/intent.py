"""The file's own intent for the question `archplan reach` was asked, if it states one: an
answer that matches an intent expecting unreachable needs no fix (the file wants it so), and
`reach` succeeds (exit 0) when the answer is the one the intent wants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archplan.model import Architecture
from archplan.network import TCP, Intent
from archplan.reach.places import Place, Unresolved, resolve

if TYPE_CHECKING:
    from archplan.reach.query import Answer


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
    """The first intent about the same two places and the same packet. An intent without a
    port or protocol that expects unreachable says nothing gets through, so it speaks for
    every packet; one that expects reachable says something does, which a question about one
    packet cannot answer: it speaks only for a question as open as itself."""
    if protocol is None and port is not None:
        protocol = TCP
    for intent in architecture.reachability:
        if intent.port is not None and intent.port != port:
            continue
        if intent.protocol is not None and intent.protocol != protocol:
            continue
        wider = (intent.port is None and port is not None) or (
            intent.protocol is None and protocol is not None
        )
        if wider and intent.expect != "unreachable":
            continue
        ends = (resolve(architecture, intent.source), resolve(architecture, intent.destination))
        if isinstance(ends[0], Unresolved) or isinstance(ends[1], Unresolved):
            continue
        if _same(ends[0], source) and _same(ends[1], destination):
            return intent
    return None


def holds(answer: Answer, intent: Intent) -> bool | None:
    """Whether the answer is the one the intent expects; None when it cannot tell (validate's
    AP790 then reports nothing either way)."""
    if answer.verdict == "unknown":
        return None
    return (intent.expect == "reachable") == (answer.verdict == "reachable")


def succeeded(answer: Answer, intent: Intent | None) -> bool:
    """What `reach` exits 0 for: without an intent for the question, the packet gets there and
    back; with one, the answer is the one it expects (as AP790 then has nothing to report).
    "Cannot tell" never succeeds: nothing shows the wanted answer."""
    if intent is None:
        return answer.verdict == "reachable"
    return holds(answer, intent) is True
