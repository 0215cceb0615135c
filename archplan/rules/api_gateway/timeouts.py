"""Integration timeouts outside what API Gateway allows."""

from __future__ import annotations

from collections.abc import Iterator

from archplan.findings import Severity
from archplan.model import Architecture
from archplan.rules.registry import Problem, rule

ERROR = Severity.ERROR


# Integration timeouts in milliseconds (Amazon API Gateway Developer Guide, "Amazon API Gateway
# quotas", https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html; API Gateway
# V2 API TimeoutInMillis: "between 50 and 30,000 milliseconds for HTTP APIs").
TIMEOUTS = {"rest": (50, 29_000), "http": (50, 30_000)}


@rule(
    "AP604",
    "api-integration-timeout",
    ERROR,
    "An integration timeout outside 50 ms-29 s (REST) or 50 ms-30 s (HTTP).",
)
def api_integration_timeout(architecture: Architecture) -> Iterator[Problem]:
    """API Gateway waits for an integration between 50 ms and 29 s on a REST API, and between
    50 ms and 30 s on an HTTP API.

    Outside those bounds AWS refuses the setting. A backend that needs longer should answer
    at once and finish the work asynchronously. Regional and private REST APIs (`endpoint:
    regional` or `private`) can have more than 29 s through a quota increase (which may lower
    the account's throttle quota): record it with `quotas: {api_gateway_rest_timeout_ms: N}`.
    Edge-optimized REST APIs (AWS's default endpoint type, also when `endpoint` is not
    written) and HTTP APIs cannot.

    Changed: added `endpoint` and the quota `api_gateway_rest_timeout_ms`: a Regional
    or private REST API's timeout is checked against the raised quota.

    Fails:
        api_gateways:
          public:
            region: us-east-1
            type: rest
            routes:
              "POST /reports": {timeout_ms: 60000}

    Passes:
        api_gateways:
          public:
            region: us-east-1
            type: rest
            routes:
              "POST /reports": {timeout_ms: 29000}

    References:
        Amazon API Gateway Developer Guide, "Amazon API Gateway quotas" <https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html>
        Amazon API Gateway Developer Guide, "API endpoint types for REST APIs in API Gateway" <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-endpoint-types.html>
    """
    raised = architecture.quotas.get("api_gateway_rest_timeout_ms", TIMEOUTS["rest"][1])
    if architecture.is_rejected("quotas", "api_gateway_rest_timeout_ms"):
        return  # written but rejected: AWS's default is not the user's quota
    for gateway in architecture.api_gateways.values():
        if architecture.is_rejected(*gateway.path, "type") or architecture.is_rejected(
            *gateway.path, "endpoint"
        ):
            continue  # the limits depend on the kind of API, which is not known
        low, high = TIMEOUTS.get(gateway.type, TIMEOUTS["rest"])
        kind = "an HTTP API" if gateway.type == "http" else "a REST API"
        raise_note = ""
        if gateway.type == "rest" and gateway.endpoint in ("regional", "private"):
            high = max(high, raised)
            kind = f"a {gateway.endpoint.capitalize()} REST API"
            raise_note = (
                "; record a raised quota with quotas: {api_gateway_rest_timeout_ms: N}"
                if "api_gateway_rest_timeout_ms" not in architecture.quotas_set
                else ""
            )
        elif gateway.type == "rest":
            shown = (
                "an edge-optimized"
                if gateway.endpoint == "edge"
                else "an edge-optimized (AWS's default)"
            )
            kind = f"{shown} REST API"
            raise_note = (
                "; only a Regional or private REST API (endpoint: regional or private) can go "
                "past 29 s, with a quota increase"
            )
        for route in gateway.routes.values():
            timeout = route.timeout_ms
            if timeout is None or low <= timeout <= high:
                continue
            yield Problem(
                f'route "{route.key}" of API "{gateway.name}" has an integration timeout of '
                f"{timeout} ms; {kind} accepts {low} ms to {high} ms"
                f"{raise_note if timeout > high else ''}",
                (*route.path, "timeout_ms"),
            )
