"""API Gateway rules (AP601-AP606), a module per topic.

throttling: stage and route throttling against the account quota. timeouts: integration
timeouts. backends: whether the backend's capacity takes what the API admits. The rules'
domain is "api_gateway", whichever module they sit in."""

# A rule registers when its module is imported: in id order, the order rules run in.
# isort: off
from archplan.rules.api_gateway import throttling
from archplan.rules.api_gateway import timeouts
from archplan.rules.api_gateway import backends
# isort: on

__all__ = ["backends", "throttling", "timeouts"]
