"""All rules, registered on import; `RULES` maps each id to its Rule."""

from archplan.rules import (
    addressing,
    api_gateway,
    containers,
    endpoints,
    functions,
    importing,
    kubernetes,
    peering,
    routing,
    scaling,
    scaling_inputs,
    structure,
    suppression,
    transit,
)
from archplan.rules.registry import RULES, Problem, Related, Rule

__all__ = [
    "RULES",
    "Problem",
    "Related",
    "Rule",
    "addressing",
    "api_gateway",
    "containers",
    "endpoints",
    "functions",
    "importing",
    "kubernetes",
    "peering",
    "routing",
    "scaling",
    "scaling_inputs",
    "structure",
    "suppression",
    "transit",
]
