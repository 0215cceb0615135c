"""Lambda rules: functions in a VPC that cannot reach the AWS services they call, reserved
concurrency beyond what the account allows, and API routes that need more concurrency than
their function can get.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from archplan.findings import Severity
from archplan.model import Architecture, Throttle
from archplan.rules.registry import Problem, Related, quota_related, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING
# The egress analysis and the concurrency model load only when a file has functions
# (start-up: pre-commit runs archplan on every commit).


@rule(
    "AP805",
    "function-no-egress",
    WARNING,
    "A function in a VPC that can reach neither a NAT gateway nor the endpoints it needs.",
)
def function_no_egress(architecture: Architecture) -> Iterator[Problem]:
    """A Lambda function attached to a VPC reaches AWS services only through the VPC: "a
    function connected to a VPC can't access the internet unless your VPC provides access",
    and a public subnet gives it no public address. Without a default route to a NAT gateway
    (or another way out), each service the function lists in `aws_services` needs a VPC
    endpoint (an interface endpoint with private DNS, or a gateway endpoint on the subnet's
    route table for S3 and DynamoDB); otherwise its calls time out.

    Fails:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: private}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: private}
            route_tables:
              private: {routes: {}}
        functions:
          users:
            memory: 512
            duration_ms: {average: 80}
            vpc: app
            subnets: [app-a, app-b]
            aws_services: [dynamodb]

    Passes:
        defaults: {region: us-east-1}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              app-a: {cidr: 10.0.0.0/24, az: us-east-1a, route_table: private}
              app-b: {cidr: 10.0.1.0/24, az: us-east-1b, route_table: private}
            route_tables:
              private: {routes: {}}
            endpoints:
              dynamodb: {service: dynamodb, type: gateway, route_tables: [private]}
        functions:
          users:
            memory: 512
            duration_ms: {average: 80}
            vpc: app
            subnets: [app-a, app-b]
            aws_services: [dynamodb]

    References:
        AWS Lambda Developer Guide, "Enable internet access for VPC-connected Lambda functions" <https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html>
        AWS Lambda Developer Guide, "Connecting inbound interface VPC endpoints for Lambda" <https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html>
    """
    if not architecture.functions:
        return
    from archplan.analysis.egress import egress, egress_known

    for function in architecture.functions.values():
        vpc = architecture.vpcs.get(function.vpc or "")
        if vpc is None or not function.aws_services:
            continue
        if (
            not egress_known(architecture, vpc)
            or architecture.is_rejected(*function.path, "vpc")
            or architecture.rejected_within(*function.path, "subnets")
            or architecture.rejected_within(*function.path, "aws_services")
        ):
            continue  # a rejected route, endpoint or subnet may be the way out
        for name in dict.fromkeys(function.subnets):
            subnet = vpc.subnets.get(name)
            if subnet is None:
                continue
            missing = egress(vpc, subnet).missing(function.aws_services, images=False)
            if missing:
                yield Problem(
                    f'function "{function.name}" runs in subnet "{name}", which has no default '
                    f"route (NAT gateway) and no endpoint for {', '.join(missing)}: those calls "
                    "cannot leave the VPC; add the endpoints or a route to a NAT gateway",
                    (*function.path, "aws_services"),
                )
                break


@rule(
    "AP806",
    "reserved-concurrency-quota",
    ERROR,
    "Reserved concurrency beyond the account's concurrency less the 100 AWS keeps unreserved.",
)
def reserved_concurrency_quota(architecture: Architecture) -> Iterator[Problem]:
    """Reserving concurrency for a function takes it from the Region's account pool, and AWS
    always keeps 100 unreserved for the other functions: "You can reserve up to the Unreserved
    account concurrency value that is shown, minus 100". The functions' reserved concurrency,
    added up per Region, must stay within the quota (`lambda_concurrent_executions`, 1,000 by
    default) less 100; the function that crosses it is refused.

    Fails:
        defaults: {region: us-east-1}
        functions:
          users:
            memory: 512
            duration_ms: {average: 80}
            reserved_concurrency: 600
          orders:
            memory: 512
            duration_ms: {average: 80}
            reserved_concurrency: 400

    Passes:
        defaults: {region: us-east-1}
        functions:
          users:
            memory: 512
            duration_ms: {average: 80}
            reserved_concurrency: 600
          orders:
            memory: 512
            duration_ms: {average: 80}
            reserved_concurrency: 300

    References:
        AWS Lambda Developer Guide, "Configuring reserved concurrency for a function" <https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html>
        AWS Lambda Developer Guide, "Lambda quotas" <https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html>
    """
    if not architecture.functions:
        return
    from archplan.capacity.containers import QUOTA, UNRESERVED_MINIMUM

    quota = architecture.quotas[QUOTA]
    allowed = quota - UNRESERVED_MINIMUM
    total: dict[str | None, int] = {}
    for function in architecture.functions.values():
        if function.reserved_concurrency is None:
            continue
        before = total.get(function.region, 0)
        total[function.region] = before + function.reserved_concurrency
        if before <= allowed < total[function.region]:
            yield Problem(
                f'function "{function.name}" reserves {function.reserved_concurrency}, bringing '
                f"the reserved concurrency in {function.region} to {total[function.region]}, "
                f"above the {allowed} AWS allows (the account's {quota} less the "
                f"{UNRESERVED_MINIMUM} kept unreserved)",
                (*function.path, "reserved_concurrency"),
                quota_related(architecture, QUOTA),
            )


def _rate(route_throttle: Throttle, stage: Throttle) -> Decimal | None:
    return route_throttle.rate if route_throttle.rate is not None else stage.rate


@rule(
    "AP807",
    "route-beyond-function-concurrency",
    WARNING,
    "API routes admit more requests than their function's concurrency can run.",
)
def route_beyond_function_concurrency(architecture: Architecture) -> Iterator[Problem]:
    """A Lambda function serves a request rate with rate × duration concurrent executions (AWS's
    own sizing formula). Routes whose backend is a function admit their throttle rate (else
    the stage's); together, at the function's p95 duration (else its average), they must fit
    the concurrency the function can get: its reserved concurrency, else the Region's quota
    less what other functions reserve. Beyond it, invocations are throttled and the API
    answers 500s.

    Fails:
        defaults: {region: us-east-1}
        functions:
          users:
            memory: 512
            duration_ms: {average: 200, p95: 400}
            reserved_concurrency: 100
        api_gateways:
          api:
            throttle: {rate: 1000, burst: 500}
            routes:
              "GET /users/{id}": {backend: users, rate: 300, burst: 100}

    Passes:
        defaults: {region: us-east-1}
        functions:
          users:
            memory: 512
            duration_ms: {average: 200, p95: 400}
            reserved_concurrency: 150
        api_gateways:
          api:
            throttle: {rate: 1000, burst: 500}
            routes:
              "GET /users/{id}": {backend: users, rate: 300, burst: 100}

    References:
        AWS Lambda Developer Guide, "Understanding Lambda function scaling" (calculating concurrency) <https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html>
        API Gateway Developer Guide, "Throttle requests to your REST APIs" <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html>
    """
    if not architecture.functions:
        return
    from archplan.capacity.containers import available_concurrency, concurrency

    routes: dict[str, list[tuple[str, Decimal, tuple[str | int, ...]]]] = {}
    unknown: set[str] = set()  # functions a route with a rejected rate leads to
    for gateway in architecture.api_gateways.values():
        for route in gateway.routes.values():
            function = architecture.functions.get(route.backend or "")
            if function is None:
                continue
            if architecture.is_rejected(*route.path, "rate") or (
                route.throttle.rate is None
                and architecture.is_rejected(*gateway.path, "throttle", "rate")
            ):
                unknown.add(function.name)  # the rate written is not the default in its place
                continue
            rate = _rate(route.throttle, gateway.throttle)
            if rate is None:
                continue
            routes.setdefault(function.name, []).append((f'"{route.key}"', rate, route.path))
    for name, admitted in routes.items():
        function = architecture.functions[name]
        if (
            name in unknown
            or architecture.rejected_within(*function.path, "duration_ms")
            or architecture.is_rejected(*function.path, "reserved_concurrency")
        ):
            continue
        duration = function.sizing_duration
        if duration is None:
            continue
        rate = sum((rate for _, rate, _ in admitted), Decimal(0))
        needed = concurrency(rate, duration)
        available = available_concurrency(architecture, function)
        if needed > available:
            shown = ", ".join(f"{key} {rate}" for key, rate, _ in admitted)
            which = "p95" if function.duration_p95 is not None else "average"
            yield Problem(
                f'routes to function "{name}" admit {rate} requests/s ({shown}); at its {which} '
                f"duration of {duration} ms that is {needed} concurrent executions, above the "
                f"{available} it can get; lower the routes' rate or reserve more concurrency",
                admitted[0][2],
                (
                    Related(f'function "{name}" is here', function.path),
                    *tuple(Related("another route to it", path) for _, _, path in admitted[1:]),
                ),
            )
