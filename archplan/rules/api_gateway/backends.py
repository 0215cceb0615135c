"""Backends: a scaling group's capacity against the requests its routes admit, alone or shared."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from archplan.capacity.serving import served_by
from archplan.findings import Severity
from archplan.model import ApiGateway, ApiRoute, Architecture, ScalingGroup
from archplan.rules.api_gateway._shared import RATE, account_limit, plain_number
from archplan.rules.registry import Problem, Related, rule

WARNING = Severity.WARNING


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
    account = Decimal(account_limit(architecture, gateway.region, RATE))
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
        f"max {group.max} × {plain_number(group.per_unit)} per unit × "
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
                f'route "{route.key}" of API "{gateway.name}" admits up to {plain_number(admitted.rate)} '
                f"requests/s ({admitted.reason}), but its backend, scaling group "
                f'"{group.name}", serves at most {plain_number(capacity.serves)} ({capacity.formula}); '
                f"set the route's rate to at most {plain_number(capacity.serves)}, or raise the group's max",
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
                min(subtotal, Decimal(account_limit(architecture, region, RATE)))
                for region, subtotal in by_region.items()
            ),
            Decimal(0),
        )
        if total <= capacity.serves:
            continue
        parts = ", ".join(
            f'"{route.key}" ({gateway.name}) {plain_number(admitted.rate)}'
            for gateway, route, admitted in routes
        )
        capped = sum(by_region.values(), Decimal(0)) != total
        cap_note = ", capped by the account's throttle" if capped else ""
        yield Problem(
            f'scaling group "{group.name}" is the backend of {len(routes)} routes that together '
            f"admit {plain_number(total)} requests/s ({parts}{cap_note}), but it serves at most "
            f"{plain_number(capacity.serves)} ({capacity.formula}); lower the routes' rates or raise the "
            "group's max",
            group.path,
            tuple(
                Related(
                    f'route "{route.key}" admits {plain_number(admitted.rate)}',
                    (*route.path, "rate") if route.throttle.rate is not None else route.path,
                )
                for gateway, route, admitted in routes
            ),
            on_key=True,
        )
