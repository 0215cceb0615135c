"""API Gateway rules: throttling against the account quota and the stage, timeouts, backends."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from archplan.capacity.serving import served_by
from archplan.findings import Path, Severity
from archplan.model import ApiGateway, ApiRoute, Architecture, ScalingGroup, Throttle
from archplan.quotas import DEFAULTS
from archplan.rules.registry import Problem, Related, quota_related, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING

# Regions where API Gateway's account throttle defaults to 2,500 requests/s and a burst of
# 1,250 instead of 10,000 / 5,000: Africa (Cape Town), Europe (Milan), Asia Pacific (Jakarta),
# Middle East (UAE), Asia Pacific (Hyderabad), Asia Pacific (Melbourne), Europe (Spain),
# Europe (Zurich), Israel (Tel Aviv), Canada West (Calgary), Asia Pacific (Malaysia),
# Asia Pacific (Thailand), Mexico (Central). These are defaults, not quotas a file sets:
# `quotas: {api_gateway_rate, api_gateway_burst}` override them everywhere.
# Source: Amazon API Gateway Developer Guide, "Amazon API Gateway quotas"
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html); the 2023 guide
# listed Cape Town and Milan only.
REDUCED_QUOTA_REGIONS: frozenset[str] = frozenset(
    {
        "af-south-1", "eu-south-1", "ap-southeast-3", "me-central-1", "ap-south-2",
        "ap-southeast-4", "eu-south-2", "eu-central-2", "il-central-1", "ca-west-1",
        "ap-southeast-5", "ap-southeast-7", "mx-central-1",
    }
)  # fmt: skip
REDUCED_DEFAULTS = {"api_gateway_rate": 2500, "api_gateway_burst": 1250}

# Integration timeouts in milliseconds (aws-network-rules.md §7.3; API Gateway V2 API
# TimeoutInMillis: "between 50 and 30,000 milliseconds for HTTP APIs").
TIMEOUTS = {"rest": (50, 29_000), "http": (50, 30_000)}

RATE, BURST = "rate", "burst"
QUOTA_OF = {RATE: "api_gateway_rate", BURST: "api_gateway_burst"}
UNIT_OF = {RATE: "requests/s", BURST: "requests"}


def _n(value: Decimal | int) -> str:
    """A number as a person writes it: 1440, 2.5 (no exponent, no trailing zeros)."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class _Limit(NamedTuple):
    """A throttle setting as written: on which stage or route, which field, where."""

    owner: str  # 'the stage of API "x"' or 'route "GET /a" of API "x"'
    field: str  # RATE or BURST
    value: Decimal
    path: Path


def _limits(gateway: ApiGateway) -> Iterator[_Limit]:
    """Every rate and burst written on the gateway's stage and routes, in file order."""
    settings: list[tuple[str, Throttle, Path]] = [
        (f'the stage of API "{gateway.name}"', gateway.throttle, (*gateway.path, "throttle"))
    ]
    settings += [
        (f'route "{route.key}" of API "{gateway.name}"', route.throttle, route.path)
        for route in gateway.routes.values()
    ]
    for owner, throttle, path in settings:
        for field, value in ((RATE, throttle.rate), (BURST, throttle.burst)):
            if value is not None:
                yield _Limit(owner, field, Decimal(value), (*path, field))


def _account_default(region: str | None, field: str) -> int:
    """AWS's default account throttle for a Region (the reduced one where it applies)."""
    quota = QUOTA_OF[field]
    return REDUCED_DEFAULTS[quota] if region in REDUCED_QUOTA_REGIONS else DEFAULTS[quota]


def _account_limit(architecture: Architecture, region: str | None, field: str) -> int:
    """The account throttle in force: the file's quota when it sets one, else AWS's default."""
    quota = QUOTA_OF[field]
    if quota in architecture.quotas_set:
        return architecture.quotas[quota]
    return _account_default(region, field)


@rule(
    "AP601",
    "api-throttle-quota",
    WARNING,
    "A stage or route throttle above the account's API Gateway quota.",
)
def api_throttle_quota(architecture: Architecture) -> Iterator[Problem]:
    """Stage and route throttles cannot go past the account's throttle for the Region, which
    all HTTP, REST and WebSocket APIs of the account share: 10,000 requests/s with a burst of
    5,000 by default.

    AWS accepts a higher setting, and it simply has no effect: it only looks like headroom,
    and requests beyond the account limit get `429 Too Many Requests` whatever the stage
    says. The account's rate can be raised on request: if AWS raised yours, record it with
    `quotas: {api_gateway_rate: N}`. The account's burst cannot be requested: AWS sets it
    from the rate quota (record what AWS set with `quotas: {api_gateway_burst: M}`);
    otherwise lower the setting. (In the Regions with reduced defaults, a setting between
    their 2,500 / 1,250 and 10,000 / 5,000 is api-throttle-reduced-region.)

    Changed: lowered the severity from error to warning (AWS accepts the setting; it
    has no effect), and the advice no longer suggests asking AWS to raise the burst.

    Fails:
        api_gateways:
          public:
            region: us-east-1
            type: http
            throttle: {rate: 12000, burst: 5000}

    Passes:
        quotas: {api_gateway_rate: 15000}
        api_gateways:
          public:
            region: us-east-1
            type: http
            throttle: {rate: 12000, burst: 5000}

    References:
        Amazon API Gateway Developer Guide, "Amazon API Gateway quotas" <https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html>
        Amazon API Gateway Developer Guide, "Throttle requests to your REST APIs for better throughput in API Gateway" <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html>
        Amazon API Gateway Developer Guide, "Throttle requests to your HTTP APIs for better throughput in API Gateway" <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html>
    """
    for gateway in architecture.api_gateways.values():
        for limit in _limits(gateway):
            quota = QUOTA_OF[limit.field]
            configured = quota in architecture.quotas_set
            ceiling = architecture.quotas[quota] if configured else DEFAULTS[quota]
            if limit.value <= ceiling:
                continue
            in_force = _account_limit(architecture, gateway.region, limit.field)
            where = gateway.region or "this Region"
            if configured:
                source = "the quota set in this file"
            elif gateway.region in REDUCED_QUOTA_REGIONS:
                source = f"AWS's default there, reduced from the usual {DEFAULTS[quota]}"
            else:
                source = "AWS's default"
            if limit.field == RATE:
                advice = (
                    f"lower it, or record a raised quota with quotas: "
                    f"{{{quota}: {_n(limit.value)}}}"
                )
            else:
                advice = "lower it: AWS sets the account's burst from its rate quota"
            yield Problem(
                f"{limit.owner} has {limit.field} {_n(limit.value)}, above the account's API "
                f"Gateway {limit.field} of {in_force} {UNIT_OF[limit.field]} in {where} "
                f"({source}): AWS accepts it but it has no effect, requests beyond the "
                f"account's get 429; {advice}",
                limit.path,
                quota_related(architecture, quota),
            )


@rule(
    "AP602",
    "api-throttle-reduced-region",
    WARNING,
    "A throttle above the reduced API Gateway default of its Region.",
)
def api_throttle_reduced_region(architecture: Architecture) -> Iterator[Problem]:
    """In thirteen newer Regions API Gateway's account throttle defaults to 2,500 requests/s
    with a burst of 1,250, a quarter of the usual 10,000 / 5,000.

    A stage or route set between the two assumes the usual default. The Regions are
    af-south-1, eu-south-1, ap-southeast-3, me-central-1, ap-south-2, ap-southeast-4,
    eu-south-2, eu-central-2, il-central-1, ca-west-1, ap-southeast-5, ap-southeast-7 and
    mx-central-1. Request a quota increase and record it with
    `quotas: {api_gateway_rate: N, api_gateway_burst: M}`, or lower the setting.

    Fails:
        api_gateways:
          public:
            region: eu-south-1
            type: http
            throttle: {rate: 5000, burst: 1000}

    Passes:
        api_gateways:
          public:
            region: eu-south-1
            type: http
            throttle: {rate: 2000, burst: 1000}

    References:
        Amazon API Gateway Developer Guide, "Amazon API Gateway quotas" <https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html>
    """
    for gateway in architecture.api_gateways.values():
        if gateway.region not in REDUCED_QUOTA_REGIONS:
            continue
        for limit in _limits(gateway):
            quota = QUOTA_OF[limit.field]
            reduced = _account_default(gateway.region, limit.field)
            if quota in architecture.quotas_set or not reduced < limit.value <= DEFAULTS[quota]:
                continue
            yield Problem(
                f"{limit.owner} has {limit.field} {_n(limit.value)}, but API Gateway's default "
                f"account {limit.field} in {gateway.region} is {reduced} {UNIT_OF[limit.field]}, "
                f"not {DEFAULTS[quota]}: requests beyond it get 429; request a quota increase "
                f"and record it with quotas: {{{quota}: {_n(limit.value)}}}, or lower it",
                limit.path,
            )


@rule(
    "AP603",
    "api-route-above-stage",
    WARNING,
    "A route throttle above its stage's default throttle.",
)
def api_route_above_stage(architecture: Architecture) -> Iterator[Problem]:
    """The stage's throttle is the default for each route; a route's own throttle replaces it,
    even when it is higher, so the stage's number does not bound that route.

    A route set above its stage usually means the stage was meant as a ceiling. Make the
    route's limit at most the stage's, or raise the stage if the route really needs more
    (and check that its backend can serve it).

    Fails:
        api_gateways:
          public:
            region: us-east-1
            type: http
            throttle: {rate: 1000, burst: 500}
            routes:
              "GET /orders": {rate: 2000, burst: 500}

    Passes:
        api_gateways:
          public:
            region: us-east-1
            type: http
            throttle: {rate: 1000, burst: 500}
            routes:
              "GET /orders": {rate: 800, burst: 400}

    References:
        Amazon API Gateway Developer Guide, "Throttle requests to your REST APIs for better throughput in API Gateway" <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html>
        Amazon API Gateway Developer Guide, "Throttle requests to your HTTP APIs for better throughput in API Gateway" <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html>
    """
    for gateway in architecture.api_gateways.values():
        stage = gateway.throttle
        for route in gateway.routes.values():
            pairs = (
                (RATE, route.throttle.rate, stage.rate),
                (BURST, route.throttle.burst, stage.burst),
            )
            for field, mine, ceiling in pairs:
                if mine is None or ceiling is None or mine <= ceiling:
                    continue
                yield Problem(
                    f'route "{route.key}" of API "{gateway.name}" has {field} {_n(mine)}, above '
                    f"its stage's {_n(ceiling)}: a route's own throttle replaces the stage's, so "
                    f"the stage does not limit this route; lower the route to at most "
                    f"{_n(ceiling)}, or raise the stage",
                    (*route.path, field),
                    (Related(f"the stage's {field} is here", (*gateway.path, "throttle", field)),),
                )


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
    for gateway in architecture.api_gateways.values():
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


# -- backends -----------------------------------------------------------------------------


class _Admitted(NamedTuple):
    """The rate a route lets through to its backend, and why that number."""

    rate: Decimal
    reason: str


def _admitted(architecture: Architecture, gateway: ApiGateway, route: ApiRoute) -> _Admitted | None:
    """A route admits its own rate, else its stage's (applied per route), else the account's;
    never more than the account's throttle for the Region. None when a rate that would decide
    it was written but rejected: the fallback is not what the file meant (no cascades)."""
    if architecture.is_rejected(*route.path, "rate") or (
        route.throttle.rate is None and architecture.is_rejected(*gateway.path, "throttle", "rate")
    ):
        return None
    account = Decimal(_account_limit(architecture, gateway.region, RATE))
    if route.throttle.rate is not None:
        rate, reason = route.throttle.rate, "its rate"
    elif gateway.throttle.rate is not None:
        rate, reason = gateway.throttle.rate, "its stage's rate"
    else:
        return _Admitted(account, "no rate on the route or its stage: the account's throttle")
    if rate > account:
        return _Admitted(account, "the account's throttle, below the route's own")
    return _Admitted(rate, reason)


class _Capacity(NamedTuple):
    group: ScalingGroup
    serves: Decimal
    formula: str


def _capacity(architecture: Architecture, route: ApiRoute) -> _Capacity | None:
    """What the route's backend group serves at max and its target utilization, if known."""
    group = architecture.scaling_groups.get(route.backend or "")
    if group is None or group.per_unit is None or group.max is None:
        return None
    if group.is_invalid("max") or any(path[0] == "capacity" for path in group.invalid):
        return None  # a target utilization written but rejected is not the default 100
    serves = served_by(group.max, group.per_unit, group.target_utilization)
    formula = (
        f"max {group.max} × {_n(group.per_unit)} per unit × "
        f"{group.target_utilization} % target utilization"
    )
    return _Capacity(group, serves, formula)


@rule(
    "AP605",
    "api-backend-capacity",
    WARNING,
    "A route admits more requests than its backend group serves at max.",
)
def api_backend_capacity(architecture: Architecture) -> Iterator[Problem]:
    """Throttling protects a backend only when its numbers agree with what the backend serves.

    A route whose `backend` is a scaling group admits its own `rate` (else its stage's rate,
    which applies to each route, else the account's throttle). The group serves at most
    `max × per_unit × target_utilization / 100` while keeping its target utilization. When
    the route admits more, the group runs hot, scales to max and still falls behind. Lower
    the route's rate to what the group serves, or raise the group's `max`. Groups without a
    `capacity` section are not checked.

    Changed: silent when the route's or stage's rate, or the group's max or
    capacity, was written but rejected.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            capacity: {per_unit: 200, target_utilization: 60}
            purchase: {on_demand_percentage_above_base: 100}
        api_gateways:
          public:
            region: us-east-1
            type: rest
            throttle: {rate: 5000, burst: 2000}
            routes:
              "GET /orders": {backend: web, rate: 3000, burst: 1000}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            capacity: {per_unit: 200, target_utilization: 60}
            purchase: {on_demand_percentage_above_base: 100}
        api_gateways:
          public:
            region: us-east-1
            type: rest
            throttle: {rate: 5000, burst: 2000}
            routes:
              "GET /orders": {backend: web, rate: 1200, burst: 600}

    References:
        Amazon API Gateway Developer Guide, "Throttle requests to your REST APIs for better throughput in API Gateway" <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html>
        Amazon EC2 Auto Scaling User Guide, "Target tracking scaling policies for Amazon EC2 Auto Scaling" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html>
    """
    for gateway in architecture.api_gateways.values():
        for route in gateway.routes.values():
            capacity = _capacity(architecture, route)
            if capacity is None:
                continue
            admitted = _admitted(architecture, gateway, route)
            if admitted is None or admitted.rate <= capacity.serves:
                continue
            group = capacity.group
            yield Problem(
                f'route "{route.key}" of API "{gateway.name}" admits up to {_n(admitted.rate)} '
                f"requests/s ({admitted.reason}), but its backend, scaling group "
                f'"{group.name}", serves at most {_n(capacity.serves)} ({capacity.formula}); '
                f"set the route's rate to at most {_n(capacity.serves)}, or raise the group's max",
                (*route.path, "rate") if route.throttle.rate is not None else route.path,
                (
                    Related(
                        f'scaling group "{group.name}" has max {group.max}', (*group.path, "max")
                    ),
                ),
            )


@rule(
    "AP606",
    "api-backend-shared-capacity",
    WARNING,
    "Routes on one backend group together admit more than it serves at max.",
)
def api_backend_shared_capacity(architecture: Architecture) -> Iterator[Problem]:
    """Each route has its own throttle, so the routes sharing a backend add up: a group behind
    `GET /orders` and `POST /orders` gets the sum of what both admit.

    The rate each route admits is counted as in api-backend-capacity (AP605); routes in one
    Region together never pass the account's throttle there. When the sum is above what the
    group serves at max (`max × per_unit × target_utilization / 100`), lower the routes'
    rates or raise the group's `max`. Reported for groups behind two routes or more, with a
    `capacity` section.

    Changed: silent when a rate, or the group's max or capacity, was written but
    rejected.

    Fails:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            capacity: {per_unit: 200, target_utilization: 60}
            purchase: {on_demand_percentage_above_base: 100}
        api_gateways:
          public:
            region: us-east-1
            type: rest
            throttle: {rate: 5000, burst: 2000}
            routes:
              "GET /orders": {backend: web, rate: 1000, burst: 500}
              "POST /orders": {backend: web, rate: 500, burst: 200}

    Passes:
        vpcs:
          app:
            region: us-east-1
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b}
        scaling_groups:
          web:
            vpc: app
            subnets: [app-a, app-b]
            instance_types: [m6i.large, m5.large]
            min: 2
            max: 10
            capacity: {per_unit: 200, target_utilization: 60}
            purchase: {on_demand_percentage_above_base: 100}
        api_gateways:
          public:
            region: us-east-1
            type: rest
            throttle: {rate: 5000, burst: 2000}
            routes:
              "GET /orders": {backend: web, rate: 800, burst: 500}
              "POST /orders": {backend: web, rate: 300, burst: 200}

    References:
        Amazon API Gateway Developer Guide, "Throttle requests to your REST APIs for better throughput in API Gateway" <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html>
        Amazon EC2 Auto Scaling User Guide, "Target tracking scaling policies for Amazon EC2 Auto Scaling" <https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html>
    """
    behind: dict[str, tuple[_Capacity, list[tuple[ApiGateway, ApiRoute, _Admitted]]]] = {}
    unknown: set[str] = set()  # groups behind a route whose rate was rejected: no sum
    for gateway in architecture.api_gateways.values():
        for route in gateway.routes.values():
            capacity = _capacity(architecture, route)
            if capacity is not None:
                admitted = _admitted(architecture, gateway, route)
                if admitted is None:
                    unknown.add(capacity.group.name)
                    continue
                entry = behind.setdefault(capacity.group.name, (capacity, []))
                entry[1].append((gateway, route, admitted))
    for capacity, routes in behind.values():
        if len(routes) < 2 or capacity.group.name in unknown:
            continue
        group = capacity.group
        by_region: dict[str | None, Decimal] = {}
        for gateway, _, admitted in routes:
            by_region[gateway.region] = by_region.get(gateway.region, Decimal(0)) + admitted.rate
        total = sum(
            (
                min(subtotal, Decimal(_account_limit(architecture, region, RATE)))
                for region, subtotal in by_region.items()
            ),
            Decimal(0),
        )
        if total <= capacity.serves:
            continue
        parts = ", ".join(
            f'"{route.key}" ({gateway.name}) {_n(admitted.rate)}'
            for gateway, route, admitted in routes
        )
        capped = sum(by_region.values(), Decimal(0)) != total
        cap_note = ", capped by the account's throttle" if capped else ""
        yield Problem(
            f'scaling group "{group.name}" is the backend of {len(routes)} routes that together '
            f"admit {_n(total)} requests/s ({parts}{cap_note}), but it serves at most "
            f"{_n(capacity.serves)} ({capacity.formula}); lower the routes' rates or raise the "
            "group's max",
            group.path,
            tuple(
                Related(
                    f'route "{route.key}" admits {_n(admitted.rate)}',
                    (*route.path, "rate") if route.throttle.rate is not None else route.path,
                )
                for gateway, route, admitted in routes
            ),
            on_key=True,
        )
