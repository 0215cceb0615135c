"""An Answer as text or JSON: both directions hop by hop, each hop with the file:line:col of
the route, rule or object that carried or dropped the packet."""

from __future__ import annotations

import json
from typing import Any

from archplan.findings import Path
from archplan.loader import Document
from archplan.reach.hops import Leg
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


def _leg_text(title: str, leg: Leg, document: Document, name: str) -> list[str]:
    lines = [f"{title}:"]
    for index, hop in enumerate(leg.hops, 1):
        where = _where(document, name, hop.path)
        lines.append(f"  {index:>2}. {hop.text}" + (f"  [{where}]" if where else ""))
    if leg.delivered is False:
        where = _where(document, name, leg.blame)
        lines.append(f"  dropped: {leg.reason}" + (f"  [{where}]" if where else ""))
        if leg.fix:
            lines.append(f"  fix: {leg.fix}")
    for assumption in leg.assumptions:
        lines.append(f"  depends on: {assumption}")
    for caveat in leg.caveats:
        lines.append(f"  note: {caveat}")
    return lines


def render_text(answer: Answer, document: Document, name: str) -> str:
    lines = [
        f"{answer.source} -> {answer.destination} ({describe_packet(answer)}): "
        f"{HEADLINE[answer.verdict]}"
    ]
    if answer.asymmetric:
        lines.append(
            "the reply takes a different path through a stateful inspection point "
            "(asymmetric routing)"
        )
    lines += _leg_text("forward", answer.forward, document, name)
    if answer.reply is not None:
        lines += _leg_text("return", answer.reply, document, name)
    return "\n".join(lines) + "\n"


def _leg_json(leg: Leg, document: Document, name: str) -> dict[str, Any]:
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
        result["dropped"] = {"why": leg.reason, "fix": leg.fix, "location": place(leg.blame)}
    result["depends_on"] = list(leg.assumptions)
    result["notes"] = list(leg.caveats)
    return result


def render_json(answer: Answer, document: Document, name: str) -> str:
    from archplan.network import protocol_name

    data = {
        "from": answer.source,
        "to": answer.destination,
        "protocol": protocol_name(answer.protocol),
        "port": answer.port,
        "verdict": answer.verdict,
        "asymmetric": answer.asymmetric,
        "forward": _leg_json(answer.forward, document, name),
        "return": _leg_json(answer.reply, document, name) if answer.reply else None,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
