"""An Answer as text or JSON: both directions hop by hop, each hop with the file:line:col of
the route, rule or object that carried or dropped the packet."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from archplan.findings import Path
from archplan.loader import Document
from archplan.network import Intent
from archplan.reach.hops import Leg
from archplan.reach.intent import holds
from archplan.reach.query import Answer, describe_packet

HEADLINE = {
    "reachable": "reachable",
    "unreachable": "NOT reachable",
    "unknown": "cannot tell: depends on what the file does not say",
}


def _where(document: Document, name: str, path: Path | None) -> str:
    if path is None:
        return ""
    span = document.span_at(path, key=True)
    return f"{name}:{span.line}:{span.column}"


def _wrap(text: str, width: int, indent: int) -> list[str]:
    """One entry laid out for `width` columns, continuation lines under its text; a word
    longer than a line (a file:line:col) is never broken."""
    return textwrap.wrap(
        text,
        width,
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [text]


def _intent_line(answer: Answer, intent: Intent | None) -> str:
    if intent is None:
        return ""
    if answer.verdict == "unknown":
        return f"the file's intent expects {intent.expect}: cannot tell whether it holds"
    if holds(answer, intent):
        return f"matches the file's intent (expect: {intent.expect}): nothing to fix"
    return f"the file's intent expects {intent.expect}: it does not hold"


def _fix_wanted(answer: Answer, intent: Intent | None) -> bool:
    """No fix for a drop the file's own intent asks for."""
    return not (intent is not None and intent.expect == "unreachable")


def _leg_text(
    title: str, leg: Leg, document: Document, name: str, width: int, fixes: bool = True
) -> list[str]:
    lines = [f"{title}:"]
    for index, hop in enumerate(leg.hops, 1):
        where = _where(document, name, hop.path)
        text = f"  {index:>2}. {hop.text}" + (f"  [{where}]" if where else "")
        lines += _wrap(text, width, 6)
    if leg.delivered is False:
        where = _where(document, name, leg.blame)
        lines += _wrap(f"  dropped: {leg.reason}" + (f"  [{where}]" if where else ""), width, 4)
        if leg.fix and fixes:
            lines += _wrap(f"  fix: {leg.fix}", width, 4)
    elif leg.delivered is None and leg.reason:
        where = _where(document, name, leg.blame)
        lines += _wrap(
            f"  cannot tell from here: {leg.reason}" + (f"  [{where}]" if where else ""), width, 4
        )
    for assumption in leg.assumptions:
        lines += _wrap(f"  depends on: {assumption}", width, 4)
    for caveat in leg.caveats:
        lines += _wrap(f"  note: {caveat}", width, 4)
    return lines


def render_text(
    answer: Answer,
    document: Document,
    name: str,
    width: int = 100,
    intent: Intent | None = None,
) -> str:
    asked = "any traffic" if answer.any_traffic else describe_packet(answer)
    lines = _wrap(
        f"{answer.source} -> {answer.destination} ({asked}): {HEADLINE[answer.verdict]}",
        width,
        2,
    )
    if answer.any_traffic:
        shown = {
            "reachable": "the first packet tried that gets through",
            "unreachable": "no protocol or port gets through; one of the packets tried",
            "unknown": "one of the packets tried",
        }[answer.verdict]
        lines += _wrap(f"{shown}: {describe_packet(answer)}", width, 2)
    if intent is not None:
        where = _where(document, name, intent.path)
        lines += _wrap(_intent_line(answer, intent) + f"  [{where}]", width, 2)
    if answer.asymmetric:
        lines += _wrap(
            "the reply takes a different path through a stateful inspection point "
            "(asymmetric routing)",
            width,
            0,
        )
    fixes = _fix_wanted(answer, intent)
    lines += _leg_text("forward", answer.forward, document, name, width, fixes)
    if answer.reply is not None:
        lines += _leg_text("return", answer.reply, document, name, width, fixes)
    return "\n".join(lines) + "\n"


def _leg_json(leg: Leg, document: Document, name: str, fixes: bool = True) -> dict[str, Any]:
    def place(path: Path | None) -> dict[str, Any] | None:
        if path is None:
            return None
        span = document.span_at(path, key=True)
        return {"file": name, "line": span.line, "column": span.column}

    result: dict[str, Any] = {
        "delivered": leg.delivered,
        "hops": [{"component": hop.text, "location": place(hop.path)} for hop in leg.hops],
    }
    if leg.delivered is False:
        fix = leg.fix if fixes else ""
        result["dropped"] = {"why": leg.reason, "fix": fix, "location": place(leg.blame)}
    elif leg.delivered is None and leg.reason:
        result["stopped"] = {"why": leg.reason, "location": place(leg.blame)}
    result["depends_on"] = list(leg.assumptions)
    result["notes"] = list(leg.caveats)
    return result


def render_json(answer: Answer, document: Document, name: str, intent: Intent | None = None) -> str:
    from archplan.network import protocol_name

    fixes = _fix_wanted(answer, intent)
    stated = None
    if intent is not None:
        span = document.span_at(intent.path, key=True)
        stated = {
            "expect": intent.expect,
            "holds": holds(answer, intent),
            "location": {"file": name, "line": span.line, "column": span.column},
        }
    data = {
        "from": answer.source,
        "to": answer.destination,
        "protocol": protocol_name(answer.protocol),
        "port": answer.port,
        "verdict": answer.verdict,
        "asymmetric": answer.asymmetric,
        "any_traffic": answer.any_traffic,
        "intent": stated,
        "forward": _leg_json(answer.forward, document, name, fixes),
        "return": _leg_json(answer.reply, document, name, fixes) if answer.reply else None,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
