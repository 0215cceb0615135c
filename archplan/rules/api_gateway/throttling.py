"""Throttling: a stage above the account quota or a Region's reduced quota, a route above its
stage."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from archplan.findings import Path, Severity
from archplan.model import ApiGateway, Architecture, Throttle
from archplan.quotas import DEFAULTS
from archplan.rules.api_gateway._shared import (
    BURST,
    QUOTA_OF,
    RATE,
    REDUCED_QUOTA_REGIONS,
    account_default,
    account_limit,
    plain_number,
)
from archplan.rules.registry import Problem, Related, quota_related, rule

WARNING = Severity.WARNING


UNIT_OF = {RATE: "requests/s", BURST: "requests"}


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
            if architecture.is_rejected("quotas", quota):
                continue  # written but rejected: AWS's default is not the user's quota
            configured = quota in architecture.quotas_set
            ceiling = architecture.quotas[quota] if configured else DEFAULTS[quota]
            if limit.value <= ceiling:
                continue
            in_force = account_limit(architecture, gateway.region, limit.field)
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
                    f"{{{quota}: {plain_number(limit.value)}}}"
                )
            else:
                advice = "lower it: AWS sets the account's burst from its rate quota"
            yield Problem(
                f"{limit.owner} has {limit.field} {plain_number(limit.value)}, above the account's API "
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
            reduced = account_default(gateway.region, limit.field)
            if quota in architecture.quotas_set or not reduced < limit.value <= DEFAULTS[quota]:
                continue
            if architecture.is_rejected("quotas", quota):
                continue  # a quota was written, only rejected: it may be the raised one
            yield Problem(
                f"{limit.owner} has {limit.field} {plain_number(limit.value)}, but API Gateway's default "
                f"account {limit.field} in {gateway.region} is {reduced} {UNIT_OF[limit.field]}, "
                f"not {DEFAULTS[quota]}: requests beyond it get 429; request a quota increase "
                f"and record it with quotas: {{{quota}: {plain_number(limit.value)}}}, or lower it",
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
                    f'route "{route.key}" of API "{gateway.name}" has {field} {plain_number(mine)}, above '
                    f"its stage's {plain_number(ceiling)}: a route's own throttle replaces the stage's, so "
                    f"the stage does not limit this route; lower the route to at most "
                    f"{plain_number(ceiling)}, or raise the stage",
                    (*route.path, field),
                    (Related(f"the stage's {field} is here", (*gateway.path, "throttle", field)),),
                )
