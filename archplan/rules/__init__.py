"""All rules, registered on import; `RULES` maps each id to its Rule."""

from archplan.rules import addressing, routing, structure
from archplan.rules.registry import RULES, Problem, Related, Rule

__all__ = ["RULES", "Problem", "Related", "Rule", "addressing", "routing", "structure"]
