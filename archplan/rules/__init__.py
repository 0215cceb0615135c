"""All rules, registered on import; `RULES` maps each id to its Rule."""

from archplan.rules import addressing, endpoints, peering, routing, structure, transit
from archplan.rules.registry import RULES, Problem, Related, Rule

__all__ = [
    "RULES",
    "Problem",
    "Related",
    "Rule",
    "addressing",
    "endpoints",
    "peering",
    "routing",
    "structure",
    "transit",
]
